"""`cmirev progress`: carry review history from one computer to another as a file, and merge it.

The file is one JSON document (``FORMAT``, version ``VERSION``) holding the review log, the
cram log, leech resets and assignment dates; the calibration is worked out again from the log.
Every review carries its ``uid`` (the same on every machine with a copy; see
:func:`cmirev.store.review_uid`), so an import is a union: a review already here is skipped.

Card state is rebuilt from each touched item's merged log, in time order:

- a review whose recorded "card before" is the card so far keeps its recorded "card after",
  as it was made (fuzz, calibrated retention and all), so progress moved to a new machine
  arrives exactly as it was;
- from the first review that does not fit (answers given on two machines interleave), the
  rest is replayed through :func:`cmirev.scheduler.replay`, as ``doctor --recover`` does, and
  the replayed states are written into the log.

The rebuilt state depends only on the merged log (and the settings and timezone that cut study
days), so two machines that have imported each other's files end with equal logs and cards,
and importing a file a second time changes nothing. Leech resets are replayed too: a reset
clears the lapse count of the card the next answer meets, so a leech put back in the drills
stays back. Items suspended, buried or brought back on either machine travel as events and
take the hold their latest event says; a rebuilt card never touches a hold (they are kept
apart from the cards). A file is read and checked whole before the store is touched, and an import is
one transaction: a bad file is one error line and leaves the store as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from cmirev import __version__, scheduler
from cmirev.cards import CardState, Review
from cmirev.checks import ITEM_ID, UNIT_ID
from cmirev.errors import CmirevError, one_line
from cmirev.paths import shown
from cmirev.scheduler import Settings
from cmirev.store import Store

FORMAT = "cmirev-progress"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024  # about half a million reviews; anything larger is not ours
FUTURE_SLACK = timedelta(days=2)  # clocks on two machines disagree, but not by more than this

_UNIT = UNIT_ID.pattern[1:-1]
_ITEM = rf"^{_UNIT}/{ITEM_ID.pattern[1:-1]}$"
_WORD = r"^[a-z][a-z-]{0,39}$"
_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"  # no control characters: it may be shown in a terminal


class ProgressError(CmirevError):
    """A progress file that cannot be written, read or imported."""


def _text_only(value: Any) -> Any:
    """Dates and times must be written as text (not a number of seconds)."""
    if not isinstance(value, str):
        raise ValueError("should be an ISO-8601 text")
    return value


def _in_range(moment: datetime) -> datetime:
    """A moment the scheduler can add intervals to (as CMIREV_NOW allows: 1971 to 9000)."""
    if not 1971 <= moment.year <= 9000:
        raise ValueError("should be a date from 1971 to 9000")
    return moment


When = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_in_range)]
Day = Annotated[date, BeforeValidator(_text_only)]
Item = Annotated[StrictStr, Field(max_length=200, pattern=_ITEM)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CardIn(_Model):
    """A card state as the file gives it (the store's JSON of a :class:`CardState`)."""

    state: Annotated[StrictInt, Field(ge=1, le=3)]
    step: Annotated[StrictInt, Field(ge=0, le=1000)] | None
    stability: Annotated[float, Field(ge=0.001, le=1e5)] | None  # FSRS's own bounds
    difficulty: Annotated[float, Field(ge=1, le=10)] | None
    due: When
    last_review: When | None
    reps: Annotated[StrictInt, Field(ge=0, le=10**7)]
    fails: Annotated[StrictInt, Field(ge=0, le=10**7)]
    leech: StrictBool
    first_review: When | None = None  # schema 9 (older files have none)

    @model_validator(mode="after")
    def _scheduled(self) -> CardIn:
        """An item in review or relearning has a memory FSRS can schedule."""
        if self.state != 1 and (self.stability is None or self.difficulty is None):
            raise ValueError("a card in review has a stability and a difficulty")
        return self

    def card(self, item: str) -> CardState:
        return CardState(item=item, **self.model_dump())


class ReviewIn(_Model):
    """One review of the log."""

    uid: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{32}$")]
    item: Item
    asked: Item | None
    format: Annotated[StrictStr, Field(pattern=_WORD)]
    rating: Annotated[StrictInt, Field(ge=1, le=4)]
    correct: StrictBool
    reviewed_at: When
    duration_ms: Annotated[StrictInt, Field(ge=0, le=86_400_000)] | None
    session: Annotated[StrictStr, Field(max_length=64, pattern=r"^[\w-]*$")] | None
    overruled: StrictBool
    before: CardIn | None
    after: CardIn


class CramIn(_Model):
    """One cram answer (``drill --cram``): logged, schedules nothing."""

    uid: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{32}$")]
    item: Item
    asked: Item | None
    format: Annotated[StrictStr, Field(pattern=_WORD)]
    correct: StrictBool
    reviewed_at: When
    duration_ms: Annotated[StrictInt, Field(ge=0, le=86_400_000)] | None
    session: Annotated[StrictStr, Field(max_length=64, pattern=r"^[\w-]*$")] | None


class EventIn(_Model):
    """An event other than a review (a leech reset)."""

    at: When
    kind: Annotated[StrictStr, Field(pattern=_WORD)]
    item: Item | None
    detail: Annotated[StrictStr, Field(max_length=200, pattern=_TEXT)] | None


class DeadlineIn(_Model):
    """A unit's assignment date as last set (``day`` None: cleared) and when."""

    unit: Annotated[StrictStr, Field(max_length=100, pattern=rf"^{_UNIT}$")]
    day: Day | None
    minutes: Annotated[float, Field(ge=1, le=600)] | None
    set_at: When


class Progress(_Model):
    """A whole progress file."""

    format: StrictStr
    version: StrictInt
    exported_at: When
    cmirev: Annotated[StrictStr, Field(max_length=40, pattern=_TEXT)]
    reviews: list[ReviewIn]
    cram: list[CramIn]
    events: list[EventIn]
    deadlines: list[DeadlineIn]


# -- export


def export_progress(store: Store, path: Path, now: datetime) -> dict[str, int]:
    """Write the store's history to ``path`` (atomically: a sync folder never sees half a
    file); what was written."""
    _not_the_store(store, path)
    snapshot = store.progress()
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(UTC).isoformat(),
        "cmirev": __version__,
        **snapshot,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProgressError(f"cannot write {shown(path)}: {exc.strerror or exc}") from None
    return {
        "reviews": len(snapshot["reviews"]),
        "items": len({r["item"] for r in snapshot["reviews"]}),
        "cram": len(snapshot["cram"]),
        "deadlines": sum(1 for d in snapshot["deadlines"] if d["day"]),
    }


def _not_the_store(store: Store, path: Path) -> None:
    """Refuse to write a progress file over the review store (or its journal files)."""
    try:
        target = path.resolve()
        live = store.path.resolve()
    except OSError:
        return
    if target in (live, live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        raise ProgressError(f"{shown(path)} is the review store itself: export to another file")


# -- reading a file


def read_progress(file: Path, now: datetime) -> Progress:
    """Read and check a progress file whole; a ProgressError in one line when it is not one
    (nothing is imported from a file with any fault)."""
    path = shown(file)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ProgressError(f"{path} is {size // 2**20} MB: too large for a progress file")
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ProgressError(f"{path} is not a cmirev progress file (not UTF-8 text)") from None
    except IsADirectoryError:
        raise ProgressError(f"{path} is a folder, not a progress file") from None
    except OSError as exc:
        raise ProgressError(f"cannot read {path}: {exc.strerror or exc}") from None
    data = _parse(path, text)
    try:
        progress = Progress.model_validate(data)
    except ValidationError as exc:
        raise ProgressError(f"{path} is damaged: {_first_problem(exc)}") from None
    _check_whole(path, progress, now)
    return progress


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse(path: str, text: str) -> Any:
    """The JSON document, its header checked: ours, and a version this cmirev reads."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ProgressError(
            f"{path} is not a cmirev progress file (not JSON: line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ProgressError(
            f"{path} is not a cmirev progress file (not JSON: {one_line(str(exc))[:80]})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressError(
            f"{path} is not a cmirev progress file: write one with 'cmirev progress export FILE'"
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProgressError(f"{path} is damaged: its format version is {version!r}")
    if version > VERSION:
        raise ProgressError(
            f"{path} was written by a newer cmirev (progress format {version}; this one reads "
            f"{VERSION}): upgrade cmirev on this computer, then import it"
        )
    return data


def _first_problem(exc: ValidationError) -> str:
    """The first problem Pydantic found, as ``reviews[3].rating: message``, and how many more."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ""
    for part in first["loc"]:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return one_line(f"{where or 'the file'}: {first['msg']}{more}")


def _check_whole(path: str, progress: Progress, now: datetime) -> None:
    """What no single record shows: one uid twice, a review or an event from the future."""
    latest = now.astimezone(UTC) + FUTURE_SLACK
    for name, rows in (("review", progress.reviews), ("cram answer", progress.cram)):
        seen: set[str] = set()
        for row in rows:
            if row.uid in seen:
                raise ProgressError(f"{path} is damaged: {name} {row.uid} appears twice")
            seen.add(row.uid)
            if row.reviewed_at > latest:
                raise ProgressError(
                    f"{path} is damaged: a {name} of {row.item} is dated "
                    f"{row.reviewed_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC, in the future "
                    "(is the other computer's clock wrong?)"
                )
    for event in progress.events:
        if event.at > latest:
            raise ProgressError(f"{path} is damaged: an event is dated in the future")


# -- import


def import_progress(
    store: Store, files: Sequence[Progress], settings: Settings, tz: tzinfo
) -> dict[str, int]:
    """Merge the files into the store, in one transaction: new reviews, cram answers, leech
    resets and holds (suspend, bury, unsuspend) added, assignment dates merged (the later setting or clearing wins), and
    every card with something new rebuilt from its merged log. What changed."""
    settings = replace(settings, fuzz=False)
    totals = dict.fromkeys(("reviews", "known", "cram", "resets", "holds", "deadlines", "items"), 0)
    touched: set[str] = set()
    copies: dict[str, list[tuple[CardState | None, CardState]]] = {}
    with store.transaction() as db:
        for progress in files:
            added = store.add_progress(
                db,
                [_review_row(r) for r in progress.reviews],
                [_cram_row(c) for c in progress.cram],
                [(e.at.astimezone(UTC), e.kind, e.item, e.detail) for e in progress.events],
                [_deadline_row(d) for d in progress.deadlines],
            )
            touched |= added.touched
            for uid, record in added.copies.items():
                copies.setdefault(uid, []).append(record)
            for key, value in added.counts.items():
                totals[key] += value
        for item in sorted(touched):
            log = list(store.reviews(item))
            try:
                states, card = rebuild(settings, item, log, store.resets(item), tz, copies)
            except (ArithmeticError, AssertionError, ValueError) as exc:  # FSRS refused a state
                why = one_line(str(exc)) or "FSRS refused its card state"
                raise ProgressError(
                    f"the history of {item} cannot be replayed ({why}): nothing was imported"
                ) from None
            store.rewrite(db, states, card)
        totals["items"] = len(touched)
    return totals


def _review_row(r: ReviewIn) -> dict[str, Any]:
    return {
        "uid": r.uid,
        "item": r.item,
        "asked": r.asked if r.asked != r.item else None,
        "format": r.format,
        "rating": r.rating,
        "correct": r.correct,
        "at": r.reviewed_at.astimezone(UTC),
        "duration_ms": r.duration_ms,
        "session": r.session,
        "overruled": r.overruled,
        "before": r.before.card(r.item) if r.before else None,
        "after": r.after.card(r.item),
    }


def _cram_row(c: CramIn) -> dict[str, Any]:
    return {
        "uid": c.uid,
        "item": c.item,
        "asked": c.asked if c.asked != c.item else None,
        "format": c.format,
        "correct": c.correct,
        "at": c.reviewed_at.astimezone(UTC),
        "duration_ms": c.duration_ms,
        "session": c.session,
    }


def _deadline_row(d: DeadlineIn) -> tuple[str, date | None, float | None, datetime]:
    return d.unit, d.day, d.minutes, d.set_at.astimezone(UTC)


def rebuild(
    settings: Settings,
    item: str,
    reviews: list[Review],
    resets: list[datetime],
    tz: tzinfo,
    copies: Mapping[str, Sequence[tuple[CardState | None, CardState]]] | None = None,
) -> tuple[list[tuple[str, CardState | None, CardState]], CardState | None]:
    """Each review's (uid, card before, card after), and the card now, from an item's merged
    log: recorded states kept while they follow on from each other, the rest replayed.

    ``copies`` are the states another machine recorded for some of these reviews (by uid): a
    review keeps whichever record, this machine's or the other's, follows on from the card so
    far, so a review both machines hold is rebuilt the same way on both."""
    order = sorted(reviews, key=lambda r: (r.reviewed_at, r.after.reps, r.uid))
    states: list[tuple[str, CardState | None, CardState]] = []
    card: CardState | None = None
    pending = sorted(resets)
    for n, review in enumerate(order):
        expected = card
        if expected is not None and pending and pending[0] < review.reviewed_at:
            expected = scheduler.cleared(expected)
        records = [(review.before, review.after), *(copies or {}).get(review.uid, ())]
        fitting = sorted((r for r in records if r[0] == expected), key=lambda r: r[1].to_json())
        if not fitting:
            rest = order[n:]
            replayed = scheduler.replay(
                settings,
                item,
                [(r.rating, r.reviewed_at) for r in rest],
                tz,
                start=card,
                resets=pending,
            )
            for row, (before, after) in zip(rest, replayed, strict=True):
                states.append((row.uid, before, after))
                card = after
            pending = [m for m in pending if m >= order[-1].reviewed_at]
            break
        pending = [m for m in pending if m >= review.reviewed_at]
        states.append((review.uid, expected, fitting[0][1]))
        card = fitting[0][1]
    if card is not None and pending:
        card = scheduler.cleared(card)  # reset after the last answer
    return states, card


def import_summary(
    files: Sequence[Path], progress: Sequence[Progress], done: dict[str, int]
) -> str:
    """What an import did, in a sentence or two."""
    source = shown(files[0]) if len(files) == 1 else f"{len(files)} files"
    if not any(done[key] for key in ("reviews", "cram", "resets", "holds", "deadlines")):
        total = sum(len(p.reviews) for p in progress)
        their = "its" if len(files) == 1 else "their"
        return f"Nothing new in {source}: {their} {total} review(s) were all here already."
    text = (
        f"Imported {done['reviews']} new review(s) from {source} ({done['known']} already "
        f"here) and rebuilt the schedules of {done['items']} item(s)."
    )
    extras = [
        f"{done[key]} {label}"
        for key, label in (
            ("cram", "cram answer(s)"),
            ("resets", "leech reset(s)"),
            ("holds", "item(s) suspended, buried or brought back"),
            ("deadlines", "assignment date change(s)"),
        )
        if done[key]
    ]
    return text + (f" Also: {', '.join(extras)}." if extras else "")
