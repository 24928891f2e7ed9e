"""Assignment dates: the drill works toward them, says what fits, and cramming changes nothing."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cmirev import deadline, scheduler
from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.questions import Mark
from cmirev.session import Answer
from cmirev.store import SCHEMA_VERSION, Store
from cmirev.study import Study

from .helpers import answer, study_at

PSL = "public-services-leadership"
NOW = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)  # a Wednesday evening in London
DUE = date(2026, 12, 5)  # ten study days away


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _units(study: Study, *ids: str) -> list:  # type: ignore[type-arg]
    return [u for u in study.catalog.units if u.id in ids]


def test_every_item_is_introduced_before_the_date_even_over_the_daily_limit(
    catalog: Catalog, tmp_path: Path
) -> None:
    """With 2 new items a day allowed and 60-odd unseen, a date ten days away raises the day's
    new items to the quota; answering every planned item each evening introduces them all with
    two days to spare, one learning outcome after another in turn."""
    path = tmp_path / "r.db"
    study = study_at(catalog, path, NOW, new_per_day=2)
    study.store.set_deadline(PSL, DUE, 30)
    unit = _units(study, PSL)
    total = len(study.items(unit))
    ideas = len({study.key(g) for g in study.items(unit)})
    assert total >= 60
    first = study.plan(unit)
    assert len(first.new) == math.ceil(ideas / 8) > 2  # 8 introduction days, over the limit
    outcomes = [study.entries[g].item for g in first.new]
    assert len({getattr(i, "outcomes", (i.id,))[0] for i in outcomes}) >= 3  # spread over LOs
    introduced_by = {}
    for day in range(10):
        at = NOW + timedelta(days=day)
        study = study_at(catalog, path, at, new_per_day=2)
        for gid in study.plan(unit).items:
            answer(study, gid, True)
        seen = len(study.cards(study.items(unit)))
        introduced_by[day] = seen
    assert introduced_by[7] == total  # every item seen by the eighth evening
    assert introduced_by[6] < total
    assert introduced_by[0] == math.ceil(ideas / 8)


def test_items_that_would_be_weak_on_the_day_are_reviewed_ahead(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A learned item not due before the date but predicted below the target on the day is
    planned ahead (not on the day it was last reviewed); without a date it waits."""
    path = tmp_path / "r.db"
    gid = f"{PSL}/thomas-kilmann"
    at = NOW - timedelta(days=20)
    for gap in (0, 1, 3, 7):  # learned: a few right answers, days apart
        at += timedelta(days=gap)
        answer(study_at(catalog, path, at), gid, True)
    study = study_at(catalog, path, NOW)
    card = study.card(gid)
    assert card is not None and card.state == scheduler.REVIEW_STATE
    unit = _units(study, PSL)
    far = NOW.date() + timedelta(days=60)
    recall_then = scheduler.retrievability(
        study.settings, card, deadline.moment(study, far), study.tz
    )
    assert recall_then < study.settings.desired_retention
    assert card.due > NOW + timedelta(days=1)  # not due: an ordinary drill leaves it
    assert gid not in study.plan(unit, new_limit=0).items
    study.store.set_deadline(PSL, far)
    plan = study.plan(unit)
    assert gid in plan.ahead and gid not in plan.due
    answer(study, gid, True)  # reviewed today: not again today
    assert gid not in study_at(catalog, path, NOW + timedelta(minutes=5)).plan(unit).ahead


def test_the_outlook_says_when_the_plan_does_not_fit_the_time(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Four units due in three days with 10 minutes a day cannot be learned: the outlook says
    so, and how many items would fit; with 60 minutes a day for one unit over ten days it fits."""
    study = study_at(catalog, tmp_path / "r.db", NOW)
    for unit in study.catalog.units:
        study.store.set_deadline(unit.id, NOW.date() + timedelta(days=3), 10)
    tight = deadline.outlook(study, study.store.deadlines()["leadership-in-practice"])
    assert tight["feasible"] is False
    assert 0 <= tight["items_that_fit"] < tight["unseen"]
    assert tight["projected_readiness"] == 0.0
    study.store.set_deadline(PSL, DUE, 60)
    easy = deadline.outlook(study, study.store.deadlines()[PSL])
    assert easy["feasible"] is True and "items_that_fit" not in easy
    ideas = len({study.key(g) for g in study.items(_units(study, PSL))})
    assert easy["new_today"] == math.ceil(ideas / 8) and easy["days_left"] == 10


def test_pace_comes_from_the_learners_own_answer_times(catalog: Catalog, tmp_path: Path) -> None:
    study = study_at(catalog, tmp_path / "r.db", NOW, new_per_day=50)
    assert deadline.seconds_per_answer(study) == deadline.DEFAULT_SECONDS
    for gid in study.plan(list(study.catalog.units)).new[:25]:
        q = study.question(gid)
        assert q is not None
        study.record(Answer(q, "x", Mark(True, True, 3), 12.0))
    assert deadline.seconds_per_answer(study) == pytest.approx(12.0)


def test_cram_answers_change_no_card_and_no_review(catalog: Catalog, tmp_path: Path) -> None:
    """Cramming asks the weakest items on the day first and logs apart: cards, reviews and the
    schedule are exactly as before, and an undo removes the cram answer."""
    path = tmp_path / "r.db"
    learned = f"{PSL}/thomas-kilmann"
    answer(study_at(catalog, path, NOW - timedelta(days=3)), learned, True)
    study = study_at(catalog, path, NOW)
    study.store.set_deadline(PSL, DUE)
    order = deadline.cram_items(study, _units(study, PSL))
    assert order[-1] == learned  # the one item with any memory comes last
    assert len(order) == len({study.key(g) for g in order})
    cards_before = study.store.cards()
    reviews_before = study.store.count_reviews()
    for gid in [*order[:3], learned]:
        q = study.question(gid)
        assert q is not None
        last = study.record_cram(Answer(q, "x", Mark(True, False, 1), 5.0))
    assert study.store.cards() == cards_before
    assert study.store.count_reviews() == reviews_before
    assert study.store.count_cram() == 4
    assert study.undo_cram(last)
    assert study.store.count_cram() == 3


def test_a_store_from_the_last_release_upgrades_with_every_review(tmp_path: Path) -> None:
    """A schema-5 store (what the last release wrote: its tables, its rows) gains deadlines, the
    cram log, the calibration and each card's first review; every review and card is kept."""
    from random import Random

    from cmirev.store import APPLICATION_ID, MIGRATIONS

    path = tmp_path / "v5.db"
    db = sqlite3.connect(path)
    for version in range(1, 6):
        db.executescript(MIGRATIONS[version])
    settings = scheduler.Settings(fuzz=False)
    cards: dict[str, object] = {}
    for day, gid in enumerate([f"{PSL}/thomas-kilmann", f"{PSL}/shannon-weaver"] * 3):
        moment = NOW - timedelta(days=10 - day)
        before = cards.get(gid)
        after = scheduler.review(settings, gid, before, 3, moment, Random(0))  # type: ignore[arg-type]
        cards[gid] = after
        db.execute(
            "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, duration_ms, "
            "before, after, session, overruled, asked) VALUES (?, 'cloze', 3, 1, ?, ?, 4000, ?, ?, "
            "'s1', 0, NULL)",
            (
                gid,
                moment.isoformat(),
                int(moment.timestamp()) * 1_000_000,
                before.to_json() if before else None,  # type: ignore[attr-defined]
                after.to_json(),
            ),
        )
        db.execute(
            "INSERT OR REPLACE INTO cards (item, state, step, stability, difficulty, due, "
            "last_review, reps, fails, leech) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
            (
                gid,
                after.state,
                after.step,
                after.stability,
                after.difficulty,
                int(after.due.timestamp() * 1_000_000),
                int(after.last_review.timestamp() * 1_000_000),  # type: ignore[union-attr]
                after.reps,
            ),
        )
    db.execute("PRAGMA user_version = 5")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    logged = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    stored = db.execute("SELECT * FROM cards ORDER BY item").fetchall()
    db.close()

    upgraded = Store(path)
    assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 9
    columns = len(logged[0])  # later schemas add columns after these (8: the review's uid)
    rows = upgraded.db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    assert [row[:columns] for row in rows] == logged
    cards_now = upgraded.db.execute("SELECT * FROM cards ORDER BY item").fetchall()
    assert [row[:10] for row in cards_now] == stored
    # each card learns when its item was first reviewed, from the log (9)
    first = {gid: min(r[6] for r in logged if r[1] == gid) for gid in cards}
    assert {row[0]: row[10] for row in cards_now} == first
    assert len(logged) == 6 and len(list(upgraded.reviews())) == 6
    assert upgraded.deadlines() == {} and upgraded.count_cram() == 0
    assert upgraded.calibration() is None
    upgraded.set_deadline(PSL, DUE, 20)
    assert upgraded.deadlines()[PSL].minutes == 20


def run(
    runner: CliRunner, *args: str, now: datetime = NOW, input: str = ""
) -> tuple[int, str, str]:
    result = runner.invoke(
        app, list(args), input=input, env={"CMIREV_NOW": now.isoformat(), "TZ": "Europe/London"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_deadline_command_sets_changes_lists_and_clears(runner: CliRunner) -> None:
    code, out, _ = run(runner, "deadline")
    assert code == 0 and "No assignment dates" in out
    code, out, err = run(runner, "deadline", PSL, "2026-12-05", "--minutes", "30")
    assert code == 0, err
    assert "Set: public-services-leadership is due on Sat 5 Dec 2026" in out
    assert "10 study days left" in out and re.search(r"new today: \d+ \(every item", out)
    assert "it fits in your 30 min" in out
    code, out, _ = run(runner, "deadline", PSL, "2026-12-10")
    assert code == 0 and out.startswith("Changed:") and "fits in your 30 min" in out  # kept
    code, out, _ = run(runner, "deadline", "--json")
    listed = json.loads(out)["deadlines"]
    assert [(d["unit"], d["date"], d["minutes_per_day"]) for d in listed] == [
        (PSL, "2026-12-10", 30)
    ]
    code, out, _ = run(runner, "due")
    assert "Assignment dates" in out and "Projected recall on the day if you stop now: 0%" in out
    code, out, _ = run(runner, "stats", "--json")
    assert json.loads(out)["deadlines"][0]["projected_readiness"] == 0.0
    code, out, _ = run(runner, "deadline", PSL, "--clear")
    assert code == 0 and "Cleared" in out
    assert "No assignment dates" in run(runner, "deadline")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PSL, "2026-11-01"), "2026-11-01 has passed (today is 2026-11-25)"),
        ((PSL, "5/12/2026"), "'5/12/2026' is not a date: give it as YYYY-MM-DD"),
        (("nope", "2026-12-05"), "unknown unit 'nope'"),
        ((PSL, "--clear"), "public-services-leadership has no assignment date"),
        (("--clear",), "name the unit"),
        ((PSL, "2026-12-05", "--minutes", "0"), "greater than or equal to 1"),
    ],
)
def test_deadline_usage_errors_are_one_line(
    runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(runner, "deadline", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_the_drill_says_it_works_toward_the_date_and_cram_leaves_the_schedule(
    runner: CliRunner, isolated: Path
) -> None:
    run(runner, "deadline", PSL, "2026-12-05", "--minutes", "20")
    code, out, _ = run(runner, "drill", "--unit", PSL, "--seed", "1", input="q\n")
    assert code == 0
    assert "Working toward public-services-leadership on Sat 5 Dec (10 study day(s) left)." in out
    assert "Time box: 20 min." in out
    store = Store(isolated / "reviews.sqlite3")
    reviews = store.count_reviews()
    code, out, _ = run(
        runner, "drill", "--unit", PSL, "--cram", "--seed", "1", input="\na\n\na\nq\n"
    )
    assert code == 0
    assert "These answers change no schedule" in out and "Cram summary" in out
    assert store.count_reviews() == reviews and store.cards() == {}
    answered = re.search(r"(\d+) answer\(s\)", out)
    assert answered and int(answered.group(1)) >= 1
    assert store.count_cram() == int(answered.group(1))
    code, _, err = run(runner, "drill", "--cram", "--new", "3")
    assert code == 2 and "--cram chooses its own items" in err
