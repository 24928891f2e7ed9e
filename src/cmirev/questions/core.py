"""What a question is, and what marking a reply gives."""

from __future__ import annotations

from dataclasses import dataclass, field

from cmirev.questions.formats import FORMATS

OPTIONS = 4  # options in a multiple-choice question, where the pool allows
LETTERS = "abcdefghij"
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@dataclass(frozen=True)
class Question:
    """One question about one item: what to show, what counts as right, what to explain.

    ``source`` names the unit, section and item; it is shown with the feedback, never before
    the answer, because an item's id or section can give the answer away.
    """

    format: str
    item: str  # the global id (unit-id/item-id) whose memory it tests
    unit: str
    section: str
    outcomes: tuple[str, ...]
    prompt: str
    options: tuple[str, ...] = ()
    answer: int = -1  # index of the right option
    accepted: tuple[str, ...] = ()  # typed answers: the forms that count as right
    other_words: tuple[str, ...] = ()  # typed answers: catalog words a slip must not be taken for
    order: tuple[int, ...] = ()  # order: option indices in the right order
    model_answer: str = ""  # the right answer in words
    explanation: str = ""
    source: str = ""
    option_items: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_choice(self) -> bool:
        return FORMATS[self.format].is_choice

    @property
    def self_graded(self) -> bool:
        return FORMATS[self.format].self_graded


@dataclass(frozen=True)
class Mark:
    """How a reply was taken: ``valid`` False means ask again with ``hint``.

    ``retry`` marks a near miss that may be retyped once; ``note`` says how a reply that was
    accepted differed from the answer ("spelt Kotter").
    """

    valid: bool
    correct: bool = False
    rating: int = 0  # 1 Again .. 4 Easy
    hint: str = ""
    detail: str = ""
    retry: bool = False
    note: str = ""


@dataclass(frozen=True)
class Option:
    """A candidate option: its text and the item it came from (``gid#n`` for a made-up one)."""

    text: str
    item: str
