"""Which function builds each format: the generator looks them up here."""

from __future__ import annotations

from typing import Final

from cmirev.questions import choices, cloze, readings, recall, statements
from cmirev.questions.formats import FORMATS
from cmirev.questions.generator import Builder

BUILDERS: Final[dict[str, Builder]] = {
    "term": choices.term,
    "definition": choices.definition,
    "recall": recall.recall,
    "true-false": statements.true_false,
    "correction": choices.correction,
    "spot-mistake": choices.spot_mistake,
    "spot-practice": choices.spot_practice,
    "outcome": choices.outcome,
    "cloze": cloze.cloze,
    "order": recall.order,
    "figure": readings.figure,
    "who": readings.who,
}
assert set(BUILDERS) == set(FORMATS), "every format needs a builder"
