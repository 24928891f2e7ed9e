"""What the scheduler and the store share: an item's card (its FSRS state and leech count),
one row of the review log, and the leech limit. No SQL here: that stays in ``store.py``, and the
scheduler does not import the store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

LEECH_FAILS = 8  # lapses of a learned item that make it a leech (Anki's default)


@dataclass(frozen=True)
class CardState:
    """Scheduling state of one item, as FSRS sees it (times UTC)."""

    item: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    fails: int = 0
    leech: bool = False
    # when the item was first reviewed (None: not known, as in states logged before schema 8)
    first_review: datetime | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "state": self.state,
                "step": self.step,
                "stability": self.stability,
                "difficulty": self.difficulty,
                "due": self.due.isoformat(),
                "last_review": self.last_review.isoformat() if self.last_review else None,
                "reps": self.reps,
                "fails": self.fails,
                "leech": self.leech,
                "first_review": self.first_review.isoformat() if self.first_review else None,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, item: str, text: str) -> CardState:
        d = json.loads(text)
        return cls(
            item=item,
            state=d["state"],
            step=d["step"],
            stability=d["stability"],
            difficulty=d["difficulty"],
            due=datetime.fromisoformat(d["due"]),
            last_review=datetime.fromisoformat(d["last_review"]) if d["last_review"] else None,
            reps=d["reps"],
            fails=d["fails"],
            leech=d["leech"],
            first_review=datetime.fromisoformat(d["first_review"])
            if d.get("first_review")
            else None,
        )


@dataclass(frozen=True)
class Review:
    """One row of the review log."""

    id: int
    item: str
    format: str
    rating: int
    correct: bool
    reviewed_at: datetime
    duration_ms: int | None
    before: CardState | None
    after: CardState
    session: str | None
    overruled: bool = False  # the learner overruled how a typed answer was marked
    asked: str | None = None  # the item asked, when it shares ``item``'s card (same_as)
    uid: str = ""  # the same on every machine with a copy (``cmirev progress``)


@dataclass(frozen=True)
class Deadline:
    """An assignment date for one unit: the drill works toward it until then. ``minutes`` is
    the time a day the learner means to study (None: not said)."""

    unit: str
    day: date
    minutes: float | None = None


@dataclass(frozen=True)
class Hold:
    """An item the learner set aside: ``suspended`` (out of drills until brought back) or
    ``buried`` (until ``until``, the start of the next study day). ``at``: when (UTC)."""

    item: str
    kind: str
    until: datetime | None
    at: datetime
