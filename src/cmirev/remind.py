"""`cmirev remind`: a calendar file (iCalendar, RFC 5545) that Outlook or Google Calendar opens.

It holds a daily study slot (a recurring event with a reminder a few minutes before) and one
all-day event for each assignment date set with ``cmirev deadline``, a week's reminder before.
Written by hand, as the format is simple: lines end in CRLF, a line longer than 75 octets is
folded (the rest on lines that start with a space), text escapes ``\\ ; ,`` and newlines. The
study slot is in floating local time (the calendar's own timezone, wherever the learner is),
with ``X-WR-TIMEZONE`` naming the learner's zone for Google Calendar. Each event's ``UID`` is
the same every time the file is written, and its ``SEQUENCE`` grows, so importing a new file
updates the events rather than adding copies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cmirev import __version__
from cmirev.errors import CONTROL

FOLD_OCTETS = 75
DEFAULT_TIME = time(19, 0)
DEFAULT_MINUTES = 15
SLOT_ALARM = "-PT5M"  # the study slot's reminder: five minutes before
DEADLINE_ALARM = "-P7D"  # an assignment date's: a week before
UID_DOMAIN = "cmirev"
_SEQUENCE_FROM = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DueDate:
    """An assignment date for the calendar."""

    unit: str
    title: str
    day: date


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped;
    other control characters dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return CONTROL.sub("", text)


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character;
    the CRLF after each physical line included."""
    out: list[str] = []
    current = ""
    room = FOLD_OCTETS
    for ch in line:
        size = len(ch.encode("utf-8"))
        if size > room:
            out.append(current)
            current = " "
            room = FOLD_OCTETS - 1
        current += ch
        room -= size
    out.append(current)
    return "".join(part + "\r\n" for part in out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    slot: time,
    minutes: int,
    dates: Sequence[DueDate],
    today: date,
    now: datetime,
    zone: str | None = None,
) -> str:
    """The whole calendar: a daily ``minutes``-long slot at ``slot`` local time from ``today``,
    and an all-day event for each date from ``today`` on."""
    sequence = max(0, int((now - _SEQUENCE_FROM).total_seconds() // 60))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//cmirev//cmirev {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:cmirev study",
    ]
    if zone:
        lines.append(f"X-WR-TIMEZONE:{escape(zone)}")
    start = datetime.combine(today, slot)
    lines += [
        "BEGIN:VEVENT",
        f"UID:daily-drill@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{start:%Y%m%dT%H%M%S}",
        f"DURATION:PT{minutes}M",
        "RRULE:FREQ=DAILY",
        f"SUMMARY:{escape(f'cmirev: daily drill ({minutes} min)')}",
        "DESCRIPTION:"
        + escape(
            "Open a terminal and run: cmirev drill\n"
            "Due reviews come first, then new items; every answer is saved as you give it, "
            "so stopping early loses nothing."
        ),
        "TRANSP:OPAQUE",
        *_alarm(SLOT_ALARM, "Time for today's cmirev drill"),
        "END:VEVENT",
    ]
    for due in sorted(dates, key=lambda d: (d.day, d.unit)):
        if due.day < today:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{due.unit}@{UID_DOMAIN}",
            f"DTSTAMP:{_stamp(now)}",
            f"SEQUENCE:{sequence}",
            f"DTSTART;VALUE=DATE:{due.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(f'Assignment due: {due.title}')}",
            "DESCRIPTION:"
            + escape(
                f"The assignment date set with 'cmirev deadline' for {due.unit}.\n"
                f"See the plan toward it: cmirev deadline {due.unit}\n"
                f"Drill toward it: cmirev drill --unit {due.unit}"
            ),
            "TRANSP:TRANSPARENT",
            *_alarm(DEADLINE_ALARM, f"A week to go: {due.title}"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def _alarm(trigger: str, text: str) -> list[str]:
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(text)}",
        f"TRIGGER:{trigger}",
        "END:VALARM",
    ]


def parse_time(text: str) -> time:
    """``HH:MM`` (24-hour) as a time; a ValueError saying how to write it otherwise."""
    found = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text.strip())
    try:
        if found is None:
            raise ValueError
        return time(int(found[1]), int(found[2]))
    except ValueError:
        raise ValueError(f"'{text}' is not a time: give it as HH:MM, e.g. 19:00") from None


def summary(path: object, slot: time, minutes: int, dates: Sequence[DueDate]) -> str:
    """What was written, and how to take it into a calendar."""
    text = f"Wrote {path}: a {minutes}-minute study slot every day at {slot:%H:%M}"
    if dates:
        listed = "; ".join(f"{d.title}, {d.day:%a} {d.day.day} {d.day:%b %Y}" for d in dates)
        text += f", and {len(dates)} assignment date(s): {listed}"
    return text + ". Outlook: open the file. Google Calendar: Settings, Import and export, Import."
