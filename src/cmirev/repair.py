"""`cmirev doctor`: find damage in the review store, and recover what can still be read.

The review log is the record that matters: every card can be rebuilt from it by replaying
each item's answers through the scheduler. Recovery reads the damaged file read-only, row by
row where whole ranges fail, moves it aside (never deletes it), and writes a new store from
the readable reviews, with assignment dates, leech resets, suspended and buried items and cram
answers where readable (a leech reset is replayed with the answers, so a leech put back in the
drills stays back; an item's hold is its latest suspend, bury or unsuspend event).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cmirev import scheduler
from cmirev.errors import CmirevError, one_line
from cmirev.scheduler import Settings

BATCH = 500
REVIEW_COLUMNS = (
    "item, format, rating, correct, reviewed_at, duration_ms, session, overruled, asked"
)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def check(path: Path) -> list[str]:
    """SQLite's full integrity check of the store: its problems, or [] when it is sound."""
    try:
        db = _open_read_only(path)
        try:
            rows = [one_line(str(r[0])) for r in db.execute("PRAGMA integrity_check")]
            for table in ("cards", "reviews"):
                db.execute(f"SELECT count(*) FROM {table}").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return [one_line(str(exc))]
    return [] if rows == ["ok"] else rows


def _readable_reviews(db: sqlite3.Connection) -> tuple[list[tuple[Any, ...]], int]:
    """Every review row that can be read and makes sense, and how many could not."""
    try:
        low, high = db.execute("SELECT min(id), max(id) FROM reviews").fetchone()
    except sqlite3.DatabaseError:
        return [], 0
    if low is None:
        return [], 0
    rows: list[tuple[Any, ...]] = []
    lost = 0
    query = f"SELECT id, {REVIEW_COLUMNS} FROM reviews WHERE id BETWEEN ? AND ? ORDER BY id"
    for start in range(low, high + 1, BATCH):
        try:
            rows += db.execute(query, (start, start + BATCH - 1)).fetchall()
        except sqlite3.DatabaseError:
            for rowid in range(start, min(start + BATCH, high + 1)):
                try:
                    rows += db.execute(query, (rowid, rowid)).fetchall()
                except sqlite3.DatabaseError:
                    lost += 1
    sane = []
    for row in rows:
        try:
            when = datetime.fromisoformat(row[5]).astimezone(UTC)
            if not isinstance(row[1], str) or int(row[3]) not in (1, 2, 3, 4):
                raise ValueError
        except (TypeError, ValueError):
            lost += 1
            continue
        sane.append((row[1], row[2] or "recall", int(row[3]), bool(row[4]), when, *row[6:]))
    return sane, lost


def _table(db: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    try:
        return db.execute(sql).fetchall()
    except sqlite3.DatabaseError:
        return []


def recover_store(path: Path, settings: Settings | None = None) -> dict[str, Any]:
    """Move the damaged store aside and build a new one from what can be read."""
    from cmirev.store import HOLD_EVENTS, Store

    settings = settings or Settings(fuzz=False)
    try:
        db = _open_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise CmirevError(f"cannot open {path} even to read it: {one_line(str(exc))}") from None
    try:
        reviews, lost = _readable_reviews(db)
        deadlines = _table(db, "SELECT unit, day, minutes FROM deadlines")
        events = _table(db, "SELECT at, kind, item, detail FROM events")
        cram = _table(
            db,
            "SELECT item, asked, format, correct, reviewed_at, ts, duration_ms, session FROM cram",
        )
    finally:
        db.close()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    try:
        os.replace(path, kept)
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + extra))
    except OSError as exc:
        raise CmirevError(f"cannot move {path} aside: {exc.strerror or exc}") from None
    by_item: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in reviews:
        by_item[row[0]].append(row)
    resets: dict[str, list[datetime]] = defaultdict(list)
    for at, kind, item, _ in events:
        with contextlib.suppress(TypeError, ValueError):
            if kind == "leech-reset" and item:
                resets[item].append(datetime.fromisoformat(at))
    with Store(path) as store:
        for item, rows in by_item.items():
            rows.sort(key=lambda r: r[4])
            cards = scheduler.replay(
                settings, item, [(r[2], r[4]) for r in rows], resets=resets.get(item, ())
            )
            for row, (before, after) in zip(rows, cards, strict=True):
                _, fmt, rating, correct, when, duration, session, overruled, asked = row
                store.record(
                    item, fmt, rating, correct, when, before, after, duration, session,
                    bool(overruled), asked,
                )  # fmt: skip
            if any(moment >= rows[-1][4] for moment in resets.get(item, ())):
                with store.transaction() as write:  # reset after the last answer
                    store.rewrite(write, [], scheduler.cleared(after))
        with store.transaction() as write:
            write.executemany(
                "INSERT OR REPLACE INTO deadlines (unit, day, minutes, set_at) VALUES (?, ?, ?, ?)",
                [(*d, datetime.now(UTC).isoformat()) for d in deadlines],
            )
            write.executemany(
                "INSERT INTO events (at, kind, item, detail) VALUES (?, ?, ?, ?)", events
            )
            held = {i for _, kind, i, _ in events if kind in HOLD_EVENTS and isinstance(i, str)}
            store.settle_holds(write, held)
        for item, asked, fmt, correct, reviewed_at, _, duration, session in cram:
            with contextlib.suppress(TypeError, ValueError):
                store.record_cram(
                    item, fmt, bool(correct), datetime.fromisoformat(reviewed_at), duration,
                    session, asked or item,
                )  # fmt: skip
    return {"reviews": len(reviews), "items": len(by_item), "lost": lost, "kept": str(kept)}
