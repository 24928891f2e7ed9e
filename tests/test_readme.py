"""The README's transcripts of content commands are real: re-running them gives the same output."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner

from cmirev.cli import app

from .conftest import REPO

CONTENT_COMMANDS = {"units", "show"}


def transcripts() -> list[tuple[list[str], str]]:
    """(arguments, expected output) for each complete one-command transcript of a content command."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    blocks: list[list[str]] = []
    inside = False
    for line in readme:
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(line)
    found = []
    for lines in blocks:
        block = "\n".join(lines)
        if not lines or not lines[0].startswith("$ cmirev ") or "..." in block:
            continue
        if sum(1 for line in lines if line.startswith("$ ")) != 1:
            continue
        args = shlex.split(lines[0][len("$ cmirev ") :])
        if args[0] in CONTENT_COMMANDS:
            found.append((args, "\n".join(lines[1:]) + "\n"))
    return found


def test_there_are_transcripts_to_check() -> None:
    """The README shows several complete transcripts of content commands."""
    assert len(transcripts()) >= 3


@pytest.mark.parametrize(
    ("args", "expected"), transcripts(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_readme_transcript_matches_real_output(
    runner: CliRunner, args: list[str], expected: str
) -> None:
    """Running the command shows exactly what the README says it shows."""
    result = runner.invoke(app, args)
    assert result.stdout + result.stderr == expected
