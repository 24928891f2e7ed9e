"""Recall calibrated to the learner: the exponent fitted to their own answers."""

from __future__ import annotations

from random import Random

import pytest

from cmirev.calibration import MIN_REVIEWS, Calibration, fit


def answers(k: float, n: int, seed: int = 1) -> list[tuple[float, int]]:
    """n reviews whose predicted recall is spread over 0.6-0.99 and whose outcomes follow
    a learner whose true recall is predicted ** k."""
    rng = Random(seed)
    rows = []
    for _ in range(n):
        p = rng.uniform(0.6, 0.99)
        rows.append((p, int(rng.random() < p**k)))
    return rows


def test_a_fast_forgetter_gets_an_exponent_above_one_and_a_slow_one_below() -> None:
    fast = fit(answers(3.0, 2000))
    slow = fit(answers(0.5, 2000))
    assert 2.6 < fast.exponent < 3.3
    assert 0.4 < slow.exponent < 0.7
    assert fast.recall(0.9) == pytest.approx(0.9**fast.exponent)


def test_few_answers_change_little_and_very_few_nothing() -> None:
    assert fit(answers(3.0, MIN_REVIEWS - 1)) == Calibration(1.0, MIN_REVIEWS - 1)
    early = fit(answers(3.0, 40))
    assert 1.0 < early.exponent < 2.2  # pulled toward 1 by the prior


def test_reviews_are_scheduled_for_when_calibrated_recall_reaches_the_target() -> None:
    fast = Calibration(2.0, 500)
    target = fast.retention(0.9)
    assert target == pytest.approx(0.9**0.5)  # FSRS's R at due, so that R ** 2 = 0.9
    assert fast.recall(target) == pytest.approx(0.9)
    assert Calibration(4.0, 500).retention(0.9) == 0.97  # kept within the settable range
    assert Calibration(0.4, 500).retention(0.9) == pytest.approx(0.9**2.5)


def test_a_learner_who_forgets_sees_lower_readiness_and_sooner_reviews(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """60 items learned, then all forgotten three days later: the fitted exponent is above
    one, readiness is below FSRS's raw prediction, and the next review comes sooner."""
    from datetime import UTC, datetime, timedelta

    from cmirev import scheduler, stats
    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    first = study_at(catalog, path, start, new_per_day=100)
    items = first.plan(list(catalog.units)).new[:60]
    for gid in items:
        answer(first, gid, True)
    later = study_at(catalog, path, start + timedelta(days=3))
    for gid in items:
        answer(later, gid, False)
    check = study_at(catalog, path, start + timedelta(days=4))
    # refitted as the log grows by a tenth: the latest fit saw most of the 60 lapses
    assert check.calibration.exponent > 1.2 and check.calibration.reviews >= 30
    card = check.card(items[0])
    assert card is not None
    raw = scheduler.retrievability(check.settings, card, check.now(), check.tz)
    assert check.recall(card) < raw
    assert stats.compute(check, list(catalog.units))["calibration"]["exponent"] > 1.2
    assert check.calibration.retention(0.9) > 0.9  # reviewed sooner than FSRS alone would


def test_the_calibration_is_kept_in_the_store_and_refitted_as_the_log_grows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    study = study_at(catalog, path, datetime(2026, 11, 2, 9, tzinfo=UTC), new_per_day=100)
    for gid in study.plan(list(catalog.units)).new[:30]:
        answer(study, gid, True)
    assert study.store.calibration() is not None  # fitted (on nothing yet) and kept
    _, _, logged = study.store.calibration()  # type: ignore[misc]
    again = study_at(catalog, path, datetime(2026, 11, 2, 10, tzinfo=UTC))
    again.calibration  # noqa: B018 - read from the store, not refitted
    assert again.store.calibration()[2] == logged  # type: ignore[index]
