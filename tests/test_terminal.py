"""The installed `cmirev` in a real pseudo-terminal, as a person runs it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from .drive import default_signals

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
    env["PAGER"] = "cat"  # output taller than the pty would otherwise wait in less
    return pexpect.spawn(
        str(CMIREV),
        list(args),
        env=env,
        dimensions=(40, width),
        encoding="utf-8",
        timeout=30,
        preexec_fn=default_signals,
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


def test_quiz_in_a_terminal_answer_three_then_quit() -> None:
    """A person answers three questions in Rich panels, quits with q, and sees the summary."""
    from random import Random

    from cmirev.loader import load_catalog
    from cmirev.questions import Generator
    from cmirev.session import build_quiz

    from .test_quiz_cli import right_reply

    catalog = load_catalog()
    unit = catalog.get("public-services-leadership")
    assert unit is not None
    questions = build_quiz(
        Generator(catalog), [unit], 5, Random(21), ["term", "true-false", "cloze"]
    )
    child = spawn(
        "quiz",
        "public-services-leadership",
        "-n",
        "5",
        "--seed",
        "21",
        "-f",
        "term",
        "-f",
        "true-false",
        "-f",
        "cloze",
        colour=False,
    )
    for number, question in enumerate(questions[:3], 1):
        child.expect(f"Question {number} of 5")
        child.expect("›")
        child.sendline(right_reply(question)[0])  # a one-key answer's Enter is not a key press
        child.expect("Right")
        child.expect("Enter for the next question")
        child.send(" ")
    child.expect("Question 4 of 5")
    child.expect("›")
    child.sendline("q")
    child.expect("Quiz stopped after 3 of 5 questions")
    child.expect(r"Score: 3 of 3 \(100%\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_in_a_quiz_prints_the_summary_and_exits_130() -> None:
    """Ctrl-C at a prompt keeps what was answered, shows the summary, exit 130, no traceback."""
    child = spawn("quiz", "all", "-n", "3", "--seed", "4", colour=False)
    child.expect("Question 1 of 3")
    child.expect("›")
    child.sendintr()
    child.expect("Interrupted after 0 of 3 questions")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


def test_a_typed_answer_is_overruled_in_a_terminal(isolated: Path) -> None:
    """In a terminal the question shows no source; a wrong typed answer can be overruled with
    '!' at the prompt that follows, and the summary counts it right."""
    child = spawn("quiz", "leadership-in-practice", "-n", "1", "-f", "cloze", "--seed", "2")
    child.expect("Missing word")
    shown = ANSI.sub("", child.before or "")
    assert "Source:" not in shown and "›" not in shown  # the source comes with the feedback
    child.sendline("my own words")
    child.expect("Not quite")
    child.expect("Source: Leadership in Practice")
    child.expect("Enter to finish, or ! to overrule")
    child.sendline("!")
    child.expect("now counts as right")
    child.expect("Score: 1 of 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
