"""True or false: a statement that is true or false with equal chance, whose truth cannot be
read from its wording.

An item is stated only when it can be stated both ways, so within every section half the
statements are true:
- a misconception: its ``true_form`` (true) or its claim (false); or, with the claim shown as
  a myth, its correction (true) or one of the wrong corrections its author wrote (false);
- a term or concept: its own definition (true) or the definition of its nearest neighbour in
  topic that is not the same idea (false); both with the names of both terms blanked;
- a mistake: its good practice or the mistake itself, offered as good practice;
- a fact: the statement, or a false variant its author wrote, or the statement with one figure
  changed in keeping with its form.
"""

from __future__ import annotations

from random import Random

from cmirev.models import Concept, Fact, KeyTerm, Misconception, Mistake
from cmirev.questions.choices import MAX_BLANKS, hide_term, names_itself
from cmirev.questions.core import Question
from cmirev.questions.generator import Ask, Generator
from cmirev.questions.readings import false_figure
from cmirev.questions.text import BLANK, words


def can_state(gen: Generator, ask: Ask) -> bool:
    """Whether the item can give both a true and a false statement."""
    item = ask.item
    if isinstance(item, Misconception):
        return bool(item.true_form) or bool(item.wrong_answers)
    if isinstance(item, Concept | KeyTerm):  # a neighbour's definition is found when asked
        if names_itself(item, hide_term(item.definition, item)):
            return False  # 'PESTLE: ... Political, Economic, Social, ...' is true on sight
        return bool(item.false_variants) or len(gen.families.get("term", [])) > 1
    if isinstance(item, Mistake):
        return bool(item.good_practice)
    if isinstance(item, Fact):
        return bool(item.false_variants) or bool(false_figure(item, Random(0)))
    return False


def _names(term: Concept | KeyTerm) -> set[str]:
    return {" ".join(words(n)) for n in (term.term, *term.aliases)}


def _neighbour(gen: Generator, ask: Ask) -> Concept | KeyTerm | None:
    """The nearest other term, unless its names overlap this one's (then its definition could
    be true of this one too)."""
    item = ask.item
    assert isinstance(item, Concept | KeyTerm)
    nearest = gen.neighbours(ask)
    other = gen.asks[nearest[0]].item if nearest else None
    if isinstance(other, Concept | KeyTerm) and not (_names(other) & _names(item)):
        return other
    return None


def true_false(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """A statement about the item, true when ``truth`` (or at random when it is None)."""
    if not can_state(gen, ask):
        return None
    want = rng.random() < 0.5 if truth is None else truth
    item = ask.item
    if isinstance(item, Misconception):
        # Shown with the myth, a correction and a wrong one read alike; a claim and its true
        # form may differ in tone (absolutes), so the rebuttal is asked three times in four.
        plain = not item.wrong_answers or (bool(item.true_form) and rng.random() < 0.25)
        if plain:
            statement = item.true_form if want else item.claim
            verdict = "True." if want else "False: this is a misconception."
        else:
            wrong = item.wrong_answers[rng.randrange(len(item.wrong_answers))]
            offered = item.correction if want else wrong
            statement = f"Myth: {item.claim}\nThe correction: {offered}"
            verdict = "True: that is the correction." if want else "False: that is not right."
        explanation = f"{verdict} {item.correction}"
    elif isinstance(item, Concept | KeyTerm):
        owner: Concept | KeyTerm = item
        if not want:
            pick = _false_term(gen, ask, rng)
            if isinstance(pick, str):
                return _question(gen, ask, f"{item.term}: {pick}", want, _false_term_why(item))
            if pick is None:
                return None
            owner = pick
        shown = hide_term(owner.definition, owner, item)
        if shown.count(BLANK) > MAX_BLANKS:
            return None  # too garbled to judge
        statement = f"{item.term}: {shown}"
        explanation = (
            f"True: that is the definition of {item.term}."
            if want
            else f"False: that definition belongs to {owner.term}. {_false_term_why(item)}"
        )
    elif isinstance(item, Mistake) and item.good_practice:
        statement = "Good practice in an assignment: " + (item.good_practice if want else item.text)
        explanation = (
            f"{'True' if want else 'False'}. Common mistake: {item.text} "
            f"Good practice: {item.good_practice}"
        )
    elif isinstance(item, Fact):
        statement = item.statement
        if not want:
            variants = list(item.false_variants) or false_figure(item, rng)
            if not variants:
                return None
            statement = variants[rng.randrange(len(variants))]
        explanation = f"{'True' if want else 'False'}. {item.statement} ({item.attribution})"
    else:
        return None
    return _question(gen, ask, statement or "", want, explanation)


def _false_term(gen: Generator, ask: Ask, rng: Random) -> Concept | KeyTerm | str | None:
    """A false statement's body: an authored variant, or the neighbour whose definition to use."""
    item = ask.item
    assert isinstance(item, Concept | KeyTerm)
    neighbour = _neighbour(gen, ask)
    choices: list[Concept | KeyTerm | str] = [*item.false_variants]
    if neighbour is not None:
        choices.append(neighbour)
    return choices[rng.randrange(len(choices))] if choices else None


def _false_term_why(item: Concept | KeyTerm) -> str:
    return f"{item.term}: {item.definition}"


def _question(gen: Generator, ask: Ask, statement: str, want: bool, why: str) -> Question:
    return Question(
        **gen.base("true-false", ask),  # type: ignore[arg-type]
        prompt=f"True or false?\n\n{statement}",
        options=("True", "False"),
        answer=0 if want else 1,
        model_answer="True" if want else "False",
        explanation=why,
    )
