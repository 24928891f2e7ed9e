"""Words a learner knows: help text without code leftovers, the glossary (`cmirev help`), the
first-run note, errors that say what to type, and counts that say why they are smaller."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cmirev.cli import app


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run cmirev with these arguments: (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words typed before --help."""
    root = get_command(app)
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if not children:
            found.append(path)
            return
        found.append(path)
        for name, child in children.items():
            walk(child, [*path, name])

    walk(root, [])
    return found


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "cmirev")
def test_help_has_no_python_types_and_fits_80_columns(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, path: list[str]
) -> None:
    """No command's --help shows a type such as <str>, <int range> or <list[str]>, or a range
    as code (x>=1); no line is wider than 80 columns and no summary is cut off with '...'."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(runner, *path, "--help")
    assert code == 0
    assert not re.search(r"<[a-zA-Z\[\], ]+>", out), out
    assert not re.search(r"\bx[<>]=", out), out
    assert all(len(line) <= 80 for line in out.splitlines()), out
    commands = out.partition("\nCommands:\n")[2]
    assert not any(line.rstrip().endswith("...") for line in commands.splitlines()), commands


def test_format_and_section_values_are_listed_in_quiz_help(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quiz --help` names every question format and every section --section takes, unbroken."""
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run(runner, "quiz", "--help")
    words = set(re.findall(r"[a-z][a-z-]*", out))
    assert {"true-false", "spot-practice", "spot-mistake", "cloze", "order", "who"} <= words
    assert {"outcomes", "criteria", "misconceptions", "terms", "readings"} <= words
    _, out, _ = run(runner, "drill", "--help")
    assert "misconceptions, terms, readings" in " ".join(out.split())


def test_the_usage_line_names_arguments_plainly(runner: CliRunner) -> None:
    """The usage line shows `UNIT...`, not Typer's `{UNIT...}...`."""
    _, out, _ = run(runner, "quiz", "--help")
    assert out.splitlines()[0].endswith(" quiz [OPTIONS] UNIT...")
    _, out, _ = run(runner, "export", "--help")
    assert out.splitlines()[0].endswith(" export [OPTIONS] FORMAT FILE|- [UNIT...]")


# -- cmirev help: the glossary

BRIEF_TOPICS = {
    "leech": "8 times",
    "retention": "0.90 (90%)",
    "ratings": "Again",
    "steps": "1 and 10 minutes",
    "outcome": "LO2",
    "criterion": "Pass or Refer",
    "readiness": "counting as 0",
    "day": "04:00",
    "suspend": "next study day",
    "codes": "PSL",
}


def test_help_lists_every_topic(runner: CliRunner) -> None:
    """`cmirev help` lists the topics, each with what it explains, and how to read one."""
    from cmirev.glossary import TOPICS

    code, out, _ = run(runner, "help")
    assert code == 0
    for topic in TOPICS:
        assert re.search(rf"^{re.escape(topic.name)} +{re.escape(topic.summary)}$", out, re.M)
    assert set(BRIEF_TOPICS) <= {t.name for t in TOPICS}
    assert "Type 'cmirev help TOPIC' (for example 'cmirev help leech') to read one." in out


@pytest.mark.parametrize(("word", "says"), BRIEF_TOPICS.items())
def test_each_topic_is_a_plain_paragraph_with_a_command(
    runner: CliRunner, word: str, says: str
) -> None:
    """`cmirev help TOPIC` prints a title, a paragraph with the figures cmirev really uses,
    and at least one command to type."""
    code, out, err = run(runner, "help", word)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert set(lines[1]) == {"="}
    assert says in lines[2] and len(lines[2].split()) > 25
    assert any(line.startswith("  $ cmirev ") for line in lines[3:])


@pytest.mark.parametrize(
    ("word", "topic"),
    [
        ("Again", "ratings"),
        ("easy", "ratings"),
        ("desired_retention", "retention"),
        ("learning_steps", "steps"),
        ("learning steps", "steps"),
        ("AC", "criterion"),
        ("LO", "outcome"),
        ("bury", "suspend"),
        ("leeches", "leech"),
        ("study-day", "day"),
        ("read", "readiness"),
    ],
)
def test_a_topic_answers_to_the_words_a_learner_uses(
    runner: CliRunner, word: str, topic: str
) -> None:
    """Other words for a topic (any case, spaces or underscores) and a unique start find it."""
    assert run(runner, "help", word)[1] == run(runner, "help", topic)[1]


def test_every_suggested_command_exists(runner: CliRunner) -> None:
    """Each command a topic tells the learner to type is a real command with real options."""
    import shlex

    from cmirev.glossary import TOPICS

    for topic in TOPICS:
        for command in topic.commands:
            args = shlex.split(command)[1:]
            code, _, err = run(runner, *args, "--help")
            assert (code, err) == (0, ""), command


def test_an_unknown_topic_suggests_the_closest(runner: CliRunner) -> None:
    """A misspelt topic is a usage error naming the closest one; no match says where to look."""
    assert run(runner, "help", "lech") == (
        2,
        "",
        "Error: no help topic 'lech'; did you mean 'leech'? ('cmirev help' lists the topics)\n",
    )
    assert run(runner, "help", "zzz")[2] == (
        "Error: no help topic 'zzz' ('cmirev help' lists the topics)\n"
    )


def test_help_with_a_command_name_shows_that_commands_help(runner: CliRunner) -> None:
    """`cmirev help stats` is `cmirev stats --help`; `cmirev --help` still lists commands."""
    code, out, _ = run(runner, "help", "stats")
    assert code == 0 and "Your progress: retention, workload and readiness." in out
    assert "--json" in out
    code, out, _ = run(runner, "--help")
    assert code == 0 and "\nCommands:\n" in out and "'cmirev help' explains the words" in out


# -- the first run


def test_the_first_study_command_explains_how_cmirev_works_once(
    runner: CliRunner, isolated: Path
) -> None:
    """Before any answer, the first quiz, drill, due or stats starts with a few lines on how
    cmirev works; the next one does not."""
    from cmirev.glossary import WELCOME

    code, out, _ = run_input(runner, "q\n", "quiz", "psl", "-n", "1", "--practice")
    assert code == 0
    assert out.startswith("\n".join(WELCOME) + "\n\nQuestion 1 of 1")
    _, again, _ = run_input(runner, "q\n", "quiz", "psl", "-n", "1", "--practice")
    assert "Welcome to cmirev" not in again
    assert "Welcome to cmirev" not in run(runner, "due")[1]


def test_json_output_never_carries_the_first_run_note(runner: CliRunner) -> None:
    """`due --json` and `stats --json` print JSON only; the note waits for a command in words."""
    import json

    for command in ("due", "stats"):
        code, out, _ = run(runner, command, "--json")
        assert code == 0
        json.loads(out)
    code, out, _ = run(runner, "stats")
    assert out.startswith("Welcome to cmirev. How it works, in brief:\n")


def test_a_learner_with_answers_is_not_welcomed(runner: CliRunner, isolated: Path) -> None:
    """Someone who already has reviews (from before this note existed) never sees it."""
    run_input(runner, "a\n", "quiz", "psl", "-n", "1", "-f", "term", "--seed", "3")
    (isolated / ".welcomed").unlink()
    _, out, _ = run(runner, "due")
    assert "Welcome to cmirev" not in out
    assert (isolated / ".welcomed").exists()


def run_input(runner: CliRunner, text: str, *args: str) -> tuple[int, str, str]:
    """Run cmirev with these arguments and this standard input."""
    result = runner.invoke(app, list(args), input=text)
    return result.exit_code, result.stdout, result.stderr


# -- errors that say what to type


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["config", "newperday", "5"],
            "Error: unknown setting 'newperday'; did you mean 'new_per_day'? (settings: "
            "desired_retention, new_per_day, max_reviews_per_day, day_start_hour, "
            "learning_steps, slow_seconds)",
        ),
        (
            ["config", "retention"],
            "Error: unknown setting 'retention'; did you mean 'desired_retention'?",
        ),
        (
            ["quiz", "psl", "--section", "myth"],
            "Error: unknown section 'myth'; did you mean 'myths'? (sections: outcomes, concepts, "
            "criteria, guidance, mistakes, misconceptions, prerequisites, terms, readings)",
        ),
        (
            ["quiz", "psl", "--format", "clze"],
            "Error: unknown format 'clze'; did you mean 'cloze'? (formats: term, definition,",
        ),
        (
            ["leeches", "--reset", "thomas-kilman"],
            "Error: no item 'thomas-kilman'; did you mean 'public-services-leadership/thomas-kilmann'?",
        ),
        (
            ["leeches", "--reset", "thomas-kilmann"],
            "Error: 'public-services-leadership/thomas-kilmann' is not a leech; there are none",
        ),
        (
            ["drill", "--unit", "psl", "--criterion", "AC9"],
            "Error: no criterion 'AC9' in the units chosen: --criterion takes one of AC1, AC2, AC3",
        ),
        (
            ["quiz", "lip", "--format", "order", "--section", "readings"],
            "Error: no questions match those units, formats and sections: leave out a --format "
            "or --section ('cmirev quiz --help' lists the values)",
        ),
        (
            ["deadline", "psl", "--clear", "2027-01-01"],
            "Error: --clear takes only the unit: cmirev deadline public-services-leadership --clear",
        ),
        (
            ["plan", "psl", "--out", "notes.pdf"],
            "Error: --out must end in .md or .docx, not '.pdf': for example --out notes.docx",
        ),
        (["backup"], "Error: no review store yet at"),
    ],
)
def test_every_error_says_what_to_type_instead(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """A mistyped setting, section, format or item, a criterion the unit lacks, an empty quiz
    or a misused option: one line on stderr naming the value or command to use."""
    code, out, err = run(runner, *args)
    assert code in (1, 2) and out == ""
    assert err.startswith(message) and len(err.splitlines()) == 1, err


# -- counts that say why they are smaller

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=40)


def at(runner: CliRunner, now: datetime, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run cmirev at a moment, in London, with this standard input."""
    result = runner.invoke(
        app, list(args), input=stdin, env={"CMIREV_NOW": now.isoformat(), "TZ": "Europe/London"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_quiz_smaller_than_asked_says_why(runner: CliRunner) -> None:
    """-n larger than the units and filters allow: the quiz says how many and why, first."""
    from random import Random

    from cmirev.loader import load_catalog
    from cmirev.questions import Generator
    from cmirev.session import build_quiz

    catalog = load_catalog()
    unit = catalog.get("public-services-leadership")
    assert unit is not None
    made = len(build_quiz(Generator(catalog), [unit], 50, Random(2), ["order"]))
    code, out, _ = run_input(
        runner, "q\n", "quiz", "psl", "-f", "order", "-n", "50", "--seed", "2", "--practice"
    )
    assert code == 0
    lines = [line for line in out.splitlines() if line and not line.startswith(("Welcome", "- "))]
    first = lines[0]
    assert first == (
        f"{made} questions, not 50: that is every item these units and filters leave (one "
        "question per idea; prerequisites are not quizzed)."
    )
    _, out, _ = run_input(runner, "q\n", "quiz", "psl", "-n", "3", "--practice")
    assert "not 3" not in out


def test_due_and_stats_say_why_the_drill_holds_fewer_items_than_the_units(
    runner: CliRunner,
) -> None:
    """`units` counts prerequisites; `due` and `stats` say the drill leaves them out."""
    import json

    units = json.loads(run(runner, "units", "--json")[1])
    total = sum(u["counts"]["total"] for u in units)
    prerequisites = sum(u["counts"]["prerequisites"] for u in units)
    report = json.loads(run(runner, "due", "--json")[1])
    pool = report["pool"]
    assert (pool["in_units"], pool["prerequisites"]) == (total, prerequisites)
    assert pool["drilled"] == report["total"]["new_available"]
    line = (
        f"The drill asks about {pool['drilled']} of the {total} items: {prerequisites} "
        "prerequisites are read, not drilled"
    )
    assert line in run(runner, "due")[1]


def test_new_items_switched_off_are_called_that(runner: CliRunner) -> None:
    """With new_per_day 0, `due` and the drill say new items are switched off, not that
    today's limit is used up."""
    run(runner, "config", "new_per_day", "0")
    _, out, _ = run(runner, "due")
    assert "new items are switched off: config new_per_day" in out
    _, out, _ = run_input(runner, "", "drill")
    assert "New items are switched off (config new_per_day is 0)" in out
    assert "limit is used up" not in out


def test_the_drill_says_when_the_review_limit_holds_items_back(
    runner: CliRunner, isolated: Path
) -> None:
    """More due than --max (or max_reviews_per_day) allows: the drill says how many wait and
    how to ask them all."""
    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    study = study_at(catalog, isolated / "reviews.sqlite3", T0)
    three = [g for g in study.entries if g not in study.group][:3]
    study.store.close()
    for gid in three:  # right answers a day apart until each is in review
        day = T0
        while (card := study_at(catalog, isolated / "reviews.sqlite3", day).card(gid)) is None or (
            card.state != 2
        ):
            answer(study_at(catalog, isolated / "reviews.sqlite3", day), gid, True)
            day += timedelta(days=1)
    code, out, _ = at(runner, LATER, "drill", "--max", "1", "--new", "0", stdin="q\n")
    assert code == 0
    assert "Today's drill: 1 due, 0 new" in out
    assert (
        "2 more due today are over today's review limit (config max_reviews_per_day, or "
        "--max): 'cmirev drill --max 3' asks them all now."
    ) in out


def test_a_twin_asked_today_explains_the_drill_due_count(runner: CliRunner, isolated: Path) -> None:
    """An idea asked today as one unit's copy waits for tomorrow in another unit's drill, and
    the drill says so where `due` counts it; the copy asked comes back for its own step."""
    import json

    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    psl, cpsp = (
        "public-services-leadership/public-equals-private",
        "collaborative-public-services-project/public-equals-private",
    )
    catalog = load_catalog()
    answer(study_at(catalog, isolated / "reviews.sqlite3", T0), psl, True)
    answer(study_at(catalog, isolated / "reviews.sqlite3", T0 + timedelta(days=1)), psl, True)
    answer(study_at(catalog, isolated / "reviews.sqlite3", LATER), cpsp, False)  # a lapse
    soon = LATER + timedelta(minutes=15)  # its relearning step has come
    due = json.loads(at(runner, soon, "due", "--json", "--unit", "psl")[1])
    assert due["total"]["due_now"] == 1
    _, out, _ = at(runner, soon, "drill", "--unit", "psl", "--new", "0")
    assert "Nothing is due now." in out or "Today's drill: 0 due" in out
    assert (
        "1 due item(s) wait for tomorrow: the same idea was asked today from another unit, "
        "and an idea is asked once a day."
    ) in out
    _, out, _ = at(runner, soon, "drill", "--unit", "cpsp", "--new", "0", stdin="q\n")
    assert "Today's drill: 1 due, 0 new" in out


def test_the_copy_asked_today_comes_back_for_its_steps(runner: CliRunner, isolated: Path) -> None:
    """An idea stated in several units keeps its memory on one card, filed under one unit's
    copy; a lapse on another unit's copy brings that copy back for its relearning step."""
    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    psl = "public-services-leadership/public-equals-private"  # not the copy the card is filed under
    catalog = load_catalog()
    answer(study_at(catalog, isolated / "reviews.sqlite3", T0), psl, True)
    answer(study_at(catalog, isolated / "reviews.sqlite3", T0 + timedelta(days=1)), psl, True)
    answer(study_at(catalog, isolated / "reviews.sqlite3", LATER), psl, False)
    _, out, _ = at(
        runner, LATER + timedelta(minutes=15), "drill", "--unit", "psl", "--new", "0", stdin="q\n"
    )
    assert "Today's drill: 1 due, 0 new" in out
    assert "wait for tomorrow" not in out


@pytest.mark.slow  # the installed cmirev in a pseudo-terminal
def test_u_at_the_pause_undoes_a_quiz_answer_in_a_terminal(isolated: Path) -> None:
    """In a real terminal, u at the pause after a verdict takes the answer back (its review
    removed) and asks the question again; the prompt says u undoes."""
    import sqlite3
    from random import Random

    import pexpect

    from cmirev.loader import load_catalog
    from cmirev.questions import LETTERS, Generator
    from cmirev.session import build_quiz

    from .test_terminal import spawn

    catalog = load_catalog()
    unit = catalog.get("public-services-leadership")
    assert unit is not None
    question = build_quiz(Generator(catalog), [unit], 2, Random(8), ["term"])[0]
    wrong = LETTERS[(question.answer + 1) % len(question.options)]
    child = spawn("quiz", "psl", "-n", "2", "-f", "term", "--seed", "8", colour=False)
    child.expect("Question 1 of 2")
    child.expect("›")
    child.send(wrong)
    child.expect("Not quite")
    child.expect(r"Enter for the next question \(q quits, u undoes\)")
    child.send("u")
    child.expect("Undone: your answer")
    child.expect("Question 1 of 2")
    child.expect("›")
    child.send(LETTERS[question.answer])
    child.expect("Right")
    child.expect("Enter for the next question")
    child.send(" ")
    child.expect("Question 2 of 2")
    child.expect("›")
    child.sendline("q")
    child.expect(r"Score: 1 of 1 \(100%\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    db = sqlite3.connect(isolated / "reviews.sqlite3")
    assert db.execute("SELECT correct FROM reviews").fetchall() == [(1,)]
    db.close()
