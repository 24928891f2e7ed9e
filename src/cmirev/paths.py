"""Where cmirev finds its units and keeps its own files.

- Built-in units ship inside the package (``cmirev/data/units`` in a wheel) or, in a source
  checkout, in the repository's ``data/units``.
- The learner's own units (``cmirev new-unit``, ``cmirev add``) live in ``units`` in the data
  directory, loaded beside them whenever that folder exists; no setting is needed.
- ``CMIREV_UNITS`` lists extra unit folders (``os.pathsep``-separated) loaded beside them.
- ``CMIREV_HOME`` overrides the data directory (review store, settings, backups, cache);
  without it the platform's user data and cache directories are used.
- ``cmirev where`` lists them all (:func:`locations`).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_units_dir() -> Path:
    """The folder of units that ship with cmirev."""
    packaged = _PACKAGE / "data" / "units"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / "data" / "units"


def extra_units_dirs() -> list[Path]:
    """Folders named in ``CMIREV_UNITS``, in order, empty entries ignored."""
    raw = os.environ.get("CMIREV_UNITS", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def own_units_dir() -> Path:
    """The learner's own units: ``units`` in the data directory, where ``cmirev new-unit``
    writes. It may not exist yet."""
    return home_dir() / "units"


def unit_dirs() -> list[Path]:
    """Every folder units are loaded from: built-in first, then the learner's own folder (when
    it exists: a missing one is simply not there yet), then ``CMIREV_UNITS``; a folder named
    twice (or the built-in one named again) is loaded once."""
    found: list[Path] = []
    seen: set[str] = set()
    own = own_units_dir()
    for folder in [builtin_units_dir(), *([own] if own.is_dir() else []), *extra_units_dirs()]:
        try:
            key = str(folder.resolve())
        except (OSError, RuntimeError):
            key = str(folder)
        if key not in seen:
            seen.add(key)
            found.append(folder)
    return found


def home_dir() -> Path:
    """cmirev's data directory: ``CMIREV_HOME`` or the platform's user data directory."""
    env = os.environ.get("CMIREV_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # only when needed: it costs start-up time

    return Path(platformdirs.user_data_dir("cmirev", appauthor=False))


def cache_dir() -> Path:
    """Where validated content is cached: inside ``CMIREV_HOME`` when set."""
    env = os.environ.get("CMIREV_HOME")
    if env:
        return Path(env).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("cmirev", appauthor=False))


def store_path() -> Path:
    """The review store: ``reviews.sqlite3`` in the data directory."""
    return home_dir() / "reviews.sqlite3"


def ensure_home() -> Path:
    """The data directory, created if missing; a CmirevError when it cannot be."""
    from cmirev.errors import CmirevError

    home = home_dir()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CmirevError(f"cannot use the data folder {home}: {exc.strerror or exc}") from None
    if not os.access(home, os.W_OK):
        raise CmirevError(f"cannot use the data folder {home}: it is not writable")
    return home


def backups_dir() -> Path:
    """Where ``cmirev backup`` writes its copies of the store: ``backups`` in the data folder."""
    return home_dir() / "backups"


def locations() -> list[tuple[str, str, Path]]:
    """(key, what it is, path) of every place cmirev reads or writes, for ``cmirev where``:
    the data folder and what is in it, the cache, and the unit folders."""
    from cmirev.config import config_path

    home = home_dir()
    found = [
        ("data", "Data folder", home),
        ("store", "Review store", store_path()),
        ("config", "Settings", config_path(home)),
        ("backups", "Backups", backups_dir()),
        ("cache", "Cache", cache_dir()),
        ("builtin_units", "Built-in units", builtin_units_dir()),
        ("own_units", "Your units (new-unit, add)", own_units_dir()),
    ]
    found += [("user_units", "Your units (CMIREV_UNITS)", p) for p in extra_units_dirs()]
    return found


def shown(path: Path) -> str:
    """A path as the learner would type it: the home folder as ``~``."""
    try:
        inside = path.relative_to(Path.home())
    except (ValueError, RuntimeError):
        return str(path)
    return "~" if inside == Path() else "~" + os.sep + str(inside)


def backup_path(moment: datetime) -> Path:
    """A new backup's default path: ``backups/reviews-DATE-TIME.sqlite3`` (local time), with
    ``-2``, ``-3``... when two are made in one second."""
    stem = f"reviews-{moment:%Y-%m-%d-%H%M%S}"
    path = backups_dir() / f"{stem}.sqlite3"
    copy = 1
    while path.exists():
        copy += 1
        path = backups_dir() / f"{stem}-{copy}.sqlite3"
    return path
