"""The installed `cmirev` in a real pseudo-terminal, as a person runs it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

CMIREV = Path(sys.executable).parent / "cmirev"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(*args: str, width: int = 80, colour: bool = True) -> pexpect.spawn:
    """Start the installed cmirev in a pty of the given width."""
    if not CMIREV.exists():
        pytest.fail(f"{CMIREV} is not installed: run pip install -e '.[test]'")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    if not colour:
        env["NO_COLOR"] = "1"
    env["TERM"] = "xterm-256color"
    return pexpect.spawn(
        str(CMIREV), list(args), env=env, dimensions=(40, width), encoding="utf-8", timeout=30
    )


def test_show_in_a_terminal_is_rich_and_fits_the_width() -> None:
    """In a terminal, output is drawn by Rich: bullets, colour, lines wrapped to the width."""
    child = spawn("show", "misconceptions", "--unit", "public-services-leadership")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    raw = child.before
    assert ANSI.search(raw), "no colour codes in terminal output"
    text = ANSI.sub("", raw).replace("\r", "")
    assert "• Myth: Leading in the public sector" in text
    assert "Correction:" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_no_color_in_a_terminal_drops_colour_but_keeps_layout() -> None:
    """NO_COLOR removes colour codes; bold, bullets and wrapping stay."""
    child = spawn("show", "terms", "--search", "kotter", colour=False, width=100)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    sgr_params = [
        p for seq in re.findall(r"\x1b\[([0-9;]*)m", child.before) for p in seq.split(";")
    ]
    colours = [p for p in sgr_params if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107)]
    assert sgr_params
    assert not colours
    assert "Kotter's 8-step change model" in child.before


def test_error_in_a_terminal_is_one_red_line_with_exit_2() -> None:
    """A mistyped section gives one coloured error line and exit code 2, no traceback."""
    child = spawn("show", "misconceptoins")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    lines = [ANSI.sub("", line) for line in child.before.replace("\r", "").splitlines() if line]
    assert len(lines) == 1
    assert lines[0].startswith(
        "Error: unknown section or unit 'misconceptoins'; did you mean 'misconceptions'?"
    )
    assert "\x1b[31m" in child.before
