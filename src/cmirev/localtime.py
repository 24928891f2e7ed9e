"""The learner's own clock: their timezone with its daylight-saving rules, and moments said the
way a person says them ("in 10 min", "tomorrow 09:00"). Times are stored in UTC; only the screen
speaks local time."""

from __future__ import annotations

import contextlib
import os
import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path


def local_tz() -> tzinfo:
    """The machine's timezone as a zoneinfo zone, so study days move with daylight saving:
    ``TZ`` when it names a zone, else the zone /etc/localtime points at (or /etc/timezone
    names), else the current fixed offset (a POSIX ``TZ`` rule, or a system without zone data).
    """
    from zoneinfo import ZoneInfo

    names = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        names.append(env)
    else:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            names.append(link.split("zoneinfo/", 1)[1])
        with contextlib.suppress(OSError):
            names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in names:
        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):  # not a zone name, or no zone data
            continue
    offset = -time.altzone if time.daylight and time.localtime().tm_isdst else -time.timezone
    return timezone(timedelta(seconds=offset)) if offset else UTC


def when_text(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """A moment in local time, relative to now: 'now', 'in 10 min', 'today 15:40', 'tomorrow
    09:00', 'Thu 27 Nov 09:00' (within a week), '27 Nov 2027 09:00' (later)."""
    ahead = moment - now
    if ahead <= timedelta(0):
        return "now"
    if ahead < timedelta(hours=1):
        return f"in {max(1, round(ahead.total_seconds() / 60))} min"
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days < 7:
        return f"{local.strftime('%a %d %b')} {clock}"
    return f"{local.strftime('%d %b %Y')} {clock}"
