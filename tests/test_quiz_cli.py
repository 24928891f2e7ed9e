"""`cmirev quiz` driven through a pipe, as a script or a test would."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from random import Random

import pytest
from typer.testing import CliRunner

from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.questions import FORMATS, LETTERS, Generator, Question
from cmirev.session import build_quiz


def right_reply(q: Question) -> list[str]:
    """The lines a learner who knows the answer types for this question."""
    if q.format == "true-false":
        return ["t" if q.answer == 0 else "f"]
    if q.is_choice:
        return [LETTERS[q.answer]]
    if q.format == "cloze":
        return [q.accepted[0]]
    if q.format == "order":
        return [q.model_answer]
    return ["", "3"]  # recall: reveal, then grade Good


def same_quiz(args: list[str], seed: int, count: int, formats: list[str] | None) -> list[Question]:
    """The quiz the CLI will build for these arguments, built through the library."""
    catalog = load_catalog()
    units = list(catalog.units) if args == ["all"] else [u for u in catalog.units if u.id in args]
    return build_quiz(Generator(catalog), units, count, Random(seed), formats)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_through_the_cli_scores_right_answers(runner: CliRunner, fmt: str) -> None:
    """For every format, typing the right answers scores full marks, with feedback each time."""
    questions = same_quiz(["all"], 11, 3, [fmt])
    assert questions, fmt
    replies = [line for q in questions for line in right_reply(q)]
    result = runner.invoke(
        app,
        ["quiz", "all", "-n", "3", "--format", fmt, "--seed", "11"],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"Question 1 of {len(questions)} · {FORMATS[fmt].label}" in out
    assert f"Score: {len(questions)} of {len(questions)} (100%)" in out
    assert "Quiz complete." in out
    assert "Replay this quiz with --seed 11." in out


def test_wrong_answers_show_the_answer_and_are_listed_to_work_on(runner: CliRunner) -> None:
    """A wrong answer gets 'Not quite', naming the option chosen and the right one; the
    summary lists it with its reason."""
    questions = same_quiz(["public-services-leadership"], 5, 2, ["term"])
    picks = [(q.answer + 1) % len(q.options) for q in questions]
    result = runner.invoke(
        app,
        ["quiz", "public-services-leadership", "-n", "2", "-f", "term", "--seed", "5"],
        input="\n".join(LETTERS[i] for i in picks) + "\n",
    )
    assert result.exit_code == 0
    out = result.stdout
    for q, pick in zip(questions, picks, strict=True):
        mine, right = (
            q.options[i] + ("" if q.options[i].endswith(".") else ".") for i in (pick, q.answer)
        )
        assert (
            f"Not quite. You chose {LETTERS[pick]}: {mine} "
            f"The answer is {LETTERS[q.answer]}: {right}\n"
        ) in out
    assert "Score: 0 of 2 (0%)" in out
    assert "To work on" in out
    assert questions[0].model_answer in out.split("To work on")[1]


def test_invalid_reply_gets_a_hint_and_the_question_again(runner: CliRunner) -> None:
    """Nonsense, then ?, then a valid answer: a hint, the keys, then marking; no crash."""
    questions = same_quiz(["public-services-leadership"], 3, 1, ["term"])
    reply = LETTERS[questions[0].answer]
    result = runner.invoke(
        app,
        ["quiz", "public-services-leadership", "-n", "1", "-f", "term", "--seed", "3"],
        input=f"zz\n?\n{reply}\n",
    )
    assert result.exit_code == 0
    assert "Type a letter from a to d." in result.stdout
    assert "Keys: type a letter" in result.stdout
    assert "Score: 1 of 1 (100%)" in result.stdout


def test_end_of_input_ends_cleanly_with_a_summary(runner: CliRunner) -> None:
    """When the piped answers run out, the quiz stops, summarises and exits 0."""
    questions = same_quiz(["all"], 9, 5, ["true-false"])
    first = right_reply(questions[0])
    result = runner.invoke(
        app, ["quiz", "all", "-f", "true-false", "-n", "5", "--seed", "9"], input=first[0] + "\n"
    )
    assert result.exit_code == 0
    assert f"Input ended after 1 of {len(questions)} questions." in result.stdout
    assert "Score: 1 of 1 (100%)" in result.stdout


def test_q_quits_and_says_how_far_it_got(runner: CliRunner) -> None:
    """q stops the quiz; the summary counts only what was answered."""
    result = runner.invoke(app, ["quiz", "all", "-n", "4", "--seed", "1"], input="q\n")
    assert result.exit_code == 0
    assert "Quiz stopped after 0 of 4 questions." in result.stdout
    assert "No questions answered." in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["quiz", "public-service-leadership"],
            "Error: unknown unit 'public-service-leadership'; did you mean 'public-services-leadership'?",
        ),
        (
            ["quiz", "all", "--format", "clze"],
            "Error: unknown format 'clze'; did you mean 'cloze'?",
        ),
        (
            ["quiz", "all", "--section", "misconception"],
            "Error: unknown section 'misconception'; did you mean 'misconceptions'?",
        ),
        (
            ["quiz", "leadership-in-practice", "--format", "order", "--section", "facts"],
            "Error: no questions match those units, formats and sections",
        ),
    ],
)
def test_bad_quiz_arguments_are_usage_errors(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """Unknown units, formats and sections, or an empty selection, exit 2 with one line."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(message)


def test_sections_and_outcomes_are_broken_down(runner: CliRunner) -> None:
    """The summary breaks the score down by section and by learning outcome."""
    questions = same_quiz(["collaborative-public-services-project"], 2, 6, None)
    replies = [line for q in questions for line in right_reply(q)]
    result = runner.invoke(
        app,
        ["quiz", "collaborative-public-services-project", "-n", "6", "--seed", "2"],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0
    assert "By section" in result.stdout
    assert "By learning outcome" in result.stdout
    assert "collaborative-public-services-project LO" in result.stdout


def test_a_wrongly_marked_typed_answer_can_be_overruled(runner: CliRunner, isolated: Path) -> None:
    """'!' after a typed answer marked wrong makes it right: the score says so and the review
    store keeps one review for it, marked right and flagged as overruled."""
    questions = same_quiz(["public-services-leadership"], 5, 2, ["cloze"])
    assert len(questions) == 2
    first, second = questions
    replies = ["my own words", "!", *right_reply(second)]
    result = runner.invoke(
        app,
        ["quiz", "public-services-leadership", "-n", "2", "-f", "cloze", "--seed", "5"],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Type ! at the next prompt to overrule" in out
    assert "Overruled: your answer 'my own words' now counts as right (saved)." in out
    assert "Score: 2 of 2 (100%)" in out
    db = sqlite3.connect(isolated / "reviews.sqlite3")
    rows = db.execute(
        "SELECT coalesce(asked, item), correct, overruled FROM reviews ORDER BY id"
    ).fetchall()
    db.close()
    assert rows == [(first.item, 1, 1), (second.item, 1, 0)]


def test_overrule_is_refused_after_a_right_or_chosen_answer(runner: CliRunner) -> None:
    """'!' only follows a typed answer marked wrong; elsewhere it is just a wrong reply."""
    questions = same_quiz(["all"], 3, 2, ["term"])
    replies = [*right_reply(questions[0]), "!", *right_reply(questions[1])]
    result = runner.invoke(
        app,
        ["quiz", "all", "-n", "2", "-f", "term", "--seed", "3", "--practice"],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "Overruled" not in result.stdout
    assert "Type a letter from a to" in result.stdout
    assert "Score: 2 of 2 (100%)" in result.stdout


def test_a_near_miss_gets_one_retry(runner: CliRunner) -> None:
    """Another real word close to the key is not marked at once: the learner retypes once."""
    catalog = load_catalog()
    generator = Generator(catalog)
    unit = catalog.get("collaborative-public-services-project")
    assert unit is not None
    change = next(c for c in unit.concepts if c.id == "change-management")
    q = next(
        q
        for seed in range(40)
        if (q := generator.make("cloze", unit, "concepts", change, Random(seed)))
        and q.model_answer == "resistance"
    )
    assert "resistant" in q.other_words  # catalog words near the answer are known
    from cmirev.questions import mark

    first = mark(q, "resistant")
    assert first.retry and "different word" in first.hint
    assert not mark(q, "resistant", retried=True).correct
    assert mark(q, "resistence").correct


def _reviews(home: Path) -> list[tuple[str, int]]:
    """(item asked, correct) of every review in the store, oldest first."""
    db = sqlite3.connect(home / "reviews.sqlite3")
    try:
        rows = db.execute("SELECT coalesce(asked, item), correct FROM reviews ORDER BY id")
        return [(r[0], r[1]) for r in rows]
    finally:
        db.close()


def test_u_in_a_recorded_quiz_undoes_the_last_answer_exactly(
    runner: CliRunner, isolated: Path
) -> None:
    """u removes the last answer's review (its card goes back to what it was), takes it out of
    the score, and asks that question again; a second u goes back one more question."""
    questions = same_quiz(["public-services-leadership"], 8, 3, ["term"])
    right = [LETTERS[q.answer] for q in questions]
    wrong = [LETTERS[(q.answer + 1) % len(q.options)] for q in questions]
    replies = [wrong[0], wrong[1], "u", "u", right[0], right[1], right[2]]
    result = runner.invoke(
        app,
        ["quiz", "psl", "-n", "3", "-f", "term", "--seed", "8"],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.count("Undone: your answer") == 2
    assert f"Undone: your answer '{wrong[1]}' was removed; here is the question again." in out
    # 1, 2, 3, u back to 2, u back to 1, then 1, 2, 3 again
    assert [out.count(f"Question {n} of 3") for n in (1, 2, 3)] == [2, 3, 2]
    assert "Score: 3 of 3 (100%)" in out
    assert _reviews(isolated) == [(q.item, 1) for q in questions]
    db = sqlite3.connect(isolated / "reviews.sqlite3")
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 3
    db.close()


def test_u_before_any_answer_and_in_practice(runner: CliRunner, isolated: Path) -> None:
    """u with nothing answered says so; with --practice nothing is recorded, so u is not an
    undo but an answer that is not understood."""
    result = runner.invoke(
        app, ["quiz", "psl", "-n", "1", "-f", "term", "--seed", "8"], input="u\nq\n"
    )
    assert "Nothing to undo yet." in result.stdout
    practice = runner.invoke(
        app, ["quiz", "psl", "-n", "1", "-f", "term", "--seed", "8", "--practice"], input="u\nq\n"
    )
    assert "Nothing to undo yet." not in practice.stdout and "Undone" not in practice.stdout
    assert "Quiz stopped after 0 of 1 questions." in practice.stdout


def test_the_keys_help_mentions_undo(runner: CliRunner) -> None:
    """? lists u among the keys, in the quiz and the drill alike."""
    result = runner.invoke(
        app, ["quiz", "psl", "-n", "1", "-f", "term", "--seed", "8", "--practice"], input="?\nq\n"
    )
    assert "u undoes your last answer and asks its question again" in result.stdout
    drill = runner.invoke(app, ["drill", "--new", "1"], input="?\nq\n")
    assert "u undoes your last answer" in drill.stdout
