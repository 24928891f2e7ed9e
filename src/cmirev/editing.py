"""``cmirev edit``: open one of the learner's own units in their editor at an item, and check
the file when the editor closes.

The editor is the learner's ($VISUAL, $EDITOR), given the item's line where it takes one. The
saved file is checked as ``cmirev validate`` checks it; while it has problems the learner may
reopen it at the first one, and otherwise gets the text they started from back, byte for byte
(so does an interruption). Nothing here prints or prompts: the CLI passes in how to ask.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cmirev.authoring import (
    as_shown,
    check_file,
    check_text,
    compose,
    is_builtin,
    load_yaml,
    read_unit,
    refuse_builtin,
    write_atomically,
)
from cmirev.errors import CmirevError, ContentError, Problem, UsageError


def item_line(path: Path, item_id: str) -> int | None:
    """The line (from 1) where the item with this id starts in a unit file, if it is there."""
    import yaml

    from cmirev.models import SECTION_FIELDS

    try:
        root = compose(read_unit(path))
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value in SECTION_FIELDS and isinstance(value, yaml.SequenceNode):
            for node in value.value:
                if isinstance(node, yaml.MappingNode) and any(
                    k.value == "id" and getattr(v, "value", None) == item_id for k, v in node.value
                ):
                    return int(node.start_mark.line) + 1
    return None


@dataclass(frozen=True)
class Target:
    """What ``cmirev edit`` opens: a unit file, at a line."""

    path: Path
    line: int
    what: str  # the item's global id, or the unit's id


def edit_target(name: str) -> Target:
    """The file and line ``cmirev edit NAME`` opens: an item (unit/item, CODE/item or a bare
    id one unit has) at its line, or a whole unit at its top. A unit file that does not load
    can still be opened by its name, at its first problem. Built-in units are refused."""
    from cmirev import content
    from cmirev.loader import build_catalog, load_catalog
    from cmirev.paths import unit_dirs

    problems: list[Problem] = []
    try:
        catalog = load_catalog()
    except ContentError as exc:
        catalog, _ = build_catalog(unit_dirs())
        problems = exc.problems
    try:
        gid = content.find_item(catalog, name)
    except UsageError as not_an_item:
        unit = None
        if "/" not in name:
            try:
                unit = content.find_unit(catalog, name)
            except UsageError:
                unit = None
        if unit is not None:
            if is_builtin(catalog.paths[unit.id]):
                raise refuse_builtin(f"{unit.short} ({unit.id})") from None
            return Target(Path(catalog.paths[unit.id]), 1, unit.id)
        broken = _broken_file(problems, name)
        if broken is not None:
            return broken
        raise not_an_item from None
    unit_id, item_id = gid.split("/", 1)
    path = Path(catalog.paths[unit_id])
    if is_builtin(path):
        found = catalog.get(unit_id)
        raise refuse_builtin(f"{found.short if found else unit_id} ({unit_id})")
    return Target(path, item_line(path, item_id) or 1, gid)


def _broken_file(problems: Sequence[Problem], name: str) -> Target | None:
    """A unit file with problems that ``name`` names (by file name or declared code), opened
    at its first problem."""
    key = name.strip().lower()
    for problem in problems:
        path = Path(problem.path)
        if is_builtin(path) or not path.is_file():
            continue
        code = re.search(r"(?m)^code:\s*[\"']?([A-Za-z0-9]+)", _read_quietly(path))
        if key in (path.stem.lower(), code.group(1).lower() if code else None):
            return Target(path, problem.line or 1, path.stem)
    return None


def _read_quietly(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# Editors that open a file at a line given as ``+LINE`` before it.
PLUS_LINE: Final = frozenset(
    {"vi", "vim", "nvim", "gvim", "view", "nano", "pico", "emacs", "emacsclient", "micro"}
    | {"mg", "jed", "joe", "jove", "kak", "ne", "mcedit", "rnano", "vis"}
)
# Editors that take ``FILE:LINE`` (Visual Studio Code after ``-g``).
COLON_LINE: Final = {"code": ["-g"], "codium": ["-g"], "code-insiders": ["-g"], "subl": []}


def editor_command(path: Path, line: int) -> list[str]:
    """The command that opens ``path`` at ``line``: ``$VISUAL``, then ``$EDITOR`` (either may
    carry arguments, ``code --wait``), else nano or vi (notepad on Windows)."""
    import shlex
    import shutil

    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    if raw.strip():
        command = [part.strip('"') for part in shlex.split(raw, posix=os.name != "nt")]
    elif os.name == "nt":
        command = ["notepad"]
    else:
        found = next((e for e in ("nano", "vi") if shutil.which(e)), None)
        if found is None:
            raise CmirevError("no editor found: set EDITOR, for example 'export EDITOR=nano'")
        command = [found]
    name = Path(command[0]).name.lower().removesuffix(".exe")
    if name in PLUS_LINE:
        return [*command, f"+{line}", str(path)]
    if name in COLON_LINE:
        return [*command, *COLON_LINE[name], f"{path}:{line}"]
    return [*command, str(path)]


def run_editor(command: Sequence[str]) -> None:
    """Run the editor in this terminal and wait for it. Ctrl-C belongs to the editor meanwhile
    (as in git): it must not kill the editor and leave the file half-saved."""
    import signal
    import subprocess

    try:
        child = subprocess.Popen(list(command))
    except OSError as exc:
        raise CmirevError(
            f"cannot start the editor '{command[0]}': {exc.strerror or exc} (set EDITOR to an "
            "editor you have, for example 'export EDITOR=nano')"
        ) from None
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        child.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@dataclass(frozen=True)
class Edited:
    """How an edit ended: whether the file changed, and the item ids it no longer has."""

    changed: bool
    gone: tuple[str, ...] = ()
    restored: tuple[Problem, ...] = ()  # problems that made cmirev put the old text back
    items: int = 0  # how many items the file holds now


def edit_file(
    target: Target,
    open_editor: Callable[[Path, int], None],
    again: Callable[[list[Problem]], bool] | None,
) -> Edited:
    """Let the learner edit a unit file, then check it whole.

    While it has problems, ``again`` (shown them) says whether to reopen it at the first one;
    without ``again``, or when it says no, the file gets its old text back byte for byte. An
    interruption at any point also puts the old text back unless the file is valid.
    """
    path = target.path
    try:
        before = path.read_bytes()
    except OSError as exc:
        raise CmirevError(f"cannot read {path}: {exc.strerror or exc}") from None
    line = target.line
    known_good = True  # False from the moment the editor may have changed the file
    try:
        while True:
            known_good = False
            open_editor(path, line)
            try:
                after = path.read_bytes()
            except OSError:
                after = b""  # the editor removed or moved it: it gets its old text back
            if after == before:
                known_good = True
                return Edited(False)
            problems = _new_problems(path, before, after)
            known_good = not problems
            if known_good:
                now = _ids(after)
                return Edited(True, tuple(sorted(_ids(before) - now)), items=len(now))
            if again is None or not again(problems):
                write_atomically(path, before)
                known_good = True
                return Edited(False, restored=tuple(problems))
            line = next((p.line for p in problems if p.line), line)
    except BaseException:
        if not known_good:
            write_atomically(path, before)
        raise


def _new_problems(path: Path, before: bytes, after: bytes) -> list[Problem]:
    """The problems of the edited file, less the near-duplicates it had before the edit (which
    loading allows: an edit elsewhere in the file is not to blame for them)."""
    from cmirev.checks import NEAR_DUPLICATE

    if not after:
        return [Problem(str(path), None, "", "the file was removed or emptied")]
    problems = check_file(path)
    if any(NEAR_DUPLICATE in p.message for p in problems):
        had = {p.message for p in check_text(path, before.decode("utf-8", "replace"))}
        problems = [p for p in problems if NEAR_DUPLICATE not in p.message or p.message not in had]
    return as_shown(path, problems)


def _ids(data: bytes) -> set[str]:
    """The item ids a unit file's text declares (none when it does not parse)."""
    from cmirev.checks import global_ids

    try:
        parsed = load_yaml(data.decode("utf-8"))
    except Exception:  # noqa: BLE001 - any text that does not parse declares nothing
        return set()
    return {g.split("/", 1)[1] for g in global_ids(parsed)} if isinstance(parsed, dict) else set()
