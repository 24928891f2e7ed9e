"""The question formats: one table that the generator, scheduler, session and screens read.

Each format says what the learner sees above the question, which kind of memory it tests
(recognising the right answer among others, or recalling it unaided) and how it is answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Memory = Literal["recognition", "recall"]
Answering = Literal["choice", "true-false", "typed", "order", "self-graded"]


@dataclass(frozen=True)
class Format:
    """One question format."""

    name: str
    label: str  # the line above the question; never names the item or its section
    memory: Memory
    answering: Answering

    @property
    def is_choice(self) -> bool:
        """Answered by picking an option (a letter, or t/f)."""
        return self.answering in ("choice", "true-false")

    @property
    def self_graded(self) -> bool:
        """The learner grades their own answer (1 Again .. 4 Easy)."""
        return self.answering == "self-graded"


_TABLE: Final = (
    Format("term", "Pick the term for a definition", "recognition", "choice"),
    Format("definition", "Pick the definition for a term", "recognition", "choice"),
    Format("recall", "Recall the answer, then grade yourself", "recall", "self-graded"),
    Format("true-false", "True or false", "recognition", "true-false"),
    Format("correction", "Pick the correction for a misconception", "recognition", "choice"),
    Format("spot-mistake", "Spot the mistake among good practice", "recognition", "choice"),
    Format("spot-practice", "Spot the good practice among mistakes", "recognition", "choice"),
    Format("outcome", "Which learning outcome a criterion evidences", "recognition", "choice"),
    Format("cloze", "Type the missing key word", "recall", "typed"),
    Format("order", "Put the steps in order", "recall", "order"),
    Format("figure", "Figures", "recognition", "choice"),
    Format("who", "Who said it", "recognition", "choice"),
)

FORMATS: Final[dict[str, Format]] = {f.name: f for f in _TABLE}
CHOICE_FORMATS: Final = frozenset(f.name for f in _TABLE if f.is_choice)
RECOGNITION: Final = tuple(f.name for f in _TABLE if f.memory == "recognition")
RECALL: Final = tuple(f.name for f in _TABLE if f.memory == "recall")
