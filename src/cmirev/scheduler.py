"""The seam over FSRS: settings, ratings, study days, one review, and what to drill today.

Pure: the time (``now``, timezone-aware) and all randomness (a ``random.Random``) are passed in.
Times are stored in UTC; "today" is the learner's local calendar day, starting at
``day_start_hour`` (04:00 by default, as in Anki), so a late-night session counts as the day
before.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from cmirev.cards import LEECH_FAILS, CardState
from cmirev.questions.formats import FORMATS, RECALL, RECOGNITION

LEARNED_STABILITY_DAYS = 3.0
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
REVIEW_STATE = 2  # fsrs.State.Review


@dataclass(frozen=True)
class Settings:
    """What a learner can set with ``cmirev config`` (stored in CMIREV_HOME/config.toml)."""

    desired_retention: float = 0.90
    # Sized to about ten minutes a day for a new learner (bench/session_length.py, the
    # simulated learner of bench/simulate.py, evenings with no time box; docs/scheduling.md):
    # 4 new items make a first week's evening 10 minutes (median; 15 at most), where 10 made
    # it 26 (47 at most) and 5 made it 13. Reviews then build up (19 minutes in week 2, 35-40
    # by week 4 at 4 a day): `drill --minutes` holds a day to a length. The review cap hardly
    # binds in the first month at 4 new a day (50 and 100 gave the same minutes and recall);
    # 100 rather than 50: a cap leaves the reviews it holds back overdue, and overdue cards are
    # what readiness overstates most (docs/scheduling.md); capping harder costs memory: 20 a
    # day left recall of seen items at 0.69 against 0.88.
    new_per_day: int = 4
    max_reviews_per_day: int = 100
    day_start_hour: int = 4
    learning_steps: tuple[int, ...] = (1, 10)  # minutes
    slow_seconds: int = 30  # a right typed recall slower than this is rated Hard (0: never)
    fuzz: bool = True
    # FSRS-6's 21 parameters fitted to this learner by ``cmirev optimize``; empty: the defaults
    parameters: tuple[float, ...] = ()


@cache
def _fsrs(
    retention: float, steps: tuple[int, ...], fuzz: bool, parameters: tuple[float, ...]
) -> Any:
    import fsrs

    extra: dict[str, Any] = {"parameters": parameters} if parameters else {}
    return fsrs.Scheduler(
        desired_retention=retention,
        learning_steps=tuple(timedelta(minutes=m) for m in steps),
        enable_fuzzing=fuzz,
        **extra,
    )


def fsrs_scheduler(settings: Settings) -> Any:
    """The ``fsrs.Scheduler`` for these settings (cached)."""
    return _fsrs(
        settings.desired_retention, settings.learning_steps, settings.fuzz, settings.parameters
    )


def decay_of(settings: Settings) -> float:
    """The decay of FSRS's forgetting curve for these settings (w[20]: the learner's own after
    ``cmirev optimize``, else FSRS-6's default)."""
    return float(fsrs_scheduler(settings).parameters[20])


def check_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """The parameters as a tuple, or a ValueError saying which are outside FSRS-6's bounds."""
    values = tuple(float(p) for p in parameters)
    if len(values) != 21:
        raise ValueError(f"FSRS-6 has 21 parameters, not {len(values)}")
    _fsrs(0.9, (1, 10), False, values)  # py-fsrs checks each against its bounds
    return values


def rating_for(
    fmt: str,
    correct: bool,
    self_grade: int = 0,
    *,
    in_review: bool = False,
    seconds: float = 0.0,
    slow_seconds: float = 0,
) -> int:
    """FSRS rating of an answer (the mapping and its evidence: docs/scheduling.md).

    A self-graded recall is the learner's grade. Otherwise wrong is Again; right is Good, except
    that recognising an item already in review is not evidence of recalling it (Hard), and a
    typed or ordered recall that took longer than ``slow_seconds`` was effortful (Hard).
    Recognition while an item is being learned stays Good, so learning steps advance.
    """
    if FORMATS[fmt].self_graded and self_grade:
        return self_grade
    if not correct:
        return AGAIN
    if FORMATS[fmt].memory == "recognition" and in_review:
        return HARD
    if FORMATS[fmt].memory == "recall" and slow_seconds and seconds > slow_seconds:
        return HARD
    return GOOD


# py-fsrs gives a card made without an id the current time in milliseconds and then sleeps a
# millisecond so that the next one differs; cmirev never reads the id, so it passes one.
CARD_ID = 1


def to_fsrs(card: CardState) -> Any:
    import fsrs

    return fsrs.Card(
        card_id=CARD_ID,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(
    settings: Settings,
    item: str,
    before: CardState | None,
    rating: int,
    now: datetime,
    rng: _random.Random,
    tz: tzinfo = UTC,
    retention: Callable[[CardState], float] | None = None,
) -> CardState:
    """The item's card after one review at ``now``. Copies; never mutates ``before``.

    Time since the last review is counted in the learner's study days (``tz``, days starting at
    ``settings.day_start_hour``), as FSRS's parameters were fitted: a review on the next study
    day is one day later even when under 24 hours have passed, and a review on the same study
    day takes FSRS's same-day path. A clock that went backwards (``now`` before the last review)
    is treated as the moment of the last review, so intervals never go negative.

    ``retention``, when given, is FSRS's retention target for the card as it comes out of the
    review (the calibration's, which depends on the card): a card in review is then due when
    FSRS's recall falls to it. The memory state (stability, difficulty) never depends on it.
    """
    when = now.astimezone(UTC)
    if before is not None and before.last_review is not None and when < before.last_review:
        when = before.last_review
    # py-fsrs draws its fuzz from the global random module: seed it from ours (the same seed
    # for both passes below, so that a changed target moves the due date and nothing else).
    seed = rng.getrandbits(64) if settings.fuzz else 0
    after = _review_once(settings, item, before, rating, when, seed, tz)
    if retention is not None and after.state == REVIEW_STATE:
        target = round(retention(after), 3)
        if target != settings.desired_retention:
            schedule = replace(settings, desired_retention=target)
            after = _review_once(schedule, item, before, rating, when, seed, tz)
    return after


def _review_once(
    settings: Settings,
    item: str,
    before: CardState | None,
    rating: int,
    when: datetime,
    seed: int,
    tz: tzinfo,
) -> CardState:
    import fsrs

    card = to_fsrs(before) if before is not None else fsrs.Card(card_id=CARD_ID)
    if settings.fuzz:
        _random.seed(seed)
    seen = study_time(settings, before, when, tz)
    after, _ = fsrs_scheduler(settings).review_card(card, fsrs.Rating(rating), seen)
    # A lapse is forgetting a learned item (one in review); a wrong answer while learning is
    # part of learning, as in Anki, and does not count toward the leech limit.
    lapsed = rating == AGAIN and before is not None and before.state == REVIEW_STATE
    fails = (before.fails if before else 0) + lapsed
    return CardState(
        item=item,
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=when + (after.due - seen),
        last_review=when,
        reps=(before.reps if before else 0) + 1,
        fails=fails,
        leech=(before.leech if before else False) or fails >= LEECH_FAILS,
        first_review=before.first_review if before is not None else when,
    )


def replay(
    settings: Settings,
    item: str,
    answers: Iterable[tuple[int, datetime]],
    tz: tzinfo = UTC,
    *,
    start: CardState | None = None,
    resets: Iterable[datetime] = (),
) -> Iterator[tuple[CardState | None, CardState]]:
    """(card before, card after) for each (rating, time) of an item's answers, in time order:
    a card rebuilt from its log (fuzz drawn from a fixed seed, so the same log gives the
    same cards). ``start`` is the card before the first answer (None: a new item); each
    moment in ``resets`` (a leech reset) clears the lapse count and the leech flag of the
    card the next answer after it meets."""
    card = start
    pending = sorted(resets)
    for rating, when in sorted(answers, key=lambda a: a[1]):
        if card is not None and pending and pending[0] < when:
            card = cleared(card)
        pending = [moment for moment in pending if moment >= when]
        after = review(settings, item, card, rating, when, _random.Random(0), tz)
        yield card, after
        card = after


def cleared(card: CardState) -> CardState:
    """The card after a leech reset: no lapses counted, back in the drills."""
    return replace(card, fails=0, leech=False)


def retrievability(settings: Settings, card: CardState, now: datetime, tz: tzinfo = UTC) -> float:
    """Predicted probability of recalling the item at ``now`` (0 for an unseen item), with
    elapsed time in study days as in :func:`review`."""
    if card.last_review is None or card.stability is None:
        return 0.0
    # FSRS's own formula (fsrs.Scheduler.get_card_retrievability) on whole study days: the
    # same number without building an fsrs.Card per card (stats reads every card's).
    days = (
        study_day(now, tz, settings.day_start_hour)
        - study_day(card.last_review, tz, settings.day_start_hour)
    ).days
    decay, factor = _curve(settings)
    return float((1 + factor * max(0, days) / card.stability) ** decay)


def _curve(settings: Settings) -> tuple[float, float]:
    """FSRS's forgetting-curve constants for these settings: (decay, factor)."""
    scheduler = fsrs_scheduler(settings)
    decay = -scheduler.parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


SAME_DAY_MOST = timedelta(hours=23, minutes=59)


def study_time(settings: Settings, card: CardState | None, now: datetime, tz: tzinfo) -> datetime:
    """The moment to give FSRS for ``now`` so that it counts whole study days since the card's
    last review: the last review plus that many days, or, on the same study day, plus the real
    time that passed (FSRS then takes its same-day path; a 25-hour day stays under a day).

    FSRS counts ``(now - last_review).days``, whole 24-hour periods; its parameters were fitted
    on gaps in days that start at a fixed hour. Due dates come back as offsets from this moment
    and are moved back onto the real clock by the caller.
    """
    if card is None or card.last_review is None:
        return now
    last = card.last_review
    days = (
        study_day(now, tz, settings.day_start_hour) - study_day(last, tz, settings.day_start_hour)
    ).days
    if days >= 1:
        return last + timedelta(days=days)
    return last + min(max(now - last, timedelta(0)), SAME_DAY_MOST)


def first_interval(card: CardState, tz: tzinfo, start_hour: int) -> bool:
    """Whether every review of the card so far fell on its first study day: no answer has yet
    come a study day or more after another, so FSRS's stability is still its first guess (from
    the same-day learning steps and FSRS's initial parameters), not a measure of this learner's
    memory. False when the first review is not known."""
    if card.first_review is None or card.last_review is None:
        return False
    return study_day(card.first_review, tz, start_hour) == study_day(
        card.last_review, tz, start_hour
    )


def is_learned(card: CardState | None) -> bool:
    """Learned: in review (not learning or relearning) with a stability of a few days."""
    return card is not None and card.state == 2 and (card.stability or 0) >= LEARNED_STABILITY_DAYS


def preferred_formats(card: CardState | None) -> tuple[str, ...]:
    """Recognition formats while an item is new or in a learning step, recall formats once it
    is in review (the drill falls back on recognition only for items with no recall format)."""
    return RECALL if card is not None and card.state == REVIEW_STATE else RECOGNITION


def study_day(now: datetime, tz: tzinfo, start_hour: int) -> date:
    """The learner's calendar day at ``now``: days start at ``start_hour`` local time."""
    return (now.astimezone(tz) - timedelta(hours=start_hour)).date()


def day_window(day: date, tz: tzinfo, start_hour: int) -> tuple[datetime, datetime]:
    """The UTC moments a study day starts and ends."""
    start = datetime(day.year, day.month, day.day, start_hour, tzinfo=tz)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, start_hour, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass
class Plan:
    """Today's drill: due items (lowest predicted recall first), new items, then items
    reviewed ahead of an assignment date."""

    due: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    siblings_held: int = 0  # left for another day: a sibling was reviewed today or is planned
    held: list[str] = field(default_factory=list)  # those items, due ones first
    over_limit: int = 0  # ideas due today left for another day by the daily review limit
    leeches: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)  # in a learning step due later today
    steps: list[str] = field(default_factory=list)  # among due: learning steps that have come
    # reviewed before they are due, because they would fall below target by an assignment date
    ahead: list[str] = field(default_factory=list)
    # toward an assignment date, new items alternate with due ones, so that a time box that
    # ends the drill early still introduces some (the date's quota depends on it)
    interleave: bool = False

    @property
    def items(self) -> list[str]:
        if not self.interleave:
            return self.due + self.new + self.ahead
        steps = [i for i in self.due if i in self.stepping]
        due = [i for i in self.due if i not in self.stepping]
        mixed = []
        for n in range(max(len(due), len(self.new))):
            mixed += due[n : n + 1] + self.new[n : n + 1]
        return steps + mixed + self.ahead

    @property
    def stepping(self) -> set[str]:
        return set(self.steps)


def plan_drill(
    settings: Settings,
    items: Sequence[str],
    cards: Mapping[str, CardState],
    group: Mapping[str, str],
    now: datetime,
    reviewed_today: Mapping[str, bool],
    new_limit: int | None = None,
    review_limit: int | None = None,
    tz: tzinfo = UTC,
    seen: Collection[str] | None = None,
    asked_today: Mapping[str, str] | None = None,
) -> Plan:
    """Choose today's drill among ``items`` (global ids in catalog order).

    A review is today's work when it falls due before the study day ends, as in Anki; an item
    in a learning or relearning step comes when its step is due (minutes, not days), and the
    daily review limit never holds it back. ``reviewed_today`` maps items already reviewed today
    to whether they were new then. ``new_limit`` and ``review_limit`` override what is left of
    today's allowances. ``cards`` may hold only the cards due before the study day ends and
    leeches when ``seen`` names every item that has a card.
    """
    plan = Plan()
    new_done = sum(1 for was_new in reviewed_today.values() if was_new)
    reviews_done = len(reviewed_today) - new_done
    new_left = max(0, settings.new_per_day - new_done) if new_limit is None else new_limit
    reviews_left = (
        max(0, settings.max_reviews_per_day - reviews_done)
        if review_limit is None
        else review_limit
    )
    # group -> the item that used it today: the copy asked (``asked_today`` maps a card to the
    # item last asked about it), so that the same copy may come back for its learning steps
    asked = asked_today or {}
    busy = {group.get(i, i): asked.get(i, i) for i in reviewed_today}

    def free(item: str) -> bool:
        owner = busy.get(group.get(item, item))
        return owner is None or owner == item

    _, day_end = day_window(
        study_day(now, tz, settings.day_start_hour), tz, settings.day_start_hour
    )
    due = []
    for item in items:
        card = cards.get(item)
        if card is None:
            continue
        if card.leech:
            plan.leeches.append(item)
        elif card.state == REVIEW_STATE and card.due < day_end:
            due.append((retrievability(settings, card, now, tz), item))
        elif card.state != REVIEW_STATE and card.due <= now:
            due.append((-1.0, item))  # a learning step that has come: first, never limited
        elif card.state != REVIEW_STATE and card.due < day_end:
            plan.later.append(item)
    reviews = 0
    capped: set[str] = set()  # ideas due but over the review limit
    for recall, item in sorted(due):
        stepping = recall < 0
        if not stepping and reviews >= reviews_left:
            capped.add(group.get(item, item))
            continue
        if not free(item):
            plan.siblings_held += 1
            plan.held.append(item)
            continue
        busy[group.get(item, item)] = item
        plan.due.append(item)
        if stepping:
            plan.steps.append(item)
        reviews += not stepping
    plan.over_limit = len(capped - {group.get(i, i) for i in plan.due})
    unseen = [i for i in items if i not in (cards if seen is None else seen)]
    queues = list(_by_unit(unseen).values())
    taken = [0] * len(queues)
    while len(plan.new) < new_left and any(queues):
        # The unit with the most unseen items for each one it has given today gives the next
        # (its next item no sibling has claimed): units take turns in proportion to their size,
        # so a large unit is not starved by small ones.
        pick = max(
            (i for i, q in enumerate(queues) if q), key=lambda i: len(queues[i]) / (taken[i] + 1)
        )
        item = queues[pick].pop(0)
        if free(item):
            busy[group.get(item, item)] = item
            plan.new.append(item)
            taken[pick] += 1
        else:
            plan.siblings_held += 1
            plan.held.append(item)
    return plan


def _by_unit(items: Iterable[str]) -> dict[str, list[str]]:
    """Items grouped by unit, each unit's order kept."""
    by_unit: dict[str, list[str]] = {}
    for item in items:
        by_unit.setdefault(item.split("/", 1)[0], []).append(item)
    return by_unit


def forecast(
    cards: Iterable[CardState], tz: tzinfo, start_hour: int, today: date, days: int = 7
) -> list[int]:
    """How many items fall due on each of the next ``days`` study days (overdue count today)."""
    counts = [0] * days
    for card in cards:
        if card.leech:
            continue
        offset = (study_day(card.due, tz, start_hour) - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return counts
