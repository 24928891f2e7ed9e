"""Question generation and marking: the quality rules, over every unit and 1,000 seeds."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from random import Random

import pytest

from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.paths import builtin_units_dir
from cmirev.questions import (
    CHOICE_FORMATS,
    FORMATS,
    Generator,
    Question,
    close_enough,
    mark,
    mark_grade,
    normalise,
)
from cmirev.session import build_quiz

SEEDS = 1000


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped units."""
    return load_catalog([builtin_units_dir()], use_cache=False)


@pytest.fixture(scope="module")
def generator(catalog: Catalog) -> Generator:
    """One generator over the shipped units."""
    return Generator(catalog)


@pytest.fixture(scope="module")
def questions(catalog: Catalog, generator: Generator) -> list[Question]:
    """A 30-question quiz over every unit for each of 1,000 seeds."""
    found: list[Question] = []
    for seed in range(SEEDS):
        found.extend(build_quiz(generator, catalog.units, 30, Random(seed)))
    return found


def choice(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q.is_choice and q.format != "true-false"]


def test_every_format_appears(questions: list[Question]) -> None:
    """Across the seeds, every question format is generated from the shipped content."""
    assert set(Counter(q.format for q in questions)) == set(FORMATS)


def test_exactly_one_option_is_right_and_no_idea_repeats(
    questions: list[Question], generator: Generator
) -> None:
    """Options are distinct texts from distinct ideas; the answer is the question's own item."""
    for q in choice(questions):
        assert 0 <= q.answer < len(q.options)
        texts = [normalise(o) for o in q.options]
        assert len(set(texts)) == len(texts), q
        groups = [generator.group.get(i.split("#")[0], i) for i in q.option_items]
        groups = [g if "#" not in i else i for g, i in zip(groups, q.option_items, strict=True)]
        assert len(set(groups)) == len(groups), q
        assert q.options[q.answer] == q.model_answer


def test_answer_position_is_uniform(questions: list[Question]) -> None:
    """For each option count, the right answer sits in each position 1/k of the time, ±5 points."""
    by_k: dict[int, Counter[int]] = defaultdict(Counter)
    for q in choice(questions):
        by_k[len(q.options)][q.answer] += 1
    for k, positions in by_k.items():
        total = sum(positions.values())
        if total < 500:
            continue
        for pos in range(k):
            share = positions[pos] / total
            assert abs(share - 1 / k) <= 0.05, (k, pos, share)


def test_right_answer_is_not_usually_the_longest(questions: list[Question]) -> None:
    """The right option is the strictly longest no more often than 1/k + 10 points."""
    qs = [q for q in choice(questions) if len(q.options) >= 3]
    longest = sum(
        1
        for q in qs
        if all(len(q.model_answer) > len(o) for i, o in enumerate(q.options) if i != q.answer)
    )
    chance = sum(1 / len(q.options) for q in qs) / len(qs)
    assert longest / len(qs) <= chance + 0.10, (longest / len(qs), chance)


def test_true_false_is_balanced(catalog: Catalog, generator: Generator) -> None:
    """True statements are 40-60% of true-or-false questions, in mixed and all-t/f quizzes."""
    for formats in (None, ["true-false"]):
        tf = [
            q
            for seed in range(300)
            for q in build_quiz(generator, catalog.units, 30, Random(seed), formats)
            if q.format == "true-false"
        ]
        share = sum(1 for q in tf if q.answer == 0) / len(tf)
        assert 0.40 <= share <= 0.60, (formats, share)


def test_no_prompt_contains_its_own_answer(questions: list[Question]) -> None:
    """Neither a right option nor a blanked word can be read off the prompt."""
    for q in questions:
        prompt = f" {normalise(q.prompt)} "
        if q.format in CHOICE_FORMATS - {"true-false"}:
            assert f" {normalise(q.model_answer)} " not in prompt, q
        if q.format == "cloze":
            assert not re.search(rf"\b{re.escape(q.accepted[0].lower())}\b", q.prompt.lower()), q


def test_a_seed_reproduces_a_quiz(catalog: Catalog, generator: Generator) -> None:
    """The same seed gives the same questions; another seed gives others."""
    a = build_quiz(generator, catalog.units, 15, Random(42))
    b = build_quiz(generator, catalog.units, 15, Random(42))
    c = build_quiz(generator, catalog.units, 15, Random(43))
    assert a == b
    assert a != c


def test_a_quiz_never_asks_the_same_idea_twice(catalog: Catalog, generator: Generator) -> None:
    """Items linked by same_as never both appear in one quiz."""
    for seed in range(200):
        qs = build_quiz(generator, catalog.units, 60, Random(seed))
        groups = [generator.group.get(q.item, q.item) for q in qs]
        assert len(groups) == len(set(groups))


def test_order_questions_are_shuffled_and_checked(catalog: Catalog, generator: Generator) -> None:
    """Kotter's steps come shuffled; typing the right letters is right, a swap is wrong."""
    unit = catalog.get("public-services-leadership")
    assert unit is not None
    kotter = next(t for t in unit.key_terms if t.id == "kotter-8-steps")
    q = generator.make("order", unit, "key_terms", kotter, Random(3))
    assert q is not None
    assert list(q.options) != list(kotter.steps)
    right = q.model_answer.replace(" ", "")
    assert mark(q, right).correct
    assert mark(q, " ".join(right.upper())).correct
    swapped = right[1] + right[0] + right[2:]
    verdict = mark(q, swapped)
    assert verdict.valid
    assert not verdict.correct
    assert verdict.detail == "6 of 8 in place"
    assert not mark(q, "abc").valid


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Kotter", True),
        ("kotter", True),
        ("  KOTTER. ", True),
        ("Kottr", True),
        ("Kotr", False),
        ("Kot", False),
        ("organization", True),
        ("organisatoin", True),
        ("organism", False),
    ],
)
def test_typed_answers_forgive_case_spacing_spelling_and_small_typos(
    reply: str, expected: bool
) -> None:
    """Case, spacing, punctuation, -ise/-ize and one slip in a longer word are forgiven."""
    accepted = ["organisation"] if reply.lower().startswith("organ") else ["Kotter"]
    assert close_enough(reply, accepted) is expected


def test_choice_replies_take_letters_or_numbers_and_hint_otherwise() -> None:
    """A letter or number picks an option; anything else gives a hint and no mark."""
    q = Question(
        format="term",
        item="u/x",
        unit="u",
        section="concepts",
        outcomes=(),
        prompt="p",
        options=("w", "x", "y", "z"),
        answer=2,
        model_answer="y",
    )
    assert mark(q, "c").correct
    assert mark(q, "3").correct
    assert mark(q, "C)").correct
    assert not mark(q, "a").correct
    bad = mark(q, "e")
    assert not bad.valid
    assert bad.hint == "Type a letter from a to d."


def test_self_grades() -> None:
    """1-4 or the rating's name grades a recall question; Hard and above count as recalled."""
    assert mark_grade("1").rating == 1
    assert not mark_grade("1").correct
    assert mark_grade("hard").correct
    assert mark_grade("4").rating == 4
    assert not mark_grade("5").valid


# --- nothing on screen points to the answer ----------------------------------------------------

HEADINGS = ["Misconceptions", "Common mistakes", "Key terms", "Key concepts", "Facts from the"]


def shown_before_answer(q: Question) -> str:
    """Everything the plain and the Rich screens show before the learner answers."""
    import io

    from rich.console import Console

    from cmirev.quizui import PlainQuizUI, RichQuizUI

    plain = io.StringIO()
    PlainQuizUI(stdin=io.StringIO(), stdout=plain).question(q, 1, 1)
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    RichQuizUI(console).question(q, 1, 1)
    return plain.getvalue() + console.export_text()


def disguised(q: Question) -> Question:
    """The same question, said to be about another item of another section and unit."""
    import dataclasses

    return dataclasses.replace(
        q, item="other-unit/other-item", unit="other-unit", section="guidance", source="ELSEWHERE"
    )


def test_no_question_shows_its_item_id_section_or_source(questions: list[Question]) -> None:
    """What a learner sees before answering does not depend on the item's id, section or
    source (they appear with the feedback), and names no section."""
    seen: set[tuple[str, str]] = set()
    for q in questions:
        if (q.item, q.prompt) in seen:
            continue
        seen.add((q.item, q.prompt))
        screen = shown_before_answer(q)
        assert screen == shown_before_answer(disguised(q)), q
        assert q.source not in screen
        for heading in HEADINGS:
            assert heading not in screen, (heading, screen)


def test_drill_questions_show_no_id_either(catalog: Catalog, generator: Generator) -> None:
    """A question made for the drill (any format, any item) keeps the same rule."""
    for unit in catalog.units:
        for section, item in unit.items():
            for fmt in generator.formats_for(unit, section, item):
                q = generator.make(fmt, unit, section, item, Random(1))
                if q is not None:
                    assert shown_before_answer(q) == shown_before_answer(disguised(q))


def test_true_false_is_balanced_within_every_section(
    catalog: Catalog, generator: Generator
) -> None:
    """In every section that states facts, 40-60% of true-or-false statements are true."""
    tally: dict[str, Counter[bool]] = defaultdict(Counter)
    for seed in range(300):
        for unit in catalog.units:
            for q in build_quiz(generator, [unit], 12, Random(seed)):
                if q.format == "true-false":
                    tally[q.section][q.answer == 0] += 1
    assert set(tally) >= {"misconceptions", "mistakes", "facts", "key_terms", "concepts"}
    for section, counts in tally.items():
        share = counts[True] / sum(counts.values())
        assert 0.40 <= share <= 0.60, (section, share, counts)


def test_same_idea_items_never_stand_as_answer_and_distractor(
    questions: list[Question], generator: Generator
) -> None:
    """An option never comes from an item linked to the answer by same_as, or too alike it."""
    for q in choice(questions):
        answer = q.option_items[q.answer]
        for n, other in enumerate(q.option_items):
            if n != q.answer and "#" not in other:
                assert not generator.too_close(answer, other), (answer, other)


def test_wicked_problem_twins_are_one_idea(generator: Generator) -> None:
    """The two near-identical 'wicked means evil' misconceptions are linked as one idea."""
    assert generator.same_idea(
        "collaborative-public-services-project/wicked-means-evil",
        "leadership-in-practice/wicked-means-evil",
    )


def test_cloze_blanks_only_declared_or_known_words(catalog: Catalog, generator: Generator) -> None:
    """Every cloze answer is a keyword of its item or a name the catalog knows, never filler."""
    filler = {"matters", "recent", "carried", "whenever", "connect", "the", "and", "that"}
    for unit in catalog.units:
        for section, item in unit.items():
            if "cloze" not in generator.formats_for(unit, section, item):
                continue
            for seed in range(5):
                q = generator.make("cloze", unit, section, item, Random(seed))
                assert q is not None
                assert q.model_answer.lower() not in filler
                assert "_____" in q.prompt
                stem_hidden = q.model_answer.lower()
                body = q.prompt.split("\n\n", 1)[1].lower()
                assert not re.search(rf"(?<![\w-]){re.escape(stem_hidden)}(?![\w-])", body), q


def test_figure_distractors_keep_the_figure_form(catalog: Catalog, generator: Generator) -> None:
    """'8 in 10' keeps its denominator; a range keeps its direction and never repeats a value."""
    unit = catalog.get("leadership-in-practice")
    assert unit is not None
    for fact in unit.facts:
        if not fact.figure:
            continue
        for seed in range(40):
            q = generator.make("figure", unit, "facts", fact, Random(seed))
            if q is None:
                continue
            for option in q.options:
                if " in 10" in fact.figure:
                    assert option.endswith(" in 10")
                    assert int(option.split()[0]) < 10
                numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", option)]
                if "%" in option and len(numbers) == 2:
                    assert numbers[0] < numbers[1], option


def test_a_users_own_unit_gets_the_same_rules(sample_unit: Path) -> None:
    """Questions from a new unit file hide ids and sections and mark typed answers fairly."""
    from cmirev.loader import build_catalog

    catalog, problems = build_catalog([sample_unit.parent])
    assert not problems
    generator = Generator(catalog)
    made = [q for seed in range(50) for q in build_quiz(generator, catalog.units, 20, Random(seed))]
    assert {q.format for q in made} >= {"recall", "order", "figure", "cloze", "true-false"}
    for q in made:
        screen = shown_before_answer(q)
        assert screen == shown_before_answer(disguised(q))
        assert q.source not in screen


def test_an_excluded_pair_never_stands_side_by_side(catalog: Catalog, generator: Generator) -> None:
    """A correction an author marked as a second answer (exclude) is never offered beside it."""
    unit = catalog.get("collaborative-public-services-project")
    assert unit is not None
    myth = next(m for m in unit.misconceptions if m.id == "public-equals-private")
    other = "planning-to-meet-public-services-customer-requirements/public-change-easier"
    assert generator.too_close(f"{unit.id}/{myth.id}", other)
    made = [
        q
        for seed in range(300)
        if (q := generator.make("correction", unit, "misconceptions", myth, Random(seed)))
    ]
    assert made
    assert all(other not in q.option_items for q in made)
