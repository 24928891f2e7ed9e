"""Beyond one terminal: progress merged between two computers, where files live, backups, and
the calendar file of study slots and assignment dates."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.store import MIGRATIONS, SCHEMA_VERSION, Store
from cmirev.study import Study

from .helpers import answer, lapse, study_at

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=40)  # "now" for the commands: after every answer
PSL = "public-services-leadership"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(autouse=True)
def london(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both computers cut study days in London, as the helpers' studies do."""
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("CMIREV_NOW", LATER.isoformat())


Cli = Callable[..., Result]


@pytest.fixture
def on(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Cli]:
    """``on(home)("progress", "export", f)``: run cmirev as the computer whose data is home."""

    def computer(home: Path) -> Cli:
        def invoke(*args: str) -> Result:
            monkeypatch.setenv("CMIREV_HOME", str(home))
            return runner.invoke(app, list(args))

        return invoke

    return computer


def items(catalog: Catalog, count: int) -> list[str]:
    """``count`` items the drill asks about that have no twin (each has a card of its own)."""
    with tempfile.TemporaryDirectory() as folder:
        study = study_at(catalog, Path(folder) / "probe.sqlite3", T0)
        found = [g for g in study.entries if g not in study.group]
        study.store.close()
    return found[:count]


def at(home: Path, catalog: Catalog, moment: datetime) -> Study:
    return study_at(catalog, home / "reviews.sqlite3", moment)


def history(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a store knows, in an order that does not depend on local row ids."""
    db = sqlite3.connect(home / "reviews.sqlite3")
    try:
        queries = {
            "reviews": "SELECT uid, item, asked, format, rating, correct, reviewed_at, ts, "
            "duration_ms, session, overruled, before, after FROM reviews",
            "cards": "SELECT * FROM cards",
            "cram": "SELECT uid, item, asked, format, correct, reviewed_at, ts, duration_ms, "
            "session FROM cram",
            "events": "SELECT at, kind, item, detail FROM events",
            "deadlines": "SELECT * FROM deadlines",
            "cleared": "SELECT * FROM deadlines_cleared",
        }
        return {name: sorted(db.execute(sql).fetchall()) for name, sql in queries.items()}
    finally:
        db.close()


def everything(home: Path) -> list[list[tuple[Any, ...]]]:
    """Every row of every table, local ids included: to show that nothing changed at all."""
    db = sqlite3.connect(home / "reviews.sqlite3")
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in sorted(tables)]
    finally:
        db.close()


def two_computers(catalog: Catalog, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Computer A and computer B, each with answers of its own; one item answered on both,
    the answers interleaving in time; a cram answer on A; a date for one unit on both."""
    a, b = tmp_path / "a", tmp_path / "b"
    g = items(catalog, 4)
    answer(at(a, catalog, T0), g[0], True)
    answer(at(a, catalog, T0 + timedelta(minutes=1)), g[1], True)
    answer(at(b, catalog, T0 + timedelta(hours=11)), g[0], False)
    answer(at(a, catalog, T0 + timedelta(days=1)), g[0], True)
    answer(at(b, catalog, T0 + timedelta(days=1, hours=2)), g[3], True)
    answer(at(a, catalog, T0 + timedelta(days=2)), g[2], False)
    answer(at(b, catalog, T0 + timedelta(days=3)), g[1], True)
    answer(at(a, catalog, T0 + timedelta(days=4)), g[0], True)
    at(a, catalog, T0).store.record_cram(g[1], "term", True, T0 + timedelta(days=2), 1500, "s")
    at(a, catalog, T0).store.set_deadline(PSL, date(2026, 12, 20), 20)
    at(b, catalog, T0).store.set_deadline(PSL, date(2027, 1, 10), None)  # set later: it wins
    return a, b, g


def test_two_computers_merge_both_ways_and_end_equal(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """A's file imported on B, then B's on A: both stores hold the same reviews, cards, cram
    answers and date; importing either file again changes nothing."""
    a, b, g = two_computers(catalog, tmp_path)
    result = on(a)("progress", "export", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Exported 5 review(s) of 3 item(s), 1 cram answer(s) and 1 assignment date(s) to "
        f"{tmp_path / 'a.json'}.\n"
    )
    result = on(b)("progress", "import", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Imported 5 new review(s)")
    assert on(b)("progress", "export", str(tmp_path / "b.json")).exit_code == 0
    result = on(a)("progress", "import", str(tmp_path / "b.json"))
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 new review(s)" in result.stdout and "(5 already here)" in result.stdout

    mine, theirs = history(a), history(b)
    assert len(mine["reviews"]) == 8 and len(mine["cram"]) == 1
    assert mine == theirs
    assert {row[0] for row in mine["cards"]} == set(g)
    assert [(row[0], row[1]) for row in mine["deadlines"]] == [(PSL, "2027-01-10")]

    before = everything(a), everything(b)
    for computer, file in ((a, "b.json"), (b, "a.json"), (a, "a.json")):
        result = on(computer)("progress", "import", str(tmp_path / file))
        assert result.exit_code == 0 and result.stdout.startswith("Nothing new in")
    assert (everything(a), everything(b)) == before


def test_a_merged_card_is_what_one_computer_would_have_made(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """Every card after the merge (some reviews kept as made, some replayed) equals the card
    one computer makes when it is given the same ratings at the same moments, in time order."""
    from random import Random

    from cmirev import scheduler

    from .helpers import LONDON

    a, b, g = two_computers(catalog, tmp_path)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    on(b)("progress", "import", str(tmp_path / "a.json"))
    merged = sorted(at(b, catalog, T0).store.reviews(), key=lambda r: r.reviewed_at)
    one: dict[str, Any] = {}
    for review in merged:
        one[review.item] = scheduler.review(
            scheduler.Settings(fuzz=False),
            review.item,
            one.get(review.item),
            review.rating,
            review.reviewed_at,
            Random(1),
            LONDON,
        )
    assert at(b, catalog, T0).store.cards(g) == one
    assert {r.item for r in merged} == set(g)


def test_progress_moves_to_a_new_computer_exactly(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """A new computer that imports a file gets every card exactly as it was made, interval fuzz
    and all (nothing is replayed when nothing interleaves)."""
    import random

    from cmirev.scheduler import Settings

    a, b = tmp_path / "a", tmp_path / "b"
    g = items(catalog, 3)
    for day in range(0, 12, 3):
        moment = T0 + timedelta(days=day)
        study = Study(
            catalog,
            Store(a / "reviews.sqlite3"),
            Settings(fuzz=True),
            tz=at(a, catalog, T0).tz,
            clock=lambda moment=moment: moment,
            rng=random.Random(day),
        )
        for gid in g:
            answer(study, gid, True)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    assert on(b)("progress", "import", str(tmp_path / "a.json")).exit_code == 0
    assert history(a) == history(b)


def test_a_leech_reset_on_one_computer_survives_the_merge(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """A leech put back in the drills on A stays back on B, and after both go on answering it
    and merge both ways, the cards agree and it is still no leech."""
    a, b = tmp_path / "a", tmp_path / "b"
    gid = items(catalog, 1)[0]
    last = lapse(catalog, a / "reviews.sqlite3", gid, 8, T0)
    store = at(a, catalog, last).store
    assert store.leeches() == [gid]
    assert store.reset_leech(gid, last + timedelta(hours=1))
    on(a)("progress", "export", str(tmp_path / "a.json"))
    assert on(b)("progress", "import", str(tmp_path / "a.json")).exit_code == 0
    assert at(b, catalog, last).store.leeches() == []
    assert history(a) == history(b)

    answer(at(b, catalog, last + timedelta(days=2)), gid, True)
    answer(at(a, catalog, last + timedelta(days=3)), gid, True)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    on(b)("progress", "import", str(tmp_path / "a.json"))
    on(b)("progress", "export", str(tmp_path / "b.json"))
    on(a)("progress", "import", str(tmp_path / "b.json"))
    assert history(a) == history(b)
    card = at(a, catalog, last).store.card(gid)
    assert card is not None and not card.leech and card.reps == len(history(a)["reviews"])


def test_recovery_keeps_a_leech_reset(catalog: Catalog, tmp_path: Path) -> None:
    """doctor --recover replays the leech reset with the answers: the item stays in drills."""
    from cmirev.repair import recover_store

    path = tmp_path / "reviews.sqlite3"
    gid = items(catalog, 1)[0]
    last = lapse(catalog, path, gid, 8, T0)
    store = at(tmp_path, catalog, last).store
    store.reset_leech(gid, last + timedelta(hours=1))
    store.record_cram(gid, "term", True, last + timedelta(hours=2), 900, "s")
    store.close()
    recover_store(path)
    recovered = Store(path)
    assert recovered.leeches() == []
    assert recovered.card(gid) is not None
    assert all(uid for (uid,) in recovered.db.execute("SELECT uid FROM cram"))


def test_assignment_dates_merge_the_latest_setting_or_clearing(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """A date set on one computer reaches the other; a date cleared later than it was set
    stays cleared through a merge both ways."""
    a, b, _ = two_computers(catalog, tmp_path)
    at(a, catalog, T0).store.set_deadline("leadership-in-practice", date(2027, 2, 1), 30)

    def exchange() -> None:
        on(a)("progress", "export", str(tmp_path / "a.json"))
        on(b)("progress", "import", str(tmp_path / "a.json"))
        on(b)("progress", "export", str(tmp_path / "b.json"))
        on(a)("progress", "import", str(tmp_path / "b.json"))

    exchange()
    dates = at(b, catalog, T0).store.deadlines()
    assert {u: d.day for u, d in dates.items()} == {
        PSL: date(2027, 1, 10),
        "leadership-in-practice": date(2027, 2, 1),
    }
    assert at(a, catalog, T0).store.clear_deadline(PSL)
    exchange()
    assert set(at(a, catalog, T0).store.deadlines()) == {"leadership-in-practice"}
    assert history(a) == history(b)


def _export(catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]) -> dict[str, Any]:
    a, _, _ = two_computers(catalog, tmp_path)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    return dict(json.loads((tmp_path / "a.json").read_text()))


def _last_review(doc: dict[str, Any], **change: Any) -> dict[str, Any]:
    doc["reviews"][-1].update(change)
    return doc


def _last_card(doc: dict[str, Any], **change: Any) -> dict[str, Any]:
    doc["reviews"][-1]["after"].update(change)
    return doc


HOSTILE: dict[str, Callable[[dict[str, Any], str], str | bytes]] = {
    "not JSON": lambda doc, text: "{oops",
    "empty": lambda doc, text: b"",
    "cut short": lambda doc, text: text[: len(text) // 2],
    "a list": lambda doc, text: "[]",
    "another format": lambda doc, text: json.dumps({**doc, "format": "anki"}),
    "a newer version": lambda doc, text: json.dumps({**doc, "version": 2}),
    "a rating of 9": lambda doc, text: json.dumps(_last_review(doc, rating=9)),
    "NaN": lambda doc, text: text.replace('"stability":', '"stability":NaN,"x":', 1),
    "an escape in an item": lambda doc, text: json.dumps(_last_review(doc, item="u/a\x1b[2J")),
    "one review twice": lambda doc, text: json.dumps(
        {**doc, "reviews": [*doc["reviews"], doc["reviews"][0]]}
    ),
    "a review from the future": lambda doc, text: json.dumps(
        _last_review(doc, reviewed_at="2999-01-01T00:00:00+00:00")
    ),
    "a time as a number": lambda doc, text: json.dumps(_last_review(doc, reviewed_at=1.7e9)),
    "a time without a zone": lambda doc, text: json.dumps(
        _last_review(doc, reviewed_at="2026-11-02T09:00:00")
    ),
    "deep nesting": lambda doc, text: "[" * 100_000 + "]" * 100_000,
    "a huge number": lambda doc, text: text.replace(
        '"duration_ms":', '"duration_ms":' + "9" * 5000 + ',"y":', 1
    ),
    "an unknown field": lambda doc, text: json.dumps(_last_review(doc, evil=True)),
    "binary": lambda doc, text: b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
    "a card state that is not one": lambda doc, text: json.dumps(
        _last_review(doc, after={"state": "review"})
    ),
    "a review card with no memory": lambda doc, text: json.dumps(
        _last_card(doc, state=2, stability=None)
    ),
    "a difficulty FSRS cannot take": lambda doc, text: json.dumps(_last_card(doc, difficulty=0)),
    "a due date at the end of time": lambda doc, text: json.dumps(
        _last_card(doc, due="9999-12-31T23:59:59+00:00")
    ),
}


@pytest.mark.parametrize("fault", list(HOSTILE))
def test_a_bad_progress_file_is_one_error_line_and_changes_nothing(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli], fault: str
) -> None:
    """Every damaged, foreign or hostile file is refused with one error line and exit 1, and the
    store is exactly as it was (the file's good records are not imported either)."""
    doc = _export(catalog, tmp_path, on)
    text = (tmp_path / "a.json").read_text()
    bad = tmp_path / "bad.json"
    content = HOSTILE[fault](doc, text)
    if isinstance(content, str):
        bad.write_text(content, encoding="utf-8")
    else:
        bad.write_bytes(content)
    b = tmp_path / "b"
    before = everything(b)
    result = on(b)("progress", "import", str(bad))
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(bad) in lines[0]
    assert "\x1b" not in result.stderr
    assert everything(b) == before


def test_the_file_names_what_is_wrong(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """The error line says where the fault is and what to do about a newer file."""
    doc = _export(catalog, tmp_path, on)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_last_review(doc, rating=9)))
    result = on(tmp_path / "b")("progress", "import", str(bad))
    assert f"{bad} is damaged: reviews[4].rating: Input should be less than or equal to 4" in (
        result.stderr
    )
    bad.write_text(json.dumps({**doc, "version": 2}))
    result = on(tmp_path / "b")("progress", "import", str(bad))
    assert "written by a newer cmirev" in result.stderr and "upgrade cmirev" in result.stderr
    result = on(tmp_path / "b")("progress", "import", str(tmp_path / "missing.json"))
    assert result.exit_code == 1 and "cannot read" in result.stderr
    result = on(tmp_path / "b")("progress", "import", str(tmp_path))
    assert result.exit_code == 1 and "is a folder" in result.stderr


def test_an_import_that_fails_half_way_leaves_the_store_as_it_was(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import is one transaction: a write that fails after the reviews went in takes them
    back out, and the error is one line."""
    from cmirev.store import StoreError

    a, b, _ = two_computers(catalog, tmp_path)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    before = everything(b)

    def fail(*args: object) -> None:
        raise StoreError("cannot save to the review store: the disk is full")

    monkeypatch.setattr(Store, "rewrite", fail)
    result = on(b)("progress", "import", str(tmp_path / "a.json"))
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot save to the review store: the disk is full\n"
    assert everything(b) == before


def test_a_history_fsrs_cannot_replay_is_one_error_line(
    catalog: Catalog, tmp_path: Path, on: Callable[[Path], Cli], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should FSRS refuse a card state while a merged log is replayed, the import stops with
    one line naming the item, and nothing of the file is kept."""
    from cmirev import sync

    a, b, _ = two_computers(catalog, tmp_path)
    on(a)("progress", "export", str(tmp_path / "a.json"))
    before = everything(b)

    def refuse(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")

    monkeypatch.setattr(sync, "rebuild", refuse)
    result = on(b)("progress", "import", str(tmp_path / "a.json"))
    assert result.exit_code == 1
    assert re.fullmatch(
        r"Error: the history of \S+ cannot be replayed \(0\.0 cannot be raised to a negative "
        r"power\): nothing was imported\n",
        result.stderr,
    )
    assert everything(b) == before


def test_export_never_writes_over_the_store(
    tmp_path: Path, on: Callable[[Path], Cli], isolated: Path
) -> None:
    """Exporting to the review store's own path is refused, and the store still opens."""
    at(isolated, load_catalog(), T0)
    result = on(isolated)("progress", "export", str(isolated / "reviews.sqlite3"))
    assert result.exit_code == 1
    assert "is the review store itself" in result.stderr
    assert Store(isolated / "reviews.sqlite3").count_reviews() == 0


def _schema_7_store(path: Path) -> None:
    """A store as the previous release wrote it (schema 7), with reviews, two of them of one
    item at one moment (a fixed clock), and a cram answer."""
    from random import Random

    from cmirev import scheduler
    from cmirev.store import APPLICATION_ID

    db = sqlite3.connect(path)
    for version in range(1, 8):
        db.executescript(MIGRATIONS[version])
    settings = scheduler.Settings(fuzz=False)
    card = None
    for moment in [T0, T0, T0 + timedelta(days=2)]:
        after = scheduler.review(settings, "u/a", card, 3, moment, Random(0))
        db.execute(
            "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, duration_ms, "
            "before, after, session, overruled, asked) VALUES ('u/a', 'term', 3, 1, ?, ?, ?, ?, "
            "?, 's1', 0, NULL)",
            (
                moment.isoformat(),
                int(moment.timestamp()) * 1_000_000,
                1000,
                card.to_json() if card else None,
                after.to_json(),
            ),
        )
        card = after
    db.execute(
        "INSERT INTO cards (item, state, step, stability, difficulty, due, last_review, reps, "
        "fails, leech) VALUES ('u/a', 2, NULL, 3.0, 5.0, 0, 0, 3, 0, 0)"
    )
    db.execute(
        "INSERT INTO cram (item, asked, format, correct, reviewed_at, ts, duration_ms, session) "
        "VALUES ('u/a', NULL, 'term', 1, ?, ?, 800, 's2')",
        (T0.isoformat(), int(T0.timestamp()) * 1_000_000),
    )
    db.execute("PRAGMA user_version = 7")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()


def test_a_schema_7_store_gains_review_ids_without_loss(
    tmp_path: Path, on: Callable[[Path], Cli]
) -> None:
    """Opening a store of the previous schema gives every review and cram answer an id (two
    reviews at one moment get two), keeps every row as it was, and two copies of one store
    get the same ids, so that merging them adds nothing."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    _schema_7_store(first / "reviews.sqlite3")
    shutil.copytree(first, second)
    old = sqlite3.connect(first / "reviews.sqlite3")
    rows = {
        t: old.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
        for t in ("reviews", "cards", "cram")
    }
    old.close()

    upgraded = Store(first / "reviews.sqlite3")
    assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 8
    for table, kept in rows.items():
        now = upgraded.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        assert [row[: len(kept[0])] for row in now] == kept
    uids = [r.uid for r in upgraded.reviews()]
    assert len(set(uids)) == 3 and all(re.fullmatch("[0-9a-f]{32}", u) for u in uids)
    upgraded.close()
    assert [r.uid for r in Store(second / "reviews.sqlite3").reviews()] == uids

    on(first)("progress", "export", str(tmp_path / "a.json"))
    result = on(second)("progress", "import", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Nothing new in")


def test_a_new_review_gets_an_id_when_it_is_written(catalog: Catalog, tmp_path: Path) -> None:
    """Answers recorded now carry their id, and two answers to one item at one moment differ."""
    study = at(tmp_path, catalog, T0)
    gid = items(catalog, 1)[0]
    answer(study, gid, True)
    answer(study, gid, False)
    uids = [r.uid for r in study.store.reviews()]
    assert len(uids) == 2 and len(set(uids)) == 2 and all(uids)


# -- where, backup, remind


def test_where_shows_every_place_and_whether_it_exists(
    runner: CliRunner, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the first answer the data folder does not exist yet; afterwards the store does;
    --json gives every path; a folder in CMIREV_UNITS is listed."""
    result = runner.invoke(app, ["where"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.match(
        rf"Review store +{re.escape(str(isolated / 'reviews.sqlite3'))} +not yet", lines[2]
    )
    assert "set CMIREV_UNITS" in lines[-1]
    at(isolated, load_catalog(), T0)
    mine = tmp_path / "my-units"
    mine.mkdir()
    monkeypatch.setenv("CMIREV_UNITS", str(mine))
    result = runner.invoke(app, ["where", "--json"])
    found = {row["key"]: row for row in json.loads(result.stdout)}
    assert set(found) == {
        "data",
        "store",
        "config",
        "backups",
        "cache",
        "builtin_units",
        "user_units",
    }
    assert found["store"]["exists"] and not found["config"]["exists"]
    assert found["user_units"] == {
        "key": "user_units",
        "what": "Your units (CMIREV_UNITS)",
        "path": str(mine),
        "exists": True,
    }
    assert "Review store" in runner.invoke(app, ["where"]).stdout


def test_backup_copies_only_what_is_committed_while_another_drill_writes(
    runner: CliRunner, isolated: Path, catalog: Catalog
) -> None:
    """With another process in the middle of writing an answer, backup copies the store as it
    stands (a sound, separate file in backups/), and the writer then commits unharmed."""
    study = at(isolated, catalog, T0)
    for gid in items(catalog, 3):
        answer(study, gid, True)
    writer = sqlite3.connect(isolated / "reviews.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM reviews")
    result = runner.invoke(app, ["backup"])
    writer.execute("COMMIT")
    writer.close()
    assert result.exit_code == 0, result.stderr
    (copy,) = (isolated / "backups").glob("reviews-*.sqlite3")
    assert re.fullmatch(r"reviews-\d{4}-\d\d-\d\d-\d{6}\.sqlite3", copy.name)
    assert result.stdout.startswith(f"Backed up 3 review(s) to {copy}")
    assert not list(isolated.glob("backups/*-wal"))
    saved = Store(copy)
    assert saved.count_reviews() == 3 and saved.integrity() == "ok"
    assert Store(isolated / "reviews.sqlite3").count_reviews() == 0

    result = runner.invoke(app, ["backup", str(copy)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {copy} already exists: choose another name\n"
    second = runner.invoke(app, ["backup"])
    assert second.exit_code == 0 and len(list((isolated / "backups").glob("*.sqlite3"))) == 2


def test_backup_with_no_store_says_so(runner: CliRunner, isolated: Path) -> None:
    """Nothing to back up yet is one error line, and no store is created by asking."""
    result = runner.invoke(app, ["backup"])
    assert result.exit_code == 1
    assert "no review store yet" in result.stderr and "nothing to back up" in result.stderr
    assert not (isolated / "reviews.sqlite3").exists()


def unfold(raw: bytes) -> list[str]:
    """RFC 5545 content lines from a file: every line ends in CRLF and is at most 75 octets;
    a line that starts with a space continues the one before."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical)
    lines: list[str] = []
    for line in physical:
        text = line.decode("utf-8")
        if text.startswith(" "):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def components(lines: list[str]) -> list[dict[str, Any]]:
    """The VEVENTs, each as {property name with parameters: value}, checking BEGIN/END nest."""
    stack: list[str] = []
    events: list[dict[str, Any]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack[-1] == "VEVENT":
            events[-1][name] = value
        elif stack[-1] == "VALARM":
            events[-1].setdefault("alarm", {})[name] = value
    assert stack == []
    return events


def unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def test_remind_writes_a_calendar_that_parses_back(
    runner: CliRunner, isolated: Path, tmp_path: Path
) -> None:
    """The file is valid iCalendar: CRLF, folded lines, balanced components; a daily slot at
    the time asked with a reminder; an all-day event for each date to come (not past ones);
    the same UIDs each time it is written."""
    store = at(isolated, load_catalog(), T0).store
    store.set_deadline(PSL, date(2026, 12, 20), 25)
    store.set_deadline("leadership-in-practice", date(2026, 11, 1), None)  # passed
    ics = tmp_path / "study.ics"
    result = runner.invoke(app, ["remind", "--ics", str(ics), "--time", "07:30"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {ics}: a 25-minute study slot every day at 07:30")
    lines = unfold(ics.read_bytes())
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//cmirev//cmirev" in lines[2]
    assert "X-WR-TIMEZONE:Europe/London" in lines
    slot, due = components(lines)
    assert slot["DTSTART"] == f"{LATER:%Y%m%d}T073000"  # floating local time
    assert slot["RRULE"] == "FREQ=DAILY" and slot["DURATION"] == "PT25M"
    assert slot["alarm"]["TRIGGER"] == "-PT5M" and slot["alarm"]["ACTION"] == "DISPLAY"
    assert "cmirev drill" in unescape(slot["DESCRIPTION"])
    assert "\n" in unescape(slot["DESCRIPTION"]) and "," in unescape(slot["DESCRIPTION"])
    assert due["DTSTART;VALUE=DATE"] == "20261220" and due["DTEND;VALUE=DATE"] == "20261221"
    assert unescape(due["SUMMARY"]) == "Assignment due: Public Services Leadership"
    assert due["alarm"]["TRIGGER"] == "-P7D"
    for event in (slot, due):
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    runner.invoke(app, ["remind", "--ics", str(ics)])
    again = components(unfold(ics.read_bytes()))
    assert (
        [e["UID"] for e in again]
        == [slot["UID"], due["UID"]]
        == [
            "daily-drill@cmirev",
            f"deadline-{PSL}@cmirev",
        ]
    )
    assert again[0]["DTSTART"].endswith("T190000") and int(again[0]["SEQUENCE"]) >= int(
        slot["SEQUENCE"]
    )


def test_calendar_text_is_escaped_and_folded_without_splitting_a_character() -> None:
    """Commas, semicolons, backslashes and newlines are escaped, control characters dropped,
    and a long line of multi-byte characters folds on character boundaries."""
    from cmirev.remind import escape, fold

    assert escape("a,b;c\\d\ne\x1b") == "a\\,b\\;c\\\\d\\ne"
    text = "SUMMARY:" + "Leadership — é ✓ " * 20
    folded = fold(text).encode("utf-8")
    assert unfold(folded) == [text]


@pytest.mark.parametrize("value", ["25:00", "7", "7.30", "seven", "07:5"])
def test_remind_refuses_a_time_that_is_not_one(
    runner: CliRunner, tmp_path: Path, value: str
) -> None:
    """A bad --time is a usage error in one line that says how to write it; no file appears."""
    ics = tmp_path / "x.ics"
    result = runner.invoke(app, ["remind", "--ics", str(ics), "--time", value])
    assert result.exit_code == 2
    assert result.stderr == f"Error: '{value}' is not a time: give it as HH:MM, e.g. 19:00\n"
    assert not ics.exists()


def _record(store: Store, item: str, rating: int, moment: datetime, rng: Any) -> None:
    """An answer as a drill saves it: on the card as this computer has it, interval fuzz on."""
    from cmirev import scheduler

    from .helpers import LONDON

    before = store.card(item)
    after = scheduler.review(
        scheduler.Settings(fuzz=True), item, before, rating, moment, rng, LONDON
    )
    store.record(item, "cloze", rating, rating > 1, moment, before, after, 4000, "s")


@pytest.mark.parametrize("seed", range(40))
def test_any_order_of_answers_and_merges_ends_with_equal_stores(tmp_path: Path, seed: int) -> None:
    """Two computers answer the same few items over weeks, merging one way, the other way or
    not at all between sessions; once each has imported the other's file, the two stores hold
    the same log and the same cards (equal whatever the interleaving)."""
    import random

    from cmirev import sync
    from cmirev.scheduler import Settings

    from .helpers import LONDON

    rng = random.Random(seed)
    stores = [Store(tmp_path / "a.sqlite3"), Store(tmp_path / "b.sqlite3")]
    files = [tmp_path / "a.json", tmp_path / "b.json"]

    def send(source: int) -> None:
        sync.export_progress(stores[source], files[source], LATER)
        progress = sync.read_progress(files[source], LATER)
        sync.import_progress(stores[1 - source], [progress], Settings(), LONDON)

    moment = T0
    for _ in range(8):
        for store in stores:
            for _ in range(rng.randint(0, 4)):
                moment += timedelta(hours=rng.uniform(0.1, 30))
                _record(store, f"u/i{rng.randint(0, 3)}", rng.choice([1, 2, 3, 3, 4]), moment, rng)
        for source in rng.sample([0, 1], rng.randint(0, 2)):
            send(source)
    send(0)
    send(1)
    first, second = (
        sorted((r.uid, r.item, r.rating, r.reviewed_at, r.before, r.after) for r in s.reviews())
        for s in stores
    )
    assert first == second
    assert stores[0].cards() == stores[1].cards()
    for store in stores:  # each card is the last state of its log
        for item, card in store.cards().items():
            last = max(store.reviews(item), key=lambda r: (r.reviewed_at, r.after.reps))
            assert card == last.after
