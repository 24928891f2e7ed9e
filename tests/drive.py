"""Drive the installed cmirev in a pseudo-terminal, answering whatever it asks."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect

CMIREV = Path(sys.executable).parent / "cmirev"

PROMPTS = [
    r"Answer \(a-([a-j])\)",
    r"True or false \(t/f\)",
    r"Missing word",
    r"Order \(letters",
    r"Press Enter to reveal",
    r"Grade yourself",
    r"(Right|Not quite|Graded \d)",
    r"Enter to finish",
    r"Press Enter when you have read it",
    pexpect.EOF,
    r"Enter for the next question",
]
# In a terminal a letter, t/f or a grade is taken as soon as its key is pressed, and after the
# feedback any key goes on: those get one key, never a line (its Enter would be the next key).
KEYS_ONLY = {0, 1, 4, 5, 7, 8, 10}


def spawn(*args: str, home: Path, extra_env: dict[str, str] | None = None) -> pexpect.spawn:
    """Start cmirev in a 100x40 pty with this CMIREV_HOME, no colour."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update(CMIREV_HOME=str(home), NO_COLOR="1", TERM="xterm")
    env.update(extra_env or {})
    return pexpect.spawn(
        str(CMIREV),
        list(args),
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=60,
        preexec_fn=default_signals,
    )


def default_signals() -> None:
    """In the child: Ctrl-C interrupts, even when the suite was started in the background
    (a shell starts background jobs with SIGINT ignored, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Answerer:
    """Answers each prompt plausibly (not necessarily right) and counts the feedback it sees."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.feedback = 0
        self.sent = 0

    def step(self) -> bool:
        """Handle the next prompt or feedback; False at the end of output."""
        which = self.child.expect(PROMPTS)
        if which == 9:
            return False
        if which == 6:
            self.feedback += 1
            return True
        reply = {0: "a", 1: "t", 2: "leadership", 3: "", 4: "\r", 5: "3", 7: " ", 8: "\r"}
        reply = {**reply, 10: " "}[which]
        if which == 3:
            # The question, with its options, came before the prompt (styles stripped).
            shown = __import__("re").sub(r"\x1b\[[0-9;]*m", "", self.child.before or "")
            self.child.expect(r"›")
            count = len(set(__import__("re").findall(r"\n[\s│|]*([a-j])\) ", shown)))
            reply = "abcdefghij"[: max(count, 3)]
        if which in KEYS_ONLY:
            self.child.send(reply)
        else:
            self.child.sendline(reply)
        self.sent += 1
        return True
