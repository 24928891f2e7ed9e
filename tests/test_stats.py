"""`cmirev stats`: figures after simulated weeks, the empty case, JSON keys, widths, no colour."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cmirev import stats as figures
from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.render import PlainOut, RichOut, stats_view
from cmirev.store import Store

from .helpers import answer, study_at

START = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
MYTH = "public-services-leadership/mehrabian-93-percent"


def simulate(catalog: Catalog, path: Path, days: int) -> datetime:
    """Drill daily for ``days`` days: due items answered right 4 times in 5, new ones right;
    the Mehrabian myth answered wrongly every time it comes up. Returns the last moment."""
    rng = random.Random(5)
    moment = START
    for day in range(days):
        moment = START + timedelta(days=day)
        study = study_at(catalog, path, moment)
        plan = study.plan(list(catalog.units), new_limit=6 if day else 5)
        items = plan.due + plan.new + ([] if day else [MYTH])
        for gid in items:
            answer(study, gid, gid != MYTH and (gid in plan.new or rng.random() < 0.8))
        study.store.close()
    return moment


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path, datetime]:
    """Three simulated weeks of daily drills."""
    catalog = load_catalog()
    path = tmp_path_factory.mktemp("weeks") / "reviews.sqlite3"
    last = simulate(catalog, path, 21)
    return catalog, path, last


def report(weeks: tuple[Catalog, Path, datetime], units: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    catalog, path, last = weeks
    study = study_at(catalog, path, last + timedelta(hours=1))
    chosen = [u for u in catalog.units if units is None or u.id in units]
    return figures.compute(study, chosen)


def test_figures_after_three_weeks(weeks: tuple[Catalog, Path, datetime]) -> None:
    """Counts, streak and retention agree with the log the simulation wrote."""
    _, path, last = weeks
    data = report(weeks)
    store = Store(path)
    total = store.count_reviews()
    due_reviews = [
        r
        for r in store.reviews(since=last - timedelta(days=6, hours=1))
        if r.before and r.before.state == 2
    ]
    assert data["reviews_total"] == total
    assert data["streak_days"] == 21
    assert data["reviews_today"] == store.count_reviews(since=last - timedelta(hours=1))
    expected = sum(r.correct for r in due_reviews) / len(due_reviews)
    assert data["retention_7d"] == pytest.approx(expected, abs=0.0001)
    items = data["items"]
    assert items["new"] + items["learning"] + items["learned"] + items["leeches"] == items["total"]
    assert items["learned"] > 0
    assert len(data["calendar"]) == 140
    assert sum(day["reviews"] for day in data["calendar"]) == total
    assert len(data["forecast"]) == 30


def test_json_keys_and_readiness_per_outcome_and_criterion(
    runner: CliRunner, weeks: tuple[Catalog, Path, datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--json carries the documented keys, and readiness per unit, outcome and criterion."""
    _, path, last = weeks
    monkeypatch.setenv("CMIREV_HOME", str(path.parent))
    result = runner.invoke(
        app, ["stats", "--json"], env={"CMIREV_NOW": (last + timedelta(hours=1)).isoformat()}
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for key in (
        "reviews_total",
        "reviews_today",
        "streak_days",
        "retention_7d",
        "retention_30d",
        "due_today",
        "units",
    ):
        assert key in data
    unit = next(u for u in data["units"] if u["unit"] == "public-services-leadership")
    assert [o["id"] for o in unit["outcomes"]] and all(
        0 <= o["readiness"] <= 1 for o in unit["outcomes"]
    )
    assert {c["id"] for c in unit["criteria"]} == {"AC1", "AC2", "AC3"}
    readiness = [c["readiness"] for c in unit["criteria"]]
    assert readiness == sorted(readiness)


def test_the_misconception_fallen_for_most_comes_first(
    weeks: tuple[Catalog, Path, datetime],
) -> None:
    """A myth answered wrongly every time heads the list, with its correction and count."""
    data = report(weeks)
    top = data["misconceptions_fallen_for"][0]
    assert top["item"] == MYTH
    assert top["times"] >= 2
    assert "7-38-55" in top["correction"]


def test_unit_filter_counts_only_that_unit(weeks: tuple[Catalog, Path, datetime]) -> None:
    """--unit restricts reviews and readiness to the unit's items."""
    one = report(weeks, ["public-services-leadership"])
    everything = report(weeks)
    assert 0 < one["reviews_total"] < everything["reviews_total"]
    assert [u["unit"] for u in one["units"]] == ["public-services-leadership"]


def test_no_history_explains_and_exits_0(runner: CliRunner) -> None:
    """Before any answer, stats says what will appear and how to start."""
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert "Nothing to show yet" in result.stdout
    assert "cmirev drill" in result.stdout


@pytest.mark.parametrize("width", [80, 120])
def test_renders_within_the_width_without_colour(
    weeks: tuple[Catalog, Path, datetime], width: int
) -> None:
    """At 80 and 120 columns, no line overflows, the heatmap and charts keep their rows, and
    with colour off the meaning is still in the glyphs."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, force_terminal=True, highlight=False)
    stats_view(RichOut(console), report(weeks), full=True)
    text = buffer.getvalue()
    assert "\x1b[3" not in text  # no colour codes
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in text.splitlines()]
    assert max(len(line) for line in lines) <= width, max(lines, key=len)
    heat = [
        line
        for line in lines
        if line[:4] in ("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ")
    ]
    assert len(heat) == 7
    assert all(len(line.split()) == 21 for line in heat)  # a label and 20 weeks, none wrapped
    assert any("█" in line for line in heat)
    assert "Readiness by learning outcome, weakest first" in text
    assert "Myth (" in text


def test_plain_output_keeps_every_figure(weeks: tuple[Catalog, Path, datetime]) -> None:
    """Piped, stats is plain text with the same sections."""
    buffer = io.StringIO()
    stats_view(PlainOut(buffer), report(weeks), full=True)
    text = buffer.getvalue()
    for heading in (
        "Reviews per day, last 20 weeks",
        "Workload, next 30 days",
        "Readiness by unit",
        "Weakest items",
    ):
        assert heading in text
    assert "streak 21 days" in text


def test_stats_says_what_the_calibration_found(weeks: tuple[Catalog, Path, datetime]) -> None:
    """When the learner's answers moved the calibration, stats says how, in one line; while
    it is FSRS's own, it says nothing about it."""
    shown = report(weeks)
    fitted = {
        "exponent": 2.4,
        "first": 1.6,
        "lapsed": 0.5,
        "growth": 0.2,
        "decay": 0.6,
        "fsrs_decay": 0.1542,
        "reviews": 900,
    }
    buffer = io.StringIO()
    stats_view(PlainOut(buffer), {**shown, "calibration": fitted}, full=True)
    line = next(t for t in buffer.getvalue().splitlines() if t.startswith("Recall "))
    assert "fitted to your 900 recall answers" in line
    assert "you forget faster than FSRS's average learner (exponent 2.40" in line
    assert "x1.60 for items not yet reviewed on a second day" in line
    assert "x0.50 for items you forgot once" in line and "more as items mature" in line
    assert "after a long break your forgetting keeps its pace (decay 0.60; FSRS 0.15)" in line
    plain = {**fitted, "exponent": 1.0, "first": 1.0, "lapsed": 1.0, "growth": 0.0, "decay": None}
    buffer = io.StringIO()
    stats_view(PlainOut(buffer), {**shown, "calibration": plain}, full=True)
    assert not any(t.startswith("Recall ") for t in buffer.getvalue().splitlines())
