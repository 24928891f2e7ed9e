"""How long a drill should take, at the learner's own pace, and when the rest comes back.

A drill says its expected length before it starts ("about 9 minutes"). Each planned item is
expected to take some answers: a new item its study card and about ``ANSWERS_PER_NEW`` answers
(the first question, then the learning steps; wrong answers come back), a due review about
``ANSWERS_PER_REVIEW`` (one, and a relearning step after the one in ten that is forgotten at the
target retention), a learning step that has come one. Each answer takes the learner's own
median time for the format it will probably be asked in (recognition while an item is being
learned, recall once it is in review), once they have answered ``OWN_PACE_AFTER`` questions
of that format, else a default, plus the time to read the feedback.

The defaults are the simulated learner's times in ``bench/simulate.py`` (25 s to pick one of
four, 15 s for true or false, 30 s to type a key word, 45 s to order steps or recall and grade;
a study card 20 s; the feedback 8 s when right, 20 s when wrong), which put a plan of four new
items at about ten minutes on a first day, close to what ``bench/session_length.py`` measures
for whole evenings.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from cmirev import scheduler
from cmirev.questions.formats import FORMATS, RECALL, RECOGNITION

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cmirev.scheduler import Plan
    from cmirev.study import Study

DEFAULT_SECONDS = {
    "choice": 25.0,
    "true-false": 15.0,
    "typed": 30.0,
    "order": 45.0,
    "self-graded": 45.0,
}  # to answer, by how a format is answered (bench/simulate.py's learner)
FEEDBACK_SECONDS = 12.0  # reading the verdict and why: 8 s when right, 20 s when wrong, ~2:1
STUDY_CARD_SECONDS = 20.0
ANSWERS_PER_NEW = 2.5  # the first question and the 10-minute step; a wrong answer adds some
ANSWERS_PER_REVIEW = 1.2  # one, and a relearning step after the ~1 in 10 forgotten (retention 0.9)
OWN_PACE_AFTER = 5  # answers of a format before the learner's own median is used for it
HISTORY = 500  # latest answers the medians are taken over


@dataclass(frozen=True)
class Estimate:
    """A drill's expected length, and whether it comes from the learner's own answer times."""

    seconds: float
    own_pace: bool

    @property
    def minutes(self) -> int:
        """Whole minutes, at least one."""
        return max(1, round(self.seconds / 60))

    def text(self) -> str:
        """'about 9 minutes'."""
        return f"about {self.minutes} minute{'s' if self.minutes != 1 else ''}"


def own_seconds(study: Study) -> dict[str, float]:
    """The learner's median seconds to answer, per format, over their latest answers (only
    formats answered at least ``OWN_PACE_AFTER`` times among them)."""
    rows = study.store.db.execute(
        "SELECT format, duration_ms FROM reviews WHERE duration_ms IS NOT NULL "
        "ORDER BY ts DESC, id DESC LIMIT ?",
        [HISTORY],
    )
    times: dict[str, list[int]] = {}
    for fmt, ms in rows:
        times.setdefault(fmt, []).append(int(ms))
    return {
        fmt: statistics.median(found) / 1000
        for fmt, found in times.items()
        if len(found) >= OWN_PACE_AFTER and fmt in FORMATS
    }


def estimate(study: Study, plan: Plan) -> Estimate:
    """How long this plan should take the learner."""
    own = own_seconds(study)

    def answer_seconds(gid: str, recall: bool) -> float:
        formats = _formats(study, gid)
        wanted = [f for f in formats if f in (RECALL if recall else RECOGNITION)] or formats
        times = [own.get(f, DEFAULT_SECONDS[FORMATS[f].answering]) for f in wanted]
        mean = sum(times) / len(times) if times else DEFAULT_SECONDS["choice"]
        return mean + FEEDBACK_SECONDS

    cards = study.cards(plan.due + plan.ahead)
    total = 0.0
    for gid in plan.new:
        total += STUDY_CARD_SECONDS + ANSWERS_PER_NEW * answer_seconds(gid, recall=False)
    for gid in plan.due + plan.ahead:
        card = cards.get(gid)
        in_review = card is not None and card.state == scheduler.REVIEW_STATE
        answers = ANSWERS_PER_REVIEW if in_review else 1.0
        total += answers * answer_seconds(gid, recall=in_review)
    return Estimate(total, bool(own))


def _formats(study: Study, gid: str) -> list[str]:
    """The formats an item can be asked in (from the content cache when there is one)."""
    cached = study.catalog.formats
    if cached is not None and gid in cached:
        return list(cached[gid])
    entry = study.entries.get(gid)
    if entry is None:
        return []
    return list(study.generator.formats_for(entry.unit, entry.section, entry.item))


def comes_back(study: Study, plan: Plan) -> list[datetime]:
    """When each item in a learning step later today comes due, soonest first: one time per
    idea (twins in several units share one card)."""
    cards = study.cards(plan.later)
    return sorted({study.key(gid): card.due for gid, card in cards.items()}.values())


def clock_text(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """'at 19:40 (in 10 min)' within the hour, else 'at 19:40', in local time."""
    local = f"at {moment.astimezone(tz):%H:%M}"
    minutes = (moment - now).total_seconds() / 60
    if 0 < minutes < 60:
        return f"{local} (in {max(1, round(minutes))} min)"
    return local
