"""Study toward an assignment date (``cmirev deadline UNIT DATE``).

Until the date, a unit's drill is planned for the date rather than for the long run:

- **Every item in time.** The unit's unseen items are spread over the study days left, less a
  short buffer, so that the last are introduced a couple of days before the date and get their
  first reviews: a daily quota of ``ceil(unseen / days)``, in place of the usual new-item limit.
  New items come in turn from each learning outcome, the outcome weakest at the date first, so
  that no outcome is left for the last days.
- **Reviews ahead of due** for learned items that would fall below the target recall (the
  desired retention) by the date, those that matter most first: the gap below the target,
  weighted by how many assessment criteria draw on the item's outcomes. An item is never
  reviewed ahead on the day it was last reviewed (same-day repeats add little to memory).
- **Feasibility**: the work left (each new item takes about ``ANSWERS_PER_NEW`` answers in its
  first days, plus the reviews falling due and those ahead) at the learner's own median time
  per answer, against the minutes a day the learner said they have.
- **Projected readiness** at 09:00 on the date: the recall FSRS predicts then if nothing more
  is studied (unseen items count 0), per unit, outcome and criterion.

Cramming (``drill --cram``) is for the last days: the weakest items at the date, due or not,
asked and logged apart from the review log, so the long-term schedule is unchanged.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from cmirev import scheduler
from cmirev.cards import CardState, Deadline
from cmirev.models import Criterion, LearningOutcome, Unit

if TYPE_CHECKING:
    from cmirev.scheduler import Plan
    from cmirev.study import Study

BUFFER_DAYS = 2  # the last new items come this many study days before the date, when there is time
# Answers an item takes in its first days: the first question after the study card, one for
# each learning step (1 and 10 minutes), and its first review a day or so later.
ANSWERS_PER_NEW = 4.0
DEFAULT_SECONDS = 30.0  # per answer, until the learner has answered 20 questions
DEADLINE_HOUR = 9  # readiness is projected for 09:00 on the date


def moment(study: Study, day: date) -> datetime:
    """09:00 local time on ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, DEADLINE_HOUR, tzinfo=study.tz).astimezone(UTC)


def active(study: Study, units: Sequence[Unit]) -> list[Deadline]:
    """The deadlines of these units that have not passed (the date itself included)."""
    wanted = {u.id for u in units}
    today = study.today()
    return [d for d in study.store.deadlines().values() if d.unit in wanted and d.day >= today]


def days_left(study: Study, deadline: Deadline) -> int:
    """Study days before the date, today included (0 on the date itself)."""
    return max(0, (deadline.day - study.today()).days)


def intro_days(left: int) -> int:
    """Days over which to introduce the unseen items: until BUFFER_DAYS before the date (a
    fixed point, so the quota stays steady from day to day), or all today when the date is
    closer than that."""
    return max(1, left - BUFFER_DAYS)


def seconds_per_answer(study: Study) -> float:
    """The learner's median time per answer over their last 200 (a default until 20)."""
    times = study.store.recent_durations(200)
    if len(times) < 20:
        return DEFAULT_SECONDS
    return max(5.0, statistics.median(times) / 1000)


def _unit(study: Study, unit_id: str) -> Unit | None:
    return next((u for u in study.catalog.units if u.id == unit_id), None)


def weights(study: Study, unit: Unit) -> dict[str, float]:
    """How much each item of the unit serves its assessment: 1, plus the share of the unit's
    criteria that draw on the item's outcomes (a criterion itself counts fully)."""
    criteria = unit.assessment_criteria
    found = {}
    for gid in study.items([unit]):
        item = study.entries[gid].item
        if isinstance(item, Criterion):
            share = 1.0
        else:
            outcomes = {item.id} if isinstance(item, LearningOutcome) else set(item.outcomes)
            share = sum(1 for c in criteria if outcomes & set(c.outcomes)) / max(1, len(criteria))
        found[gid] = 1.0 + share
    return found


def _outcomes_of(study: Study, gid: str) -> list[str]:
    item = study.entries[gid].item
    if isinstance(item, LearningOutcome):
        return [item.id]
    return list(item.outcomes)


def extend_plan(
    study: Study,
    plan: Plan,
    units: Sequence[Unit],
    reviewed_today: dict[str, bool],
    only: set[str] | None = None,
    review_limit: int | None = None,
) -> None:
    """Add to today's plan what the deadlines of these units need: new items up to each unit's
    quota and reviews ahead of due (``plan.ahead``). ``reviewed_today`` maps the cards reviewed
    today to whether they were new then."""
    deadlines = active(study, units)
    if not deadlines:
        return
    plan.interleave = True
    group = study.group
    busy = {group.get(i, i) for i in reviewed_today} | {group.get(i, i) for i in plan.items}
    reviews_done = sum(1 for was_new in reviewed_today.values() if not was_new)
    allowance = (
        study.settings.max_reviews_per_day - reviews_done if review_limit is None else review_limit
    )
    room = max(0, allowance - (len(plan.due) - len(plan.steps)))  # steps are never limited
    for deadline in deadlines:
        unit = _unit(study, deadline.unit)
        if unit is None:
            continue
        items = [g for g in study.items([unit]) if only is None or g in only]
        cards = study.cards(items)
        at = moment(study, deadline.day)
        recall = {g: study.recall(c, at) for g, c in cards.items()}
        quota = daily_quota(study, deadline, items, cards, reviewed_today)
        planned_new = sum(1 for g in plan.new if g in set(items))
        plan.new += _claim(
            _new_order(study, unit, items, cards, recall), quota - planned_new, busy, group
        )
        today = study.today()
        hour = study.settings.day_start_hour
        weight = weights(study, unit)
        target = study.settings.desired_retention
        ahead = []
        for gid, card in cards.items():
            key = group.get(gid, gid)
            if (
                key in busy
                or card.leech
                or card.state != scheduler.REVIEW_STATE
                or card.last_review is None
                or scheduler.study_day(card.last_review, study.tz, hour) >= today
                or recall[gid] >= target
            ):
                continue
            ahead.append((weight[gid] * (target - recall[gid]), gid))
        claimed = _claim([gid for _, gid in sorted(ahead, reverse=True)], room, busy, group)
        plan.ahead += claimed
        room -= len(claimed)


def _claim(
    candidates: Sequence[str], limit: int, busy: set[str], group: dict[str, str]
) -> list[str]:
    """Up to ``limit`` of the candidates, in order, one per idea not already planned or
    reviewed today (``busy`` holds those ideas, and gains the ones claimed)."""
    claimed: list[str] = []
    for gid in candidates:
        if len(claimed) >= limit:
            break
        key = group.get(gid, gid)
        if key not in busy:
            busy.add(key)
            claimed.append(gid)
    return claimed


def daily_quota(
    study: Study,
    deadline: Deadline,
    items: Sequence[str],
    cards: dict[str, CardState],
    reviewed_today: dict[str, bool],
) -> int:
    """New items to introduce today so that all are introduced in time: the items unseen at
    the start of today, over the introduction days left, less those introduced today."""
    group = study.group
    keys_today_new = {k for k, was_new in reviewed_today.items() if was_new}
    unseen = {group.get(g, g) for g in items if g not in cards}
    new_today = {group.get(g, g) for g in items} & keys_today_new
    total = len(unseen) + len(new_today)
    if not total:
        return 0
    quota = math.ceil(total / intro_days(days_left(study, deadline)))
    return max(0, quota - len(new_today))


def _new_order(
    study: Study,
    unit: Unit,
    items: Sequence[str],
    cards: dict[str, CardState],
    recall: dict[str, float],
) -> list[str]:
    """Unseen items, one from each learning outcome in turn, the outcome weakest at the date
    first (each item under its first outcome; items with none last)."""
    by_outcome: dict[str, list[str]] = {lo.id: [] for lo in unit.learning_outcomes}
    loose = []
    for gid in items:
        if gid in cards:
            continue
        outcomes = [o for o in _outcomes_of(study, gid) if o in by_outcome]
        if outcomes:
            by_outcome[outcomes[0]].append(gid)
        else:
            loose.append(gid)

    def strength(outcome: str) -> float:
        linked = [g for g in items if outcome in _outcomes_of(study, g)]
        return sum(recall.get(g, 0.0) for g in linked) / max(1, len(linked))

    queues = [by_outcome[o] for o in sorted(by_outcome, key=strength)]
    order = []
    while any(queues):
        for queue in queues:
            if queue:
                order.append(queue.pop(0))
    return order + loose


def outlook(study: Study, deadline: Deadline) -> dict[str, Any]:
    """Where a unit stands for its date: coverage, the daily quota, the time the plan needs,
    and the readiness projected at the date if nothing more is studied."""
    from cmirev.stats import readiness

    unit = _unit(study, deadline.unit)
    left = days_left(study, deadline)
    report: dict[str, Any] = {
        "unit": deadline.unit,
        "date": deadline.day.isoformat(),
        "days_left": left,
        "minutes_per_day": deadline.minutes,
    }
    if unit is None:
        report["missing"] = True  # the unit is no longer installed
        return report
    items = study.items([unit])
    cards = study.cards(items)
    at = moment(study, deadline.day)
    recall = {g: study.recall(c, at) for g, c in cards.items()}
    start, end = study.window()
    reviewed_today = study.store.items_reviewed(start, end)
    unseen = len({study.key(g) for g in items if g not in cards})
    target = study.settings.desired_retention
    live = [c for c in {study.key(g): c for g, c in cards.items()}.values() if not c.leech]
    due_before = sum(1 for c in live if c.due < at)
    below = sum(1 for g, c in cards.items() if not c.leech and c.state == 2 and recall[g] < target)
    pace = seconds_per_answer(study)
    answers = unseen * ANSWERS_PER_NEW + due_before + below
    minutes_needed = answers * pace / 60 / max(1, left)
    projected = readiness(study, unit, recall)
    report.update(
        {
            "items": len(items),
            "seen": len(items) - sum(1 for g in items if g not in cards),
            "unseen": sum(1 for g in items if g not in cards),
            "new_today": daily_quota(study, deadline, items, cards, reviewed_today) if left else 0,
            "seconds_per_answer": round(pace, 1),
            "minutes_needed_per_day": round(minutes_needed, 1),
            "feasible": None if deadline.minutes is None else minutes_needed <= deadline.minutes,
            "projected_at": at.isoformat(),
            "projected_readiness": projected["readiness"],
            "projected_outcomes": [
                {"id": o["id"], "readiness": o["readiness"]} for o in projected["outcomes"]
            ],
            "projected_criteria": [
                {"id": c["id"], "readiness": c["readiness"]} for c in projected["criteria"]
            ],
        }
    )
    if deadline.minutes is not None and not report["feasible"]:
        budget = deadline.minutes * 60 * max(1, left) / pace - due_before - below
        report["items_that_fit"] = max(0, min(unseen, int(budget / ANSWERS_PER_NEW)))
    return report


def cram_items(study: Study, units: Sequence[Unit], only: set[str] | None = None) -> list[str]:
    """Every item of these units (the ones with a deadline, if any have one), weakest at the
    soonest date first; unseen items count as forgotten. One item per idea; leeches included
    (cramming is the last chance to get them right)."""
    deadlines = active(study, units)
    chosen = [u for u in units if u.id in {d.unit for d in deadlines}] or list(units)
    at = moment(study, deadlines[0].day) if deadlines else study.now()
    items = [g for g in study.items(chosen) if only is None or g in only]
    cards = study.cards(items)
    ranked = []
    seen_keys: set[str] = set()
    for index, gid in enumerate(items):
        key = study.key(gid)
        if key in seen_keys:
            continue
        seen_keys.add(key)
        card = cards.get(gid)
        recall = study.recall(card, at) if card else 0.0
        ranked.append((recall, index, gid))  # ties (unseen items) keep the catalog's order
    return [gid for _, _, gid in sorted(ranked)]
