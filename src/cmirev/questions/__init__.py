"""Quiz questions generated from unit items, never written by hand.

- :mod:`~cmirev.questions.formats`: the table of formats (what each tests, how it is answered);
- :mod:`~cmirev.questions.core`: what a question and a mark are;
- :mod:`~cmirev.questions.marking`: marking replies, typed answers included;
- :mod:`~cmirev.questions.similarity`: how alike items are (TF-IDF over the catalog);
- :mod:`~cmirev.questions.generator`: the generator and the rules every question keeps;
- :mod:`~cmirev.questions.choices`, :mod:`~cmirev.questions.statements`,
  :mod:`~cmirev.questions.cloze`, :mod:`~cmirev.questions.readings`,
  :mod:`~cmirev.questions.recall`: the formats, family by family.
"""

from cmirev.questions.core import LETTERS, OPTIONS, RATINGS, Mark, Option, Question
from cmirev.questions.formats import CHOICE_FORMATS, FORMATS, RECALL, RECOGNITION, Format
from cmirev.questions.generator import Generator
from cmirev.questions.marking import close_enough, grade_typed, mark, mark_grade, normalise

__all__ = [
    "CHOICE_FORMATS",
    "FORMATS",
    "LETTERS",
    "OPTIONS",
    "RATINGS",
    "RECALL",
    "RECOGNITION",
    "Format",
    "Generator",
    "Mark",
    "Option",
    "Question",
    "close_enough",
    "grade_typed",
    "mark",
    "mark_grade",
    "normalise",
]
