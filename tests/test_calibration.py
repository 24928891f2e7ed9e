"""Recall calibrated to the learner: factors fitted to their own recall answers."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from cmirev import scheduler
from cmirev.calibration import (
    FSRS6_DECAY,
    MIN_REVIEWS,
    Calibration,
    curve_factor,
    fit,
    held_out,
)
from cmirev.evaluate import Scored, scored

T0 = datetime(2026, 1, 5, 18, tzinfo=UTC)


def fsrs_recall(span: float) -> float:
    """FSRS-6's default forgetting curve at elapsed time / stability = ``span``."""
    return float((1 + curve_factor(FSRS6_DECAY) * span) ** -FSRS6_DECAY)


def row(
    r: float,
    recalled: bool,
    *,
    stability: float = 5.0,
    first: bool = False,
    lapsed: bool = False,
    fmt: str | None = "recall",
) -> Scored:
    days = max(1, round(stability * ((r ** (-1 / FSRS6_DECAY) - 1) / curve_factor(FSRS6_DECAY))))
    return Scored(r, int(recalled), (0.0, 0.0, 0.0), days, stability, first, lapsed, fmt, T0)


def answers(k: float, n: int, seed: int = 1, **kind: object) -> list[Scored]:
    """n recall answers whose FSRS recall is spread over 0.6-0.99 and whose outcomes follow a
    learner whose true recall is that to the power k."""
    rng = Random(seed)
    rows = []
    for _ in range(n):
        r = rng.uniform(0.6, 0.99)
        rows.append(row(r, rng.random() < r**k, **kind))  # type: ignore[arg-type]
    return rows


def test_a_fast_forgetter_gets_an_exponent_above_one_and_a_slow_one_below() -> None:
    """Answers recalled less often than FSRS predicts give k > 1, more often k < 1."""
    fast = fit(answers(3.0, 2000))
    slow = fit(answers(0.5, 2000))
    assert 2.5 < fast.exponent < 3.5
    assert 0.4 < slow.exponent < 0.65
    assert fast.recall(0.9) < 0.8 < 0.9 < slow.recall(0.9)


def test_answers_that_fsrs_predicts_well_leave_its_predictions_alone() -> None:
    """A learner who recalls as often as FSRS says keeps FSRS's predictions (the fit is pulled
    back to them by as much as chance explains)."""
    fits = [fit(answers(1.0, 1500, seed=seed)) for seed in range(1, 6)]
    assert sum(f == Calibration(reviews=1500) for f in fits) >= 3  # chance alone: no change
    for same in fits:
        for r in (0.65, 0.8, 0.95):
            assert same.recall(r, 5.0) == pytest.approx(r, abs=0.05)


def test_too_few_answers_change_nothing() -> None:
    """Under MIN_REVIEWS recall answers there is no fit: FSRS's predictions stand."""
    few = fit(answers(3.0, MIN_REVIEWS - 1))
    assert few == Calibration(reviews=MIN_REVIEWS - 1)
    assert few.recall(0.9, 5.0, True, True) == pytest.approx(0.9)


def test_recognition_answers_are_not_evidence_of_recall() -> None:
    """Right multiple-choice and true/false answers do not pull the fit toward FSRS: only
    recall answers (and flashcards from an exported log) count."""
    recall = answers(3.0, 400)
    guesses = [row(0.9, True, fmt=fmt) for fmt in ("true-false", "term") for _ in range(1000)]
    both = fit(recall + guesses)
    assert both.reviews == 400
    assert both == fit(recall)
    assert fit(guesses) == Calibration(reviews=0)
    flashcards = fit(answers(3.0, 400, fmt=None))
    assert flashcards.exponent > 2.5


def test_each_kind_of_card_gets_its_own_factor() -> None:
    """Cards in their first interval and cards forgotten before are fitted apart from the rest:
    FSRS's first guess and its post-lapse stability can each be off by their own amount."""
    rows = (
        answers(2.5, 1500, seed=1)
        + answers(6.0, 800, seed=2, first=True)
        + answers(1.0, 800, seed=3, lapsed=True)
    )
    cal = fit(rows)
    assert 2.1 < cal.exponent < 3.0
    assert 2.0 < cal.exponent * cal.first < 9.0 and cal.first > 1.5
    assert cal.exponent * cal.lapsed == pytest.approx(1.0, abs=0.35)
    assert (
        cal.recall(0.9, 5.0, first=True) < cal.recall(0.9, 5.0) < cal.recall(0.9, 5.0, lapsed=True)
    )


def exponential_learner(n: int, seed: int) -> list[Scored]:
    """Answers of a learner whose memory fades exponentially (not as FSRS's power law) at the
    pace FSRS's stability says, reviewed anywhere from a fifth of the stability to three
    times it: recall is 0.9 ** (2 t / S)."""
    rng = Random(seed)
    rows = []
    for _ in range(n):
        stability = 10 * rng.lognormvariate(0, 0.5)
        span = rng.uniform(0.2, 3.0)
        truth = 0.9 ** (2 * span)
        rows.append(row(fsrs_recall(span), rng.random() < truth, stability=stability))
    return rows


def one_exponent(rows: list[Scored]) -> float:
    """The maximum-likelihood single exponent on FSRS's own curve (the calibration before
    each kind of card and the curve's shape were fitted)."""

    def loss(k: float) -> float:
        total = 0.0
        for r in rows:
            q = min(max(r.predicted**k, 1e-9), 1 - 1e-9)
            total -= math.log(q) if r.recalled else math.log(1 - q)
        return total

    low, high = math.log(0.2), math.log(20)
    for _ in range(60):
        a, b = high - 0.618 * (high - low), low + 0.618 * (high - low)
        if loss(math.exp(a)) < loss(math.exp(b)):
            high = b
        else:
            low = a
    return math.exp((low + high) / 2)


def test_exponential_forgetting_is_not_overstated_after_a_long_break() -> None:
    """A learner whose memory fades exponentially: one exponent on FSRS's heavy-tailed curve
    fits the usual gaps but overstates recall after a long break; fitting the curve's decay as
    well predicts it within 0.05 at three stabilities (a month without study, for an item
    reviewed every ten days) and halves the miss at six (the decay stops at FSRS's bound, 0.8,
    still a little heavier-tailed than an exponential)."""
    rows = exponential_learner(3000, seed=7)
    cal = fit(rows)
    k = one_exponent(rows)
    assert cal.decay is not None and cal.decay > 4 * FSRS6_DECAY
    for span in (0.5, 1.0, 3.0):
        truth = 0.9 ** (2 * span)
        assert cal.recall(fsrs_recall(span), 10.0) == pytest.approx(truth, abs=0.05)
    assert fsrs_recall(3.0) ** k - 0.9**6 > 0.07  # the single exponent's miss
    miss = fsrs_recall(6.0) ** k - 0.9**12
    assert miss > 0.2
    assert abs(cal.recall(fsrs_recall(6.0), 10.0) - 0.9**12) < miss / 2


def test_reviews_are_scheduled_for_when_calibrated_recall_reaches_the_target() -> None:
    """FSRS's retention target for a card is where its calibrated recall is the desired one."""
    fast = Calibration(2.0, 500)
    target = fast.retention(0.9)
    assert target == pytest.approx(0.9**0.5)  # FSRS's R at due, so that R ** 2 = 0.9
    assert fast.recall(target) == pytest.approx(0.9)
    assert Calibration(20.0, 500).retention(0.9) == 0.99  # kept within FSRS's sensible range
    assert Calibration(4.0, 500).retention(0.9) == pytest.approx(0.9**0.25)  # above 0.97
    assert Calibration(0.4, 500).retention(0.9) == pytest.approx(0.9**2.5)
    shaped = Calibration(2.0, 500, first=1.5, lapsed=0.5, growth=0.2, decay=0.5)
    for kind in ((2.0, False, False), (40.0, False, True), (3.0, True, False)):
        assert shaped.retention(0.9, *kind) < 0.99  # not held at the top of the range
        at_due = shaped.retention(0.9, *kind)
        assert shaped.recall(at_due, *kind) == pytest.approx(0.9, abs=1e-6)
    assert shaped.retention(0.9, 3.0, True) > shaped.retention(0.9, 3.0)  # reviewed sooner
    assert shaped.retention(0.9, 3.0, lapsed=True) < shaped.retention(0.9, 3.0)  # later


def test_a_card_review_takes_its_own_retention_target() -> None:
    """The scheduler gives a card in review the interval of the target worked out for it; the
    memory state is the same whatever the target."""
    settings = scheduler.Settings(fuzz=False)
    card = None
    at = T0
    for _ in range(4):
        card = scheduler.review(settings, "u/x", card, 3, at, Random(0))
        at = card.due + timedelta(hours=1)
    plain = scheduler.review(settings, "u/x", card, 3, at, Random(0))
    sooner = scheduler.review(settings, "u/x", card, 3, at, Random(0), retention=lambda c: 0.97)
    assert (sooner.stability, sooner.difficulty) == (plain.stability, plain.difficulty)
    assert sooner.due < plain.due
    assert sooner.first_review == plain.first_review == T0


def test_a_card_in_its_first_interval_is_told_apart() -> None:
    """A card reviewed only on its first study day is in its first interval; one reviewed on a
    later day, or whose first review is not known, is not."""
    settings = scheduler.Settings(fuzz=False)
    day_one = scheduler.review(settings, "u/x", None, 3, T0, Random(0))
    day_one = scheduler.review(settings, "u/x", day_one, 3, T0 + timedelta(minutes=10), Random(0))
    assert scheduler.first_interval(day_one, UTC, 4)
    later = scheduler.review(settings, "u/x", day_one, 3, T0 + timedelta(days=3), Random(0))
    assert not scheduler.first_interval(later, UTC, 4)
    from dataclasses import replace

    assert not scheduler.first_interval(replace(day_one, first_review=None), UTC, 4)


def test_on_the_shared_log_calibration_predicts_later_reviews_better() -> None:
    """On the shared Anki log, calibrations fitted on earlier reviews predict later ones better
    than FSRS-6's defaults on both log loss and RMSE(bins) (five time-ordered folds)."""
    from cmirev.evaluate import read_revlog
    from cmirev.optimize import SEGMENTS, scored_times

    from .conftest import shared_path

    events = read_revlog(shared_path("review-logs", "anki-review-log-1.csv"))
    times = scored_times(events, UTC, 4)
    cuts: list[datetime | None] = [times[len(times) * k // SEGMENTS] for k in range(1, SEGMENTS)]
    folds = [(since, until) for since, until in zip(cuts, [*cuts[1:], None], strict=True)]
    report = held_out(scored(events, scheduler.Settings(fuzz=False), UTC), folds)  # type: ignore[arg-type]
    assert report["test"] == 5230
    base, mine = report["default"], report["calibrated"]
    assert base["log_loss"] == pytest.approx(0.4422, abs=0.001)
    assert mine["log_loss"] < base["log_loss"] - 0.005
    assert mine["rmse_bins"] < base["rmse_bins"] - 0.015


def test_a_learner_who_forgets_sees_lower_readiness_and_sooner_reviews(tmp_path: Path) -> None:
    """60 items learned, then all forgotten three days later: the fitted exponent is above
    one, readiness is below FSRS's raw prediction, and the next review comes sooner."""
    from cmirev import stats
    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    first = study_at(catalog, path, start, new_per_day=100)
    items = first.plan(list(catalog.units)).new[:60]
    for minutes in (0, 2, 15):  # right through the learning steps: in review by evening
        steps = study_at(catalog, path, start + timedelta(minutes=minutes))
        for gid in items:
            answer(steps, gid, True)
    later = study_at(catalog, path, start + timedelta(days=3))  # recall questions now
    for gid in items:
        answer(later, gid, False)
    check = study_at(catalog, path, start + timedelta(days=4))
    cal = check.calibration
    # refitted as the log grows by a tenth: the latest fit saw most of the 60 lapses
    assert cal.reviews >= 30 and cal.power(5.0, True) > 1.2
    card = check.card(items[0])
    assert card is not None
    raw = scheduler.retrievability(check.settings, card, check.now(), check.tz)
    assert check.recall(card) < raw
    shown = stats.compute(check, list(catalog.units))["calibration"]
    assert shown["reviews"] == cal.reviews and shown["first"] == cal.first
    assert cal.retention(0.9, 5.0, True) > 0.9  # reviewed sooner than FSRS alone would


def test_the_calibration_is_kept_in_the_store_and_refitted_as_the_log_grows(
    tmp_path: Path,
) -> None:
    """The fit is saved with the log's size; a new session reads it instead of refitting."""
    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    study = study_at(catalog, path, datetime(2026, 11, 2, 9, tzinfo=UTC), new_per_day=100)
    for gid in study.plan(list(catalog.units)).new[:30]:
        answer(study, gid, True)
    saved = study.store.calibration()
    assert saved is not None  # fitted (on nothing yet) and kept
    again = study_at(catalog, path, datetime(2026, 11, 2, 10, tzinfo=UTC))
    again.calibration  # noqa: B018 - read from the store, not refitted
    assert again.store.calibration() == saved


def _without_first(card: scheduler.CardState) -> dict[str, object]:
    state = json.loads(card.to_json())
    del state["first_review"]
    return dict(state)


def test_a_store_with_the_one_exponent_calibration_upgrades(tmp_path: Path) -> None:
    """A schema-7 store (one exponent, fitted on every answer) upgrades to schema 8: its
    reviews and cards are kept, each card learns its first review from the log, and the old
    fit is dropped, to be refitted from the log with the new model."""
    import sqlite3

    from cmirev.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "v7.db"
    db = sqlite3.connect(path)
    for version in range(1, 8):
        db.executescript(MIGRATIONS[version])
    settings = scheduler.Settings(fuzz=False)
    card = None
    for n, at in enumerate((T0, T0 + timedelta(days=2), T0 + timedelta(days=9))):
        after = scheduler.review(settings, "u/x", card, 3, at, Random(0))
        # the states as schema 7 logged them: no first review in them
        states = [None if c is None else json.dumps(_without_first(c)) for c in (card, after)]
        db.execute(
            "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, before, after)"
            " VALUES ('u/x', 'cloze', 3, 1, ?, ?, ?, ?)",
            (at.isoformat(), int(at.timestamp()) * 1_000_000 + n, *states),
        )
        card = after
    assert card is not None and card.last_review is not None
    db.execute(
        "INSERT INTO cards (item, state, step, stability, difficulty, due, last_review, reps, "
        "fails, leech) VALUES ('u/x', ?, ?, ?, ?, ?, ?, 3, 0, 0)",
        (
            card.state,
            card.step,
            card.stability,
            card.difficulty,
            int(card.due.timestamp()) * 1_000_000,
            int(card.last_review.timestamp()) * 1_000_000 + 2,
        ),
    )
    db.execute(
        "INSERT INTO calibration (id, exponent, reviews, logged, fitted) "
        "VALUES (1, 2.5, 400, 900, '2026-11-01T00:00:00+00:00')"
    )
    db.execute("PRAGMA user_version = 7")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    logged = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    db.close()

    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 9
        rows = store.db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
        assert [row[: len(logged[0])] for row in rows] == logged  # 8 added the review's uid
        upgraded = store.card("u/x")
        assert upgraded is not None and upgraded.first_review == T0
        assert upgraded.stability == card.stability and upgraded.reps == 3
        assert store.calibration() is None
        assert [r.after.first_review for r in store.reviews()] == [None, None, None]


def test_an_answer_kept_before_per_card_targets_is_still_saved(tmp_path: Path) -> None:
    """An answer waiting in the pending file from a cmirev that kept one retention target (not
    the calibration) is saved on the next start, scheduled with that target."""
    from cmirev.loader import load_catalog
    from cmirev.study import PENDING_NAME

    from .helpers import study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    first = study_at(catalog, path, T0)
    gid = next(iter(first.entries))
    entry = {
        "key": first.key(gid),
        "asked": gid,
        "format": "term",
        "correct": True,
        "grade": 0,
        "seconds": 4.0,
        "at": T0.isoformat(),
        "overruled": False,
        "session": "s1",
        "slow": 30.0,
        "retention": 0.95,
    }
    (tmp_path / PENDING_NAME).write_text(json.dumps(entry) + "\n", encoding="utf-8")
    study = study_at(catalog, path, T0 + timedelta(minutes=1))
    assert study.saved_pending == 1
    assert not study.pending_path.exists()
    assert study.store.count_reviews() == 1 and study.card(gid) is not None
