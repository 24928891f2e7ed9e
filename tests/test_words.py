"""Words a learner knows: help text without code leftovers, the glossary (`cmirev help`), the
first-run note, errors that say what to type, and counts that say why they are smaller."""

from __future__ import annotations

import re

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
