"""The exceptions cmirev raises for expected failures.

Every message is written for the learner or tutor who will read it: it says what is wrong and,
where it can, how to fix it. Only the CLI turns these into a line on stderr and an exit code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class CmirevError(Exception):
    """Base of every expected failure. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class UsageError(CmirevError):
    """The command line asked for something that does not exist (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem in one content file, located as precisely as the parser allows."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return one_line(text)


# Control characters shown as the Unicode pictures of them (ESC as ␛), so that no text from a
# unit file, a reply or a file name can move the cursor, retitle the window or make a link.
_VISIBLE = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_VISIBLE[0x7F] = 0x2421
_VISIBLE.update(dict.fromkeys(range(128, 160), 65533))
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """The text with every control character but tab and newline shown as a visible symbol."""
    return text.translate(_VISIBLE)


def one_line(text: str) -> str:
    """Control characters (a newline inside a YAML key, say) shown escaped: one problem, one line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class ContentError(CmirevError):
    """Unit files that cannot be used: every problem found, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        files = len({p.path for p in problems})
        noun = "problem" if len(problems) == 1 else "problems"
        where = "1 file" if files == 1 else f"{files} files"
        super().__init__(f"{len(problems)} {noun} in {where}")

    def lines(self) -> list[str]:
        """Each problem as ``path:line: field: message``."""
        return [str(p) for p in self.problems]
