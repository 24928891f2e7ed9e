"""Suspend and bury: items the learner sets aside are left out of drills and due counts, kept in
the store, carried by progress files, kept by a recovery, and counted in stats."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.store import MIGRATIONS, SCHEMA_VERSION, Store

from .helpers import answer, study_at

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=40)  # every item answered at T0 is due by then
KILMANN = "public-services-leadership/thomas-kilmann"
MYTH = "public-services-leadership/public-equals-private"
MYTH_TWIN = "collaborative-public-services-project/public-equals-private"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(autouse=True)
def london(monkeypatch: pytest.MonkeyPatch) -> None:
    """Study days cut in London, as the helpers' studies cut them; the clock at LATER."""
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("CMIREV_NOW", LATER.isoformat())


Cli = Callable[..., Result]


@pytest.fixture
def cli(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``cli(*args, now=moment)``: cmirev run at a moment (LATER by default)."""

    def invoke(*args: str, now: datetime = LATER, stdin: str | None = None) -> Result:
        monkeypatch.setenv("CMIREV_NOW", now.isoformat())
        return runner.invoke(app, list(args), input=stdin)

    return invoke


def learn(catalog: Catalog, home: Path, *gids: str) -> None:
    """Answer each item right once at T0, so that each is due at LATER."""
    study = study_at(catalog, home / "reviews.sqlite3", T0)
    for gid in gids:
        answer(study, gid, True)
    study.store.close()


def due_now(cli: Cli, now: datetime = LATER) -> dict[str, int]:
    """`cmirev due --json`'s totals with the suspended and buried counts."""
    result = cli("due", "--json", now=now)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    return {
        "due": report["total"]["due_now"],
        "new": report["total"]["new_available"],
        "suspended": report["suspended"],
        "buried": report["buried"],
    }


def test_a_suspended_item_is_left_out_of_drills_and_due_until_unsuspended(
    catalog: Catalog, isolated: Path, cli: Cli
) -> None:
    """Suspending a due item takes it out of `due` and the drill (which says it left it out);
    unsuspending puts it back; its reviews stay in the store throughout."""
    learn(catalog, isolated, KILMANN)
    before = due_now(cli)
    assert before["due"] == 1 and before["suspended"] == 0
    result = cli("suspend", "PSL/thomas-kilmann")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Suspended {KILMANN}: left out of drills and due counts until 'cmirev unsuspend' "
        "brings it back; the history is kept.\n"
    )
    assert due_now(cli) == {**before, "due": 0, "suspended": 1}
    drill = cli("drill", "--new", "0", stdin="")
    assert "Nothing is due now." in drill.stdout
    assert "Left out as you asked: 1 suspended ('cmirev suspend --list')." in drill.stdout
    with Store(isolated / "reviews.sqlite3") as store:
        assert store.count_reviews() == 1 and store.card(KILMANN) is not None
    again = cli("suspend", "thomas-kilmann")
    assert again.stdout == f"{KILMANN}: already suspended (see 'cmirev suspend --list').\n"
    assert (
        cli("unsuspend", "thomas-kilmann").stdout
        == f"Brought back {KILMANN}: back in your drills.\n"
    )
    assert due_now(cli) == before
    assert "Today's drill: 1 due, 0 new" in cli("drill", "--new", "0", stdin="").stdout


def test_a_buried_item_comes_back_when_the_next_study_day_starts(
    catalog: Catalog, isolated: Path, cli: Cli
) -> None:
    """`bury` hides a due item for the rest of the study day (which ends at 04:00 local) and
    says when it returns; at 04:00 it is due again with nothing to undo."""
    learn(catalog, isolated, KILMANN)
    evening = datetime(2026, 12, 12, 20, 0, tzinfo=UTC)  # London is on GMT: 20:00 local
    result = cli("bury", KILMANN, now=evening)
    assert result.stdout == f"Buried {KILMANN}: back in your drills tomorrow 04:00.\n"
    assert due_now(cli, evening)["due"] == 0
    late = evening + timedelta(hours=7, minutes=59)  # 03:59 the next morning: the same day
    assert due_now(cli, late) == {
        "due": 0,
        "new": due_now(cli, late)["new"],
        "suspended": 0,
        "buried": 1,
    }
    morning = evening + timedelta(hours=8)
    assert due_now(cli, morning)["due"] == 1
    assert cli("suspend", "--list", now=morning).stdout == (
        "Nothing is suspended or buried: every item is in your drills.\n"
    )


def test_the_list_json_and_stats_show_what_is_set_aside(
    catalog: Catalog, isolated: Path, cli: Cli
) -> None:
    """`suspend --list` lists suspended then buried items with their headings; `--json` gives
    the same records; `stats` counts them."""
    learn(catalog, isolated, KILMANN)
    cli("suspend", KILMANN)
    cli("bury", "CPSP/public-equals-private")
    listed = cli("suspend", "--list").stdout
    assert listed.startswith(
        "Suspended, out of drills until 'cmirev unsuspend ITEM': 1 item.\n"
        f"* {KILMANN}\n    Thomas-Kilmann conflict modes\n"
        "Buried, back when the next study day starts: 1 item.\n"
        f"* {MYTH_TWIN}\n"
    )
    assert "    Back: tomorrow 04:00\n" in listed
    records = json.loads(cli("suspend", "--list", "--json").stdout)
    assert [(r["item"], r["kind"]) for r in records] == [
        (KILMANN, "suspended"),
        (MYTH_TWIN, "buried"),
    ]
    stats = json.loads(cli("stats", "--json").stdout)
    assert (stats["items"]["suspended"], stats["items"]["buried"]) == (1, 3)  # the myth: 3 units
    assert " · 0 leeches · 1 suspended · 3 buried (of " in cli("stats").stdout


def test_an_idea_in_several_units_is_set_aside_and_back_as_one(
    catalog: Catalog, isolated: Path, cli: Cli
) -> None:
    """Items that state one idea (same_as) share one memory: suspending one copy leaves every
    copy out, and naming any copy brings them all back."""
    learn(catalog, isolated, MYTH)
    before = due_now(cli)
    result = cli("suspend", MYTH)
    assert "(with 2 items stating the same idea)" in result.stdout
    assert due_now(cli)["due"] == before["due"] - 1
    assert due_now(cli)["suspended"] == 3
    back = cli("unsuspend", "CPSP/public-equals-private")
    assert back.exit_code == 0 and "Brought back" in back.stdout
    assert due_now(cli) == before


def test_a_unit_or_a_section_is_suspended_at_once(cli: Cli) -> None:
    """--unit and --section choose every drilled item they hold; unsuspend --unit brings back
    only what was set aside there."""
    before = due_now(cli)
    result = cli("suspend", "--unit", "LIP", "--section", "readings")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Suspended 75 items")
    assert due_now(cli)["new"] < before["new"] - 70
    assert cli("unsuspend", "--unit", "HAJ").stdout == (
        "Nothing there is suspended or buried (see 'cmirev suspend --list').\n"
    )
    assert cli("unsuspend", "--all").stdout.startswith("Brought back 75 items")
    assert due_now(cli) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["suspend"],
            "Error: name the items to suspend: cmirev suspend ITEM... (for example "
            "PSL/thomas-kilmann), or cmirev suspend --unit UNIT [--section SECTION]\n",
        ),
        (
            ["bury", "thomas-kilman"],
            "Error: no item 'thomas-kilman'; did you mean "
            "'public-services-leadership/thomas-kilmann'?\n",
        ),
        (
            ["suspend", "--section", "prerequisites"],
            "Error: those units and sections hold no drilled items (prerequisites are read, "
            "not drilled: see 'cmirev units')\n",
        ),
        (
            ["suspend", "--list", "PSL/thomas-kilmann"],
            "Error: --list shows every item set aside: leave out ITEM, --unit, --section\n",
        ),
    ],
)
def test_a_bad_suspend_says_what_to_type(cli: Cli, args: list[str], message: str) -> None:
    """Naming nothing, a typo, or only background reading is one line saying what to type."""
    result = cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_a_prerequisite_cannot_be_suspended(catalog: Catalog, cli: Cli) -> None:
    """A prerequisite is read, not drilled: suspending one says so."""
    unit = next(u for u in catalog.units if u.prerequisites)
    gid = f"{unit.id}/{unit.prerequisites[0].id}"
    result = cli("suspend", gid)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {gid} is background to read, not a drilled item, so there is nothing to "
        "suspend (see 'cmirev help prerequisites')\n"
    )


def test_holds_survive_and_travel_with_progress_files(
    catalog: Catalog, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import rebuilds the cards of the items it brings answers for; a suspended item stays
    suspended. The suspension travels to the other computer, and so does bringing it back."""
    a, b = tmp_path / "a", tmp_path / "b"
    learn(catalog, a, KILMANN)
    study = study_at(catalog, b / "reviews.sqlite3", T0 + timedelta(hours=3))
    answer(study, KILMANN, False)  # B answered it too, between A's answers
    study.store.close()

    def on(home: Path, *args: str, now: datetime = LATER) -> Result:
        monkeypatch.setenv("CMIREV_HOME", str(home))
        result = cli(*args, now=now)
        assert result.exit_code == 0, result.stderr
        return result

    on(a, "suspend", KILMANN)
    on(b, "progress", "export", str(tmp_path / "b.json"))
    imported = on(a, "progress", "import", str(tmp_path / "b.json"))
    assert "rebuilt the schedules of 1 item(s)" in imported.stdout
    with Store(a / "reviews.sqlite3") as store:
        assert store.count_reviews() == 2
        assert [h.kind for h in store.holds(LATER).values()] == ["suspended"]
    on(a, "progress", "export", str(tmp_path / "a.json"))
    moved = on(b, "progress", "import", str(tmp_path / "a.json"))
    assert "1 item(s) suspended, buried or brought back" in moved.stdout
    assert KILMANN in on(b, "suspend", "--list").stdout
    on(b, "unsuspend", KILMANN, now=LATER + timedelta(hours=1))
    on(b, "progress", "export", str(tmp_path / "b.json"))
    on(a, "progress", "import", str(tmp_path / "b.json"))
    assert "Nothing is suspended" in on(a, "suspend", "--list").stdout
    assert on(a, "progress", "import", str(tmp_path / "b.json")).stdout.startswith("Nothing new")


def test_recovery_keeps_what_was_set_aside(catalog: Catalog, isolated: Path, cli: Cli) -> None:
    """`doctor --recover` rebuilds the store from what it can read: suspended and buried items
    stay set aside."""
    learn(catalog, isolated, KILMANN)
    cli("suspend", KILMANN)
    cli("bury", MYTH)
    result = cli("doctor", "--recover")
    assert result.exit_code == 0, result.stderr
    with Store(isolated / "reviews.sqlite3") as store:
        held = {item: hold.kind for item, hold in store.holds(LATER).items()}
    assert held == {KILMANN: "suspended", MYTH: "buried"}


def _previous_store(path: Path) -> list[list[tuple[object, ...]]]:
    """A store as the schema before the holds wrote it, with a review, a card, an event and an
    assignment date; returns its rows."""
    from cmirev.store import APPLICATION_ID

    db = sqlite3.connect(path)
    db.create_function("cmirev_uid", 8, lambda *a: "0" * 32)
    for version in range(1, SCHEMA_VERSION):
        db.executescript(MIGRATIONS[version])
    db.execute(
        "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, duration_ms, "
        "before, after, session, overruled, asked, uid) VALUES ('u/a', 'term', 3, 1, "
        "'2026-11-02T09:00:00+00:00', 1793610000000000, 900, NULL, '{}', 's', 0, NULL, ?)",
        ("a" * 32,),
    )
    db.execute(
        "INSERT INTO cards (item, state, step, stability, difficulty, due, last_review, reps, "
        "fails, leech) VALUES ('u/a', 2, NULL, 3.0, 5.0, 0, 0, 1, 0, 0)"
    )
    db.execute(
        "INSERT INTO events (at, kind, item, detail) VALUES ('t', 'leech-reset', 'u/a', 'x')"
    )
    db.execute("INSERT INTO deadlines VALUES ('u', '2026-12-01', 20, 't')")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    rows = [
        db.execute(f"SELECT * FROM {t}").fetchall()
        for t in ("reviews", "cards", "events", "deadlines")
    ]
    db.close()
    return rows


def test_a_store_from_before_the_holds_migrates_without_loss(tmp_path: Path) -> None:
    """Opening a store of the previous schema adds the holds table, keeps every row, and
    suspending an item in it works."""
    path = tmp_path / "reviews.sqlite3"
    rows = _previous_store(path)
    shutil.copy(path, tmp_path / "copy.sqlite3")
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
        assert "CREATE TABLE holds" in MIGRATIONS[SCHEMA_VERSION]
        kept = [
            store.db.execute(f"SELECT * FROM {t}").fetchall()
            for t in ("reviews", "cards", "events", "deadlines")
        ]
        assert kept == rows
        assert store.holds() == {}
        assert store.hold(["u/a"], "suspended", LATER) == ["u/a"]
        assert list(store.holds(LATER)) == ["u/a"]
