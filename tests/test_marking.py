"""Marking typed answers: every right form accepted, every other real word refused."""

from __future__ import annotations

import pytest

from cmirev.questions import Question, grade_typed, mark

# (typed, accepted forms, expected): True right, False wrong, "retry" a near miss to retype.
CASES: list[tuple[str, tuple[str, ...], bool | str]] = [
    # the same word in another form
    ("Kotter", ("Kotter",), True),
    ("  KOTTER. ", ("Kotter",), True),
    ("KPI", ("KPIs",), True),
    ("KPIs", ("KPI",), True),
    ("opportunity", ("Opportunities",), True),
    ("justified", ("justify",), True),
    ("evaluating", ("evaluate",), True),
    ("planned", ("plan",), True),
    ("organization", ("organisation",), True),
    ("prioritize", ("prioritise",), True),
    ("stakeholders", ("stakeholder",), True),
    ("eight-step", ("8-step",), True),
    ("8 step", ("eight-step",), True),
    ("eight", ("8",), True),
    ("seven", ("7",), True),
    ("55 per cent", ("55%",), True),
    ("55 percent", ("55%",), True),
    ("£10 million", ("£10m",), True),
    ("10m", ("£10m",), True),
    ("10", ("£10m",), False),
    ("longterm", ("long-term",), True),
    ("long term", ("long-term",), True),
    ("Mark Moore", ("Moore",), True),
    ("John Kotter", ("Kotter",), True),
    ("TKI", ("Thomas-Kilmann Conflict Mode Instrument", "TKI"), True),
    ("social value", ("Social Value",), True),
    # slips of the keyboard that are not other words
    ("Kottr", ("Kotter",), True),
    ("Mehrabain", ("Mehrabian",), True),
    ("trnasformational", ("transformational",), True),
    ("stakeholdr", ("stakeholder",), True),
    ("accountabilty", ("accountability",), True),
    # other real words, however close
    ("cooperative", ("uncooperative",), "retry"),
    ("present", ("prevent",), "retry"),
    ("more", ("Moore",), "retry"),
    ("policy", ("police",), "retry"),
    ("through", ("thorough",), "retry"),
    ("though", ("tough",), "retry"),
    ("consolation", ("consultation",), "retry"),
    ("liability", ("reliability",), "retry"),
    ("transactional", ("transformational",), False),
    ("transformation", ("transformational",), "retry"),
    ("evaluation", ("evaluate",), False),
    ("consistent", ("inconsistent",), "retry"),
    ("fictional", ("functional",), "retry"),
    ("Kotter model", ("Kotter",), False),
    ("mark moore", ("Moore",), False),
    # plainly wrong
    ("Tuckman", ("Kotter",), False),
    ("7", ("8",), False),
    ("65%", ("90%",), False),
    ("Kot", ("Kotter",), False),
]


@pytest.mark.parametrize(("typed", "accepted", "expected"), CASES)
def test_typed_answers_take_right_forms_and_refuse_other_words(
    typed: str, accepted: tuple[str, ...], expected: bool | str
) -> None:
    """Inflections, numerals, units, aliases, fuller names and slips are right; a different
    real word never is (a close one may be retyped once)."""
    verdict = grade_typed(typed, accepted)
    if expected == "retry":
        assert not verdict.valid and verdict.retry and not verdict.correct
        assert "different word" in verdict.hint
    else:
        assert verdict.valid and verdict.correct is expected, verdict


def gap(answer: str, other_words: tuple[str, ...] = ()) -> Question:
    """A cloze question whose answer is ``answer``."""
    return Question(
        format="cloze",
        item="u/x",
        unit="u",
        section="key_terms",
        outcomes=(),
        prompt="Type the missing word.\n\n_____",
        accepted=(answer,),
        other_words=other_words,
        model_answer=answer,
    )


def test_catalog_words_count_as_real_words() -> None:
    """A step of another model is a different answer, not a typo: Norming is not Forming."""
    q = gap("Forming", other_words=("norming",))
    first = mark(q, "Norming")
    assert first.retry and not first.valid
    assert mark(q, "Norming", retried=True) == mark(q, "Tuckman")
    assert mark(q, "Forming").correct
    assert mark(q, "Formng").correct
    assert mark(q, "Formng").note == "spelt Forming"


def test_a_near_miss_is_retyped_once_then_marked() -> None:
    """After the one retry a near miss allows, the same reply is marked wrong."""
    q = gap("prevent")
    assert mark(q, "present").retry
    final = mark(q, "present", retried=True)
    assert final.valid and not final.correct
    assert mark(q, "prevent", retried=True).correct


def test_cases_cover_at_least_forty_pairs() -> None:
    """The table is the spec: forty or more answer/key pairs, right and wrong."""
    assert len(CASES) >= 40
    assert {True, False, "retry"} <= {e for *_, e in CASES}
