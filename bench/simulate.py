"""A simulated learner revising with cmirev, and with baselines, for weeks of evenings.

Measures what the learner *really* remembers (their modelled free recall), not what the
scheduler predicts, so that scheduling designs can be compared and ``cmirev stats`` readiness
can be checked against a known truth.

The learner (:class:`Learner`) is deliberately not FSRS: one exponential memory trace per idea
(``same_as`` twins share it), with a half-life that grows after successful retrievals (more after
harder ones, and more for recall than for recognition) and shrinks after failures, and with
recognition and cued recall easier than free recall. The simulated terminal (:class:`SimUI`)
answers the real questions cmirev generates: letters, t/f, typed words, orders, self-grades.

Strategies, on the same learner (the same ideas, the same easiness) and the same items:

- ``cmirev``: cmirev's own ``Study.plan`` and ``session.run_drill``, exactly as ``cmirev drill
  --minutes M`` runs them, on a fresh store, with default settings;
- ``fixed``: reviews after 1, 3, 7, 14, 30 days (a wrong answer starts again), 10 new a day;
- ``sm2``: Anki's SM-2 with its defaults (steps 1 and 10 min, graduating 1 day, easy 4 days,
  ease 2.5, -0.2 on a lapse, relearning 10 min, 20 new and 200 reviews a day);
- ``cram``: nothing until the last 7 days, then every item in order, again and again, in the
  same daily budget (``cram``) or in the same total time as cmirev spent (``cram-total``).

Baselines ask cmirev's own generated questions, chosen by cmirev's format policy (recognition
while an item is being learned, recall once it is), go through the same ``run_drill`` (so the
same in-session requeue of wrong answers) and rate answers with cmirev's ``rating_for``: only
the scheduling differs. They never write to a review store.

Usage::

    python bench/simulate.py [--learners 5] [--days 60] [--minutes 15 30]
                             [--scenario base|deadline|sensitivity|all] [--json FILE] [--quick]
                             [--processes 2] [--units DIR] [--cmirev-setting NAME=VALUE]

``--units`` pins the content (for example a commit's ``data/units``, exported with ``git
archive``) so that figures stay comparable while the shipped units change; ``--cmirev-setting``
adds a run of cmirev with one ``Settings`` field changed (``desired_retention=0.95``). The
deadline scenario also runs ``drill --cram`` on the last evenings when this cmirev has it, and
a reference that cycles through every item.

The results and their reading are in ``bench/simulate.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from cmirev import scheduler, stats
from cmirev.loader import load_catalog
from cmirev.models import Catalog, Unit
from cmirev.questions import FORMATS, LETTERS, RECALL, RECOGNITION, Generator, Question, mark
from cmirev.scheduler import Settings
from cmirev.session import Answer, Summary, run_drill
from cmirev.store import Store
from cmirev.study import DRILL_ORDER, LEARN_AHEAD_SECONDS, Study

LONDON = ZoneInfo("Europe/London")
FIRST_DAY = date(2026, 1, 5)  # a Monday
DAY = 86_400.0
MEASURE_HOUR = 9  # true recall is measured at 09:00 the morning after
EVENING_START = (18, 30)  # sessions start at a random time in the three hours after this
EVENING_SPREAD_MINUTES = 180
CRAM_DAYS = 7
DEADLINE_DAYS = 10
AFTER_STOP_DAYS = 30  # the last measurement: this long after study stops
MC_OPTIONS = 4  # "recognition success" is the chance of a right 4-option multiple-choice answer
REVEAL_PROMPT = "Press Enter to reveal the model answer"
FINISH_PROMPT = "Enter to finish, or ! to overrule"
MAX_READS = 8  # a question read more often than this means the simulated UI is stuck
CRAM_LAST_DAYS = 2  # cmirev-deadline-cram: evenings before the date spent on drill --cram
LEECH_LAPSES = 8  # SM-2 baseline: lapses that suspend a card (Anki's default)
WRONG_WORDS = ("xqzvk", "qqqq zzzz")  # typed when the learner cannot recall the missing word


# -- the learner model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerParams:
    """The learner model's parameters (see :class:`Learner`); a variant changes a few of them.

    Half-lives are in days. ``stretch_*`` scale the half-life for the easier kinds of memory:
    cued recall (a cloze, an order) and recognition outlast free recall. ``gain_*`` weigh how
    much a genuine success strengthens the trace, by the kind of retrieval practised.
    """

    name: str = "base"
    h0_days: float = 2.0
    easiness_sigma: float = 0.35
    h0_sigma: float = 0.6
    stretch_cued: float = 1.5
    stretch_recognition: float = 3.0
    gain_free: float = 2.0
    gain_cued: float = 1.7
    gain_recognition: float = 1.0
    gain_floor: float = 0.1
    gain_power: float = 0.7
    easy_share: float = 0.3  # recalled with p > 0.9: graded Easy this often
    hard_share: float = 0.3  # recalled with p < 0.5: graded Hard this often
    lenient_share: float = 0.15  # not recalled: graded Hard (which counts as recalled) this often
    seconds_choice: float = 25.0
    seconds_true_false: float = 15.0
    seconds_typed: float = 30.0
    seconds_order: float = 45.0
    seconds_recall: float = 45.0
    seconds_study_card: float = 20.0
    seconds_feedback_right: float = 8.0
    seconds_feedback_wrong: float = 20.0

    def answer_seconds(self, answering: str) -> float:
        """Time to answer a question answered this way (before the feedback)."""
        return {
            "choice": self.seconds_choice,
            "true-false": self.seconds_true_false,
            "typed": self.seconds_typed,
            "order": self.seconds_order,
            "self-graded": self.seconds_recall,
        }[answering]


VARIANTS: dict[str, LearnerParams] = {
    "base": LearnerParams(),
    "fast": LearnerParams(name="fast", h0_days=1.0),
    "slow": LearnerParams(name="slow", h0_days=5.0),
    "recog-equal": LearnerParams(name="recog-equal", gain_recognition=2.0),
}
VARIANT_TEXT = {
    "base": "base learner",
    "fast": "fast forgetter (h0 1 d)",
    "slow": "slow forgetter (h0 5 d)",
    "recog-equal": "recognition practice as good as recall",
}


def memory_kind(question: Question) -> str:
    """Which memory a question draws on: 'free' (self-graded recall), 'cued' (a cloze, an
    order: the prompt gives part of the answer) or 'recognition' (options to choose from)."""
    answering = FORMATS[question.format].answering
    if answering == "self-graded":
        return "free"
    if answering in ("typed", "order"):
        return "cued"
    return "recognition"


@dataclass
class Trace:
    """One idea's memory: its half-life (days), when it was last encoded (epoch seconds), and
    the idea's fixed easiness and first-encoding half-life."""

    half_life: float
    last: float
    easiness: float
    first: float


@dataclass(frozen=True)
class Response:
    """What the learner does with one question: the lines typed, whether the answer was really
    known (not guessed), the probability it was known with, and the time taken."""

    replies: tuple[str, ...]
    knew: bool
    kind: str
    p: float
    seconds: float


class Learner:
    """A learner with one memory trace per idea (not FSRS).

    - First study of an idea (cmirev's study card, or the feedback after a first question)
      encodes it with half-life ``h0 = h0_days * E * lognormal(0, 0.6)``, ``E = lognormal(0,
      0.35)`` the idea's easiness: ideas and learners differ.
    - After ``dt`` days, free recall succeeds with ``2^(-dt/h)``, cued recall with
      ``2^(-dt/(1.5h))``, recognition with ``2^(-dt/(3h))``; a k-option question is also right
      by a lucky guess, ``(1-m)/k`` (exponential forgetting; recognition is easier than recall).
    - A genuine success multiplies ``h`` by ``1 + g*E*(0.1 + (1-p)^0.7)``, ``g`` = 2.0 free
      recall, 1.7 cued, 1.0 recognition: harder retrievals strengthen more, a massed repeat
      (``p`` near 1) little, recall more than recognition (the testing-effect literature).
    - A failure, or a lucky guess, re-encodes from the feedback: ``h = max(h0, h/2)``.
    - Every answer (its feedback shows the answer) restarts the forgetting clock.

    The idea's easiness and ``h0`` come from a generator seeded by the learner's seed and the
    idea, so every strategy meets the same learner; the answers draw on a separate generator.
    """

    def __init__(self, seed: int, params: LearnerParams, rng: Random) -> None:
        self.seed = seed
        self.params = params
        self.rng = rng
        self.traces: dict[str, Trace] = {}

    def idea(self, key: str) -> tuple[float, float]:
        """The idea's easiness and first half-life for this learner (fixed by seed and idea)."""
        draw = Random(f"{self.seed}/{key}")
        easiness = draw.lognormvariate(0.0, self.params.easiness_sigma)
        first = self.params.h0_days * easiness * draw.lognormvariate(0.0, self.params.h0_sigma)
        return easiness, first

    def knows_of(self, key: str) -> bool:
        return key in self.traces

    def study(self, key: str, now: float) -> None:
        """Read a study card about an idea not yet encoded (nothing happens for one that is)."""
        if key not in self.traces:
            easiness, first = self.idea(key)
            self.traces[key] = Trace(first, now, easiness, first)

    def chance(self, key: str, kind: str, now: float) -> float:
        """Probability of retrieving the idea now with this kind of memory (0 if never met)."""
        trace = self.traces.get(key)
        if trace is None:
            return 0.0
        stretch = {
            "free": 1.0,
            "cued": self.params.stretch_cued,
            "recognition": self.params.stretch_recognition,
        }[kind]
        days = max(0.0, now - trace.last) / DAY
        return float(2.0 ** (-days / (stretch * trace.half_life)))

    def respond(self, question: Question, key: str, now: float) -> Response:
        """Answer a question: recall (or recognise) it with the model's probability; when not,
        guess among the options (a choice), or give a wrong word, a wrong order, a low grade."""
        kind = memory_kind(question)
        p = self.chance(key, kind, now)
        knew = self.rng.random() < p
        answering = FORMATS[question.format].answering
        seconds = self.params.answer_seconds(answering)
        if answering == "self-graded":
            replies: tuple[str, ...] = ("", str(self.grade(knew, p)))
        elif knew:
            replies = (right_reply(question),)
        elif answering in ("choice", "true-false"):
            replies = (guess_reply(question, self.rng),)
        else:
            replies = (wrong_reply(question, self.rng),)
        return Response(replies, knew, kind, p, seconds)

    def grade(self, recalled: bool, p: float) -> int:
        """The learner's self-grade 1-4: Good when recalled (Easy sometimes when it was easy,
        Hard sometimes when it was not), Again when not (Hard sometimes, leniently)."""
        roll = self.rng.random()
        if recalled:
            if p > 0.9 and roll < self.params.easy_share:
                return 4
            if p < 0.5 and roll < self.params.hard_share:
                return 2
            return 3
        return 2 if roll < self.params.lenient_share else 1

    def learn(self, key: str, response: Response, now: float) -> None:
        """Update the idea's trace after the feedback: strengthen after a genuine success,
        re-encode (``max(h0, h/2)``) after a failure or a lucky guess."""
        trace = self.traces.get(key)
        if trace is None:  # asked before any study: the feedback is the first encoding
            self.study(key, now)
            return
        if response.knew:
            gain = {
                "free": self.params.gain_free,
                "cued": self.params.gain_cued,
                "recognition": self.params.gain_recognition,
            }[response.kind]
            boost = self.params.gain_floor + (1.0 - response.p) ** self.params.gain_power
            trace.half_life *= 1.0 + gain * trace.easiness * boost
        else:
            trace.half_life = max(trace.first, trace.half_life / 2.0)
        trace.last = now

    def free_recall(self, key: str, now: float) -> float:
        return self.chance(key, "free", now)

    def mc_success(self, key: str, now: float) -> float:
        """Chance of a right answer to a 4-option multiple-choice question (0 if never met)."""
        if key not in self.traces:
            return 0.0
        m = self.chance(key, "recognition", now)
        return m + (1.0 - m) / MC_OPTIONS


# -- replies to real questions -------------------------------------------------------------------


def right_reply(question: Question) -> str:
    """The reply a learner who knows the answer types (a typed answer in its first accepted
    form that the marker takes; the model answer if none does)."""
    answering = FORMATS[question.format].answering
    if answering == "choice":
        return LETTERS[question.answer]
    if answering == "true-false":
        return "t" if question.answer == 0 else "f"
    if answering == "order":
        return question.model_answer
    for form in (*question.accepted, question.model_answer):
        if mark(question, form).correct:
            return form
    return question.model_answer


def guess_reply(question: Question, rng: Random) -> str:
    """A blind guess among the options (right by luck 1 time in k)."""
    if FORMATS[question.format].answering == "true-false":
        return rng.choice("tf")
    return LETTERS[rng.randrange(len(question.options))]


def wrong_reply(question: Question, rng: Random) -> str:
    """A wrong typed word (one the marker neither accepts nor calls a near miss), or a wrong
    order of the steps."""
    if FORMATS[question.format].answering == "order":
        count = len(question.options)
        while True:
            order = rng.sample(range(count), count)
            if tuple(order) != tuple(question.order):
                return " ".join(LETTERS[i] for i in order)
    candidates = [w for w in question.other_words if w.isalpha()]
    rng.shuffle(candidates)
    for word in [*candidates[:3], *WRONG_WORDS]:
        verdict = mark(question, word)
        if verdict.valid and not verdict.correct and not verdict.retry:
            return word
    return WRONG_WORDS[0]


# -- time and the terminal -----------------------------------------------------------------------


class SimClock:
    """Simulated time: epoch seconds as a float (what ``run_drill`` reads) and the same moment
    as an aware datetime (what ``Study`` reads); it moves only when the learner spends time."""

    def __init__(self, start: datetime) -> None:
        self.t = start.timestamp()

    def seconds(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def set(self, moment: datetime) -> None:
        self.t = moment.timestamp()


@dataclass
class Tally:
    """What the learner did: answers by format, study cards, time, and any trouble answering."""

    answers: int = 0
    right: int = 0
    study_cards: int = 0
    seconds: float = 0.0
    formats: Counter[str] = field(default_factory=Counter)
    guesses_right: int = 0
    mismarked: int = 0  # the marker disagreed with what the learner meant to answer
    stuck: int = 0  # questions the simulated UI could not get a valid reply accepted for
    no_question: int = 0  # items the drill skipped: no format gave a question
    repeat_cards: int = 0  # study cards shown again for an idea the learner had already met
    new_leeches: int = 0
    evenings: int = 0
    evenings_empty: int = 0  # nothing planned
    evenings_short: int = 0  # the drill ended with budget left
    unused_minutes: float = 0.0
    # cmirev: answers to cards in review state, by memory kind: [answers, sum of FSRS's
    # predicted recall before the answer, right answers, sum of the learner's true chance]
    checks: dict[str, list[float]] = field(default_factory=dict)
    # cmirev: answers a study day or more after the item's last review, by kind of answer
    # (recall or recognition) and of card: [answers, sum of FSRS's recall, right answers]
    scored: dict[str, list[float]] = field(default_factory=dict)

    def check(self, kind: str, predicted: float, right: bool, true_p: float) -> None:
        row = self.checks.setdefault(kind, [0.0, 0.0, 0.0, 0.0])
        for i, value in enumerate((1.0, predicted, float(right), true_p)):
            row[i] += value


class SimUI:
    """A :class:`cmirev.session.QuizUI` that the learner drives: it never undoes, never
    overrules and never asks for help; time passes as the learner answers and reads feedback."""

    def __init__(
        self, learner: Learner, clock: SimClock, key: Callable[[str], str], tally: Tally
    ) -> None:
        self.learner = learner
        self.clock = clock
        self.key = key
        self.tally = tally
        self.response: Response | None = None
        self.current: Question | None = None
        self.reads = 0

    def question(self, question: Question, number: int, total: int) -> None:
        self.current = question
        self.reads = 0
        self.response = self.learner.respond(question, self.key(question.item), self.clock.t)

    def read(self, prompt: str) -> str | None:
        if prompt == FINISH_PROMPT or self.response is None:
            return ""
        if self.reads == 0:
            self.clock.advance(self.response.seconds)
        self.reads += 1
        if self.reads > MAX_READS:
            self.tally.stuck += 1
            return "q"  # give up on this drill rather than loop; counted and reported
        replies = self.response.replies
        return replies[min(self.reads - 1, len(replies) - 1)]

    def hint(self, text: str) -> None:
        return None

    def help(self, question: Question) -> None:
        return None

    def reveal(self, question: Question) -> None:
        return None

    def feedback(self, answer: Answer) -> None:
        response = self.response
        assert response is not None
        if not answer.question.self_graded and response.knew != answer.mark.correct:
            if answer.mark.correct and answer.question.is_choice:
                self.tally.guesses_right += 1
            else:
                self.tally.mismarked += 1
        self.learner.learn(self.key(answer.question.item), response, self.clock.t)
        self.tally.answers += 1
        self.tally.right += answer.mark.correct
        self.tally.formats[answer.question.format] += 1
        p = self.learner.params
        self.clock.advance(
            p.seconds_feedback_right if answer.mark.correct else p.seconds_feedback_wrong
        )
        self.response = None

    def show_card(self, gid: str) -> None:
        """The learner reads a study card about a new item (encodes its idea)."""
        self.tally.repeat_cards += self.learner.knows_of(self.key(gid))
        self.learner.study(self.key(gid), self.clock.t)
        self.tally.study_cards += 1
        self.clock.advance(self.learner.params.seconds_study_card)


# -- the world of one run ------------------------------------------------------------------------


_CATALOG: Catalog | None = None
UNIT_DIRS: list[Path] = []  # --units: load these folders instead of the shipped units


def catalog() -> Catalog:
    """The units, loaded once per process (without writing the user's cache): the shipped
    ones, or those in ``UNIT_DIRS`` (to pin the content a set of figures was run on)."""
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = load_catalog(UNIT_DIRS or None, use_cache=False)
    return _CATALOG


@dataclass
class World:
    """One learner and one strategy: a fresh store and Study, the clock, the simulated UI."""

    study: Study
    learner: Learner
    clock: SimClock
    ui: SimUI
    tally: Tally
    units: list[Unit]
    minutes: float
    rng: Random  # the strategy's own choices (baselines)
    tmp: tempfile.TemporaryDirectory[str]

    def key(self, gid: str) -> str:
        return self.study.key(gid)

    def close(self) -> None:
        self.study.store.close()
        self.tmp.cleanup()


def make_world(
    seed: int, params: LearnerParams, strategy: str, minutes: float, settings: Settings
) -> World:
    """A fresh temporary store and ``Study`` (London, a simulated clock) and a fresh learner."""
    tmp = tempfile.TemporaryDirectory(
        prefix="cmirev-sim-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
    )
    clock = SimClock(datetime.combine(FIRST_DAY, datetime.min.time(), LONDON))
    cat = catalog()
    study = Study(
        cat,
        Store(Path(tmp.name) / "reviews.sqlite3"),
        settings,
        tz=LONDON,
        clock=clock.now,
        rng=Random(seed),
    )
    learner = Learner(seed, params, Random(f"{seed}/{strategy}/{params.name}/{minutes}/answers"))
    tally = Tally()
    ui = SimUI(learner, clock, study.key, tally)
    rng = Random(f"{seed}/{strategy}/choices")
    return World(study, learner, clock, ui, tally, list(cat.units), minutes, rng, tmp)


def evening_start(seed: int, day: date) -> datetime:
    """When the learner sits down on this day: 18:30-21:30 London time (the same evenings for
    every strategy)."""
    draw = Random(f"{seed}/{day.isoformat()}/evening")
    hour, minute = EVENING_START
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    return start + timedelta(minutes=draw.uniform(0, EVENING_SPREAD_MINUTES))


def morning(day: date) -> datetime:
    """09:00 London time on this day: when memory is measured."""
    return datetime(day.year, day.month, day.day, MEASURE_HOUR, tzinfo=LONDON)


def drill(
    world: World,
    items: Sequence[str],
    make_question: Callable[[str], Question | None],
    record: Callable[[Answer], int],
    budget: float,
    introduce: Callable[[str], object],
    step_wait: Callable[[str], float | None] | None = None,
    overrule: Callable[[int, Answer], int] | None = None,
    undo: Callable[[int], bool] = lambda review_id: False,
) -> None:
    """One evening's session through cmirev's ``run_drill``, time-boxed to ``budget`` seconds."""
    tally = world.tally
    tally.evenings += 1
    if not items:
        tally.evenings_empty += 1
        return
    summary = Summary(seed=0, planned=len(items))
    start = world.clock.seconds()
    run_drill(
        items,
        make_question,
        world.ui,
        summary,
        record,
        undo,
        world.ui.hint,
        clock=world.clock.seconds,
        overrule=overrule,
        time_box=budget,
        introduce=introduce,
        step_wait=step_wait,
    )
    spent = world.clock.seconds() - start
    tally.seconds += spent
    if summary.ended != "time":
        tally.evenings_short += 1
        tally.unused_minutes += max(0.0, budget - spent) / 60


def ask_in_policy(world: World, gid: str, learned: bool) -> Question | None:
    """A question about ``gid`` chosen as ``Study.question`` chooses (recall formats once the
    item is learned, recognition before; the other kind when the item has none), for a
    baseline's notion of learned."""
    entry = world.study.entries[gid]
    generator = world.study.generator
    allowed = generator.formats_for(entry.unit, entry.section, entry.item)
    wanted = RECALL if learned else RECOGNITION
    preferred = [f for f in wanted if f in allowed]
    others = [f for f in allowed if f not in preferred]
    world.rng.shuffle(preferred)
    world.rng.shuffle(others)
    for fmt in preferred + others:
        question = generator.make(fmt, entry.unit, entry.section, entry.item, world.rng)
        if question is not None:
            return question
    world.tally.no_question += 1
    return None


def new_order(world: World) -> list[str]:
    """Ideas in the order cmirev introduces them: units in turn, each in its drill order; one
    item (the first met) per idea."""
    by_unit: dict[str, list[str]] = {}
    for gid, entry in world.study.entries.items():
        by_unit.setdefault(entry.unit.id, []).append(gid)
    queues = list(by_unit.values())
    order: list[str] = []
    seen: set[str] = set()
    while any(queues):
        for queue in queues:
            if queue:
                gid = queue.pop(0)
                if world.key(gid) not in seen:
                    seen.add(world.key(gid))
                    order.append(gid)
    return order


def baseline_introduce(world: World) -> Callable[[str], None]:
    """A baseline shows the same study card before an idea's first question."""

    def introduce(gid: str) -> None:
        if not world.learner.knows_of(world.key(gid)):
            world.ui.show_card(gid)

    return introduce


# -- strategies ----------------------------------------------------------------------------------


class Strategy:
    """A way of spending each evening's budget; ``evening`` runs one session."""

    name = "strategy"

    def __init__(self, world: World, name: str | None = None) -> None:
        self.world = world
        self.name = name or type(self).name  # a variant may run under its own name
        self.days_done = 0  # evenings run so far

    def evening(self, day_index: int, days: int, budget: float) -> None:
        raise NotImplementedError


class Cmirev(Strategy):
    """cmirev as ``cmirev drill --minutes M`` runs it: ``Study.plan`` for all units, then
    ``run_drill`` with the study card, learning steps and overrule hooks the CLI passes."""

    name = "cmirev"

    def evening(self, day_index: int, days: int, budget: float) -> None:
        world, study = self.world, self.world.study
        plan = study.plan(world.units)

        def introduce(item: str) -> None:
            if study.introduction(item) is not None:
                world.ui.show_card(item)

        def record(answer: Answer) -> int:
            self.check_prediction(answer)
            review_id = study.record(answer)
            world.tally.new_leeches += study.new_leech
            return review_id

        def question(item: str) -> Question | None:
            found = study.question(item)
            world.tally.no_question += found is None
            return found

        drill(
            world,
            plan.items,
            question,
            record,
            budget,
            introduce,
            step_wait=study.step_wait,
            overrule=study.overrule,
            undo=study.undo,
        )

    def check_prediction(self, answer: Answer) -> None:
        """Before a review-state card's answer is recorded: FSRS's predicted recall against
        the answer and the learner's true chance (is R calibrated to what is asked?)."""
        study, response = self.world.study, self.world.ui.response
        card = study.card(answer.question.item)
        if card is None or response is None:
            return
        predicted = scheduler.retrievability(study.settings, card, study.now(), study.tz)
        if card.last_review is not None and study_day(study, card.last_review) < study.today():
            memory = FORMATS[answer.question.format].memory
            key = f"{memory}|{card_kind(study, card, first_days_of(study, card.item))}"
            row = self.world.tally.scored.setdefault(key, [0.0, 0.0, 0.0])
            row[0] += 1
            row[1] += predicted
            row[2] += answer.mark.rating > 1 if answer.question.self_graded else answer.mark.correct
        if card.state != scheduler.REVIEW_STATE:
            return
        self.world.tally.check(response.kind, predicted, answer.mark.correct, response.p)


class CmirevDeadline(Cmirev):
    """cmirev with a deadline set for every unit (``Store.set_deadline``); the plan then works
    toward the date by itself."""

    name = "cmirev-deadline"

    def __init__(self, world: World, deadline: date) -> None:
        super().__init__(world)
        store: Any = world.study.store  # set_deadline is new: not every cmirev has it
        for unit in world.units:
            store.set_deadline(unit.id, deadline, world.minutes)
        self.deadline = deadline


class CmirevDeadlineCram(CmirevDeadline):
    """As :class:`CmirevDeadline`, and on the last ``CRAM_LAST_DAYS`` evenings ``cmirev drill
    --cram`` as the CLI runs it: ``deadline.cram_items`` (weakest at the date first, due or
    not), answers logged apart by ``Study.record_cram`` (no schedule changes), no learning
    steps. The learner's memory learns from those answers as from any others."""

    name = "cmirev-deadline-cram"

    def evening(self, day_index: int, days: int, budget: float) -> None:
        study = self.world.study
        if (self.deadline - study.today()).days > CRAM_LAST_DAYS:
            super().evening(day_index, days, budget)
            return
        from cmirev import deadline  # present only in a cmirev with deadlines

        cram: Any = study  # record_cram and undo_cram are new, like set_deadline

        def introduce(item: str) -> None:
            # As the CLI does: the card once, the first time an item is met (cram included).
            first = getattr(study, "cram_introduction", study.introduction)
            if first(item) is not None:
                self.world.ui.show_card(item)

        drill(
            self.world,
            deadline.cram_items(study, self.world.units),
            study.question,
            cram.record_cram,
            budget,
            introduce,
            undo=cram.undo_cram,
        )


@dataclass
class FixedCard:
    """A fixed-interval schedule: which interval comes next, when it is due, and whether the
    item counts as learned (recall formats)."""

    stage: int = 0
    due: date = FIRST_DAY
    last_day: date | None = None


class Fixed(Strategy):
    """Reviews 1, 3, 7, 14 and 30 days apart (then every 30), restarting at 1 day after a wrong
    answer; the day's first answer sets the schedule. 10 new ideas a day."""

    name = "fixed"
    intervals = (1, 3, 7, 14, 30)
    new_per_day = 10

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.cards: dict[str, FixedCard] = {}
        self.unseen = new_order(world)
        self.asked: Counter[str] = Counter()
        self.members = members(world)

    def evening(self, day_index: int, days: int, budget: float) -> None:
        today = FIRST_DAY + timedelta(days=day_index)
        due = sorted((c.due, k) for k, c in self.cards.items() if c.due <= today)
        items = [self.pick(k) for _, k in due] + self.unseen[: self.new_per_day]
        drill(
            self.world,
            items,
            self.question,
            lambda answer: self.record(answer, today),
            budget,
            baseline_introduce(self.world),
        )

    def pick(self, key: str) -> str:
        """The idea's members take turns being asked."""
        group = self.members[key]
        return group[self.asked[key] % len(group)]

    def question(self, gid: str) -> Question | None:
        card = self.cards.get(self.world.key(gid))
        return ask_in_policy(self.world, gid, card is not None and card.stage > 0)

    def record(self, answer: Answer, today: date) -> int:
        key = self.world.key(answer.question.item)
        if key not in self.cards:
            self.cards[key] = FixedCard()
            self.unseen = [g for g in self.unseen if self.world.key(g) != key]
        card = self.cards[key]
        self.asked[key] += 1
        if card.last_day == today:
            return 0  # a same-day repeat after a wrong answer: the schedule is already set
        card.last_day = today
        if answer.mark.correct:
            gap = self.intervals[min(card.stage, len(self.intervals) - 1)]
            card.stage += 1
        else:
            gap, card.stage = 1, 0
        card.due = today + timedelta(days=gap)
        return 0


@dataclass
class SM2Card:
    """An Anki SM-2 card: learning/review/relearning, its step, ease, interval and due time."""

    state: str = "learning"
    step: int = 0
    ease: float = 2.5
    interval: float = 0.0  # days
    due: float = 0.0  # epoch seconds (learning and relearning steps)
    due_day: date = FIRST_DAY  # review cards
    lapses: int = 0
    suspended: bool = False


class SM2(Strategy):
    """Anki's SM-2 scheduler with its default options, simplified to what matters here: steps
    1 and 10 minutes, graduating interval 1 day, easy 4 days, ease 2.5 (-0.2 on a lapse, -0.15
    on Hard, +0.15 on Easy, at least 1.3), Hard x1.2, relearning step 10 minutes then 1 day,
    8 lapses suspend, 20 new and 200 reviews a day, due reviews by study day, learning steps
    shown in the session when due (20 minutes' learn-ahead, as ``Study.step_wait``), no fuzz.
    Answers are rated with cmirev's own ``rating_for``."""

    name = "sm2"
    steps = (60.0, 600.0)
    relearn_steps = (600.0,)
    new_per_day = 20
    reviews_per_day = 200

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.cards: dict[str, SM2Card] = {}
        self.unseen = new_order(world)
        self.asked: Counter[str] = Counter()
        self.members = members(world)
        self.settings = Settings()

    def today(self) -> date:
        return scheduler.study_day(self.world.clock.now(), LONDON, self.settings.day_start_hour)

    def evening(self, day_index: int, days: int, budget: float) -> None:
        today, now = self.today(), self.world.clock.seconds()
        live = {k: c for k, c in self.cards.items() if not c.suspended}
        stepping = sorted((c.due, k) for k, c in live.items() if c.state != "review")
        stepping = [(d, k) for d, k in stepping if d <= now + LEARN_AHEAD_SECONDS]
        due = sorted((c.due_day, k) for k, c in live.items() if c.state == "review")
        due = [(d, k) for d, k in due if d <= today][: self.reviews_per_day]
        keys = [k for _, k in stepping] + [k for _, k in due]
        items = [self.pick(k) for k in keys] + self.unseen[: self.new_per_day]
        drill(
            self.world,
            items,
            self.question,
            self.record,
            budget,
            baseline_introduce(self.world),
            step_wait=self.step_wait,
        )

    def pick(self, key: str) -> str:
        group = self.members[key]
        return group[self.asked[key] % len(group)]

    def question(self, gid: str) -> Question | None:
        card = self.cards.get(self.world.key(gid))
        if card is not None and card.suspended:
            return None
        return ask_in_policy(self.world, gid, card is not None and card.state == "review")

    def step_wait(self, gid: str) -> float | None:
        card = self.cards.get(self.world.key(gid))
        if card is None or card.state == "review" or card.suspended:
            return None
        wait = card.due - self.world.clock.seconds()
        return max(0.0, wait) if wait <= LEARN_AHEAD_SECONDS else None

    def record(self, answer: Answer) -> int:
        q = answer.question
        key = self.world.key(q.item)
        if key not in self.cards:
            self.cards[key] = SM2Card()
            self.unseen = [g for g in self.unseen if self.world.key(g) != key]
        card = self.cards[key]
        self.asked[key] += 1
        rating = scheduler.rating_for(
            q.format,
            answer.mark.correct,
            answer.mark.rating if q.self_graded else 0,
            in_review=card.state == "review",
            seconds=answer.seconds,
            slow_seconds=self.settings.slow_seconds,
        )
        if card.state == "review":
            self.review(card, rating)
        else:
            self.step(card, rating)
        return 0

    def step(self, card: SM2Card, rating: int) -> None:
        """A (re)learning card answered: back to the first step, stay, advance or graduate."""
        now = self.world.clock.seconds()
        steps = self.steps if card.state == "learning" else self.relearn_steps
        if rating == scheduler.AGAIN:
            card.step = 0
        elif rating == scheduler.GOOD:
            card.step += 1
        elif rating == scheduler.EASY:
            card.step = len(steps)
        if card.step >= len(steps):
            if card.state == "learning":
                card.interval = 4.0 if rating == scheduler.EASY else 1.0
            card.state = "review"
            card.due_day = self.today() + timedelta(days=whole_days(card.interval))
            return
        delay = steps[card.step]
        if rating == scheduler.HARD and card.step == 0 and len(steps) > 1:
            delay = (steps[0] + steps[1]) / 2
        card.due = now + delay

    def review(self, card: SM2Card, rating: int) -> None:
        """A review card answered: SM-2's interval and ease update."""
        today = self.today()
        late = max(0, (today - card.due_day).days)
        if rating == scheduler.AGAIN:
            card.lapses += 1
            card.ease = max(1.3, card.ease - 0.2)
            card.interval = 1.0
            card.state, card.step = "relearning", 0
            card.due = self.world.clock.seconds() + self.relearn_steps[0]
            card.suspended = card.lapses >= LEECH_LAPSES
            self.world.tally.new_leeches += card.suspended
            return
        hard = max(card.interval + 1, card.interval * 1.2)
        good = max(hard + 1, (card.interval + late / 2) * card.ease)
        if rating == scheduler.HARD:
            card.interval, card.ease = hard, max(1.3, card.ease - 0.15)
        elif rating == scheduler.GOOD:
            card.interval = good
        else:
            card.interval = max(good + 1, (card.interval + late) * card.ease * 1.3)
            card.ease += 0.15
        card.interval = min(card.interval, 36500.0)
        card.due_day = today + timedelta(days=whole_days(card.interval))


def whole_days(interval: float) -> int:
    """An interval rounded half up to whole days (Python's round() would send 2.5 to 2)."""
    return max(1, math.floor(interval + 0.5))


class Cram(Strategy):
    """Nothing until the last 7 days; then every item in order, round and round, continuing the
    next evening where the last stopped. Recognition until an idea is answered right, recall
    after (a wrong answer makes it weak again). ``total_minutes`` spreads that many minutes
    over the 7 days instead of the daily budget."""

    name = "cram"

    def __init__(
        self,
        world: World,
        name: str = "cram",
        total_minutes: float | None = None,
        days: int = CRAM_DAYS,
    ) -> None:
        super().__init__(world, name)
        self.days = days
        self.total_minutes = total_minutes
        self.order = list(world.study.entries)
        self.cursor = 0
        self.learned: dict[str, bool] = {}

    def evening(self, day_index: int, days: int, budget: float) -> None:
        if day_index < days - self.days:
            return
        if self.total_minutes is not None:
            budget = self.total_minutes * 60 / self.days
        rounds = math.ceil(budget / self.world.learner.params.seconds_true_false / len(self.order))
        tokens = [
            f"{n}|{self.order[(self.cursor + n) % len(self.order)]}"
            for n in range((rounds + 1) * len(self.order))
        ]
        furthest = [-1]

        def question(token: str) -> Question | None:
            n, gid = token.split("|", 1)
            furthest[0] = max(furthest[0], int(n))
            return ask_in_policy(self.world, gid, self.learned.get(self.world.key(gid), False))

        def introduce(token: str) -> None:
            baseline_introduce(self.world)(token.split("|", 1)[1])

        drill(self.world, tokens, question, self.record, budget, introduce)
        self.cursor = (self.cursor + furthest[0] + 1) % len(self.order)

    def record(self, answer: Answer) -> int:
        self.learned[self.world.key(answer.question.item)] = answer.mark.correct
        return 0


def members(world: World) -> dict[str, list[str]]:
    """Each idea's items (a same_as group has several), in catalog order."""
    found: dict[str, list[str]] = {}
    for gid in world.study.entries:
        found.setdefault(world.key(gid), []).append(gid)
    return found


# -- measuring -----------------------------------------------------------------------------------


@dataclass
class Checkpoint:
    """The learner's true memory at one moment, and what ``cmirev stats`` says (cmirev runs).

    Per unit and per outcome, values are aggregated by ``stats._readiness`` itself (mean over
    the linked items, unseen counting 0), so readiness and truth are compared like for like.
    """

    label: str
    when: str
    seen: int
    recall: float  # true free recall, mean over all items (unseen 0)
    recall_seen: float
    mc: float  # true 4-option multiple-choice success, all items (unseen 0)
    units: dict[str, float]
    outcomes: dict[str, float]
    mc_units: dict[str, float]
    mc_outcomes: dict[str, float]
    readiness: float | None = None  # what stats shows: calibrated recall, all items (unseen 0)
    readiness_units: dict[str, float] | None = None
    readiness_outcomes: dict[str, float] | None = None
    # seen items by kind of card: [items, sum of FSRS's recall, of calibrated, of true recall]
    kinds: dict[str, list[float]] | None = None
    calibration: dict[str, Any] | None = None  # what stats showed of the learner's calibration


# stats' per-unit aggregation (public as ``readiness`` in newer cmirev, ``_readiness`` before)
READINESS: Callable[[Study, Unit, dict[str, float]], dict[str, Any]] = (
    vars(stats).get("readiness") or vars(stats)["_readiness"]
)


def aggregate(
    study: Study, units: Sequence[Unit], values: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per unit and per 'unit/LO' means of per-item values, through stats' own helper."""
    by_unit, by_outcome = {}, {}
    for unit in units:
        row = READINESS(study, unit, dict(values))
        by_unit[unit.id] = row["readiness"]
        for outcome in row["outcomes"]:
            by_outcome[f"{unit.id}/{outcome['id']}"] = outcome["readiness"]
    return by_unit, by_outcome


def measure(world: World, label: str, moment: datetime, with_stats: bool) -> Checkpoint:
    """Set the clock to ``moment`` and measure true recall (and readiness, for cmirev)."""
    world.clock.set(moment)
    study, learner, now = world.study, world.learner, world.clock.t
    gids = list(study.entries)
    recall = {g: learner.free_recall(world.key(g), now) for g in gids}
    mc = {g: learner.mc_success(world.key(g), now) for g in gids}
    seen = [g for g in gids if learner.knows_of(world.key(g))]
    units, outcomes = aggregate(study, world.units, recall)
    mc_units, mc_outcomes = aggregate(study, world.units, mc)
    point = Checkpoint(
        label=label,
        when=moment.isoformat(),
        seen=len(seen),
        recall=mean(recall.values()),
        recall_seen=mean(recall[g] for g in seen),
        mc=mean(mc.values()),
        units=units,
        outcomes=outcomes,
        mc_units=mc_units,
        mc_outcomes=mc_outcomes,
    )
    if with_stats:
        report = stats.compute(study, world.units)
        point.calibration = report.get("calibration")
        point.readiness_units = {row["unit"]: row["readiness"] for row in report["units"]}
        point.readiness_outcomes = {
            f"{row['unit']}/{o['id']}": o["readiness"]
            for row in report["units"]
            for o in row["outcomes"]
        }
        cards = study.cards(gids)
        point.readiness = mean(study.recall(cards[g]) if g in cards else 0.0 for g in gids)
        point.kinds = kinds_of(study, {g: cards[g] for g in gids if g in cards}, recall)
    return point


def kinds_of(
    study: Study, cards: Mapping[str, Any], truth: Mapping[str, float]
) -> dict[str, list[float]]:
    """Seen items grouped by kind of card (in its first interval: every review on its first
    study day; forgotten before: a lapse once learned; the others) and by how many of FSRS's
    stabilities have passed since the last review: FSRS's recall, the calibrated recall stats
    shows, and the learner's true free recall, summed."""
    first_day = first_days(study)
    found: dict[str, list[float]] = {}
    for gid, card in cards.items():
        r = scheduler.retrievability(study.settings, card, study.now(), study.tz)
        name = card_kind(study, card, first_day)
        days = (study.today() - study_day(study, card.last_review)).days
        span = days / card.stability if card.stability else 0.0
        band = "up to 1" if span <= 1 else "1 to 3" if span <= 3 else "over 3"
        for key in (name, f"{band} stabilities since the last review"):
            row = found.setdefault(key, [0.0, 0.0, 0.0, 0.0])
            for i, value in enumerate((1.0, r, study.recall(card), truth[gid])):
                row[i] += value
    return found


def study_day(study: Study, moment: datetime) -> date:
    return scheduler.study_day(moment, study.tz, study.settings.day_start_hour)


def first_days_of(study: Study, item: str) -> dict[str, date]:
    """One card's first study day, from the review log."""
    row = study.store.db.execute(
        "SELECT min(reviewed_at) FROM reviews WHERE item = ?", (item,)
    ).fetchone()
    return {item: study_day(study, datetime.fromisoformat(row[0]))} if row[0] else {}


def first_days(study: Study) -> dict[str, date]:
    """Each card's first study day, from the review log (any cmirev's store has it)."""
    rows = study.store.db.execute("SELECT item, min(reviewed_at) FROM reviews GROUP BY item")
    return {item: study_day(study, datetime.fromisoformat(at)) for item, at in rows}


def card_kind(study: Study, card: Any, first_day: Mapping[str, date]) -> str:
    """What the calibration tells cards apart by, worked out from the card and the log."""
    if card.last_review is not None and first_day.get(card.item) == study_day(
        study, card.last_review
    ):
        return "first interval"
    return "forgotten before" if card.fails > 0 else "other cards"


def mean(values: Iterable[float]) -> float:
    found = list(values)
    return sum(found) / len(found) if found else 0.0


@dataclass
class RunResult:
    """One strategy, one learner: effort, coverage, and the checkpoints."""

    scenario: str
    variant: str
    minutes: float
    strategy: str
    learner: int
    answers: int
    minutes_spent: float
    seen: int
    study_cards: int
    recognition_share: float
    formats: dict[str, int]
    guesses_right: int
    mismarked: int
    stuck: int
    no_question: int
    repeat_cards: int
    new_leeches: int
    evenings: int
    evenings_empty: int
    evenings_short: int
    unused_minutes: float
    never_seen: dict[str, int]
    checks: dict[str, list[float]]
    scored: dict[str, list[float]]  # cmirev: scored answers by kind (Tally.scored)
    ratings: dict[str, dict[int, int]]  # cmirev: the store's ratings by format
    checkpoints: list[Checkpoint]
    wall_seconds: float


def result_of(
    world: World, scenario: str, strategy: Strategy, checkpoints: list[Checkpoint], wall: float
) -> RunResult:
    tally = world.tally
    recognition = sum(n for f, n in tally.formats.items() if FORMATS[f].memory == "recognition")
    unseen = Counter(
        e.unit.id
        for g, e in world.study.entries.items()
        if not world.learner.knows_of(world.key(g))
    )
    return RunResult(
        scenario=scenario,
        variant=world.learner.params.name,
        minutes=world.minutes,
        strategy=strategy.name,
        learner=world.learner.seed,
        answers=tally.answers,
        minutes_spent=tally.seconds / 60,
        seen=len(world.study.entries) - sum(unseen.values()),
        study_cards=tally.study_cards,
        recognition_share=recognition / tally.answers if tally.answers else 0.0,
        formats=dict(tally.formats),
        guesses_right=tally.guesses_right,
        mismarked=tally.mismarked,
        stuck=tally.stuck,
        no_question=tally.no_question,
        repeat_cards=tally.repeat_cards,
        new_leeches=tally.new_leeches,
        evenings=tally.evenings,
        evenings_empty=tally.evenings_empty,
        evenings_short=tally.evenings_short,
        unused_minutes=tally.unused_minutes,
        never_seen=dict(unseen),
        checks=tally.checks,
        scored=tally.scored,
        ratings=store_ratings(world.study),
        checkpoints=checkpoints,
        wall_seconds=wall,
    )


def store_ratings(study: Study) -> dict[str, dict[int, int]]:
    """How the store rated the answers, by format (empty for baselines: they never write)."""
    found: dict[str, dict[int, int]] = {}
    rows = study.store.db.execute("SELECT format, rating, count(*) FROM reviews GROUP BY 1, 2")
    for fmt, rating, count in rows:
        found.setdefault(fmt, {})[int(rating)] = int(count)
    return found


# -- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One learner under every strategy of a scenario (cram-total needs cmirev's time)."""

    scenario: str
    variant: str
    minutes: float
    seed: int
    days: int
    strategies: tuple[str, ...]
    tuned: tuple[tuple[str, Any], ...] = ()  # the cmirev-tuned strategy's settings


def tuned_settings(pairs: Sequence[str]) -> tuple[tuple[str, Any], ...]:
    """``NAME=VALUE`` pairs as Settings fields, each value of its default's type (a tuple
    is written with commas: learning_steps=1,10)."""
    defaults = Settings()
    found = []
    for pair in pairs:
        name, _, raw = pair.partition("=")
        if not hasattr(defaults, name):
            raise SystemExit(f"--cmirev-setting: Settings has no field {name!r}")
        default = getattr(defaults, name)
        if isinstance(default, bool):
            value: Any = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, tuple):
            kind = type(default[0]) if default else float
            value = tuple(kind(v) for v in raw.split(",") if v)
        else:
            value = type(default)(raw)
        found.append((name, value))
    return tuple(found)


def build(name: str, world: World, days: int, cmirev_minutes: float) -> Strategy:
    """The named strategy over this world."""
    if name in ("cmirev", "cmirev-tuned"):
        return Cmirev(world, name)
    if name == "cmirev-deadline":
        return CmirevDeadline(world, FIRST_DAY + timedelta(days=days))
    if name == "cmirev-deadline-cram":
        return CmirevDeadlineCram(world, FIRST_DAY + timedelta(days=days))
    if name == "fixed":
        return Fixed(world)
    if name == "sm2":
        return SM2(world)
    if name == "cram":
        return Cram(world)
    if name == "cram-total":
        return Cram(world, name, total_minutes=cmirev_minutes)
    if name == "cycle":
        return Cram(world, name, days=days)
    raise ValueError(f"unknown strategy {name}")


def run_one(job: Job, name: str, cmirev_minutes: float) -> RunResult:
    """Simulate ``job.days`` evenings of one strategy and measure at its checkpoints."""
    started = time.perf_counter()
    settings = replace(Settings(), **dict(job.tuned)) if name == "cmirev-tuned" else Settings()
    world = make_world(job.seed, VARIANTS[job.variant], name, job.minutes, settings)
    try:
        strategy = build(name, world, job.days, cmirev_minutes)
        with_stats = name.startswith("cmirev")
        points = []
        for label, day in checkpoints(job):
            points += simulate_until(world, strategy, job, label, day, with_stats)
        return result_of(world, job.scenario, strategy, points, time.perf_counter() - started)
    finally:
        world.close()


def checkpoints(job: Job) -> list[tuple[str, int]]:
    """(label, day): measure at 09:00 on FIRST_DAY + day. Base runs: the middle and the end of
    the study period and 30 days after it ends; a deadline run: the deadline morning."""
    if job.scenario == "deadline":
        return [("deadline", job.days)]
    middle = job.days // 2
    return [
        (f"d{middle}", middle),
        (f"d{job.days}", job.days),
        (f"d{job.days + 30}", job.days + 30),
    ]


def simulate_until(
    world: World, strategy: Strategy, job: Job, label: str, day: int, with_stats: bool
) -> list[Checkpoint]:
    """Run the evenings before ``day`` not yet run, then measure on its morning."""
    for index in range(strategy.days_done, min(day, job.days)):
        today = FIRST_DAY + timedelta(days=index)
        world.clock.set(evening_start(job.seed, today))
        strategy.evening(index, job.days, job.minutes * 60)
        strategy.days_done = index + 1
    return [measure(world, label, morning(FIRST_DAY + timedelta(days=day)), with_stats)]


def run_job(job: Job) -> list[RunResult]:
    """Every strategy of the job, cmirev first (cram-total spends cmirev's total time)."""
    results: list[RunResult] = []
    cmirev_minutes = 0.0
    for name in job.strategies:
        result = run_one(job, name, cmirev_minutes)
        if name == "cmirev":
            cmirev_minutes = result.minutes_spent
        results.append(result)
    return results


def deadline_available() -> bool:
    """Whether the store offers ``set_deadline`` (the deadline feature is being written)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "probe.sqlite3")
        try:
            return hasattr(store, "set_deadline")
        finally:
            store.close()


def cram_available() -> bool:
    """Whether this cmirev has ``drill --cram`` (``deadline.cram_items``, ``Study.record_cram``)."""
    try:
        from cmirev import deadline
    except ImportError:
        return False
    return hasattr(deadline, "cram_items") and hasattr(Study, "record_cram")


BASE_STRATEGIES = ("cmirev", "fixed", "sm2", "cram", "cram-total")


def jobs_for(args: argparse.Namespace) -> list[Job]:
    """The jobs the chosen scenarios need."""
    seeds = range(1, args.learners + 1)
    jobs: list[Job] = []
    wanted = {args.scenario} if args.scenario != "all" else {"base", "deadline", "sensitivity"}
    tuned = tuned_settings(args.cmirev_setting)
    extra = ("cmirev-tuned",) if tuned else ()
    base = (*BASE_STRATEGIES[:1], *extra, *BASE_STRATEGIES[1:])
    if "base" in wanted:
        jobs += [
            Job("base", "base", m, s, args.days, base, tuned) for m in args.minutes for s in seeds
        ]
    if "deadline" in wanted:
        names: tuple[str, ...] = ("cmirev",)
        if deadline_available():
            names += (
                ("cmirev-deadline", "cmirev-deadline-cram")
                if cram_available()
                else ("cmirev-deadline",)
            )
        jobs += [
            Job("deadline", "base", m, s, DEADLINE_DAYS, (*names, *extra, "cycle"), tuned)
            for m in args.minutes
            for s in seeds
        ]
    if "sensitivity" in wanted:
        variants = [v for v in VARIANTS if v != "base" or "base" not in wanted]
        jobs += [
            Job("sensitivity", v, args.minutes[0], s, args.days, base, tuned)
            for v in variants
            for s in seeds
        ]
    return jobs


def run_all(jobs: Sequence[Job], processes: int) -> list[RunResult]:
    """Run the jobs, in ``processes`` worker processes when more than one."""
    if processes <= 1:
        return [r for job in jobs for r in run_job(job)]
    with Pool(processes) as pool:
        return [r for batch in pool.imap_unordered(run_job, jobs) for r in batch]


# -- reporting -----------------------------------------------------------------------------------


UNIT_SHORT = {
    "public-services-leadership": "PSL",
    "collaborative-public-services-project": "CPSP",
    "planning-to-meet-public-services-customer-requirements": "PMCR",
    "leadership-in-practice": "LiP",
}
STRATEGY_SHORT = {
    "cmirev": "cmirev",
    "cmirev-deadline": "cmirev+deadline",
    "cmirev-deadline-cram": "cmirev+deadline+cram",
    "cmirev-tuned": "cmirev tuned",
    "fixed": "fixed",
    "sm2": "SM-2",
    "cram": "cram (budget)",
    "cram-total": "cram (total)",
    "cycle": "cycle",
}
STRATEGY_TEXT = {
    "cmirev": "cmirev (default settings)",
    "cmirev-deadline": "cmirev with a deadline set",
    "cmirev-deadline-cram": f"cmirev with a deadline set, drill --cram the last {CRAM_LAST_DAYS} evenings",
    "cmirev-tuned": "cmirev, settings changed (see run)",
    "fixed": "fixed 1-3-7-14-30 d, 10 new/day",
    "sm2": "Anki SM-2 defaults",
    "cram": "cram last 7 days, same daily budget",
    "cram-total": "cram last 7 days, same total time",
    "cycle": "cycle through all items (reference)",
}


def ms(values: Sequence[float], digits: int = 3) -> str:
    """Mean ± SD over learners."""
    if not values:
        return "–"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {sd:.{digits}f}"


def m(values: Sequence[float], digits: int = 0) -> str:
    return f"{statistics.mean(values):.{digits}f}" if values else "–"


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def point(result: RunResult, label: str) -> Checkpoint:
    return next(c for c in result.checkpoints if c.label == label)


def groups(
    results: Sequence[RunResult],
) -> dict[tuple[str, str, float], dict[str, list[RunResult]]]:
    """(scenario, variant, minutes) -> strategy -> runs over learners, in a stable order."""
    found: dict[tuple[str, str, float], dict[str, list[RunResult]]] = {}
    for r in sorted(results, key=lambda r: (r.scenario, r.variant, r.minutes, r.learner)):
        found.setdefault((r.scenario, r.variant, r.minutes), {}).setdefault(r.strategy, []).append(
            r
        )
    return found


def base_table(runs: Mapping[str, list[RunResult]], labels: Sequence[str]) -> str:
    mid, end, after = labels
    rows = []
    for name, rs in runs.items():
        rows.append(
            [
                STRATEGY_TEXT[name],
                m([r.answers for r in rs]),
                m([r.minutes_spent for r in rs]),
                ms([point(r, end).seen for r in rs], 0),
                ms([point(r, mid).recall for r in rs]),
                ms([point(r, end).recall for r in rs]),
                ms([point(r, after).recall for r in rs]),
                m([point(r, end).mc for r in rs], 3),
                m([point(r, end).recall_seen for r in rs], 3),
                m([100 * r.recognition_share for r in rs]) + "%",
                paired(rs, runs.get("cmirev", []), end),
                paired(rs, runs.get("cmirev", []), after),
            ]
        )
    head = [
        "strategy",
        "answers",
        "minutes",
        f"seen by {end}",
        f"recall {mid}",
        f"**recall {end}**",
    ]
    head += [f"recall {after}", f"MC {end}", f"recall {end}, seen", "recognition answers"]
    head += [f"Δ recall {end} vs cmirev (paired)", f"Δ recall {after} vs cmirev"]
    return table(head, rows)


def paired(rs: Sequence[RunResult], reference: Sequence[RunResult], label: str) -> str:
    """Mean ± SD over learners of the difference in true recall from cmirev, learner by
    learner (the same learner meets every strategy, so the pairing removes who learns well)."""
    ref = {r.learner: point(r, label).recall for r in reference}
    diffs = [point(r, label).recall - ref[r.learner] for r in rs if r.learner in ref]
    if not diffs or rs is reference:
        return "–"
    sd = statistics.stdev(diffs) if len(diffs) > 1 else 0.0
    return f"{statistics.mean(diffs):+.3f} ± {sd:.3f}"


def outcome_table(runs: Mapping[str, list[RunResult]], label: str) -> str:
    names = list(runs)
    keys = list(point(runs[names[0]][0], label).outcomes)
    rows = []
    for key in keys:
        unit, lo = key.split("/")
        row = [f"{UNIT_SHORT.get(unit, unit)} {lo}"]
        row += [m([point(r, label).outcomes[key] for r in runs[n]], 2) for n in names]
        rows.append(row)
    return table(["outcome", *(STRATEGY_SHORT[n] for n in names)], rows)


def calibration_rows(rs: Sequence[RunResult], label: str) -> list[str]:
    """Bias (readiness - truth) and mean absolute error per unit and per outcome against true
    recall, and per outcome against true multiple-choice success; mean ± SD over learners."""
    keys = ("bu", "maeu", "bo", "mae", "mcbo", "mcmae")
    cols: dict[str, list[float]] = {k: [] for k in keys}
    for r in rs:
        c = point(r, label)
        assert c.readiness_units is not None and c.readiness_outcomes is not None
        du = [c.readiness_units[u] - c.units[u] for u in c.units]
        do = [c.readiness_outcomes[o] - c.outcomes[o] for o in c.outcomes]
        dm = [c.readiness_outcomes[o] - c.mc_outcomes[o] for o in c.outcomes]
        cols["bu"].append(mean(du))
        cols["maeu"].append(mean(abs(d) for d in du))
        cols["bo"].append(mean(do))
        cols["mae"].append(mean(abs(d) for d in do))
        cols["mcbo"].append(mean(dm))
        cols["mcmae"].append(mean(abs(d) for d in dm))
    return [ms(cols[k]) for k in keys]


def calibration_table(runs: Mapping[str, list[RunResult]], labels: Sequence[str]) -> str:
    rows = []
    for name, rs in runs.items():
        if not name.startswith("cmirev"):
            continue
        for label in labels:
            rows.append([STRATEGY_TEXT[name], label, *calibration_rows(rs, label)])
    head = ["strategy", "when", "bias vs recall, units", "MAE vs recall, units"]
    head += ["bias vs recall, outcomes", "MAE vs recall, outcomes"]
    head += ["bias vs MC, outcomes", "MAE vs MC, outcomes"]
    return table(head, rows)


def unit_table(rs: Sequence[RunResult], label: str) -> str:
    units = list(point(rs[0], label).units)
    rows = []
    for u in units:
        ready = [point(r, label).readiness_units[u] for r in rs]  # type: ignore[index]
        rows.append(
            [
                UNIT_SHORT.get(u, u),
                m(ready, 2),
                m([point(r, label).units[u] for r in rs], 2),
                m([point(r, label).mc_units[u] for r in rs], 2),
                m([r.never_seen.get(u, 0) for r in rs], 1),
            ]
        )
    return table(["unit", "readiness (stats)", "true recall", "true MC", "items never seen"], rows)


def diagnostics_table(runs: Mapping[str, list[RunResult]]) -> str:
    rows = []
    for name, rs in runs.items():
        rows.append(
            [
                STRATEGY_TEXT[name],
                m([r.evenings_short for r in rs], 1),
                m([r.unused_minutes for r in rs]),
                m([r.evenings_empty for r in rs], 1),
                f"{m([r.study_cards for r in rs])} ({m([r.repeat_cards for r in rs])})",
                m([r.guesses_right for r in rs]),
                m([r.new_leeches for r in rs], 1),
                str(sum(r.mismarked for r in rs)),
                str(sum(r.stuck for r in rs)),
                str(sum(r.no_question for r in rs)),
            ]
        )
    head = ["strategy", "evenings ended early", "budget minutes unused", "evenings with nothing"]
    head += [
        "study cards (of them repeats)",
        "lucky guesses",
        "leeches",
        "mismarked (all runs)",
        "stuck (all runs)",
    ]
    head += ["no question (all runs)"]
    return table(head, rows)


def format_table(runs: Mapping[str, list[RunResult]]) -> str:
    names = list(runs)
    fmts = sorted({f for rs in runs.values() for r in rs for f in r.formats})
    rows = []
    for f in fmts:
        row = [f"{f} ({FORMATS[f].memory})"]
        row += [m([r.formats.get(f, 0) for r in runs[n]]) for n in names]
        rows.append(row)
    return table(["format", *(STRATEGY_SHORT[n] for n in names)], rows)


def prediction_table(rs: Sequence[RunResult]) -> str:
    """cmirev, answers to review-state cards by memory kind: FSRS's prediction vs outcome."""
    rows = []
    for kind in ("free", "cued", "recognition"):
        n = [r.checks[kind][0] for r in rs if kind in r.checks]
        if not n:
            continue
        total = sum(n)
        pred = sum(r.checks[kind][1] for r in rs if kind in r.checks) / total
        right = sum(r.checks[kind][2] for r in rs if kind in r.checks) / total
        true_p = sum(r.checks[kind][3] for r in rs if kind in r.checks) / total
        label = {"free": "free recall (self-graded)", "cued": "cloze, order"}.get(kind, kind)
        rows.append(
            [label, f"{total / len(rs):.0f}", f"{pred:.3f}", f"{right:.3f}", f"{true_p:.3f}"]
        )
    head = ["question kind", "answers per learner", "FSRS predicted R", "marked right"]
    return table([*head, "learner's true chance (no guessing)"], rows)


def rating_table(rs: Sequence[RunResult]) -> str:
    """cmirev: the share of each rating by format, all learners pooled."""
    fmts = sorted({f for r in rs for f in r.ratings})
    rows = []
    for fmt in fmts:
        counts = Counter[int]()
        for r in rs:
            counts.update(r.ratings.get(fmt, {}))
        total = sum(counts.values())
        shares = [f"{100 * counts[k] / total:.0f}%" for k in (1, 2, 3, 4)]
        rows.append([fmt, str(total), *shares])
    return table(["format", "answers (all learners)", "Again", "Hard", "Good", "Easy"], rows)


def deadline_table(runs: Mapping[str, list[RunResult]]) -> str:
    rows = []
    for name, rs in runs.items():
        cs = [point(r, "deadline") for r in rs]
        worst = [min(c.outcomes.values()) for c in cs]
        below = [sum(v < 0.5 for v in c.outcomes.values()) for c in cs]
        ready = [c.readiness for c in cs if c.readiness is not None]
        rows.append(
            [
                STRATEGY_TEXT[name],
                m([r.answers for r in rs]),
                m([r.minutes_spent for r in rs]),
                m([c.seen for c in cs]),
                ms([c.recall for c in cs]),
                m([c.mc for c in cs], 3),
                m(ready, 3) if ready else "–",
                ms(worst, 2),
                m(below, 1) + f" of {len(cs[0].outcomes)}",
            ]
        )
    head = ["strategy", "answers", "minutes", "items seen", "true recall, all", "true MC"]
    head += ["readiness shown", "weakest outcome (true recall)", "outcomes < 0.5"]
    return table(head, rows)


def scored_table(rs: Sequence[RunResult]) -> str | None:
    """Answers a study day or more after the item's last review, by kind of answer and card
    (all learners pooled): FSRS's recall before them, the share right, and the exponent k that
    makes FSRS's mean recall to the power k equal that share (what one calibration exponent
    fitted on those answers alone would be, roughly)."""
    pooled: dict[str, list[float]] = {}
    for r in rs:
        for key, values in r.scored.items():
            row = pooled.setdefault(key, [0.0, 0.0, 0.0])
            for i, v in enumerate(values):
                row[i] += v
    rows = []
    order = ["first interval", "forgotten before", "other cards"]
    for memory in ("recall", "recognition"):
        keys = [k for k in pooled if k.startswith(memory + "|")]
        for key in sorted(keys, key=lambda k: order.index(k.split("|")[1])):
            n, predicted, right = pooled[key]
            r_mean, share = predicted / n, right / n
            k = math.log(share) / math.log(r_mean) if 0 < share < 1 and r_mean < 1 else float("nan")
            rows.append(
                [memory, key.split("|")[1], f"{n / len(rs):.0f}", f"{r_mean:.3f}", f"{share:.3f}",
                 f"{k:.1f}"]
            )  # fmt: skip
    if not rows:
        return None
    head = ["answer", "card", "per learner", "FSRS recall", "right", "exponent matching"]
    return table(head, rows)


def calibration_fit_table(rs: Sequence[RunResult], labels: Sequence[str]) -> str | None:
    """The calibration stats showed at each checkpoint: mean and range over learners."""
    rows = []
    for label in labels:
        cals = [c for c in (point(r, label).calibration for r in rs) if c and "decay" in c]
        if not cals:
            continue
        row = [label, m([c["reviews"] for c in cals])]
        for key in ("exponent", "first", "lapsed", "growth"):
            values = [float(c[key]) for c in cals]
            row.append(f"{statistics.mean(values):.2f} ({min(values):.2f}-{max(values):.2f})")
        decays = [float(c["decay"] or c["fsrs_decay"]) for c in cals]
        row.append(f"{statistics.mean(decays):.2f} ({min(decays):.2f}-{max(decays):.2f})")
        rows.append(row)
    if not rows:
        return None
    head = ["when", "recall answers", "exponent", "first interval", "forgotten before"]
    return table([*head, "growth", "decay"], rows)


def kinds_table(rs: Sequence[RunResult], labels: Sequence[str]) -> str | None:
    """Predicted against true recall by kind of card (all learners pooled), per checkpoint."""
    rows = []
    for label in labels:
        pooled: dict[str, list[float]] = {}
        for r in rs:
            for key, values in (point(r, label).kinds or {}).items():
                row = pooled.setdefault(key, [0.0, 0.0, 0.0, 0.0])
                for i, v in enumerate(values):
                    row[i] += v
        order = ["first interval", "forgotten before", "other cards", "up to 1", "1 to 3", "over 3"]
        ranked = sorted(pooled, key=lambda k: [k.startswith(o) for o in order].index(True))
        for key in ranked:
            n, raw, shown, truth = pooled[key]
            if n < len(rs):
                continue  # fewer than one item per learner: nothing to read from it
            rows.append(
                [label, key, f"{n / len(rs):.0f}", f"{raw / n:.3f}", f"{shown / n:.3f}",
                 f"{truth / n:.3f}", f"{(shown - truth) / n:+.3f}"]
            )  # fmt: skip
    if not rows:
        return None
    head = ["when", "seen items", "per learner", "FSRS recall", "readiness (calibrated)"]
    return table([*head, "true free recall", "bias"], rows)


def sensitivity_table(by_variant: Mapping[str, Mapping[str, list[RunResult]]], days: int) -> str:
    variants = list(by_variant)
    names = list(next(iter(by_variant.values())))
    end, after = f"d{days}", f"d{days + 30}"
    rows = []
    for name in names:
        row = [STRATEGY_TEXT[name]]
        for v in variants:
            rs = by_variant[v][name]
            row.append(
                f"{m([point(r, end).recall for r in rs], 3)} / {m([point(r, after).recall for r in rs], 3)}"
            )
        rows.append(row)
    return table(["strategy", *(VARIANT_TEXT[v] for v in variants)], rows)


def report(results: Sequence[RunResult], days: int) -> str:
    """Every table, as Markdown."""
    out: list[str] = []
    grouped = groups(results)
    labels = [f"d{days // 2}", f"d{days}", f"d{days + 30}"]
    for (scenario, _variant, minutes), runs in grouped.items():
        if scenario != "base":
            continue
        n = len(next(iter(runs.values())))
        out.append(f"\n### Base learner, {minutes:g} minutes a day ({n} learners, mean ± SD)\n")
        out.append(base_table(runs, labels))
        out.append(
            f"\nTrue free recall per learning outcome at {labels[1]} (mean over learners):\n"
        )
        out.append(outcome_table(runs, labels[1]))
        out.append("\nReadiness calibration (`stats.compute` minus the learner's truth):\n")
        out.append(calibration_table(runs, labels))
        kinds = kinds_table(runs["cmirev"], labels)
        if kinds:
            out.append("\ncmirev, seen items by kind of card (all learners pooled):\n")
            out.append(kinds)
        fitted = calibration_fit_table(runs["cmirev"], labels)
        if fitted:
            out.append("\ncmirev, the calibration fitted (mean and range over learners):\n")
            out.append(fitted)
        answers = scored_table(runs["cmirev"])
        if answers:
            out.append("\ncmirev, answers a study day or more after the last, by kind:\n")
            out.append(answers)
        out.append(f"\ncmirev per unit at {labels[1]}:\n")
        out.append(unit_table(runs["cmirev"], labels[1]))
        out.append("\ncmirev, answers to cards in review state (all learners pooled):\n")
        out.append(prediction_table(runs["cmirev"]))
        out.append("\ncmirev, ratings the store recorded, by format:\n")
        out.append(rating_table(runs["cmirev"]))
        out.append("\nAnswers by format (mean per learner):\n")
        out.append(format_table(runs))
        out.append("\nSessions and answering:\n")
        out.append(diagnostics_table(runs))
    for (scenario, _variant, minutes), runs in grouped.items():
        if scenario == "deadline":
            n = len(next(iter(runs.values())))
            out.append(
                f"\n### Deadline in {DEADLINE_DAYS} days, all items unseen, {minutes:g} minutes a day "
                f"({n} learners; measured 09:00 on the deadline day)\n"
            )
            out.append(deadline_table(runs))
            out.append("\nReadiness calibration on the deadline morning:\n")
            out.append(calibration_table(runs, ["deadline"]))
            kinds = kinds_table(runs.get("cmirev-deadline", []), ["deadline"])
            if kinds:
                out.append("\ncmirev with a deadline set, seen items by kind of card:\n")
                out.append(kinds)
            fitted = calibration_fit_table(runs.get("cmirev-deadline", []), ["deadline"])
            if fitted:
                out.append("\ncmirev with a deadline set, the calibration fitted:\n")
                out.append(fitted)
            answers = scored_table(runs.get("cmirev-deadline", []))
            if answers:
                out.append("\ncmirev with a deadline set, answers a day or more apart:\n")
                out.append(answers)
            out.append("\nSessions and answering:\n")
            out.append(diagnostics_table(runs))
    sens = {v: runs for (s, v, _), runs in grouped.items() if s == "sensitivity"}
    if sens:
        minutes = next(k[2] for k in grouped if k[0] == "sensitivity")
        base = grouped.get(("base", "base", minutes))
        found = {"base": base, **sens} if base else sens
        table_runs = {v: found[v] for v in VARIANTS if found.get(v)}
        out.append(
            f"\n### Sensitivity, {minutes:g} minutes a day: true recall d{days} / d{days + 30}\n"
        )
        out.append(sensitivity_table(table_runs, days))
    return "\n".join(out)


def drillable(cat: Catalog) -> tuple[int, int]:
    """How many items a drill can ask about, and how many ideas (same_as groups) they make."""
    generator = Generator(cat)
    gids = [
        f"{unit.id}/{item.id}"
        for unit in cat.units
        for section in DRILL_ORDER
        for item in unit.section(section)
        if generator.formats_for(unit, section, item)
    ]
    return len(gids), len({generator.group.get(g, g) for g in gids})


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=5)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--minutes", type=float, nargs="+", default=[15.0, 30.0])
    parser.add_argument(
        "--scenario", choices=("base", "deadline", "sensitivity", "all"), default="base"
    )
    parser.add_argument("--json", type=Path, help="also write every run's figures to this file")
    parser.add_argument("--quick", action="store_true", help="2 learners, 20 days")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--units",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="load the unit files in DIR instead of the shipped units (repeatable)",
    )
    parser.add_argument(
        "--cmirev-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="also run cmirev with this Settings field changed (repeatable), as 'cmirev-tuned'",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.learners, args.days = 2, 20
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    jobs = jobs_for(args)
    if jobs and jobs[0].tuned:
        changed = ", ".join(f"{k}={v}" for k, v in jobs[0].tuned)
        STRATEGY_TEXT["cmirev-tuned"] = f"cmirev with {changed}"
    if args.scenario in ("deadline", "all") and not deadline_available():
        print(
            "The deadline strategy is unavailable: this cmirev's Store has no set_deadline; "
            "the deadline scenario runs cmirev's default plan and the reference only.\n"
        )
    UNIT_DIRS.extend(args.units)
    cat = catalog()  # loaded before the workers fork
    items, ideas = drillable(cat)
    print(f"Catalog: {len(cat.units)} units, {items} drillable items, {ideas} ideas.")
    results = run_all(jobs, args.processes)
    print(report(results, args.days))
    elapsed = time.perf_counter() - started
    runs = len(results)
    print(f"\n{runs} runs in {elapsed:.0f} s wall time ({args.processes} processes).")
    if args.json:
        payload = {
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "variants": {k: asdict(v) for k, v in VARIANTS.items()},
            "wall_seconds": elapsed,
            "runs": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
