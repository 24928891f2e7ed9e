"""Figures from the review log and the cards: progress, retention, workload, readiness.

Every figure is computed by :func:`compute` into plain data (the ``--json`` output); rendering is
:func:`cmirev.render.stats_view`. Queries read only what they need: counts by time through the
``reviews_ts`` index, per-day totals grouped in SQL, cards of the loaded items by key.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from cmirev import scheduler
from cmirev.models import Criterion, LearningOutcome, Misconception, Unit
from cmirev.store import _ts
from cmirev.study import Study

HEATMAP_WEEKS = 20
FORECAST_DAYS = 30
DAY_US = 86_400_000_000


def _unit_filter(units: list[Unit], all_units: int) -> tuple[str, list[Any]]:
    """SQL restricting reviews to these units' items (nothing when every unit is chosen)."""
    if len(units) == all_units:
        return "", []
    parts, args = [], []
    for unit in units:
        parts.append("(item >= ? AND item < ?)")
        args += [f"{unit.id}/", f"{unit.id}0"]  # '0' sorts just after '/'
    return " AND (" + " OR ".join(parts) + ")", args


def compute(study: Study, units: list[Unit]) -> dict[str, Any]:
    """Every figure `cmirev stats` shows, for these units."""
    now = study.now()
    today = study.today()
    db = study.store.db
    where, args = _unit_filter(units, len(study.catalog.units))
    start_today, _ = study.window()

    def count(since: datetime, extra: str = "") -> tuple[int, int]:
        row = db.execute(
            f"SELECT count(*), coalesce(sum(correct), 0) FROM reviews WHERE ts >= ?{where}{extra}",
            [_ts(since), *args],
        ).fetchone()
        return int(row[0]), int(row[1])

    total = int(db.execute(f"SELECT count(*) FROM reviews WHERE 1{where}", args).fetchone()[0])
    since7 = study.window(today - timedelta(days=6))[0]
    since30 = study.window(today - timedelta(days=29))[0]
    # True retention: answers to items that were due reviews (in review state before).
    due_filter = " AND json_extract(before, '$.state') = 2"
    r7, c7 = count(since7, due_filter)
    r30, c30 = count(since30, due_filter)

    per_day = _reviews_per_day(study, today, HEATMAP_WEEKS * 7 + 6, where, args)
    streak = _streak(per_day, today)

    items = study.items(units)
    cards = study.cards(items)
    settings = study.settings
    recall = {gid: study.recall(card, now) for gid, card in cards.items()}
    states = Counter(_state_name(cards.get(gid)) for gid in items)
    forecast_cards = [c for c in cards.values() if not c.leech]
    forecast = scheduler.forecast(
        forecast_cards, study.tz, settings.day_start_hour, today, FORECAST_DAYS
    )

    from cmirev import deadline

    return {
        "today": today.isoformat(),
        "deadlines": [deadline.outlook(study, d) for d in deadline.active(study, units)],
        "items": {
            "total": len(items),
            "new": states["new"],
            "learning": states["learning"],
            "learned": states["learned"],
            "leeches": states["leech"],
            **{kind: len(gids) for kind, gids in study.held_in(units).items()},
        },
        "pool": study.not_drilled(units),
        "reviews_total": total,
        "reviews_today": count(start_today)[0],
        "reviews_7d": count(since7)[0],
        "reviews_30d": count(since30)[0],
        "streak_days": streak,
        "desired_retention": settings.desired_retention,
        "calibration": _calibration(study),
        "retention_7d": round(c7 / r7, 4) if r7 else None,
        "retention_30d": round(c30 / r30, 4) if r30 else None,
        "due_reviews_7d": r7,
        "due_reviews_30d": r30,
        "due_today": forecast[0],
        "forecast": [
            {"day": (today + timedelta(days=i)).isoformat(), "due": n}
            for i, n in enumerate(forecast)
        ],
        "calendar": [
            {"day": day.isoformat(), "reviews": per_day.get(day, 0)}
            for day in _calendar_days(today)
        ],
        "units": [readiness(study, unit, recall) for unit in units],
        "weakest": _weakest(study, recall),
        "misconceptions_fallen_for": _fallen_for(study, units),
    }


def _calibration(study: Study) -> dict[str, Any]:
    """The learner's calibration (:mod:`cmirev.calibration`): its factors, the recall answers
    they rest on, and the decay of FSRS's own curve it is measured against."""
    cal = study.calibration
    return {
        "exponent": cal.exponent,
        "first": cal.first,
        "lapsed": cal.lapsed,
        "growth": cal.growth,
        "decay": cal.decay,
        "fsrs_decay": cal.base,
        "reviews": cal.reviews,
    }


def _state_name(card: Any) -> str:
    if card is None:
        return "new"
    if card.leech:
        return "leech"
    return "learned" if scheduler.is_learned(card) else "learning"


def _reviews_per_day(
    study: Study, today: date, days: int, where: str, args: list[Any]
) -> dict[date, int]:
    """Reviews per study day over the last ``days`` days, grouped in SQL."""
    first_day = today - timedelta(days=days - 1)
    start = _ts(study.window(first_day)[0])
    rows = study.store.db.execute(
        f"SELECT (ts - ?) / {DAY_US}, count(*) FROM reviews WHERE ts >= ?{where} GROUP BY 1",
        [start, start, *args],
    )
    return {first_day + timedelta(days=int(d)): int(n) for d, n in rows}


def _streak(per_day: dict[date, int], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday, if not yet today)."""
    day = today if per_day.get(today) else today - timedelta(days=1)
    streak = 0
    while per_day.get(day):
        streak += 1
        day -= timedelta(days=1)
    return streak


def _calendar_days(today: date) -> list[date]:
    """The days of the heatmap: whole weeks (Monday first), the last one ending this week."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=HEATMAP_WEEKS - 1)
    return [first + timedelta(days=i) for i in range(HEATMAP_WEEKS * 7)]


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def readiness(study: Study, unit: Unit, recall: dict[str, float]) -> dict[str, Any]:
    """Mean predicted recall of the unit, each outcome and each criterion (unseen counts 0)."""
    items = [(gid, study.entries[gid].item) for gid in study.items([unit])]
    by_outcome: dict[str, set[str]] = {}  # outcome -> items (not criteria) linked to it
    for gid, item in items:
        if not isinstance(item, Criterion):
            for lo_id in item.outcomes:
                by_outcome.setdefault(lo_id, set()).add(gid)

    def score(gids: list[str]) -> float:
        return _mean([recall.get(g, 0.0) for g in gids])

    outcomes = []
    for lo in unit.learning_outcomes:
        linked = [g for g, item in items if lo.id in item.outcomes or item is lo]
        outcomes.append(
            {"id": lo.id, "text": lo.text, "items": len(linked), "readiness": score(linked)}
        )
    criteria = []
    for ac in unit.assessment_criteria:
        served = set().union(*(by_outcome.get(lo_id, set()) for lo_id in ac.outcomes))
        linked = [g for g, item in items if item is ac or g in served]
        criteria.append(
            {
                "id": ac.id,
                "outcomes": list(ac.outcomes),
                "text": ac.text,
                "items": len(linked),
                "readiness": score(linked),
            }
        )
    return {
        "unit": unit.id,
        "code": unit.short,
        "title": unit.title,
        "items": len(items),
        "readiness": score([g for g, _ in items]),
        "outcomes": sorted(outcomes, key=lambda o: o["readiness"]),
        "criteria": sorted(criteria, key=lambda c: c["readiness"]),
    }


def _weakest(study: Study, recall: dict[str, float], count: int = 10) -> list[dict[str, Any]]:
    """The seen items least likely to be recalled now, with what to remember about them."""
    ranked = sorted(recall.items(), key=lambda kv: kv[1])[:count]
    out = []
    for gid, r in ranked:
        entry = study.entries.get(gid)
        if entry is None:
            continue
        item = entry.item
        remember = item.body if not isinstance(item, LearningOutcome) else item.text
        out.append(
            {"item": gid, "heading": item.heading, "remember": remember, "recall": round(r, 4)}
        )
    return out


def _fallen_for(study: Study, units: list[Unit], count: int = 5) -> list[dict[str, Any]]:
    """Misconceptions answered wrongly most often: each with its correction."""
    myths = {
        f"{u.id}/{m.id}": m for u in units for m in u.misconceptions if isinstance(m, Misconception)
    }
    if not myths:
        return []
    marks = ",".join("?" * len(myths))
    rows = study.store.db.execute(
        f"SELECT item, count(*) FROM reviews WHERE correct = 0 AND item IN ({marks}) "
        "GROUP BY item ORDER BY count(*) DESC, item LIMIT ?",
        [*myths, count],
    )
    return [
        {"item": gid, "claim": myths[gid].claim, "correction": myths[gid].correction, "times": n}
        for gid, n in rows
    ]
