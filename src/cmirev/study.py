"""Study with memory: the catalog, the review store and the scheduler working together.

:class:`Study` is what the ``drill``, ``due``, ``quiz``, ``stats``, ``leeches``, ``deadline``,
``export`` and ``validate`` commands call: it records answers as
reviews, plans today's drill, picks each item's question format from its memory state, and
reports what is due. Time comes from an injected clock and randomness from an injected
``random.Random``, so a whole multi-day history can be simulated in a test.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import statistics
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from pathlib import Path
from random import Random
from typing import Any

from cmirev import scheduler
from cmirev.calibration import Calibration, calibrate
from cmirev.cards import CardState
from cmirev.evaluate import Event
from cmirev.localtime import when_text
from cmirev.models import (
    Catalog,
    Concept,
    Criterion,
    Fact,
    Item,
    KeyTerm,
    Misconception,
    Mistake,
    Unit,
)
from cmirev.questions import FORMATS, Generator, Question
from cmirev.scheduler import Plan, Settings
from cmirev.session import QUIZ_SECTIONS, Answer
from cmirev.store import Hold, Store, StoreError, _dt, _ts

LEARN_AHEAD_SECONDS = 20 * 60  # a learning step due this soon is waited for in the session
CALIBRATION_WINDOW = 3000  # the latest reviews the calibration is fitted on
OWN_PACE_ANSWERS = 10
PENDING_NAME = "pending-answers.jsonl"  # answers kept when the store could not be written  # right answers in a format before the learner's own pace sets "slow"

# The order new items are introduced in, within each unit: ideas first, outcomes last.
DRILL_ORDER = (
    "concepts",
    "key_terms",
    "misconceptions",
    "assessment_criteria",
    "mistakes",
    "facts",
    "guidance",
    "learning_outcomes",
)
assert set(DRILL_ORDER) == set(QUIZ_SECTIONS)


def study_card(item: Item) -> tuple[str, list[tuple[str, str]]]:
    """What to read about an item before being asked: its heading, then labelled lines."""
    lines: list[tuple[str, str]]
    if isinstance(item, Concept | KeyTerm):
        heading, lines = item.term, [("", item.definition)]
        if isinstance(item, KeyTerm) and item.steps:
            lines.append(("Steps", "; ".join(f"{n}. {s}" for n, s in enumerate(item.steps, 1))))
        if isinstance(item, KeyTerm) and item.attribution:
            lines.append(("Source", item.attribution))
    elif isinstance(item, Misconception):
        heading, lines = f"Myth: {item.claim}", [("Correction", item.correction)]
    elif isinstance(item, Mistake):
        heading = "A common mistake in assignments"
        lines = [("Mistake", item.text), ("Good practice", item.good_practice or "")]
    elif isinstance(item, Fact):
        heading, lines = "Fact", [("", item.statement), ("Source", item.attribution)]
    elif isinstance(item, Criterion):
        heading = f"Assessment criterion {item.id} (evidences {', '.join(item.outcomes)})"
        lines = [("", item.text)]
    else:  # assignment guidance, a learning outcome
        heading = "Learning outcome " + item.id if item.kind == "outcome" else "Assignment guidance"
        lines = [("", item.body)]
    if item.keywords:
        lines.append(("Remember", ", ".join(item.keywords)))
    return heading, [(label, text) for label, text in lines if text]


def env_clock() -> Callable[[], datetime]:
    """The clock: real time, or the fixed moment in ``CMIREV_NOW`` (ISO-8601; for simulating
    days of study in tests and demonstrations)."""
    import os

    from cmirev.errors import UsageError

    raw = os.environ.get("CMIREV_NOW")
    if not raw:
        return lambda: datetime.now(UTC)
    try:
        fixed = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"CMIREV_NOW={raw!r} is not an ISO-8601 date and time") from None
    if fixed.tzinfo is None:
        fixed = fixed.astimezone()
    if not 1971 <= fixed.year <= 9000:  # study days, windows and forecasts must stay in range
        raise UsageError(f"CMIREV_NOW={raw!r} is out of range: use a year from 1971 to 9000")
    return lambda: fixed


def local_tz() -> tzinfo:
    """The learner's timezone, with its daylight-saving rules (see :mod:`cmirev.localtime`)."""
    from cmirev.localtime import local_tz as zone

    return zone()


@dataclass(frozen=True)
class Entry:
    """A drillable item: its global id, unit, section and content."""

    gid: str
    unit: Unit
    section: str
    item: Item


class Study:
    """Scheduling and recording over one catalog and one store."""

    def __init__(
        self,
        catalog: Catalog,
        store: Store,
        settings: Settings,
        *,
        tz: tzinfo | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: Random | None = None,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.settings = settings
        self.tz = tz or local_tz()
        self.clock = clock
        self.rng = rng or Random()
        self.group = catalog.group_of()  # same_as twins -> their shared card's item
        self._held: frozenset[str] | None = None  # cards set aside (read when first needed)
        self.merge_twins()
        self.saved_pending = self.save_pending() if self.pending_path.exists() else 0
        self.session_id = uuid.uuid4().hex[:12]
        self.new_leech = False  # whether the last recorded answer made its item a leech
        self._calibration: Calibration | None = None
        self._calibrated_at = 0
        self._recorded = 0  # answers recorded since the calibration was read
        self.entries: dict[str, Entry] = {}
        self.by_unit: dict[str, list[str]] = {}
        formats = catalog.formats
        for unit in catalog.units:
            ids = self.by_unit[unit.id] = []
            for section in DRILL_ORDER:
                for item in unit.section(section):
                    gid = f"{unit.id}/{item.id}"
                    drilled = (
                        formats[gid]
                        if formats is not None
                        else self.generator.formats_for(unit, section, item)
                    )
                    if drilled:
                        self.entries[gid] = Entry(gid, unit, section, item)
                        ids.append(gid)

    @cached_property
    def generator(self) -> Generator:
        """The question generator, built when a question is first asked (it indexes the whole
        catalog's words; ``due`` and ``stats`` never need it)."""
        return Generator(self.catalog)

    # -- days

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def today(self) -> date:
        return scheduler.study_day(self.now(), self.tz, self.settings.day_start_hour)

    def window(self, day: date | None = None) -> tuple[datetime, datetime]:
        return scheduler.day_window(day or self.today(), self.tz, self.settings.day_start_hour)

    # -- recall, calibrated to the learner

    @property
    def calibration(self) -> Calibration:
        """How FSRS's predictions are calibrated to this learner's answers (fitted from the
        review log, again once it has grown by a tenth; :mod:`cmirev.calibration`)."""
        if self._calibration is not None and self._recorded < self._calibrated_at * 0.1 + 20:
            return self._calibration  # read for every card: no query until answers add up
        logged = self.store.count_reviews()
        self._recorded = 0
        saved = self.store.calibration()
        if saved is not None and logged < saved[2] * 1.1 + 20:
            self._calibration = self._calibration_of(saved[0], saved[1])
            self._calibrated_at = saved[2]
            return self._calibration
        # Fitted on the latest reviews (each card's whole history replayed, the recent
        # reviews scored), so the cost stays bounded however long the log grows.
        items, since = self.store.latest(CALIBRATION_WINDOW)
        events = [
            Event(item, rating, at, fmt) for item, rating, at, fmt in self.store.ratings_of(items)
        ]
        self._calibration = calibrate(events, self.settings, self.tz, since)
        self._calibrated_at = logged
        with contextlib.suppress(StoreError):  # read-only or busy: the figure is not kept
            self.store.save_calibration(
                self._calibration.factors, self._calibration.reviews, logged
            )
        return self._calibration

    def _calibration_of(self, factors: Sequence[float | None], reviews: int = 0) -> Calibration:
        """A calibration from its saved factors (exponent, first, lapsed, growth, decay)."""
        exponent, first, lapsed, growth, decay = factors
        return Calibration(
            float(exponent or 1.0),
            reviews,
            float(first or 1.0),
            float(lapsed or 1.0),
            float(growth or 0.0),
            None if decay is None else float(decay),
            scheduler.decay_of(self.settings),
        )

    def kind(self, card: CardState) -> tuple[float | None, bool, bool]:
        """What the calibration tells cards apart by: FSRS's stability, whether the card's
        reviews all fell on its first study day (:func:`cmirev.scheduler.first_interval`), and
        whether it was forgotten once learned."""
        first = scheduler.first_interval(card, self.tz, self.settings.day_start_hour)
        return card.stability, first, card.fails > 0

    def _kind_for(
        self, calibration: Calibration, card: CardState
    ) -> tuple[float | None, bool, bool]:
        """:meth:`kind`, without working out the study days when the calibration does not
        tell first-interval cards apart (stats reads every card)."""
        if calibration.first == 1.0:
            return card.stability, False, card.fails > 0
        return self.kind(card)

    def recall(self, card: CardState, when: datetime | None = None) -> float:
        """The learner's predicted chance of recalling the card's item at ``when`` (now):
        FSRS's recall calibrated to this learner, for this card."""
        r = scheduler.retrievability(self.settings, card, when or self.now(), self.tz)
        calibration = self.calibration
        return calibration.recall(r, *self._kind_for(calibration, card))

    # -- one memory per idea

    def key(self, gid: str) -> str:
        """The card an item's memory lives on: one per same_as group (its first member)."""
        return self.group.get(gid, gid)

    def card(self, gid: str) -> CardState | None:
        """The item's card (shared with its same_as twins)."""
        return self.store.card(self.key(gid))

    def cards(self, gids: Sequence[str]) -> dict[str, CardState]:
        """Cards by item id, twins sharing one; items never reviewed are absent."""
        found = self.store.cards({self.key(g) for g in gids})
        return {g: found[self.key(g)] for g in gids if self.key(g) in found}

    def merge_twins(self) -> int:
        """Stores written before twins shared a card have a card per twin: replay each group's
        merged log onto its one card (no review is lost; each keeps which item was asked).
        Returns how many groups were merged."""
        merged = 0
        settings = replace(self.settings, fuzz=False)
        twins: dict[str, set[str]] = {}
        for gid, key in self.group.items():
            twins.setdefault(key, {key}).add(gid)
        held = self.store.cards([m for members in twins.values() for m in members])
        for members in twins.values():
            key = min(members)
            own = {m for m in members if m in held}
            if not own or own == {key}:
                continue
            rows = sorted(
                (r for m in members for r in self.store.reviews(m)),
                key=lambda r: (r.reviewed_at, r.id),
            )
            cards = scheduler.replay(
                settings, key, [(r.rating, r.reviewed_at) for r in rows], self.tz
            )
            states = [
                (row.id, before, after) for row, (before, after) in zip(rows, cards, strict=True)
            ]
            if states:
                self.store.merge(key, members, states, states[-1][2])
                merged += 1
        return merged

    # -- recording

    def record(self, answer: Answer, *, overruled: bool = False) -> int:
        """Turn an answer into a review: the card read, its new state worked out and the log
        row written in one transaction (so concurrent answers to one item never build on a
        stale card)."""
        q = answer.question
        # The answer as it is saved, or kept for later when the store cannot take it. Due
        # when the calibrated recall reaches the desired retention (the calibration kept
        # with it, so that an answer saved later is scheduled as it would have been now).
        entry = {
            "key": self.key(q.item),
            "asked": q.item,
            "format": q.format,
            "correct": answer.mark.correct,
            "grade": answer.mark.rating if q.self_graded else 0,
            "seconds": answer.seconds,
            "at": self.now().isoformat(),
            "overruled": overruled,
            "session": self.session_id,
            "slow": self.slow_threshold(q.format),
            "calibration": list(self.calibration.factors),
        }
        try:
            review_id, before, after = self._save(entry)
        except StoreError as exc:
            raise StoreError(f"{exc}. {self._keep(entry)}") from None
        self.new_leech = after.leech and not (before is not None and before.leech)
        self._recorded += 1
        return review_id

    # -- answers that could not be saved

    @property
    def pending_path(self) -> Path:
        """Where answers wait when the store cannot be written (beside the store)."""
        return self.store.path.with_name(PENDING_NAME)

    def _save(self, entry: dict[str, Any]) -> tuple[int, CardState | None, CardState]:
        """Save one answer (as ``record`` describes it): the rating and the new card are worked
        out from the card read inside the write transaction."""
        at = datetime.fromisoformat(entry["at"])
        desired = self.settings.desired_retention
        if "calibration" in entry:
            calibration = self._calibration_of(entry["calibration"])

            def retention(card: CardState) -> float:
                return calibration.retention(desired, *self.kind(card))

            schedule, per_card = self.settings, retention
        else:  # kept by a cmirev before per-card calibration: one target for every card
            schedule, per_card = (
                replace(self.settings, desired_retention=float(entry["retention"])),
                None,
            )

        def update(before: CardState | None) -> tuple[int, CardState]:
            rating = scheduler.rating_for(
                entry["format"],
                bool(entry["correct"]),
                int(entry["grade"]),
                in_review=before is not None and before.state == scheduler.REVIEW_STATE,
                seconds=float(entry["seconds"]),
                slow_seconds=float(entry["slow"]),
            )
            after = scheduler.review(
                schedule, entry["key"], before, rating, at, self.rng, self.tz, per_card
            )
            return rating, after

        return self.store.answer(
            entry["key"],
            update,
            entry["format"],
            bool(entry["correct"]),
            at,
            duration_ms=round(float(entry["seconds"]) * 1000),
            session=entry.get("session"),
            overruled=bool(entry.get("overruled")),
            asked=entry.get("asked"),
        )

    def _keep(self, entry: dict[str, Any]) -> str:
        """Append an unsaved answer to the pending file; what to tell the learner."""
        try:
            with self.pending_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            return f"Your last answer could not be kept either ({exc.strerror or exc})"
        return (
            f"Your last answer is kept in {self.pending_path} and will be saved the next time "
            "cmirev can write the store"
        )

    def save_pending(self) -> int:
        """Save the answers that waited in the pending file, oldest first, each as it would
        have been saved; the file goes once all are in. How many were saved."""
        path = self.pending_path
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return 0
        saved = 0
        for number, line in enumerate(lines):
            try:
                entry = json.loads(line)
                datetime.fromisoformat(entry["at"])
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line: nothing to save
            try:
                self._save(entry)
            except StoreError:
                with contextlib.suppress(OSError):
                    path.write_text("\n".join(lines[number:]) + "\n", encoding="utf-8")
                return saved
            except (ValueError, KeyError, TypeError):
                continue  # a line that is not an answer: nothing to save
            saved += 1
        with contextlib.suppress(OSError):
            path.unlink()
        return saved

    def slow_threshold(self, fmt: str) -> float:
        """Seconds after which a right typed or ordered recall counts as effortful (Hard):
        ``slow_seconds`` (twice that for an order question) until the learner has given
        OWN_PACE_ANSWERS right answers in this
        format, then twice their median time for it over the last 50 (typing speed varies;
        the review of the first release proposed twice the running median). 0: never."""
        if not self.settings.slow_seconds or FORMATS[fmt].memory != "recall":
            return float(self.settings.slow_seconds)
        times = self.store.recent_durations(50, fmt)
        if len(times) < OWN_PACE_ANSWERS:
            # Putting a sequence in order means typing several numbers: twice as long.
            return float(self.settings.slow_seconds) * (2 if fmt == "order" else 1)
        return 2 * statistics.median(times) / 1000

    def cram_introduction(self, gid: str) -> tuple[str, list[tuple[str, str]]] | None:
        """The study card for an item met for the first time in a cram session (never
        reviewed, never crammed before), else None."""
        if self.store.crammed(self.key(gid)):
            return None
        return self.introduction(gid)

    def record_cram(self, answer: Answer) -> int:
        """Log a cram answer: no card changes, so the long-term schedule stays as it was."""
        q = answer.question
        return self.store.record_cram(
            self.key(q.item),
            q.format,
            answer.mark.correct,
            self.now(),
            duration_ms=round(answer.seconds * 1000),
            session=self.session_id,
            asked=q.item,
        )

    def undo_cram(self, cram_id: int) -> bool:
        return self.store.undo_cram(cram_id)

    def step_wait(self, gid: str) -> float | None:
        """Seconds until the item's next learning or relearning step, when it is within the
        learn-ahead limit (as in Anki, 20 minutes); None for an item in review or due later."""
        card = self.card(gid)
        if card is None or card.state == scheduler.REVIEW_STATE:
            return None
        if card.step and gid.split("/", 1)[0] in self.dated_units():
            # Toward an assignment date, time goes to seeing every item: a right answer's
            # next step waits for the next session (the day-based due brings it back);
            # only a wrong answer is asked again in this one.
            return None
        wait = (card.due - self.now()).total_seconds()
        return max(0.0, wait) if wait <= LEARN_AHEAD_SECONDS else None

    def dated_units(self) -> set[str]:
        """Units with an assignment date still to come."""
        today = self.today()
        return {d.unit for d in self.store.deadlines().values() if d.day >= today}

    def undo(self, review_id: int) -> bool:
        return self.store.undo(review_id) is not None

    def overrule(self, review_id: int, answer: Answer) -> int:
        """The learner says a typed answer marked wrong was right: the review is replaced by
        one marked right, flagged as overruled. Returns the new review's id."""
        self.store.undo(review_id)
        return self.record(answer, overruled=True)

    # -- drilling

    def items(self, units: Sequence[Unit], *, held: bool = False) -> list[str]:
        """The drillable items of these units, in catalog order; items the learner suspended
        or buried (and their same_as twins) only when ``held`` is true."""
        found = [gid for unit in units for gid in self.by_unit.get(unit.id, ())]
        aside = self.held_keys
        if held or not aside:
            return found
        return [gid for gid in found if self.key(gid) not in aside]

    # -- items set aside by the learner

    @property
    def held_keys(self) -> frozenset[str]:
        """The cards (one per idea) of the items suspended, or buried until a later study day."""
        if self._held is None:
            self._held = frozenset(self.key(g) for g in self.store.holds(self.now()))
        return self._held

    def hold_of(self, gid: str) -> Hold | None:
        """The hold that keeps this item out of drills now: its own or a same_as twin's."""
        key = self.key(gid)
        return next(
            (h for g, h in self.store.holds(self.now()).items() if self.key(g) == key), None
        )

    def held_in(self, units: Sequence[Unit]) -> dict[str, list[str]]:
        """Items of these units set aside now, by kind (suspended, buried), in catalog order."""
        holds = self.store.holds(self.now())
        kinds = {self.key(g): h.kind for g, h in holds.items()}
        found: dict[str, list[str]] = {"suspended": [], "buried": []}
        for gid in self.items(units, held=True):
            kind = kinds.get(self.key(gid))
            if kind is not None:
                found[kind].append(gid)
        return found

    def suspend(self, gids: Sequence[str]) -> list[str]:
        """Leave these items out of drills and due counts until they are unsuspended; the
        ones that were not suspended already."""
        self._held = None
        return self.store.hold(gids, "suspended", self.now())

    def bury(self, gids: Sequence[str]) -> list[str]:
        """Leave these items out until the next study day starts; the ones newly buried."""
        self._held = None
        return self.store.hold(gids, "buried", self.now(), until=self.next_day_start())

    def unsuspend(self, gids: Sequence[str]) -> list[str]:
        """Bring these items back into the drills, suspended or buried, whichever of their
        same_as twins was named when they were set aside; the items named that were held."""
        self._held = None
        keys = {self.key(g) for g in gids}
        named = [g for g in self.store.holds() if self.key(g) in keys]
        released = {self.key(g) for g in self.store.release(named, self.now())}
        return [g for g in gids if self.key(g) in released]

    def next_day_start(self) -> datetime:
        """When the next study day starts (UTC): a buried item comes back then."""
        return self.window(self.today() + timedelta(days=1))[0]

    def focus(
        self,
        units: Sequence[Unit],
        sections: Sequence[str] | None = None,
        outcome: str | None = None,
        criterion: str | None = None,
    ) -> list[str]:
        """The items of these units in these sections, serving this outcome, or this criterion
        (the criterion itself and every item linked to an outcome it evidences)."""
        found = []
        for gid in self.items(units):
            entry = self.entries[gid]
            if sections and entry.section not in sections:
                continue
            if outcome and outcome not in entry.item.outcomes and entry.item.id != outcome:
                continue
            if criterion:
                crit = next((c for c in entry.unit.assessment_criteria if c.id == criterion), None)
                if crit is None:
                    continue
                if entry.item.id != criterion and not set(crit.outcomes) & set(entry.item.outcomes):
                    continue
            found.append(gid)
        return found

    def weakest(self, items: Sequence[str], count: int) -> list[str]:
        """The ``count`` seen items least likely to be recalled now (leeches left out)."""
        now = self.now()
        cards = self.cards(items)
        ranked = sorted(
            (self.recall(card, now), gid) for gid, card in cards.items() if not card.leech
        )
        return [gid for _, gid in ranked[:count]]

    def plan(
        self,
        units: Sequence[Unit],
        new_limit: int | None = None,
        review_limit: int | None = None,
        only: Sequence[str] | None = None,
    ) -> Plan:
        """Today's drill for these units (or for the ``only`` items among them); a unit with an
        assignment date is planned toward it (see :mod:`cmirev.deadline`) unless ``new_limit``
        is given."""
        items = self.items(units)
        if only is not None:
            keep = set(only)
            items = [gid for gid in items if gid in keep]
        start, end = self.window()
        reviewed_today = self.store.items_reviewed(start, end)
        # Only cards due today (and leeches) are read in full; the rest only count as seen.
        held = self.store.card_times()
        due = self.store.cards_due(end)
        keys = {gid: self.key(gid) for gid in items}
        plan = scheduler.plan_drill(
            self.settings,
            items,
            {gid: due[key] for gid, key in keys.items() if key in due},
            self.group,
            self.now(),
            reviewed_today,
            new_limit,
            review_limit,
            self.tz,
            seen={gid for gid, key in keys.items() if key in held},
            asked_today=self.store.asked_today(start, end) if self.group else None,
        )
        if new_limit is None:
            from cmirev.deadline import extend_plan

            extend_plan(
                self,
                plan,
                units,
                reviewed_today,
                set(only) if only is not None else None,
                review_limit,
            )
        return plan

    def waiting(self, plan: Plan) -> int:
        """Ideas due that the plan leaves for tomorrow because a copy of the same idea in
        another unit was asked today (an idea is asked once a day): what makes the drill
        ask fewer than 'cmirev due' counts."""
        planned = {self.key(g) for g in plan.items}
        return len({self.key(g) for g in plan.held} - planned)

    def not_drilled(self, units: Sequence[Unit]) -> dict[str, int]:
        """How the drill's pool compares with the units' items: items in the units, items
        drilled (set aside or not), prerequisites (read, not drilled) and items of drilled
        sections no question can be made about."""
        total = sum(len(u.items()) for u in units)
        drilled = len(self.items(units, held=True))
        prerequisites = sum(len(u.prerequisites) for u in units)
        return {
            "in_units": total,
            "drilled": drilled,
            "prerequisites": prerequisites,
            "no_question": total - drilled - prerequisites,
        }

    def introduction(self, gid: str) -> tuple[str, list[tuple[str, str]]] | None:
        """A study card for an item never reviewed (nor its same_as twins): a heading and
        labelled lines to read before the first question. None for an item already seen."""
        entry = self.entries.get(gid)
        if entry is None or self.card(gid) is not None:  # twins share one card
            return None
        return study_card(entry.item)

    def question(self, gid: str) -> Question | None:
        """A question about this item, in a format that suits its memory state."""
        entry = self.entries.get(gid)
        if entry is None:
            return None
        card = self.card(gid)
        allowed = self.generator.formats_for(entry.unit, entry.section, entry.item)
        preferred = [f for f in scheduler.preferred_formats(card) if f in allowed]
        others = [f for f in allowed if f not in preferred]
        self.rng.shuffle(preferred)
        self.rng.shuffle(others)
        for fmt in preferred + others:
            q = self.generator.make(fmt, entry.unit, entry.section, entry.item, self.rng)
            if q is not None:
                return q
        return None

    # -- reporting

    def due_report(self, units: Sequence[Unit], days: int = 7) -> dict[str, Any]:
        """Per unit: due now, new available, leeches, and a forecast of the next ``days`` days."""
        now = self.now()
        today = self.today()
        start, end = self.window()
        reviewed = self.store.items_reviewed(start, end)
        new_left = max(0, self.settings.new_per_day - sum(1 for v in reviewed.values() if v))
        rows: list[dict[str, Any]] = []
        total_forecast = [0] * days
        next_due: datetime | None = None
        counted: set[str] = set()  # one idea, one count: twins in later units share a card
        held = self.store.card_times()  # key -> (due, leech), read once for every unit
        now_ts = _ts(now)
        # The moments the next study days start, to count due times per day without a date
        # conversion per card.
        starts = [_ts(self.window(today + timedelta(days=d))[0]) for d in range(1, days + 1)]
        for unit in units:
            items = self.items([unit])
            keys = {self.key(g) for g in items}
            seen = sum(1 for g in items if self.key(g) in held)
            mine = {k for k in keys if k in held} - counted
            counted |= mine
            live = [held[k][0] for k in mine if not held[k][1]]
            later = [ts for ts in live if ts > now_ts]
            if later:
                soonest = _dt(min(later))
                if soonest is not None and (next_due is None or soonest < next_due):
                    next_due = soonest
            fc = [0] * days
            for ts in live:
                offset = bisect.bisect_right(starts, ts)
                if offset < days:
                    fc[offset] += 1
            total_forecast = [a + b for a, b in zip(total_forecast, fc, strict=True)]
            rows.append(
                {
                    "unit": unit.id,
                    "code": unit.short,
                    "due_now": sum(1 for ts in live if ts <= now_ts),
                    "new_available": len(items) - seen,
                    "leeches": sum(1 for k in mine if held[k][1]),
                    "forecast": fc,
                }
            )
        totals: dict[str, Any] = {
            key: sum(r[key] for r in rows) for key in ("due_now", "new_available", "leeches")
        }
        totals["forecast"] = total_forecast
        from cmirev import deadline

        dated = deadline.active(self, units)
        if dated:  # the quota toward a date, not the daily limit, sets today's new items
            new_left = len(self.plan(units).new)
        aside = self.held_in(units) if self.held_keys else {"suspended": [], "buried": []}
        return {
            "today": today.isoformat(),
            "deadlines": [deadline.outlook(self, d) for d in dated],
            "new_per_day": self.settings.new_per_day,
            "new_left_today": new_left,
            "suspended": len(aside["suspended"]),
            "buried": len(aside["buried"]),
            "pool": self.not_drilled(units),
            "units": rows,
            "total": totals,
            "forecast_days": [(today + timedelta(days=i)).isoformat() for i in range(days)],
            "next_due": next_due.isoformat() if next_due else None,
            "next_due_text": when_text(next_due, now, self.tz) if next_due else None,
        }

    def orphans(self) -> list[tuple[str, int]]:
        """Items with review history whose ids no longer exist in the content."""
        known = {f"{u.id}/{i.id}" for u in self.catalog.units for _, i in u.items()}
        rows = self.store.db.execute(
            "SELECT item, count(*) FROM reviews GROUP BY item ORDER BY item"
        )
        return [(item, n) for item, n in rows if item not in known]
