"""One key from the terminal, without waiting for Enter.

A multiple-choice or true-or-false answer is one letter, so in a terminal it is taken as soon as
it is typed. POSIX terminals are put in cbreak mode for the one read (Ctrl-C still interrupts,
nothing is echoed) and put back as they were; Windows reads through ``msvcrt``. The caller
decides whether a terminal is there: input that is not a terminal is read a line at a time.
"""

from __future__ import annotations

import sys

ENTER = "\n"
ESCAPE = "\x1b"
END = ""  # Ctrl-D (Ctrl-Z on Windows) or a closed input: end of input
_END_KEYS = {"\x04", "\x1a"}


def read_key() -> str:
    """The next key typed: one character, ENTER for Enter, ESCAPE for Esc or any special key
    (arrows, function keys: their whole sequence is swallowed so none of it is taken for a
    letter), END at end of input."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_key()
    return _posix_key()


def _posix_key() -> str:
    import os
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # TCSAFLUSH would drop keys typed ahead
        first = os.read(fd, 1)
        if first == b"\x1b":
            # The rest of an escape sequence arrives at once: drain it.
            while select.select([fd], [], [], 0.03)[0]:
                if not os.read(fd, 16):
                    break
            return ESCAPE
        data = first
        while data and data[0] >= 0x80 and len(data) < 4:  # the rest of a UTF-8 character
            try:
                return _key(data.decode("utf-8"))
            except UnicodeDecodeError:
                data += os.read(fd, 1)
        return _key(data.decode("utf-8", errors="replace")) if data else END
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only

    def _windows_key() -> str:
        import msvcrt

        key = msvcrt.getwch()
        if key in ("\x00", "\xe0"):  # a special key: its code follows
            msvcrt.getwch()
            return ESCAPE
        if key == "\x03":
            raise KeyboardInterrupt
        return _key(key)


def _key(char: str) -> str:
    """A character as read_key reports it."""
    if char in ("\r", "\n"):
        return ENTER
    if char in _END_KEYS:
        return END
    return char
