"""Settings in ``CMIREV_HOME/config.toml``, read and written by ``cmirev config``."""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from cmirev.errors import CmirevError, UsageError
from cmirev.scheduler import Settings

CONFIG_NAME = "config.toml"
# key -> what it is, as `cmirev config` lists it (values are checked in _check)
DESCRIPTIONS = {
    "desired_retention": "target chance of recalling an item when it is due (0.70-0.97)",
    "new_per_day": "new items a drill introduces per day",
    "max_reviews_per_day": "most reviews a drill asks per day",
    "day_start_hour": "local hour a study day starts (0-23)",
    "learning_steps": "minutes between the first reviews of a new or failed item, e.g. '1 10'",
    "slow_seconds": "a right typed answer slower than this counts as Hard, until 10 right answers "
    "of its kind set your own pace (twice your median); 0: never",
}


class ConfigError(CmirevError):
    """The settings file cannot be read or a value is out of range."""


def config_path(home: Path) -> Path:
    return home / CONFIG_NAME


def _check(key: str, value: Any) -> Any:
    """The value, converted and checked, or a ConfigError saying what is allowed."""
    if key == "desired_retention":
        number = _number(key, value, float)
        if not 0.70 <= number <= 0.97:
            raise ConfigError(f"desired_retention must be between 0.70 and 0.97, not {value}")
        return number
    if key == "slow_seconds":
        number = _number(key, value, int)
        if not 0 <= number <= 3600:
            raise ConfigError(f"slow_seconds must be a whole number from 0 to 3600, not {value}")
        return number
    if key in ("new_per_day", "max_reviews_per_day"):
        number = _number(key, value, int)
        if not 0 <= number <= 10_000:
            raise ConfigError(f"{key} must be a whole number from 0 to 10000, not {value}")
        return number
    if key == "day_start_hour":
        number = _number(key, value, int)
        if not 0 <= number <= 23:
            raise ConfigError(f"day_start_hour must be a whole number from 0 to 23, not {value}")
        return number
    if key == "learning_steps":
        parts = value if isinstance(value, list) else str(value).replace(",", " ").split()
        try:
            steps = tuple(int(p) for p in parts)
        except (TypeError, ValueError):
            raise ConfigError(
                f"learning_steps must be whole minutes like '1 10', not {value}"
            ) from None
        if not steps or any(not 1 <= s <= 1440 for s in steps):
            raise ConfigError("learning_steps must be one or more whole minutes from 1 to 1440")
        return steps
    if key == "parameters":
        raise UsageError(
            "the FSRS parameters are fitted, not set by hand: 'cmirev optimize' fits them, "
            "'cmirev optimize --reset' goes back to the defaults"
        )
    raise _unknown(key)


def _unknown(key: str) -> UsageError:
    """An unknown setting: the closest one (compared without underscores, so 'newperday'
    finds new_per_day), and every one there is."""
    import difflib

    plain = {name.replace("_", ""): name for name in DESCRIPTIONS}
    typed = "".join(ch for ch in key.strip().lower() if ch.isalnum())
    close = difflib.get_close_matches(typed, list(plain), n=1, cutoff=0.6)
    hint = f"; did you mean '{plain[close[0]]}'?" if close else ""
    return UsageError(f"unknown setting '{key}'{hint} (settings: {', '.join(DESCRIPTIONS)})")


def _shown(value: Any) -> str:
    """A value as the config file would spell it, not as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _number(key: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool):
        raise ConfigError(f"{key} must be a number, not {_shown(value)}")
    try:
        number = kind(value)
        if kind is float and not math.isfinite(number):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{key} must be {what}, not {_shown(value)}") from None
    if kind is int and isinstance(value, float) and not value.is_integer():
        raise ConfigError(f"{key} must be a whole number, not {value}")
    return number


def normalise_key(key: str) -> str:
    """A setting's name as the file spells it; a UsageError listing them when unknown."""
    name = key.strip().lower().replace("-", "_")
    if name not in DESCRIPTIONS and name != "parameters":
        raise _unknown(key)
    return name


def load_settings(home: Path) -> Settings:
    """Settings from the config file (defaults for anything not set), with the personal FSRS
    parameters ``cmirev optimize`` saved, if any."""
    settings = _load_config(home)
    if (home / "parameters.json").exists():
        from cmirev.optimize import load_parameters

        settings = replace(settings, parameters=load_parameters(home))
    return settings


def _load_config(home: Path) -> Settings:
    path = config_path(home)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may start the file with a BOM
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path}: not UTF-8 text; fix it, or remove it to go back to the defaults"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    values = {}
    for key, value in data.items():
        try:
            values[key] = _check(key, value)
        except CmirevError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return replace(Settings(), **values)


def save_setting(home: Path, key: str, raw: str) -> Settings:
    """Set one value (checked) and write the file atomically; the new settings. The file is
    read and rewritten under a lock, so two changes at once both land."""
    key = normalise_key(key)
    value = _check(key, raw)
    path = config_path(home)
    try:
        home.mkdir(parents=True, exist_ok=True)
        with _locked(home / f"{CONFIG_NAME}.lock"):
            settings = replace(_load_config(home), **{key: value})
            lines = ["# cmirev settings: change with 'cmirev config KEY VALUE'"]
            for name in DESCRIPTIONS:
                current = getattr(settings, name)
                if name == "learning_steps":
                    lines.append(f"{name} = [{', '.join(str(s) for s in current)}]")
                else:
                    lines.append(f"{name} = {current}")
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            try:
                tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                tmp.unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return load_settings(home)


@contextmanager
def _locked(lock: Path) -> Iterator[None]:
    """An exclusive lock on ``lock`` for the duration (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: writes are rare and atomic anyway
        yield
        return
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def show_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, value, description) for every setting, then the FSRS parameters in use."""
    values = asdict(settings)
    rows = []
    for key, description in DESCRIPTIONS.items():
        value = values[key]
        shown = " ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
        rows.append((key, shown, description))
    rows.append(
        (
            "parameters",
            "personal" if settings.parameters else "FSRS-6 defaults",
            "the memory model's parameters: 'cmirev optimize' fits them to your history",
        )
    )
    return rows
