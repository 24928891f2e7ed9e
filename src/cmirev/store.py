"""The review store: SQLite, one row of scheduling state per item plus an append-only review log.

- One transaction per answer (``BEGIN IMMEDIATE``), WAL mode and a busy timeout, so an answer is
  either fully recorded or not at all, and two terminals can drill at once.
- The file is identified by ``PRAGMA application_id`` and versioned by ``PRAGMA user_version``;
  older versions are migrated, newer ones, foreign databases and damaged files are refused with
  a clear error and never written to.
- Times are UTC: whole microseconds since the epoch in ``cards`` (exact, cheap to compare and
  sort), ISO-8601 beside the same number in ``reviews``.
- Each review keeps the card's state before and after it, so ``undo`` restores the exact
  state, and a card can be rebuilt by replaying its ratings (``Study.merge_twins`` does, when
  twins come to share a card).
- Cram answers (``drill --cram``, before an assignment date) go to a log of their own and never
  change a card or count as reviews: the long-term schedule is what it would have been.
- Every review and cram answer has a ``uid``, the same on every machine that holds a copy of
  it, so that ``cmirev progress import`` can merge two machines' logs without doubling any
  (:mod:`cmirev.sync`); an assignment date that was cleared is remembered as cleared, so that
  the merge does not bring it back.
- Items set aside by the learner (suspended, or buried until the next study day) are kept in
  a table of their own, beside the cards: rebuilding a card never touches them, and each
  change is an event, so that a merge of two machines' events settles them (latest wins).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cmirev.cards import LEECH_FAILS, CardState, Deadline, Hold, Review
from cmirev.errors import CmirevError, one_line

__all__ = [
    "LEECH_FAILS",
    "SCHEMA_VERSION",
    "CardState",
    "Deadline",
    "Hold",
    "Review",
    "Store",
    "StoreError",
]

APPLICATION_ID = 0x636D6972  # "cmir"
# The daily full check of the store's pages on open stops here (about 1.3 s of checking at
# 20 ms a megabyte; a store this size holds some 90,000 reviews).
QUICK_CHECK_MOST = 64_000_000
# A card's columns, in the order _card reads them.
_CARD_COLUMNS = (
    "item, state, step, stability, difficulty, due, last_review, reps, fails, leech, first_review"
)
SCHEMA_VERSION = 10

_SCHEMA_V1 = """
CREATE TABLE cards (
    item        TEXT PRIMARY KEY,      -- global id, unit-id/item-id
    state       INTEGER NOT NULL,      -- fsrs State: 1 learning, 2 review, 3 relearning
    step        INTEGER,
    stability   REAL,
    difficulty  REAL,
    due         INTEGER NOT NULL,      -- microseconds since the epoch, UTC
    last_review INTEGER,               -- microseconds since the epoch, UTC
    reps        INTEGER NOT NULL DEFAULT 0,
    fails       INTEGER NOT NULL DEFAULT 0,
    leech       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX cards_due ON cards(due);
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item        TEXT NOT NULL,
    format      TEXT NOT NULL,
    rating      INTEGER NOT NULL,      -- 1 Again, 2 Hard, 3 Good, 4 Easy
    correct     INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,         -- ISO-8601 UTC
    ts          INTEGER NOT NULL,      -- the same, microseconds since the epoch
    duration_ms INTEGER,
    before      TEXT,                  -- card state before, JSON, or NULL for a new item
    after       TEXT NOT NULL,         -- card state after, JSON
    session     TEXT
);
CREATE INDEX reviews_item ON reviews(item);
CREATE INDEX reviews_ts ON reviews(ts);
"""
# 2: a learner may overrule the marking of a typed answer; the review says so.
_SCHEMA_V2 = """
ALTER TABLE reviews ADD COLUMN overruled INTEGER NOT NULL DEFAULT 0;
"""
# 3: a leech counts lapses of learned items only (wrong answers while learning no longer count).
# Each card's count becomes its lapses in the log (reviews rated Again from the review state),
# never more than it was (a reset cleared older ones); a leech with fewer stops being one.
_SCHEMA_V3 = """
UPDATE cards SET fails = min(fails, (
    SELECT count(*) FROM reviews r
    WHERE r.item = cards.item AND r.rating = 1 AND json_extract(r.before, '$.state') = 2
));
UPDATE cards SET leech = 0 WHERE leech = 1 AND fails < 8;
"""
# 4: events other than reviews (a leech reset), kept like the review log.
_SCHEMA_V4 = """
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,     -- ISO-8601 UTC
    kind    TEXT NOT NULL,     -- leech-reset
    item    TEXT,
    detail  TEXT
);
"""
# 5: items that state one idea (same_as) share one card; a review keeps which of them was asked.
_SCHEMA_V5 = """
ALTER TABLE reviews ADD COLUMN asked TEXT;
"""
# 6: assignment dates, and cram answers (kept apart from the review log: they schedule nothing).
_SCHEMA_V6 = """
CREATE TABLE deadlines (
    unit    TEXT PRIMARY KEY,
    day     TEXT NOT NULL,     -- ISO date of the assignment
    minutes REAL,              -- minutes a day the learner means to study, or NULL
    set_at  TEXT NOT NULL      -- ISO-8601 UTC
);
CREATE TABLE cram (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item        TEXT NOT NULL,     -- the card's item (one per same_as idea)
    asked       TEXT,              -- the item asked, when it differs
    format      TEXT NOT NULL,
    correct     INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,     -- ISO-8601 UTC
    ts          INTEGER NOT NULL,
    duration_ms INTEGER,
    session     TEXT
);
CREATE INDEX cram_ts ON cram(ts);
"""
# 7: the learner's calibration (cmirev.calibration), kept so that it is refitted only as the log
# grows, not replayed on every command.
_SCHEMA_V7 = """
CREATE TABLE calibration (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    exponent REAL NOT NULL,
    reviews  INTEGER NOT NULL,   -- scored reviews it was fitted on
    logged   INTEGER NOT NULL,   -- reviews in the log when it was fitted
    fitted   TEXT NOT NULL       -- ISO-8601 UTC
);
"""
# 8: a review id that is the same on every machine (a digest of what the review is: see
# ``review_uid``), for merging two machines' logs; the same for cram answers; and cleared
# assignment dates, so that a merge keeps the latest of a date being set and being cleared.
_SCHEMA_V8 = """
ALTER TABLE reviews ADD COLUMN uid TEXT;
UPDATE reviews SET uid = cmirev_uid('review', item, ts, rating, format, duration_ms, session, (
    SELECT count(*) FROM reviews AS o WHERE o.item = reviews.item AND o.ts = reviews.ts
    AND o.id < reviews.id
));
CREATE UNIQUE INDEX reviews_uid ON reviews(uid);
ALTER TABLE cram ADD COLUMN uid TEXT;
UPDATE cram SET uid = cmirev_uid('cram', item, ts, correct, format, duration_ms, session, (
    SELECT count(*) FROM cram AS o WHERE o.item = cram.item AND o.ts = cram.ts AND o.id < cram.id
));
CREATE UNIQUE INDEX cram_uid ON cram(uid);
CREATE TABLE deadlines_cleared (
    unit    TEXT PRIMARY KEY,
    at      TEXT NOT NULL      -- ISO-8601 UTC
);
"""
# 9: the calibration fits one exponent per kind of card (cmirev.calibration): a card keeps when
# its item was first reviewed (its first study day tells whether FSRS's stability is still the
# initial guess), taken from the log; the calibration gains its new factors, and a fit kept from
# the one-exponent model (which counted recognition answers) goes, to be refitted from the log.
_SCHEMA_V9 = """
ALTER TABLE cards ADD COLUMN first_review INTEGER;
UPDATE cards SET first_review = (SELECT min(ts) FROM reviews r WHERE r.item = cards.item);
ALTER TABLE calibration ADD COLUMN first_factor REAL NOT NULL DEFAULT 1.0;
ALTER TABLE calibration ADD COLUMN lapsed_factor REAL NOT NULL DEFAULT 1.0;
ALTER TABLE calibration ADD COLUMN growth REAL NOT NULL DEFAULT 0.0;
ALTER TABLE calibration ADD COLUMN decay REAL;   -- NULL: FSRS's own forgetting curve
DELETE FROM calibration;
"""
# 10: items the learner sets aside: suspended (out of drills and due counts until unsuspended)
# or buried (until the next study day starts). This table is the current state; every change
# is also an event (suspend, bury, unsuspend), so that a progress import merges them and a
# recovery keeps them. Cards are untouched, so a rebuilt card never loses a hold.
_SCHEMA_V10 = """
CREATE TABLE holds (
    item    TEXT PRIMARY KEY,  -- global id as the learner named it, unit-id/item-id
    kind    TEXT NOT NULL,     -- suspended or buried
    until   INTEGER,           -- buried: when it returns, microseconds since the epoch, UTC
    at      TEXT NOT NULL      -- ISO-8601 UTC, when it was set aside
);
"""
MIGRATIONS: dict[int, str] = {
    1: _SCHEMA_V1,
    2: _SCHEMA_V2,
    3: _SCHEMA_V3,
    4: _SCHEMA_V4,
    5: _SCHEMA_V5,
    6: _SCHEMA_V6,
    7: _SCHEMA_V7,
    8: _SCHEMA_V8,
    9: _SCHEMA_V9,
    10: _SCHEMA_V10,
}
# The events that set an item aside or bring it back, oldest to newest deciding its hold.
HOLD_EVENTS = ("suspend", "bury", "unsuspend")


class StoreError(CmirevError):
    """The review store cannot be used; the message says why and what to do."""


@dataclass
class Added:
    """What :meth:`Store.add_progress` added: the items whose cards need rebuilding, the
    other machine's card states for reviews already here that it recorded differently (by
    uid), and counts."""

    touched: set[str]
    copies: dict[str, tuple[CardState | None, CardState]]
    counts: dict[str, int]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def _ts(moment: datetime) -> int:
    """Whole microseconds since the epoch, UTC: exact, so state round-trips unchanged."""
    return (moment - _EPOCH) // _MICRO


def _dt(ts: int | None) -> datetime | None:
    return None if ts is None else _EPOCH + ts * _MICRO


def review_uid(
    kind: str,
    item: str,
    ts: int,
    rating: int,
    fmt: str,
    duration_ms: int | None,
    session: str | None,
    nth: int = 0,
) -> str:
    """A review's id on every machine: a digest of what it is (its item, moment to the
    microsecond, rating, format, answer time and session), so that two copies of one store
    give their reviews the same ids. ``nth`` tells apart reviews of one item at one moment
    (a fixed clock); ``kind`` keeps cram answers (``rating`` is then right or wrong) apart."""
    text = json.dumps([kind, item, ts, rating, fmt, duration_ms, session, nth])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Store:
    """An open review store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._wal: tuple[int, int] | None = None  # the write-ahead log our last commit went to
        self._check_identity(path)
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        path, timeout = self.path, self.timeout
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the review store {path}: {exc}") from None
        try:
            self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.db.create_function("cmirev_uid", 8, review_uid, deterministic=True)
            self._set_up(timeout)
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(f"cannot use the review store {path}: {exc}") from None
        return self.db

    def _wal_identity(self) -> tuple[int, int] | None:
        try:
            info = self.path.with_name(self.path.name + "-wal").stat()
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def _follow_wal(self) -> None:
        """Reopen when the write-ahead log this connection wrote to was deleted (or replaced)
        since: writing on through the old one would keep this session's answers apart from
        another terminal's, and closing it would copy them over that terminal's (F22). Every
        commit is checkpointed at once, so the old log holds nothing that is not in the
        store itself."""
        if self._wal is not None and self._wal_identity() != self._wal:
            self._wal = None
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self._connect()

    def _committed(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self._wal = self._wal_identity()

    def _set_up(self, timeout: float) -> None:
        """WAL mode and the schema. Switching to WAL can report 'locked' at once, without
        waiting, while another process opens the same new store: retry until ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                mode = self.db.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
                self._migrate()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    # -- opening

    @staticmethod
    def _check_identity(path: Path) -> None:
        """Refuse a file that is not ours (or is damaged, or newer) before anything writes to it."""
        if not path.exists():
            if path.parent.exists() and not path.parent.is_dir():
                raise StoreError(f"cannot create the review store: {path.parent} is not a folder")
            return
        if path.is_dir():
            raise StoreError(f"the review store {path} is a folder, not a file")
        if path.stat().st_size == 0:
            return
        try:
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                app_id = probe.execute("PRAGMA application_id").fetchone()[0]
                version = probe.execute("PRAGMA user_version").fetchone()[0]
                tables = probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            finally:
                probe.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"the review store {path} is busy: another cmirev, or another program, "
                    "holds it locked; finish or close that, then try again (the store is fine)"
                ) from None
            raise StoreError(
                f"cannot read the review store {path} ({exc}); it was left untouched"
            ) from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"the review store {path} is damaged or not a database ({exc}); it was left "
                "untouched: move it aside to start a new one, or restore a backup"
            ) from None
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            raise StoreError(
                f"{path} is not a cmirev review store (another program's database); it was "
                "left untouched: point CMIREV_HOME elsewhere or move the file"
            )
        if version >= 1 and app_id == APPLICATION_ID:
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
            except sqlite3.DatabaseError:
                names = set()
            finally:
                probe.close()
            if not {"cards", "reviews"} <= names:
                raise StoreError(
                    f"the review store {path} is damaged (its tables are missing); it was left "
                    "untouched: 'cmirev doctor --recover' saves what can be read"
                )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the review store {path} has schema version {version}, newer than this cmirev "
                f"understands ({SCHEMA_VERSION}); it was left untouched: upgrade cmirev"
            )
        if app_id == APPLICATION_ID:
            Store._quick_check(path)

    @staticmethod
    def _quick_check(path: Path) -> None:
        """Damage found before anything writes: on every open, a file shorter than its pages
        (truncated); once a day, SQLite's ``quick_check`` of every page (about 20 ms a
        megabyte, too slow for every command on a large store), up to QUICK_CHECK_MOST (years
        of daily study; beyond it `cmirev doctor` checks on demand). The day of the last clean
        check is kept beside the store."""
        marker = path.with_name(path.name + ".checked")
        today = datetime.now(UTC).date().isoformat()
        try:
            checked = marker.read_text(encoding="ascii").strip() == today
        except (OSError, UnicodeDecodeError):
            checked = False
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pages = probe.execute("PRAGMA page_count").fetchone()[0]
            size = probe.execute("PRAGMA page_size").fetchone()[0]
            wal = path.with_name(path.name + "-wal")
            if not wal.exists() and pages * size > path.stat().st_size:
                verdict = "it is shorter than its own page count says (cut off)"
            elif checked or path.stat().st_size > QUICK_CHECK_MOST:
                return
            else:
                rows = [r[0] for r in probe.execute("PRAGMA quick_check(3)")]
                verdict = "" if rows == ["ok"] else "; ".join(map(str, rows))
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
        finally:
            probe.close()
        if verdict:
            raise StoreError(
                f"the review store {path} is damaged ({one_line(verdict)[:200]}); it was left "
                "untouched: 'cmirev doctor --recover' saves what can be read"
            )
        with contextlib.suppress(OSError):
            marker.write_text(today + "\n", encoding="ascii")

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        with Store._Txn(self, raw=True):
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                script = re.sub(r"--[^\n]*", "", MIGRATIONS[target])
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions

    class _Txn:
        def __init__(self, store: Store, *, raw: bool = False) -> None:
            self.store = store
            self.db = store.db
            self.raw = raw  # let sqlite3 errors through (opening retries on 'locked')

        def __enter__(self) -> sqlite3.Connection:
            if not self.raw:
                self.store._follow_wal()
                self.db = self.store.db
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                if self.raw:
                    raise
                raise self.store.write_error(exc) from None
            return self.db

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            try:
                self.db.execute("ROLLBACK" if exc_type else "COMMIT")
            except sqlite3.Error as failed:
                if exc_type is None:
                    if self.raw:
                        raise
                    raise self.store.write_error(failed) from None
            if exc_type is None and not self.raw:
                self.store._committed()
            if isinstance(exc, sqlite3.Error) and not self.raw:
                raise self.store.write_error(exc) from None

    def transaction(self) -> Store._Txn:
        """``with store.transaction():`` one write transaction, rolled back on error; a
        failed write is a StoreError saying why in one line."""
        return Store._Txn(self)

    def write_error(self, exc: sqlite3.Error) -> StoreError:
        """What a failed write means for the learner, in one line."""
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text:
            why = "it is read-only (check the file's and its folder's permissions)"
        elif "full" in text:
            why = "the disk is full"
        elif "locked" in text or "busy" in text:
            why = "it is busy: another cmirev, or another program, holds it locked"
        elif "i/o" in text or "too large" in text:
            why = f"the disk refused the write ({one_line(str(exc))})"
        else:
            why = one_line(str(exc))
        return StoreError(f"cannot save to the review store {self.path}: {why}")

    def check_writable(self) -> None:
        """A StoreError now, before any question is asked, if answers could not be saved."""
        with self.transaction():
            pass

    # -- reading

    def card(self, item: str) -> CardState | None:
        row = self.db.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE item = ?",
            (item,),
        ).fetchone()
        return _card(row) if row else None

    def cards(self, items: Iterable[str] | None = None) -> dict[str, CardState]:
        """Cards by item; only these items when given."""
        sql = f"SELECT {_CARD_COLUMNS} FROM cards"
        if items is None:
            return {row[0]: _card(row) for row in self.db.execute(sql)}
        wanted = list(items)
        found: dict[str, CardState] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"{sql} WHERE item IN ({marks})", chunk):
                found[row[0]] = _card(row)
        return found

    def card_times(self) -> dict[str, tuple[int, bool]]:
        """Every card's due time (microseconds since the epoch, UTC) and whether it is a leech:
        what counting due items needs, without building a full state per card."""
        return {
            row[0]: (row[1], bool(row[2]))
            for row in self.db.execute("SELECT item, due, leech FROM cards")
        }

    def cards_due(self, before: datetime) -> dict[str, CardState]:
        """Cards falling due before ``before``, and leeches: the only cards a drill plan reads
        in full (the others only count as seen)."""
        sql = (
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE due < ? UNION "
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE leech = 1"
        )
        return {row[0]: _card(row) for row in self.db.execute(sql, (_ts(before),))}

    def reviews(self, item: str | None = None, since: datetime | None = None) -> Iterator[Review]:
        """Review log rows in order, for one item and/or since a moment."""
        where: list[str] = ["1"]
        args: list[Any] = []
        if item is not None:
            where.append("item = ?")
            args.append(item)
        if since is not None:
            where.append("ts >= ?")
            args.append(_ts(since))
        return self._reviews_where(" AND ".join(where), args)

    def count_reviews(self, since: datetime | None = None, until: datetime | None = None) -> int:
        sql, args = "SELECT count(*) FROM reviews WHERE 1", []
        if since is not None:
            sql += " AND ts >= ?"
            args.append(_ts(since))
        if until is not None:
            sql += " AND ts < ?"
            args.append(_ts(until))
        return int(self.db.execute(sql, args).fetchone()[0])

    def recent_durations(self, limit: int, fmt: str | None = None) -> list[int]:
        """Answer times in milliseconds of the latest ``limit`` reviews (of one format), by
        when they were made."""
        sql = "SELECT duration_ms FROM reviews WHERE duration_ms IS NOT NULL"
        args: list[Any] = []
        if fmt is not None:
            sql += " AND format = ? AND correct = 1"
            args.append(fmt)
        rows = self.db.execute(sql + " ORDER BY ts DESC, id DESC LIMIT ?", [*args, limit])
        return [int(r[0]) for r in rows]

    def items_reviewed(self, since: datetime, until: datetime) -> dict[str, bool]:
        """Items reviewed in [since, until): item -> whether it was new at its first review then."""
        rows = self.db.execute(
            "SELECT item, max(before IS NULL) FROM reviews WHERE ts >= ? AND ts < ? GROUP BY item",
            (_ts(since), _ts(until)),
        )
        return {item: bool(new) for item, new in rows}

    def asked_today(self, since: datetime, until: datetime) -> dict[str, str]:
        """Card -> the item last asked about it in [since, until): the card's own item, or
        the same_as twin whose question was asked (one idea, one card, several copies)."""
        rows = self.db.execute(
            "SELECT item, coalesce(asked, item) FROM reviews WHERE ts >= ? AND ts < ? "
            "ORDER BY ts, id",
            (_ts(since), _ts(until)),
        )
        return dict(rows)

    # -- writing

    def record(
        self,
        item: str,
        fmt: str,
        rating: int,
        correct: bool,
        at: datetime,
        before: CardState | None,
        after: CardState,
        duration_ms: int | None = None,
        session: str | None = None,
        overruled: bool = False,
        asked: str | None = None,
    ) -> int:
        """Append a review and set the item's card, in one transaction. Returns the review id.
        ``asked`` is the item the question was about when it shares ``item``'s card."""
        with self.transaction() as db:
            return self._insert(
                db, item, fmt, rating, correct, at, before, after, duration_ms, session,
                overruled, asked,
            )  # fmt: skip

    def answer(
        self,
        item: str,
        update: Callable[[CardState | None], tuple[int, CardState]],
        fmt: str,
        correct: bool,
        at: datetime,
        duration_ms: int | None = None,
        session: str | None = None,
        overruled: bool = False,
        asked: str | None = None,
    ) -> tuple[int, CardState | None, CardState]:
        """Read the card, let ``update`` turn it into (rating, new card), and log the review,
        all in one write transaction: two processes answering the same item at once each build
        on the other's review, never on a stale card. Returns (review id, before, after)."""
        with self.transaction() as db:
            before = self.card(item)
            rating, after = update(before)
            review_id = self._insert(
                db, item, fmt, rating, correct, at, before, after, duration_ms, session,
                overruled, asked,
            )  # fmt: skip
            return review_id, before, after

    def _insert(
        self,
        db: sqlite3.Connection,
        item: str,
        fmt: str,
        rating: int,
        correct: bool,
        at: datetime,
        before: CardState | None,
        after: CardState,
        duration_ms: int | None,
        session: str | None,
        overruled: bool,
        asked: str | None,
    ) -> int:
        uid = self._new_uid(db, "review", item, _ts(at), rating, fmt, duration_ms, session)
        cur = db.execute(
            "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, duration_ms, "
            "before, after, session, overruled, asked, uid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item,
                fmt,
                rating,
                int(correct),
                at.astimezone(UTC).isoformat(),
                _ts(at),
                duration_ms,
                before.to_json() if before else None,
                after.to_json(),
                session,
                int(overruled),
                asked if asked != item else None,
                uid,
            ),
        )
        self._put(db, after)
        return int(cur.lastrowid or 0)

    @staticmethod
    def _new_uid(
        db: sqlite3.Connection,
        kind: str,
        item: str,
        ts: int,
        rating: int,
        fmt: str,
        duration_ms: int | None,
        session: str | None,
    ) -> str:
        """The uid a new review (or cram answer) gets: as the schema-8 migration gives one,
        counting the rows of the item at the same moment; never one already in the table."""
        table = "reviews" if kind == "review" else "cram"
        nth = db.execute(
            f"SELECT count(*) FROM {table} WHERE item = ? AND ts = ?", (item, ts)
        ).fetchone()[0]
        while True:
            uid = review_uid(kind, item, ts, rating, fmt, duration_ms, session, nth)
            if db.execute(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,)).fetchone() is None:
                return uid
            nth += 1

    def merge(
        self,
        key: str,
        members: Iterable[str],
        states: Iterable[tuple[int, CardState | None, CardState]],
        card: CardState,
    ) -> None:
        """Make ``key`` the one card of ``members``: every review of theirs moves to it (keeping
        which item was asked), with the states a replay of the merged log gave, in one
        transaction; the members' own cards go."""
        others = [m for m in members if m != key]
        with self.transaction() as db:
            for review_id, before, after in states:
                db.execute(
                    "UPDATE reviews SET asked = CASE WHEN item != ? THEN coalesce(asked, item) "
                    "ELSE asked END, item = ?, before = ?, after = ? WHERE id = ?",
                    (key, key, before.to_json() if before else None, after.to_json(), review_id),
                )
            for other in others:
                db.execute("DELETE FROM cards WHERE item = ?", (other,))
            self._put(db, card)

    @staticmethod
    def _put(db: sqlite3.Connection, card: CardState) -> None:
        """Write the card; when its first review is not known (a state logged before schema
        8, put back by an undo), the log says when it was."""
        db.execute(
            "INSERT OR REPLACE INTO cards (item, state, step, stability, difficulty, due, "
            "last_review, reps, fails, leech, first_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "coalesce(?, (SELECT min(ts) FROM reviews WHERE item = ?)))",
            (
                card.item,
                card.state,
                card.step,
                card.stability,
                card.difficulty,
                _ts(card.due),
                _ts(card.last_review) if card.last_review else None,
                card.reps,
                card.fails,
                int(card.leech),
                _ts(card.first_review) if card.first_review else None,
                card.item,
            ),
        )

    def undo(self, review_id: int) -> Review | None:
        """Remove a review and put its item's card back as it was before, in one transaction.

        Only the latest review of an item can be undone (later ones were built on it).
        """
        with self.transaction() as db:
            found = list(self._reviews_where("id = ?", [review_id]))
            if not found:
                return None
            review = found[0]
            latest = db.execute(
                "SELECT max(id) FROM reviews WHERE item = ?", (review.item,)
            ).fetchone()[0]
            if latest != review_id:
                raise StoreError(f"only the latest answer to {review.item} can be undone")
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if review.before is None:
                db.execute("DELETE FROM cards WHERE item = ?", (review.item,))
            else:
                self._put(db, review.before)
            return review

    def _reviews_where(self, where: str, args: list[Any]) -> Iterator[Review]:
        rows = self.db.execute(
            "SELECT id, item, format, rating, correct, reviewed_at, duration_ms, before, after, "
            f"session, overruled, asked, uid FROM reviews WHERE {where} ORDER BY id",
            args,
        )
        for row in rows:
            try:
                before = CardState.from_json(row[1], row[7]) if row[7] else None
                after = CardState.from_json(row[1], row[8])
            except (ValueError, KeyError, TypeError):
                raise StoreError(
                    f"the review store {self.path} is damaged (review {row[0]} has an unreadable "
                    "card state): 'cmirev doctor --recover' rebuilds the cards from the ratings"
                ) from None
            yield Review(
                id=row[0],
                item=row[1],
                format=row[2],
                rating=row[3],
                correct=bool(row[4]),
                reviewed_at=datetime.fromisoformat(row[5]),
                duration_ms=row[6],
                before=before,
                after=after,
                session=row[9],
                overruled=bool(row[10]),
                asked=row[11],
                uid=row[12] or "",
            )

    def reset_leech(self, item: str, at: datetime | None = None) -> bool:
        """Clear an item's leech flag (and its lapse count), and log the reset with the count it
        cleared, in one transaction; True when it was a leech."""
        when = (at or datetime.now(UTC)).astimezone(UTC)
        with self.transaction() as db:
            row = db.execute(
                "SELECT fails FROM cards WHERE item = ? AND leech = 1", (item,)
            ).fetchone()
            if row is None:
                return False
            db.execute("UPDATE cards SET leech = 0, fails = 0 WHERE item = ?", (item,))
            db.execute(
                "INSERT INTO events (at, kind, item, detail) VALUES (?, 'leech-reset', ?, ?)",
                (when.isoformat(), item, f"{row[0]} lapses cleared"),
            )
            return True

    def events(self, kind: str | None = None) -> list[tuple[datetime, str, str, str]]:
        """Logged events other than reviews (leech resets): (when, kind, item, detail)."""
        rows = self.db.execute(
            "SELECT at, kind, item, detail FROM events"
            + (" WHERE kind = ?" if kind else "")
            + " ORDER BY id",
            (kind,) if kind else (),
        )
        return [(datetime.fromisoformat(a), k, i, d) for a, k, i, d in rows]

    # -- the learner's calibration

    def calibration(
        self,
    ) -> tuple[tuple[float, float, float, float, float | None], int, int] | None:
        """The saved calibration: its factors (exponent, first, lapsed, growth, decay; see
        :class:`cmirev.calibration.Calibration`), the scored reviews it was fitted on, and the
        log's size when it was fitted."""
        row = self.db.execute(
            "SELECT exponent, first_factor, lapsed_factor, growth, decay, reviews, logged "
            "FROM calibration"
        ).fetchone()
        if row is None:
            return None
        decay = None if row[4] is None else float(row[4])
        factors = (float(row[0]), float(row[1]), float(row[2]), float(row[3]), decay)
        return factors, int(row[5]), int(row[6])

    def save_calibration(
        self, factors: tuple[float, float, float, float, float | None], reviews: int, logged: int
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO calibration (id, exponent, first_factor, lapsed_factor, "
                "growth, decay, reviews, logged, fitted) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*factors, reviews, logged, datetime.now(UTC).isoformat()),
            )

    def latest(self, limit: int) -> tuple[set[str], datetime | None]:
        """The cards of the latest ``limit`` reviews (by when they were made: reviews imported
        from another machine come in order), and when the earliest of them was."""
        rows = self.db.execute(
            "SELECT item, ts FROM reviews ORDER BY ts DESC, id DESC LIMIT ?", (limit,)
        ).fetchall()
        if not rows:
            return set(), None
        return {r[0] for r in rows}, _dt(min(r[1] for r in rows))

    def ratings_of(self, items: Iterable[str]) -> list[tuple[str, int, datetime, str]]:
        """(card, rating, when, format) of every review of these cards, in the order given:
        what a replay of the scheduler needs, without reading the stored card states."""
        wanted = sorted(set(items))
        found: list[tuple[int, str, int, datetime, str]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                "SELECT id, item, rating, reviewed_at, format FROM reviews "
                f"WHERE item IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found += [(r[0], r[1], r[2], datetime.fromisoformat(r[3]), r[4]) for r in rows]
        return [(item, rating, at, fmt) for _, item, rating, at, fmt in sorted(found)]

    # -- assignment dates and cramming

    def set_deadline(self, unit: str, day: date, minutes: float | None = None) -> None:
        """Set (or change) a unit's assignment date."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO deadlines (unit, day, minutes, set_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(unit) DO UPDATE SET day = excluded.day, minutes = excluded.minutes, "
                "set_at = excluded.set_at",
                (unit, day.isoformat(), minutes, datetime.now(UTC).isoformat()),
            )
            db.execute("DELETE FROM deadlines_cleared WHERE unit = ?", (unit,))

    def clear_deadline(self, unit: str) -> bool:
        """Remove a unit's assignment date (remembering when, so that a merge with another
        machine's progress does not bring it back); whether it had one."""
        with self.transaction() as db:
            gone = db.execute("DELETE FROM deadlines WHERE unit = ?", (unit,)).rowcount > 0
            if gone:
                db.execute(
                    "INSERT OR REPLACE INTO deadlines_cleared (unit, at) VALUES (?, ?)",
                    (unit, datetime.now(UTC).isoformat()),
                )
            return gone

    def deadlines(self) -> dict[str, Deadline]:
        """Every unit's assignment date, soonest first."""
        rows = self.db.execute("SELECT unit, day, minutes FROM deadlines ORDER BY day, unit")
        return {u: Deadline(u, date.fromisoformat(d), m) for u, d, m in rows}

    def record_cram(
        self,
        item: str,
        fmt: str,
        correct: bool,
        at: datetime,
        duration_ms: int | None = None,
        session: str | None = None,
        asked: str | None = None,
    ) -> int:
        """Log a cram answer (no card changes). Returns its id, negative so that it can never
        be taken for a review's."""
        with self.transaction() as db:
            uid = self._new_uid(db, "cram", item, _ts(at), int(correct), fmt, duration_ms, session)
            cur = db.execute(
                "INSERT INTO cram (item, asked, format, correct, reviewed_at, ts, duration_ms, "
                "session, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item,
                    asked if asked != item else None,
                    fmt,
                    int(correct),
                    at.astimezone(UTC).isoformat(),
                    _ts(at),
                    duration_ms,
                    session,
                    uid,
                ),
            )
            return -int(cur.lastrowid or 0)

    def crammed(self, item: str) -> bool:
        """Whether the item (a card's key) has any cram answer."""
        row = self.db.execute("SELECT 1 FROM cram WHERE item = ? LIMIT 1", (item,)).fetchone()
        return row is not None

    def undo_cram(self, cram_id: int) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM cram WHERE id = ?", (-cram_id,)).rowcount > 0

    def count_cram(self, since: datetime | None = None) -> int:
        sql, args = "SELECT count(*) FROM cram WHERE 1", []
        if since is not None:
            sql += " AND ts >= ?"
            args.append(_ts(since))
        return int(self.db.execute(sql, args).fetchone()[0])

    # -- progress carried between machines (cmirev.sync)

    def progress(self) -> dict[str, list[dict[str, Any]]]:
        """The whole history, read in one snapshot (a drill in another terminal may be writing):
        reviews and cram answers in time order, events, and assignment dates as last set or
        cleared."""
        self.db.execute("BEGIN")
        try:
            reviews = [
                {
                    "uid": uid,
                    "item": item,
                    "asked": asked,
                    "format": fmt,
                    "rating": rating,
                    "correct": bool(correct),
                    "reviewed_at": at,
                    "duration_ms": duration,
                    "session": session,
                    "overruled": bool(overruled),
                    "before": json.loads(before) if before else None,
                    "after": json.loads(after),
                }
                for uid, item, asked, fmt, rating, correct, at, duration, session, overruled,
                before, after in self.db.execute(
                    "SELECT uid, item, asked, format, rating, correct, reviewed_at, duration_ms, "
                    "session, overruled, before, after FROM reviews ORDER BY ts, id"
                )
            ]  # fmt: skip
            cram = [
                dict(zip(_CRAM_FIELDS, row, strict=True))
                for row in self.db.execute(
                    "SELECT uid, item, asked, format, correct, reviewed_at, duration_ms, session "
                    "FROM cram ORDER BY ts, id"
                )
            ]
            events = [
                {"at": at, "kind": kind, "item": item, "detail": detail}
                for at, kind, item, detail in self.db.execute(
                    "SELECT at, kind, item, detail FROM events ORDER BY id"
                )
            ]
            deadlines = [
                {"unit": unit, "day": day, "minutes": minutes, "set_at": set_at}
                for unit, day, minutes, set_at in self.db.execute(
                    "SELECT unit, day, minutes, set_at FROM deadlines UNION ALL "
                    "SELECT unit, NULL, NULL, at FROM deadlines_cleared ORDER BY 1"
                )
            ]
        finally:
            self.db.execute("COMMIT")
        for row in cram:
            row["correct"] = bool(row["correct"])
        return {"reviews": reviews, "cram": cram, "events": events, "deadlines": deadlines}

    def add_progress(
        self,
        db: sqlite3.Connection,
        reviews: Iterable[dict[str, Any]],
        cram: Iterable[dict[str, Any]],
        events: Iterable[tuple[datetime, str, str | None, str | None]],
        deadlines: Iterable[tuple[str, date | None, float | None, datetime]],
    ) -> Added:
        """Add what the store lacks, inside the caller's transaction: reviews and cram answers
        by uid, events not already logged (an item set aside or brought back takes the hold
        its latest event says), assignment dates set or cleared later than here.
        Returns the items whose cards need rebuilding (new reviews, leech resets, or a review
        here whose card states the other machine recorded differently, with those states)
        and counts: new reviews, reviews already here, cram answers, resets, holds set or
        lifted, dates changed."""
        touched: set[str] = set()
        held: set[str] = set()
        copies: dict[str, tuple[CardState | None, CardState]] = {}
        counts = {"reviews": 0, "known": 0, "cram": 0, "resets": 0, "deadlines": 0, "holds": 0}
        for r in reviews:
            here = db.execute(
                "SELECT item, before, after FROM reviews WHERE uid = ?", (r["uid"],)
            ).fetchone()
            if here is not None:
                counts["known"] += 1
                theirs = (r["before"].to_json() if r["before"] else None, r["after"].to_json())
                if (here[1], here[2]) != theirs:
                    touched.add(here[0])
                    copies[r["uid"]] = (r["before"], r["after"])
                continue
            db.execute(
                "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, "
                "duration_ms, before, after, session, overruled, asked, uid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r["item"], r["format"], r["rating"], int(r["correct"]), r["at"].isoformat(),
                    _ts(r["at"]), r["duration_ms"],
                    r["before"].to_json() if r["before"] else None, r["after"].to_json(),
                    r["session"], int(r["overruled"]), r["asked"], r["uid"],
                ),
            )  # fmt: skip
            touched.add(r["item"])
            counts["reviews"] += 1
        for c in cram:
            if db.execute("SELECT 1 FROM cram WHERE uid = ?", (c["uid"],)).fetchone():
                continue
            db.execute(
                "INSERT INTO cram (item, asked, format, correct, reviewed_at, ts, duration_ms, "
                "session, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    c["item"], c["asked"], c["format"], int(c["correct"]), c["at"].isoformat(),
                    _ts(c["at"]), c["duration_ms"], c["session"], c["uid"],
                ),
            )  # fmt: skip
            counts["cram"] += 1
        for at, kind, item, detail in events:
            known = db.execute(
                "SELECT 1 FROM events WHERE at = ? AND kind = ? AND item IS ? AND detail IS ?",
                (at.isoformat(), kind, item, detail),
            ).fetchone()
            if known:
                continue
            db.execute(
                "INSERT INTO events (at, kind, item, detail) VALUES (?, ?, ?, ?)",
                (at.isoformat(), kind, item, detail),
            )
            if kind == "leech-reset" and item:
                touched.add(item)
                counts["resets"] += 1
            elif kind in HOLD_EVENTS and item:
                held.add(item)
                counts["holds"] += 1
        self.settle_holds(db, held)
        for unit, day, minutes, set_at in deadlines:
            counts["deadlines"] += self._merge_deadline(db, unit, day, minutes, set_at)
        return Added(touched, copies, counts)

    @staticmethod
    def _merge_deadline(
        db: sqlite3.Connection, unit: str, day: date | None, minutes: float | None, at: datetime
    ) -> bool:
        """Take another machine's setting (``day`` None: clearing) of a unit's date when it is
        later than this one's (ties go the same way on both machines); whether the date
        changed."""
        here = db.execute(
            "SELECT day, minutes, set_at FROM deadlines WHERE unit = ? UNION ALL "
            "SELECT NULL, NULL, at FROM deadlines_cleared WHERE unit = ?",
            (unit, unit),
        ).fetchone()
        theirs = (at, day.isoformat() if day else "", minutes or 0.0)
        if here is not None:
            mine = (datetime.fromisoformat(here[2]), here[0] or "", here[1] or 0.0)
            if theirs <= mine:
                return False
        if day is None:
            db.execute(
                "INSERT OR REPLACE INTO deadlines_cleared (unit, at) VALUES (?, ?)",
                (unit, at.isoformat()),
            )
            return db.execute("DELETE FROM deadlines WHERE unit = ?", (unit,)).rowcount > 0
        db.execute("DELETE FROM deadlines_cleared WHERE unit = ?", (unit,))
        db.execute(
            "INSERT OR REPLACE INTO deadlines (unit, day, minutes, set_at) VALUES (?, ?, ?, ?)",
            (unit, day.isoformat(), minutes, at.isoformat()),
        )
        return here is None or (here[0], here[1]) != (day.isoformat(), minutes)

    def resets(self, item: str) -> list[datetime]:
        """When the item's leech count was reset, in order."""
        rows = self.db.execute(
            "SELECT at FROM events WHERE kind = 'leech-reset' AND item = ? ORDER BY at", (item,)
        )
        return [datetime.fromisoformat(r[0]) for r in rows]

    def rewrite(
        self,
        db: sqlite3.Connection,
        states: Iterable[tuple[str, CardState | None, CardState]],
        card: CardState | None,
    ) -> None:
        """Inside the caller's transaction: give reviews (by uid) the card states a rebuild of
        their item's log gave, and set the item's card."""
        for uid, before, after in states:
            db.execute(
                "UPDATE reviews SET before = ?, after = ? WHERE uid = ?",
                (before.to_json() if before else None, after.to_json(), uid),
            )
        if card is not None:
            self._put(db, card)

    # -- items set aside (cmirev suspend, unsuspend, bury)

    def holds(self, now: datetime | None = None) -> dict[str, Hold]:
        """Items set aside, by global id: every suspended item, and every buried one whose
        burial has not ended by ``now`` (all burials when ``now`` is None)."""
        rows = self.db.execute("SELECT item, kind, until, at FROM holds ORDER BY item")
        found = {
            item: Hold(item, kind, _dt(until), datetime.fromisoformat(at))
            for item, kind, until, at in rows
        }
        if now is None:
            return found
        return {
            item: hold
            for item, hold in found.items()
            if hold.until is None or hold.until > now.astimezone(UTC)
        }

    def hold(
        self, items: Iterable[str], kind: str, at: datetime, until: datetime | None = None
    ) -> list[str]:
        """Set these items aside (``kind`` suspended, or buried until ``until``), logging each
        change as an event, in one transaction. Returns the items whose hold changed: a
        suspended item is not buried, and suspending one again changes nothing."""
        assert kind in ("suspended", "buried") and (until is not None) == (kind == "buried")
        when = at.astimezone(UTC)
        changed = []
        with self.transaction() as db:
            for item in dict.fromkeys(items):
                here = db.execute("SELECT kind, until FROM holds WHERE item = ?", (item,))
                row = here.fetchone()
                if row is not None and (
                    row[0] == "suspended"
                    or (kind == "buried" and until is not None and row[1] >= _ts(until))
                ):
                    continue  # already out of the drills at least as long
                db.execute(
                    "INSERT OR REPLACE INTO holds (item, kind, until, at) VALUES (?, ?, ?, ?)",
                    (item, kind, _ts(until) if until else None, when.isoformat()),
                )
                db.execute(
                    "INSERT INTO events (at, kind, item, detail) VALUES (?, ?, ?, ?)",
                    (
                        when.isoformat(),
                        "bury" if until else "suspend",
                        item,
                        until.astimezone(UTC).isoformat() if until else None,
                    ),
                )
                changed.append(item)
        return changed

    def release(self, items: Iterable[str], at: datetime) -> list[str]:
        """Bring these items back into the drills (suspended or buried), logging each as an
        ``unsuspend`` event, in one transaction. Returns the items that were set aside."""
        when = at.astimezone(UTC).isoformat()
        released = []
        with self.transaction() as db:
            for item in dict.fromkeys(items):
                if db.execute("DELETE FROM holds WHERE item = ?", (item,)).rowcount:
                    db.execute(
                        "INSERT INTO events (at, kind, item, detail) VALUES (?, 'unsuspend', ?, "
                        "NULL)",
                        (when, item),
                    )
                    released.append(item)
        return released

    @staticmethod
    def settle_holds(db: sqlite3.Connection, items: Iterable[str]) -> None:
        """Inside the caller's transaction: give each item the hold its latest suspend, bury or
        unsuspend event says (after a merge of two machines' events, or a recovery)."""
        marks = ",".join("?" * len(HOLD_EVENTS))
        for item in sorted(set(items)):
            rows = db.execute(
                f"SELECT at, kind, detail FROM events WHERE item = ? AND kind IN ({marks})",
                (item, *HOLD_EVENTS),
            ).fetchall()
            if not rows:
                continue
            try:
                at, kind, detail = max(
                    (datetime.fromisoformat(a), k, d or "") for a, k, d in rows
                )  # ties go the same way on every machine
                until = datetime.fromisoformat(detail) if kind == "bury" else None
            except ValueError:
                continue  # a damaged event: leave the hold as it is
            if kind == "unsuspend":
                db.execute("DELETE FROM holds WHERE item = ?", (item,))
                continue
            db.execute(
                "INSERT OR REPLACE INTO holds (item, kind, until, at) VALUES (?, ?, ?, ?)",
                (
                    item,
                    "buried" if until else "suspended",
                    _ts(until) if until else None,
                    at.astimezone(UTC).isoformat(),
                ),
            )

    def leeches(self) -> list[str]:
        return [
            r[0] for r in self.db.execute("SELECT item FROM cards WHERE leech = 1 ORDER BY item")
        ]

    def backup(self, target: Path) -> None:
        """A consistent copy of the store at ``target``, by SQLite's online backup: one snapshot,
        taken while a drill in another terminal may go on answering. The copy is checked,
        made one self-contained file (no journal beside it), and renamed into place, so a
        half-written backup never has the backup's name. An existing file is never replaced."""
        import os

        if target.exists():
            raise StoreError(f"{target} already exists: choose another name")
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            copy = sqlite3.connect(tmp, isolation_level=None)
            try:
                self.db.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                copy.close()
            if verdict != "ok":
                raise StoreError(f"the copy of the review store failed its check ({verdict})")
            os.replace(tmp, target)
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot back up the review store: {one_line(str(exc))}") from None
        finally:
            tmp.unlink(missing_ok=True)

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


_CRAM_FIELDS = (
    "uid",
    "item",
    "asked",
    "format",
    "correct",
    "reviewed_at",
    "duration_ms",
    "session",
)


def _card(row: tuple[Any, ...]) -> CardState:
    due = _dt(row[5])
    assert due is not None
    return CardState(
        item=row[0],
        state=row[1],
        step=row[2],
        stability=row[3],
        difficulty=row[4],
        due=due,
        last_review=_dt(row[6]),
        reps=row[7],
        fails=row[8],
        leech=bool(row[9]),
        first_review=_dt(row[10]),
    )
