"""A test-wise guesser that knows none of the content must not beat chance by much.

The guesser (bench/guesser.py) reads only what the plain UI prints before a question is answered.
These tests hold the generated quizzes to chance over 1,000 seeded quizzes of every shipped unit
(``cmirev quiz UNIT -n 12``), and show on synthetic questions that the guesser does exploit a leak
when there is one, so passing means the leaks are gone rather than that the guesser is blind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cmirev.questions import Question

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import guesser  # bench/ is not a package: it is put on the path just above

SEEDS = 1000
QUESTIONS = 12  # per quiz, as `cmirev quiz UNIT -n 12`
MIN_FORMAT = 200  # below this many questions a format's score is too noisy to hold to a target
MIN_SECTION = 100  # true/false questions a section needs before its true share is held


@pytest.fixture(scope="module")
def report() -> guesser.Report:
    """The guesser's report over 1,000 seeded 12-question quizzes of every shipped unit."""
    return guesser.evaluate(guesser.build_questions(SEEDS, QUESTIONS))


def test_guesser_overall_is_near_chance(report: guesser.Report) -> None:
    """Over multiple-choice and true/false questions the guesser beats chance by at most 10 points."""
    margin = 100 * (report.overall_score - report.overall_chance)
    assert report.overall_questions >= 10_000
    assert margin <= 10, guesser.describe(report)


def test_guesser_is_near_chance_in_every_format(report: guesser.Report) -> None:
    """In every choice or true/false format the guesser beats chance by at most 15 points."""
    # Formats with fewer than MIN_FORMAT questions (figure, at times) are skipped: the best of a
    # dozen strategies on a couple of hundred questions beats chance by several points on noise.
    held = {
        f: r for f, r in report.formats.items() if f != guesser.CLOZE and r.questions >= MIN_FORMAT
    }
    assert {"term", "definition", "true-false"} <= set(held)
    over = {f: f"{r.margin:+.1f} ({r.best_label})" for f, r in held.items() if r.margin > 15}
    assert not over, guesser.describe(report)


def test_answer_position_is_uniform(report: guesser.Report) -> None:
    """In 4-option questions the right answer sits at each letter 25% of the time, ±5 points."""
    shares = report.positions[4]
    assert report.position_counts[4] >= 10_000
    assert all(abs(s - 0.25) <= 0.05 for s in shares), shares


def test_right_option_is_rarely_the_longest(report: guesser.Report) -> None:
    """The right option is strictly the longest at most 10 points more often than chance."""
    assert report.longest <= report.longest_chance + 0.10, (report.longest, report.longest_chance)


def test_true_share_is_balanced_in_every_section(report: guesser.Report) -> None:
    """Every section with 100 or more true/false questions has 40-60% true statements."""
    held = {s: v for s, v in report.true_by_section.items() if v[1] >= MIN_SECTION}
    assert held
    off = {s: f"{100 * share:.1f}% of {n}" for s, (share, n) in held.items()}
    assert all(0.40 <= share <= 0.60 for share, _ in held.values()), off


# --- the guesser can win -----------------------------------------------------------------------


def _question(
    fmt: str, prompt: str, options: tuple[str, ...], answer: int, source: str
) -> Question:
    return Question(
        format=fmt,
        item="demo/item",
        unit="demo",
        section="key_terms",
        outcomes=(),
        prompt=prompt,
        options=options,
        answer=answer,
        model_answer=options[answer],
        source=source,
    )


def _leaky(question: Question) -> str:
    """The plain UI's text with the source on the header line, as the old UI printed it."""
    lines = guesser.render(question).split("\n")
    header = next(n for n, line in enumerate(lines) if line.strip())
    if question.source not in lines[header]:
        lines[header] += f" · {question.source}"
    return "\n".join(lines)


TERMS = ("Stakeholder mapping", "Active listening", "Balanced scorecard", "Change management")
DEFINITION = "Which term has this definition?\n\nA grid that places parties by power and interest."


def test_header_overlap_finds_the_answer_named_in_the_header() -> None:
    """A header naming the item picks the right term, wherever the key is put."""
    for answer in range(len(TERMS)):
        q = _question("term", DEFINITION, TERMS, answer, "Demo › Key terms (stakeholder-mapping)")
        assert "(stakeholder-mapping)" in _leaky(q)
        result = guesser.evaluate([q], show=_leaky).formats["term"]
        expected = 1.0 if answer == 0 else 0.0  # the guess never moves with the key
        assert result.strategies["header overlap"] == expected


def test_negation_finds_the_only_negatively_phrased_option() -> None:
    """In spot-the-mistake, the most-negation strategy picks the one negatively phrased option."""
    options = (
        "Linking each recommendation to the evidence gathered from customers.",
        "Writing as if the plan would succeed without consulting the staff who deliver it.",
        "Evaluating the project's outcomes and reflecting on the lessons for you as a leader.",
        "Choosing improvements on objective evidence drawn from customer requirements.",
    )
    prompt = "Which of these is a common mistake in assignments? The others are good practice."
    right = _question("spot-mistake", prompt, options, 1, "Demo › Common mistakes (mistake)")
    wrong = _question("spot-mistake", prompt, options, 2, "Demo › Common mistakes (mistake)")
    assert guesser.evaluate([right]).formats["spot-mistake"].strategies["most negation"] == 1.0
    assert guesser.evaluate([wrong]).formats["spot-mistake"].strategies["most negation"] == 0.0


def test_parse_reads_back_what_was_rendered() -> None:
    """Parsing the rendered text gives back the prompt lines and the options, in order."""
    q = _question("term", DEFINITION, TERMS, 2, "Demo › Key terms (balanced-scorecard)")
    screen = guesser.parse(guesser.render(q))
    assert screen.options == TERMS
    assert screen.prompt[0] == "Which term has this definition?"
    assert screen.prompt[-1] == DEFINITION.splitlines()[-1]
    assert not screen.header.startswith("Question")
