"""Everything cmirev shows. Rich in a terminal; plain text when output is piped or redirected.

Views are written once against a small :class:`Out` interface. :class:`PlainOut` writes
unwrapped lines (easy to grep and script, no colour) and imports nothing heavy; :class:`RichOut`
uses Rich, which is only imported when standard output is a terminal.

Plain mode (``--plain``, ``CMIREV_PLAIN=1`` or ``TERM=dumb``) is for screen readers: plain lines
in a terminal too, wrapped at word boundaries, no boxes, bars or block characters, and a word
for every mark. Long output in a terminal goes through a pager (:func:`paged_out`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, Protocol

from cmirev.content import Entry, counts
from cmirev.errors import visible
from cmirev.models import SECTIONS, Catalog, Fact, KeyTerm, Unit

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rich.console import Console


class Out(Protocol):
    """The few shapes every view is made of."""

    width: int | None  # columns to fit, or None for unbounded (plain text)
    plain: bool  # screen-reader mode: words and figures, never bars, shades or marks

    def title(self, text: str, subtitle: str = "") -> None: ...
    def heading(self, text: str) -> None: ...
    def text(self, text: str, *, dim: bool = False) -> None: ...
    def entry(
        self, head: str, lines: Sequence[tuple[str, str]] = (), tags: Sequence[str] = ()
    ) -> None: ...
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None: ...
    def markdown(self, text: str) -> None: ...


class PlainOut:
    """Plain text, one line per field: for pipes, files and scripts; in plain mode also for a
    screen reader in a terminal, where ``wrap`` breaks long lines between words."""

    def __init__(
        self, stream: IO[str] | None = None, *, plain: bool = False, wrap: int | None = None
    ) -> None:
        self.stream = stream or sys.stdout
        self._started = False
        self.width: int | None = None
        self.plain = plain
        self.wrap = wrap

    def _line(self, text: str = "", *, wrap: bool = True) -> None:
        text = visible(words(text) if self.plain else text)
        if self.wrap and wrap and len(text) > self.wrap:
            text = "\n".join(wrapped(text, self.wrap))
        self.stream.write(text + "\n")

    def title(self, text: str, subtitle: str = "") -> None:
        if self._started:
            self._line()
        self._started = True
        self._line(text)
        if not self.plain:  # a screen reader would read out a row of '=' signs
            self._line("=" * len(text))
        if subtitle:
            self._line(subtitle)

    def heading(self, text: str) -> None:
        self._line()
        self._line(text)
        if not self.plain:
            self._line("-" * len(text))

    def text(self, text: str, *, dim: bool = False) -> None:
        self._line(text)

    def entry(
        self, head: str, lines: Sequence[tuple[str, str]] = (), tags: Sequence[str] = ()
    ) -> None:
        suffix = f"  [{'; '.join(tags)}]" if tags else ""
        self._line(f"* {head}{suffix}")
        for label, value in lines:
            self._line(f"    {label}: {value}" if label else f"    {value}")

    def markdown(self, text: str) -> None:
        self.stream.write(visible(text if text.endswith("\n") else text + "\n"))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]
        numeric = _numeric_columns(rows)
        for row in (headers, *rows):
            cells = [
                str(c).rjust(w) if numeric[i] else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=False))
            ]
            self._line("  ".join(cells).rstrip(), wrap=False)


class RichOut:
    """Rich output for a terminal: colour (unless NO_COLOR), wrapping, tables."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self.width: int | None = self.console.width
        self.plain = False

    def title(self, text: str, subtitle: str = "") -> None:
        from rich.rule import Rule

        self.console.print()
        self.console.print(Rule(f"[bold]{_esc(text)}[/bold]", style="cyan"))
        if subtitle:
            self.console.print(_esc(subtitle), style="dim", justify="center")

    def heading(self, text: str) -> None:
        self.console.print()
        self.console.print(f"[bold underline]{_esc(text)}[/]")

    def text(self, text: str, *, dim: bool = False) -> None:
        self.console.print(_esc(text), style="dim" if dim else "")

    def markdown(self, text: str) -> None:
        from rich.markdown import Markdown

        self.console.print(Markdown(visible(text)))

    def entry(
        self, head: str, lines: Sequence[tuple[str, str]] = (), tags: Sequence[str] = ()
    ) -> None:
        from rich.padding import Padding
        from rich.text import Text

        # The head, then the fields as one styled block indented under it: no grid table per
        # entry (laying out a table per item was most of the terminal path's cost).
        self.console.print(Text.assemble(("• ", "bold"), (visible(head), "bold")))
        body = Text()
        for label, value in lines:
            if body:
                body.append("\n")
            if label:
                body.append(f"{visible(label)}: ", style="cyan")
            body.append(visible(value))
        if tags:
            if body:
                body.append("\n")
            body.append(visible(" · ".join(tags)), style="yellow")
        if body:
            self.console.print(Padding(body, (0, 0, 0, 2)))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        from rich.table import Table

        table = Table(header_style="bold", box=None, pad_edge=False)
        numeric = _numeric_columns(rows)
        for i, head in enumerate(headers):
            if numeric[i]:
                table.add_column(head, justify="right", no_wrap=True)
            else:
                table.add_column(head, overflow="fold", ratio=1 if i == 0 else None)
        for row in rows:
            table.add_row(*[_esc(str(c)) for c in row])
        self.console.print(table)


def _numeric_columns(rows: Sequence[Sequence[str]]) -> list[bool]:
    """Which columns hold only numbers (right-aligned)."""
    width = max((len(r) for r in rows), default=0)
    return [
        bool(rows) and all(str(r[i]).replace(".", "", 1).isdigit() for r in rows if i < len(r))
        for i in range(width)
    ]


def _esc(text: str) -> str:
    """Text for Rich markup: control characters shown, brackets never taken as markup."""
    from rich.markup import escape

    return escape(visible(text))


_PLAIN = [False]  # --plain, set by the CLI for the command being run


def set_plain(on: bool) -> None:
    """Plain mode for this command (the ``--plain`` option)."""
    _PLAIN[0] = on


def plain_mode() -> bool:
    """Screen-reader-friendly output: ``--plain``, ``CMIREV_PLAIN`` set (not 0), or a terminal
    that says it draws nothing (``TERM=dumb``)."""
    import os

    if _PLAIN[0]:
        return True
    if os.environ.get("CMIREV_PLAIN", "").strip().lower() not in ("", "0", "no", "false", "off"):
        return True
    return os.environ.get("TERM", "") == "dumb"


# What a screen reader would read out as a symbol's name, said in words or plain punctuation.
_WORDS = (
    (" › ", ": "), ("›", ">"), (" · ", ", "), ("·", ","), ("…", "..."), ("•", "*"),
    ("✓", "right:"), ("✗", "wrong:"), ("→", "to"),
)  # fmt: skip


def words(text: str) -> str:
    """Text for plain mode: symbols a screen reader would name said in words."""
    for symbol, instead in _WORDS:
        text = text.replace(symbol, instead)
    return text


def wrapped(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken between words (a word longer than a line
    is broken), each paragraph's leading indent kept on its continuation lines."""
    import textwrap

    lines: list[str] = []
    for line in text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip(" ")))
        lines += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [
            ""
        ]
    return lines


def terminal_size() -> tuple[int, int]:
    """Columns and rows of the terminal (80x24 when it cannot be told)."""
    import shutil

    size = shutil.get_terminal_size((80, 24))
    return max(20, size.columns), max(5, size.lines)


def make_out() -> Out:
    """Rich when standard output is a terminal, plain text otherwise; plain lines wrapped to
    the terminal in plain mode."""
    plain = plain_mode()
    if sys.stdout.isatty():
        if not plain:
            return RichOut()
        return PlainOut(plain=True, wrap=terminal_size()[0])
    return PlainOut(plain=plain)


@contextmanager
def paged_out() -> Iterator[Out]:
    """An :class:`Out` whose output, in a terminal, goes through a pager when it is taller than
    the terminal (``$PAGER``, else ``less``; see :func:`page`). Piped or redirected output is
    written as it comes, never paged."""
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        yield make_out()
        return
    import io

    buffer = io.StringIO()
    columns, rows = terminal_size()
    out: Out
    if plain_mode():
        out = PlainOut(buffer, plain=True, wrap=columns)
    else:
        from rich.console import Console

        out = RichOut(Console(file=buffer, force_terminal=True, width=columns, highlight=False))
    yield out
    text = buffer.getvalue()
    if text.count("\n") < rows:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        page(text)


def page(text: str) -> None:
    """Show text through the learner's pager: ``$PAGER`` (or ``$MANPAGER``) if set, else
    ``less``, else ``more``. less is told to draw colour codes (-R) rather than show them;
    Windows' ``more`` cannot draw them, so there they are removed."""
    import os
    import pydoc
    import re

    chosen = os.environ.get("MANPAGER") or os.environ.get("PAGER") or "less"
    if sys.platform == "win32":
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    elif chosen.split()[0].endswith("less"):
        flags = os.environ.get("LESS", "")
        if "R" not in flags and "r" not in flags:
            os.environ["LESS"] = f"{flags} -R".strip()
    pydoc.pager(text)


def error(message: str) -> None:
    """One error line on stderr (red in a terminal unless NO_COLOR)."""
    import os

    from cmirev.errors import one_line

    stream = sys.stderr
    if stream is None:  # standard error closed: nowhere to say it
        return
    message = one_line(message)  # quoted user text can carry newlines and escapes
    if stream.isatty() and not os.environ.get("NO_COLOR") and not plain_mode():
        stream.write(f"\x1b[31mError:\x1b[0m {message}\n")
    else:
        stream.write(f"Error: {message}\n")


def print_json(data: Any) -> None:
    """JSON on standard output, indented, UTF-8 as is."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- views ---------------------------------------------------------------------------------

COUNT_HEADERS = ("LO", "Con", "AC", "Tip", "Mis", "Myth", "Pre", "Term", "Fact")
LEGEND = (
    "LO learning outcomes, Con key concepts, AC assessment criteria, Tip assignment guidance, "
    "Mis common mistakes, Myth misconceptions, Pre prerequisites, Term key terms, "
    "Fact facts and findings"
)


def units_view(out: Out, catalog: Catalog) -> None:
    """The table of units and their item counts per section."""
    rows = []
    for unit in catalog.units:
        c = counts(unit)
        rows.append(
            [unit.short, unit.id, *(str(c[name]) for name, _ in SECTIONS.values()), str(c["total"])]
        )
    out.table(["Code", "Unit", *COUNT_HEADERS, "All"], rows)
    out.text(f"\n{len(catalog.units)} units. {LEGEND}.", dim=True)
    out.text(
        "A unit's code (any case) or the start of its id works wherever its id does: "
        "'cmirev show psl' prints a unit; 'cmirev show SECTION' one section of all.",
        dim=True,
    )


def _entry_lines(entry: Entry) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The head, labelled lines and tags an item is shown with."""
    item = entry.item
    lines: list[tuple[str, str]] = []
    head = item.heading
    if entry.section == "misconceptions":
        head = f"Myth: {item.heading}"
        lines.append(("Correction", item.body))
    elif entry.section in ("learning_outcomes", "assessment_criteria"):
        head = f"{item.id}: {item.body}"
    elif item.heading != item.body:
        lines.append(("", item.body))
    if isinstance(item, KeyTerm):
        lines.extend((f"{n}", step) for n, step in enumerate(item.steps, 1))
        if item.attribution:
            lines.append(("Source", item.attribution))
    if isinstance(item, Fact):
        lines.append(("Who", item.attribution))
    tags = []
    if entry.section == "assessment_criteria":
        tags.append("evidences " + ", ".join(item.outcomes))
    elif item.outcomes:
        tags.append(", ".join(item.outcomes))
    if entry.shared_with:
        tags.append("shared: also in " + ", ".join(entry.shared_with))
    return head, lines, tags


def section_view(out: Out, found: list[Entry], section: str) -> None:
    """Items of one section, grouped by unit."""
    label = SECTIONS[section][1]
    current = None
    for entry in found:
        if entry.unit is not current:
            current = entry.unit
            out.title(f"{label}: {current.title}", current.id)
        head, lines, tags = _entry_lines(entry)
        out.entry(head, lines, tags)
    shared = sum(1 for e in found if e.shared_with)
    units = len({e.unit.id for e in found})
    unit_word = "unit" if units == 1 else "units"
    out.text(
        f"\n{len(found)} shown from {units} {unit_word}; {shared} shared with another unit.",
        dim=True,
    )
    if section == "assessment_criteria":
        out.text(CRITERIA_NOTE)


CRITERIA_NOTE = (
    "These criteria are a study aid that restates each unit in cmirev's words, not CMI's own "
    "wording: your centre's assignment brief and its criteria are what your work is judged "
    "against."
)


def unit_view(out: Out, unit: Unit, found: list[Entry], show_intro: bool = True) -> None:
    """A whole unit as a revision sheet."""
    out.title(unit.title, f"{unit.qualification} · {unit.id}")
    if show_intro:
        out.heading("Synopsis")
        out.text(unit.synopsis.strip())
        out.heading("Overview")
        for para in unit.overview.strip().split("\n"):
            if para.strip():
                out.text(para.strip())
    section = None
    for entry in found:
        if entry.section != section:
            section = entry.section
            out.heading(SECTIONS[section][1])
        head, lines, tags = _entry_lines(entry)
        out.entry(head, lines, tags)


def due_view(out: Out, report: dict[str, Any]) -> None:
    """`cmirev due`: per unit, due now, new, leeches, and the next seven days."""
    from datetime import date

    days = [date.fromisoformat(d).strftime("%a") for d in report["forecast_days"]]
    days[0] = "Today"
    rows = []
    # A narrow terminal would break long unit ids mid-word: codes instead (see 'cmirev units').
    key = "unit" if (out.width or 200) >= 110 else "code"
    for row in [*report["units"], {"unit": "all units", "code": "All", **report["total"]}]:
        rows.append(
            [row[key], str(row["due_now"]), str(row["new_available"]), str(row["leeches"])]
            + [str(n) for n in row["forecast"]]
        )
    out.table(["Unit", "Due", "New", "Leech", *days], rows)
    total = report["total"]
    switched_off = not report.get("new_per_day", 1) and not report.get("deadlines")
    lines = [
        f"Due now: {total['due_now']}. New items you can start today: "
        f"{min(report['new_left_today'], total['new_available'])} "
        f"(of {total['new_available']} unseen"
        + ("; new items are switched off: config new_per_day)." if switched_off else ").")
    ]
    if report["next_due"] and not total["due_now"]:
        lines.append(f"Next review due {report['next_due_text']}.")
    later = total["forecast"][0] - total["due_now"]
    if later > 0:
        lines.append(
            f"{later} more fall due later today: the drill asks reviews due today at once, and "
            "learning steps when they come back."
        )
    lines += held_lines(report)
    if "pool" in report:
        lines += pool_lines(report["pool"])
    for line in lines:
        out.text(line)
    out.text(
        "Forecast columns count items falling due each study day (today includes overdue).",
        dim=True,
    )
    if report.get("deadlines"):
        deadlines_view(out, report["deadlines"])


def pool_lines(pool: dict[str, int]) -> list[str]:
    """Why the drill holds fewer items than the units ('cmirev units' counts them all)."""
    if pool["drilled"] == pool["in_units"]:
        return []
    why = []
    if pool["prerequisites"]:
        why.append(f"{pool['prerequisites']} prerequisites are read, not drilled")
    if pool["no_question"]:
        why.append(f"{pool['no_question']} items have no question cmirev can make")
    return [
        f"The drill asks about {pool['drilled']} of the {pool['in_units']} items: "
        + ("; ".join(why))
        + "."
    ]


def held_lines(counts: dict[str, Any]) -> list[str]:
    """A line saying how many items the learner set aside, when any are (``suspended`` and
    ``buried`` counts), and how to see them."""
    parts = [f"{counts[k]} {k}" for k in ("suspended", "buried") if counts.get(k)]
    if not parts:
        return []
    return [f"Left out as you asked: {' and '.join(parts)} ('cmirev suspend --list')."]


def _date_text(iso: str) -> str:
    from datetime import date

    day = date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b %Y}"


def deadlines_view(out: Out, outlooks: list[dict[str, Any]]) -> None:
    """Each assignment date: coverage, today's new items, the time the plan needs, and the
    readiness projected at the date."""
    out.title("Assignment dates", f"{len(outlooks)} set")
    for o in outlooks:
        left = o["days_left"]
        when = "today" if left == 0 else f"{left} study day{'s' if left != 1 else ''} left"
        out.text(f"{o['unit']}: {_date_text(o['date'])}, {when}.")
        if o.get("missing"):
            out.text("  This unit is no longer installed: 'cmirev deadline UNIT --clear' drops it.")
            continue
        out.text(
            f"  Seen {o['seen']} of {o['items']} items; new today: {o['new_today']} "
            f"(every item introduced {'by then' if left else 'today'})."
        )
        pace = f"{o['seconds_per_answer']:g} s per answer"
        need = f"  The plan needs about {o['minutes_needed_per_day']:g} min a day at {pace}"
        if o["minutes_per_day"] is None:
            out.text(need + ".")
        elif o["feasible"]:
            out.text(need + f": it fits in your {o['minutes_per_day']:g} min.")
        else:
            out.text(
                need + f": more than your {o['minutes_per_day']:g} min. At that pace about "
                f"{o['items_that_fit']} of the {o['unseen']} unseen items can be learned in "
                "time: add minutes, or narrow the drill with --criterion or --outcome."
            )
        weakest = o["projected_outcomes"][0] if o["projected_outcomes"] else None
        line = f"  Projected recall on the day if you stop now: {_pct(o['projected_readiness'])}"
        if weakest:
            line += f"; weakest outcome {weakest['id']} {_pct(weakest['readiness'])}"
        out.text(line + ".")


# --- stats ------------------------------------------------------------------------------------

SHADES = "·░▒▓█"
EIGHTHS = " ▁▂▃▄▅▆▇█"


def _fit(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{round(100 * value)}%"


def stats_view(out: Out, stats: dict[str, Any], full: bool = False) -> None:
    """`cmirev stats`: one 80x24 screen (progress, due forecast, readiness by unit, the
    weakest items and criterion), or with ``full`` every figure: the calendar, the month's
    workload, readiness per outcome and criterion, and the misconceptions fallen for."""
    out.title("Progress", f"study day {stats['today']}")
    _progress_lines(out, stats)
    if not full:
        _summary(out, stats)
        return
    calibration = _calibration_text(stats["calibration"])
    if calibration:
        out.text(calibration)
    if stats.get("deadlines"):
        deadlines_view(out, stats["deadlines"])
    _heatmap(out, stats["calendar"])
    _forecast_chart(out, stats["forecast"])
    _readiness(out, stats["units"], out.width)
    if stats["weakest"]:
        out.heading("Weakest items (least likely to be recalled now)")
        for row in stats["weakest"]:
            out.entry(
                f"{_pct(row['recall'])}  {row['heading']}",
                [("", row["remember"])] if row["remember"] != row["heading"] else [],
            )
    if stats["misconceptions_fallen_for"]:
        out.heading("Misconceptions you have fallen for most")
        for row in stats["misconceptions_fallen_for"]:
            out.entry(
                f"Myth ({row['times']}x): {row['claim']}", [("Correction", row["correction"])]
            )
    for line in pool_lines(stats["pool"]):
        out.text("")
        out.text(line)


def _progress_lines(out: Out, stats: dict[str, Any]) -> None:
    """The four lines both views start with: items, reviews and streak, retention, due."""
    items = stats["items"]
    streak = stats["streak_days"]
    aside = "".join(f" · {items[k]} {k}" for k in ("suspended", "buried") if items.get(k))
    out.text(
        f"Items      {items['new']} new · {items['learning']} learning · {items['learned']} learned"
        f" · {items['leeches']} leeches{aside} (of {items['total']})"
    )
    out.text(
        f"Reviews    {stats['reviews_today']} today · {stats['reviews_7d']} in 7 days · "
        f"{stats['reviews_30d']} in 30 days · streak {streak} day{'s' if streak != 1 else ''}"
    )
    out.text(
        f"Retention  {_pct(stats['retention_7d'])} over 7 days · {_pct(stats['retention_30d'])} "
        f"over 30 days · target {_pct(stats['desired_retention'])}"
    )
    due = [f["due"] for f in stats["forecast"]]
    line = f"Due        {stats['due_today']} today"
    if len(due) > 1:
        line += f" · {due[1]} tomorrow · {sum(due[:7])} in 7 days"
        busiest = max(range(1, len(due)), key=lambda i: (due[i], -i))
        if due[busiest] and busiest > 1:  # tomorrow's count is already said
            line += f" · busiest {_day_text(stats['forecast'][busiest]['day'])} ({due[busiest]})"
    out.text(line)


SUMMARY_UNITS = 5  # units listed in the one-screen view (the weakest first)
SUMMARY_WEAKEST = 3  # weakest items listed in it


def _summary(out: Out, stats: dict[str, Any]) -> None:
    """The rest of the one-screen view: readiness by unit, the weakest items and criterion,
    and where the rest is. Every line fits the width, so the view is 22 rows at 80x24."""
    width = out.width
    units = sorted(stats["units"], key=lambda u: u["readiness"])
    more = len(units) - SUMMARY_UNITS
    out.text("")
    out.text(
        "Readiness (predicted recall now; unseen items count 0)"
        + (f", weakest {SUMMARY_UNITS} of {len(units)} units" if more > 0 else "")
    )
    for row in units[:SUMMARY_UNITS]:
        out.text(
            _fit(f"{_gauge(out, row['readiness'], 10)}{row['code']:<6}  {row['title']}", width)
        )
    weakest = stats["weakest"][:SUMMARY_WEAKEST]
    criteria = [(u, c) for u in units for c in u["criteria"]]
    if weakest or criteria:
        out.text("")
        out.text("Weakest now")
    for row in weakest:
        out.text(_fit(f"{_pct(row['recall']):>4}  {row['heading']}", width))
    if criteria:
        unit, c = min(criteria, key=lambda uc: uc[1]["readiness"])
        out.text(
            _fit(
                f"{_pct(c['readiness']):>4}  criterion {unit['code']} {c['id']}: {c['text']}", width
            )
        )
    out.text("")
    out.text(
        _fit("The calendar, 30-day workload, outcomes and criteria: cmirev stats --full", width)
    )


def _gauge(out: Out, fraction: float, width: int) -> str:
    """A share as a bar and a percentage; in plain mode the percentage alone."""
    if out.plain:
        return f"{_pct(fraction):>4}  "
    return f"{_bar(fraction, width)} {_pct(fraction):>4}  "


def _day_text(iso: str) -> str:
    from datetime import date

    day = date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b}"


def month_labels(mondays: Sequence[Any], columns_per_week: int = 2) -> str:
    """The month names above a calendar whose weeks start on these Mondays: each month named
    over its first week, never two names run together. When the first (partly shown) month
    has no room before the next month's name, the next month is named instead."""
    placed: list[tuple[int, str]] = []
    last_month = None
    for week, day in enumerate(mondays):
        if day.month == last_month:
            continue
        last_month = day.month
        column, label = week * columns_per_week, day.strftime("%b")
        if placed and column < placed[-1][0] + len(placed[-1][1]) + 1:
            if len(placed) == 1 and placed[0][0] == 0:
                placed.pop()  # the first, partial month gives way to the whole one
            else:
                continue
        placed.append((column, label))
    line = [" "] * (len(mondays) * columns_per_week + 3)
    for column, label in placed:
        line[column : column + len(label)] = list(label)
    return "".join(line).rstrip()


def _heatmap(out: Out, calendar: list[dict[str, Any]]) -> None:
    from datetime import date

    counts = [c["reviews"] for c in calendar]
    weeks = len(calendar) // 7
    if out.plain:
        _heatmap_in_words(out, calendar, weeks)
        return
    top = max(counts) or 1
    cuts = [0, top * 0.25, top * 0.5, top * 0.75]

    def shade(n: int) -> str:
        if n == 0:
            return SHADES[0]
        return SHADES[1 + sum(1 for c in cuts[1:] if n > c)]

    out.heading(f"Reviews per day, last {weeks} weeks")
    mondays = [date.fromisoformat(calendar[w * 7]["day"]) for w in range(weeks)]
    out.text("     " + month_labels(mondays))
    for weekday, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        cells = [shade(counts[w * 7 + weekday]) for w in range(weeks)]
        out.text(f"{name}  " + " ".join(cells))
    legend = f"{SHADES[0]} none  {SHADES[1]} 1-{int(cuts[1]) or 1}  {SHADES[2]} to {int(cuts[2])}  "
    legend += f"{SHADES[3]} to {int(cuts[3])}  {SHADES[4]} to {top}"
    out.text(legend, dim=True)


def _heatmap_in_words(out: Out, calendar: list[dict[str, Any]], weeks: int) -> None:
    """The calendar as a table a screen reader reads: per week, the days studied and reviews."""
    rows: list[list[str]] = []
    for w in range(weeks):
        days = calendar[w * 7 : w * 7 + 7]
        studied = sum(1 for d in days if d["reviews"])
        if studied or rows:  # from the first week with reviews
            rows.append(
                [_day_text(days[0]["day"]), str(studied), str(sum(d["reviews"] for d in days))]
            )
    out.heading(f"Reviews per week, last {weeks} weeks")
    if not rows:
        out.text("No reviews in these weeks.")
        return
    out.table(["Week of", "Days studied", "Reviews"], rows)


def _forecast_chart(out: Out, forecast: list[dict[str, Any]], height: int = 5) -> None:
    from datetime import date

    counts = [f["due"] for f in forecast]
    top = max(counts)
    out.heading(f"Workload, next {len(counts)} days (reviews due per day; busiest {top})")
    if not top:
        out.text("Nothing scheduled yet.")
        return
    if out.plain:
        rows = [[_day_text(f["day"]), str(f["due"])] for f in forecast if f["due"]]
        out.table(["Day", "Due"], rows)
        return
    levels = [round(n / top * height * 8) for n in counts]
    for row in range(height, 0, -1):
        cells = []
        for level in levels:
            fill = level - (row - 1) * 8
            cells.append(EIGHTHS[max(0, min(8, fill))] * 2)
        label = f"{top:>4} " if row == height else "     "
        out.text((label + "".join(cells)).rstrip() or " ")
    axis = [" "] * (len(counts) * 2)
    for i in range(0, len(counts), 7):
        text = date.fromisoformat(forecast[i]["day"]).strftime("%d %b")
        axis[i * 2 : i * 2 + len(text)] = list(text)
    out.text("     " + "".join(axis).rstrip())


def _readiness(out: Out, units: list[dict[str, Any]], width: int | None) -> None:
    out.heading("Readiness by unit (mean predicted recall; unseen items count 0)")
    for row in sorted(units, key=lambda u: u["readiness"]):
        out.text(_fit(f"{_gauge(out, row['readiness'], 20)}{row['unit']}", width))
    for kind, label in (("outcomes", "learning outcome"), ("criteria", "assessment criterion")):
        rows = [(u, r) for u in units for r in u[kind]]
        if not rows:
            continue
        out.heading(f"Readiness by {label}, weakest first")
        for unit, r in sorted(rows, key=lambda ur: ur[1]["readiness"]):
            tag = f"{unit['code']} {r['id']}"
            out.text(_fit(f"{_gauge(out, r['readiness'], 12)}{tag:<10} {r['text']}", width))
    legend = ", ".join(f"{u['code']} {u['unit']}" for u in units)
    out.text(_fit(legend, None), dim=True)


def topics_view(out: Out, topics: Sequence[tuple[str, str]]) -> None:
    """`cmirev help`: every glossary topic with what it explains."""
    out.table(["Topic", "What it explains"], [[name, summary] for name, summary in topics])
    out.text("")
    out.text("Type 'cmirev help TOPIC' (for example 'cmirev help leech') to read one.")
    out.text("'cmirev --help' lists the commands, 'cmirev COMMAND --help' a command's options.")


def topic_view(out: Out, summary: str, text: str, commands: Sequence[str]) -> None:
    """`cmirev help TOPIC`: the summary as a title, the paragraph, the commands to try."""
    out.title(summary[:1].upper() + summary[1:])
    out.text(text)
    out.text("")
    for command in commands:
        out.text(f"  $ {command}")


def holds_view(out: Out, found: list[dict[str, Any]]) -> None:
    """`cmirev suspend --list`: the items set aside now, suspended ones first."""
    if not found:
        out.text("Nothing is suspended or buried: every item is in your drills.")
        return
    for kind, says in (
        ("suspended", "Suspended, out of drills until 'cmirev unsuspend ITEM'"),
        ("buried", "Buried, back when the next study day starts"),
    ):
        rows = [r for r in found if r["kind"] == kind]
        if not rows:
            continue
        out.text(f"{says}: {len(rows)} item{'s' * (len(rows) != 1)}.")
        for row in rows:
            lines = [("", row["heading"] or "(no longer in the content)")]
            if row["until_text"]:
                lines.append(("Back", row["until_text"]))
            out.entry(row["item"], lines)


def no_history_view(out: Out) -> None:
    """`cmirev stats` before any answer: what will appear, and how to start."""
    out.title("Progress", "no reviews yet")
    out.text("Nothing to show yet: you have not answered any questions.")
    out.text(
        "Once you have, this screen shows how many items you have learned, your true retention "
        "against your target, a calendar of your study days, the reviews due over the next 30 "
        "days, and how ready you are for each unit, learning outcome and assessment criterion, "
        "weakest first."
    )
    out.text("Start with today's drill:  cmirev drill")


def evaluate_view(out: Out, report: dict[str, Any]) -> None:
    """`cmirev evaluate`: how well predicted recall matched what happened."""
    out.title("Prediction", f"{report['parameters']}")
    out.text(
        f"{report['reviews']} reviews of {report['items']} items; {report['scored']} came a "
        "study day or more after the item's last review and are scored."
    )
    out.table(
        ["Measure", "Value", "Better"],
        [
            ["Log loss", f"{report['log_loss']:.4f}", "lower"],
            ["RMSE(bins)", f"{report['rmse_bins']:.4f}", "lower"],
            ["AUC", "n/a" if report["auc"] is None else f"{report['auc']:.4f}", "higher"],
            ["Mean predicted recall", f"{report['mean_predicted']:.3f}", ""],
            ["Recalled", f"{report['mean_recalled']:.3f}", ""],
        ],
    )
    out.text(f"RMSE(bins): {report['rmse_bins_definition']}.", dim=True)
    held = report.get("held_out")
    if held is None:
        out.text("Too few scored reviews for a held-out check of personal parameters.")
        return
    _held_out_table(out, held)
    if report.get("in_use") == "personal":
        out.text("In use: your personal parameters (cmirev optimize).")
    calibrated = held.get("calibrated")
    if calibrated and calibrated["calibrated"]:
        out.title(
            "Defaults against your calibration, fitted to the earlier reviews",
            f"the same split, scored on recall answers ({calibrated['test']} predictions)",
        )
        out.table(
            ["Measure", "FSRS-6 defaults", "Calibrated"],
            [
                [name, _figure(calibrated["default"][key]), _figure(calibrated["calibrated"][key])]
                for name, key in (
                    ("Log loss", "log_loss"),
                    ("RMSE(bins)", "rmse_bins"),
                    ("AUC", "auc"),
                )
            ],
        )


def _calibration_text(cal: dict[str, Any]) -> str | None:
    """What the learner's calibration says, in a line (None while it is FSRS's own)."""
    kinds = []
    if cal["first"] != 1.0:
        kinds.append(f"x{cal['first']:.2f} for items not yet reviewed on a second day")
    if cal["lapsed"] != 1.0:
        kinds.append(f"x{cal['lapsed']:.2f} for items you forgot once")
    if abs(cal["growth"]) >= 0.05:
        kinds.append("more as items mature" if cal["growth"] > 0 else "less as items mature")
    parts = []
    if cal["exponent"] != 1.0 or kinds:
        pace = "faster" if cal["exponent"] > 1 else "slower" if cal["exponent"] < 1 else "as fast"
        parts.append(
            f"you forget {pace} than FSRS's average learner (exponent {cal['exponent']:.2f}"
            + "".join(f", {k}" for k in kinds)
            + ")"
        )
    if cal["decay"] is not None:
        pace = "keeps its pace" if cal["decay"] > cal["fsrs_decay"] else "slows down more"
        parts.append(
            f"after a long break your forgetting {pace} (decay {cal['decay']:.2f}; FSRS "
            f"{cal['fsrs_decay']:.2f})"
        )
    if not parts:
        return None
    return (
        f"Recall     fitted to your {cal['reviews']} recall answers a day or more apart: "
        + "; ".join(parts)
        + ". Readiness and due dates allow for it"
    )


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _held_out_table(out: Out, held: dict[str, Any]) -> None:
    out.title("Defaults against a fit to the earlier reviews", held["split"])
    rows = []
    for name, key in (("Log loss", "log_loss"), ("RMSE(bins)", "rmse_bins"), ("AUC", "auc")):
        base = held["default"][key]
        mine = held["personal"][key] if held["personal"] else None
        rows.append(
            [name, "n/a" if base is None else f"{base:.4f}", "-" if mine is None else f"{mine:.4f}"]
        )
    out.table(["Measure", "FSRS-6 defaults", "Fitted"], rows)
    if held.get("note"):
        out.text(held["note"])


def deadline_set_view(out: Out, outlook: dict[str, Any], changed: bool) -> None:
    out.text(
        f"{'Changed' if changed else 'Set'}: {outlook['unit']} is due on "
        f"{_date_text(outlook['date'])}. Its drill works toward that date until then."
    )
    deadlines_view(out, [outlook])


def markdown_view(out: Out, text: str) -> None:
    """Markdown: drawn by Rich in a terminal, as it is when piped."""
    out.markdown(text)


def check_view(out: Out, report: dict[str, Any]) -> None:
    """`cmirev check`: the draft's findings, line by line, then each criterion's status."""
    low, high = report["word_range"]
    out.title("Draft check", f"{report['unit']} · {report['draft']}")
    out.text(f"{report['words']:,} body words (guide with margin: {low:,}-{high:,}).")
    marks = {"addressed": "addressed", "thin": "THIN", "missing": "MISSING"}
    out.heading("Criteria")
    for c in report["criteria"]:
        where = f" (line {c['line']})" if c["line"] else ""
        detail = "; ".join(c["missing"])
        out.text(f"{c['id']}: {marks[c['status']]}{where}" + (f": {detail}" if detail else ""))
    others = [f for f in report["findings"] if f["kind"] != "criterion"]
    out.heading(f"Findings ({len(others)})")
    if not others:
        out.text("None beyond the criteria above.")
    for f in others:
        where = f"line {f['line']}" if f["line"] else "whole draft"
        item = f" [{f['item']}]" if f["item"] else ""
        out.text(f"{where}: {f['kind']}: {f['message']}{item}")


def references_view(out: Out, listed: list[dict[str, Any]], search: str | None) -> None:
    """`cmirev show references`: each unit's reference list, as you would cite it."""
    if not listed:
        out.text(f"No reference matches '{search}'." if search else "No references.")
        return
    unit = None
    for row in listed:
        if row["unit"] != unit:
            unit = row["unit"]
            out.title("References", unit)
        out.entry(row["reference"], [("Cited by", ", ".join(row["cited_by"]))])


def optimize_view(out: Out, result: dict[str, Any]) -> None:
    """`cmirev optimize`: whether personal parameters were fitted, checked and kept."""
    out.text(
        f"{result['reviews']} reviews; {result['scored']} came a study day or more after the "
        "item's last one."
    )
    if result.get("held_out"):
        _held_out_table(out, result["held_out"])
    out.text(result["reason"] + ".")
    if result.get("saved"):
        out.text(f"Saved to {result['saved']}: drills use them from now on.")
    elif result["adopt"] is not None:
        out.text("Nothing saved: a dry run, or an exported log (not your own history).")
