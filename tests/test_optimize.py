"""Personal parameters: `cmirev optimize` fits, checks on later reviews, and keeps only a win."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest
from typer.testing import CliRunner

from cmirev import optimize, scheduler
from cmirev.evaluate import Event, read_revlog
from cmirev.scheduler import Settings
from cmirev.store import Store

from .conftest import shared_path
from .test_cli import run

LOG = ("review-logs", "anki-review-log-1.csv")


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return read_revlog(shared_path(*LOG))


def test_fitted_parameters_beat_the_defaults_on_later_reviews(events: list[Event]) -> None:
    """On the shared log, parameters fitted on earlier reviews predict later ones better: the
    calibration error falls by about a third (0.062 -> 0.041), log loss a little."""
    report = optimize.held_out(events, Settings(fuzz=False), UTC)
    assert report is not None and report["personal"] is not None
    base, mine = report["default"], report["personal"]
    assert report["test"] == 5230
    assert base["rmse_bins"] == pytest.approx(0.0622, abs=0.002)
    assert mine["rmse_bins"] < base["rmse_bins"] - 0.015
    assert mine["log_loss"] < base["log_loss"]
    assert optimize.better(report)


def test_a_fit_is_not_tried_on_a_short_history(events: list[Event]) -> None:
    """Under 1,000 scored reviews the defaults stay, and the learner is told why."""
    short = [e for e in events if e.card in {e.card for e in events[:300]}]
    result = optimize.optimize(short, Settings(fuzz=False), UTC)
    assert result["adopt"] is None
    assert result["scored"] < optimize.MIN_SCORED
    assert "needs 1,000" in result["reason"]


def _learner_home(home: Path, events: list[Event], cards: int) -> None:
    """A learner's store holding the first ``cards`` cards' histories of the shared log."""
    home.mkdir(parents=True, exist_ok=True)
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card].append(event)
    settings = Settings(fuzz=False)
    with Store(home / "reviews.sqlite3") as store:
        for card_id in list(by_card)[:cards]:
            card = None
            for event in sorted(by_card[card_id], key=lambda e: e.at):
                after = scheduler.review(
                    settings, card_id, card, event.rating, event.at, Random(0), UTC
                )
                store.record(
                    card_id, "cloze", event.rating, event.rating > 1, event.at, card, after
                )
                card = after


def test_optimize_saves_a_winning_fit_and_the_scheduler_uses_it(
    runner: CliRunner, events: list[Event], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a learner's own history, the fit is checked, saved, shown by config and evaluate,
    used for scheduling, and --reset goes back to the defaults."""
    home = tmp_path / "learner"
    monkeypatch.setenv("CMIREV_HOME", str(home))
    monkeypatch.setenv("TZ", "UTC")
    _learner_home(home, events, 700)
    code, out, err = run(runner, "optimize", "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["scored"] >= optimize.MIN_SCORED
    assert dry["saved"] is None and not (home / "parameters.json").exists()
    code, out, err = run(runner, "optimize", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert optimize.better(result["held_out"]) == (result["adopt"] is not None)
    assert result["adopt"] is not None, "the fit should win on this much of the shared log"
    saved = json.loads((home / "parameters.json").read_text())
    assert saved["parameters"] == result["adopt"] and len(saved["parameters"]) == 21

    code, out, _ = run(runner, "config", "parameters")
    assert code == 0 and "personal" in out
    code, out, _ = run(runner, "evaluate", "--json")
    assert json.loads(out)["in_use"] == "personal"
    from cmirev.config import load_settings

    mine = load_settings(home)
    assert mine.parameters == tuple(result["adopt"])
    # The same answers give a different memory state under the personal parameters.
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)
    states = {}
    for name, settings in (("mine", mine), ("plain", Settings(fuzz=False))):
        card = None
        for rating, day in ((3, 0), (3, 1), (3, 4)):
            at = start + timedelta(days=day)
            card = scheduler.review(settings, "x", card, rating, at, Random(0), UTC)
        states[name] = card
    assert states["mine"] is not None and states["plain"] is not None
    assert states["mine"].stability != pytest.approx(states["plain"].stability)

    code, out, _ = run(runner, "optimize", "--reset")
    assert code == 0 and "defaults are in use" in out
    assert not (home / "parameters.json").exists()
    code, out, _ = run(runner, "config", "parameters")
    assert "FSRS-6 defaults" in out


def test_a_damaged_parameters_file_is_one_line_and_can_be_reset(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CMIREV_HOME", str(home))
    (home / "parameters.json").write_text('{"parameters": [1, 2, 3]}')
    code, out, err = run(runner, "due")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "21 parameters" in err and "optimize --reset" in err
    (home / "parameters.json").write_text(json.dumps({"parameters": [100.0] * 21}))
    code, _, err = run(runner, "config")
    assert code == 1 and "out of bounds" in err and "Traceback" not in err
    code, out, _ = run(runner, "optimize", "--reset")
    assert code == 0
    assert run(runner, "due")[0] == 0
    code, _, err = run(runner, "config", "parameters", "1 2 3")
    assert code == 2 and "cmirev optimize" in err


def test_without_the_optimiser_evaluate_still_scores_and_optimize_says_what_to_install(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = shared_path(*LOG).read_text().splitlines()
    part = tmp_path / "part.csv"
    part.write_text("\n".join(source[:4000]) + "\n")
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # import fails
    code, out, err = run(runner, "evaluate", "--revlog", str(part), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["held_out"]["personal"] is None
    assert "pip install 'cmirev[optimize]'" in report["held_out"]["note"]
    code, out, err = run(runner, "optimize", "--revlog", str(part))
    assert code == 1 and out == ""
    assert err == (
        "Error: fitting parameters needs the optional optimiser: pip install 'cmirev[optimize]'\n"
    )
