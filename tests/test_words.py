"""Words a learner knows: help text without code leftovers, the glossary (`cmirev help`), the
first-run note, errors that say what to type, and counts that say why they are smaller."""

from __future__ import annotations

import re
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
