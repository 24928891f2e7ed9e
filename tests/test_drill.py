"""Daily drills: planning, recording, undo, limits, and the commands around them."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.models import Catalog
from cmirev.questions import LETTERS, Mark, Question
from cmirev.scheduler import Settings, retrievability
from cmirev.session import Answer
from cmirev.store import SCHEMA_VERSION, CardState, Store
from cmirev.study import Study

from .helpers import answer, lapse, study_at

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog()


def test_new_items_interleave_units_and_respect_the_daily_limit(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The first new items come from different units; the day's new limit spans sessions."""
    study = study_at(catalog, tmp_path / "r.db", NOW, new_per_day=6)
    plan = study.plan(list(catalog.units))
    assert len(plan.new) == 6
    assert len({gid.split("/")[0] for gid in plan.new[:4]}) == 4
    for gid in plan.new[:4]:
        answer(study, gid, True)
    later = study.plan(list(catalog.units))
    assert len(later.new) == 2
    assert not set(later.new) & set(plan.new[:4])


def test_due_reviews_come_first_lowest_recall_first(catalog: Catalog, tmp_path: Path) -> None:
    """Days later, due items are planned before new ones, the most forgotten first."""
    path = tmp_path / "r.db"
    day0 = study_at(catalog, path, NOW)
    first = day0.plan(list(catalog.units)).new[:3]
    for gid in first:
        answer(day0, gid, True)
    answer(study_at(catalog, path, NOW + timedelta(days=1)), first[2], True)
    later = study_at(catalog, path, NOW + timedelta(days=30))
    plan = later.plan(list(catalog.units))
    due = [later.key(g) for g in plan.due]  # twins share one card: compare the ideas
    assert {later.key(g) for g in first} <= set(due)
    assert plan.new and plan.items == plan.due + plan.new
    recall = [retrievability(later.settings, later.card(g), later.now()) for g in plan.due]  # type: ignore[arg-type]
    assert recall == sorted(recall)
    where = [due.index(later.key(g)) for g in first]
    assert where[2] > max(where[0], where[1])


def test_siblings_are_not_both_asked_on_one_day(catalog: Catalog, tmp_path: Path) -> None:
    """After answering one unit's public-equals-private, its twins in other units wait a day."""
    study = study_at(catalog, tmp_path / "r.db", NOW, new_per_day=500)
    answer(study, "public-services-leadership/public-equals-private", True)
    plan = study.plan(list(catalog.units))
    assert "collaborative-public-services-project/public-equals-private" not in plan.items
    assert (
        "planning-to-meet-public-services-customer-requirements/public-equals-private"
        not in plan.items
    )
    assert plan.siblings_held >= 2
    groups = [study.generator.group.get(g, g) for g in plan.items]
    assert len(groups) == len(set(groups))


def test_leeches_are_left_out_and_reported(catalog: Catalog, tmp_path: Path) -> None:
    """An item forgotten 8 times after it was learned is not planned and is listed as a leech;
    wrong answers while it is still being learned do not count."""
    path = tmp_path / "r.db"
    gid = "public-services-leadership/mehrabian-7-38-55"
    for n in range(12):
        answer(study_at(catalog, path, NOW + timedelta(minutes=n)), gid, False)
    assert Store(path).leeches() == []  # twelve wrong answers while learning: no lapse
    at = lapse(catalog, path, gid, 8, NOW)
    plan = study_at(catalog, path, at + timedelta(days=20)).plan(list(catalog.units))
    assert gid in plan.leeches
    assert gid not in plan.items


def test_formats_follow_memory(catalog: Catalog, tmp_path: Path) -> None:
    """A new item is asked by recognition; once learned, by recall."""
    path = tmp_path / "r.db"
    gid = "public-services-leadership/kotter-8-steps"
    study = study_at(catalog, path, NOW)
    q = study.question(gid)
    assert q is not None and q.format in {"term", "definition", "true-false"}
    at = NOW
    for days in (0, 1, 4, 12):
        at = NOW + timedelta(days=days)
        answer(study_at(catalog, path, at), gid, True)
    learned = study_at(catalog, path, at + timedelta(days=30)).question(gid)
    assert learned is not None and learned.format in {"cloze", "recall", "order"}


def test_a_change_of_timezone_keeps_history_and_plans(catalog: Catalog, tmp_path: Path) -> None:
    """Studying in Tokyo then in Los Angeles: no crash, every review kept, days still counted."""
    path = tmp_path / "r.db"
    tokyo = Study(
        catalog, Store(path), Settings(fuzz=False), tz=ZoneInfo("Asia/Tokyo"), clock=lambda: NOW
    )
    for gid in tokyo.plan(list(catalog.units)).new[:3]:
        answer(tokyo, gid, True)
    la = Study(
        catalog,
        Store(path),
        Settings(fuzz=False),
        tz=ZoneInfo("America/Los_Angeles"),
        clock=lambda: NOW + timedelta(hours=2),
    )
    plan = la.plan(list(catalog.units))
    assert la.store.count_reviews() == 3
    assert len(plan.new) == 1  # the three of "today" still count against the new limit (4)


def drill(runner: CliRunner, *args: str, input: str, now: datetime = NOW) -> tuple[int, str, str]:
    result = runner.invoke(app, ["drill", *args], input=input, env={"CMIREV_NOW": now.isoformat()})
    return result.exit_code, result.stdout, result.stderr


def wrong_reply(q: Question) -> list[str]:
    """The lines a learner who gets this question wrong types."""
    if q.format == "true-false":
        return ["f" if q.answer == 0 else "t"]
    if q.is_choice:
        return [LETTERS[(q.answer + 1) % len(q.options)]]
    if q.format == "order":
        return [" ".join(reversed(q.model_answer.split()))]
    if q.self_graded:
        return ["", "1"]
    return ["zz-wrong", "zz-wrong"]


def reviews(home: Path) -> int:
    db = sqlite3.connect(home / "reviews.sqlite3")
    try:
        return int(db.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        db.close()


def test_drill_saves_each_answer_and_q_says_what_remains(runner: CliRunner, isolated: Path) -> None:
    """Two answers then q: two reviews saved, the summary says so and what is left today."""
    code, out, _ = drill(runner, "--new", "5", "--seed", "1", input="a\na\nq\n")
    assert code == 0
    assert "Today's drill: 0 due, 5 new; about " in out
    assert "Drill stopped." in out
    assert "Saved 2 answer(s) on 2 item(s)" in out
    assert "item(s) remain for today" in out
    assert reviews(isolated) == 2


def test_a_wrong_answer_comes_back_later_in_the_session(runner: CliRunner, isolated: Path) -> None:
    """An item answered wrongly is asked again after a few others, and both answers are saved."""
    code, out, _ = drill(runner, "--new", "5", "--seed", "2", input="b\n\n3\n" * 30)
    assert code == 0
    sources = [line for line in out.splitlines() if line.startswith("Source: ")]
    repeated = [s for s in set(sources) if sources.count(s) > 1]
    assert repeated, out


def test_u_undoes_the_last_answer(runner: CliRunner, isolated: Path) -> None:
    """u removes the last review and asks that question again."""
    code, out, _ = drill(runner, "--new", "3", "--seed", "3", input="a\nu\nq\n")
    assert code == 0
    assert "Undone: your answer 'a' was removed; here is the question again." in out
    assert out.count("Question 1 of 3") == 2
    assert reviews(isolated) == 0


def test_u_with_nothing_to_undo(runner: CliRunner) -> None:
    """u before any answer says there is nothing to undo and asks the same question."""
    code, out, _ = drill(runner, "--new", "2", "--seed", "3", input="u\nq\n")
    assert code == 0
    assert "Nothing to undo yet." in out


def test_nothing_due_says_when_and_offers_new_items(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """With today's new items learned and nothing due, the drill says when to come back."""
    runner.invoke(app, ["config", "new_per_day", "1"])
    path = isolated / "reviews.sqlite3"
    gid = study_at(catalog, path, NOW).plan(list(catalog.units)).new[0]
    answer(study_at(catalog, path, NOW), gid, True)
    answer(study_at(catalog, path, NOW + timedelta(minutes=15)), gid, True)
    code, out, _ = drill(runner, input="", now=NOW + timedelta(hours=3))
    assert code == 0
    assert "Nothing is due now." in out
    assert "Next review due" in out
    assert "'cmirev drill --new 5' starts five more now." in out


def test_quiz_answers_become_reviews_unless_practice(runner: CliRunner, isolated: Path) -> None:
    """A quiz records its answers in the store; --practice leaves it untouched."""
    runner.invoke(
        app,
        ["quiz", "all", "-n", "2", "--seed", "5", "-f", "term"],
        input="a\na\n",
        env={"CMIREV_NOW": NOW.isoformat()},
    )
    assert reviews(isolated) == 2
    runner.invoke(
        app, ["quiz", "all", "-n", "2", "--seed", "5", "-f", "term", "--practice"], input="a\na\n"
    )
    assert reviews(isolated) == 2


def test_due_json_has_per_unit_counts_and_a_week_forecast(runner: CliRunner) -> None:
    """`cmirev due --json`: due now, new, leeches and seven forecast days for every unit."""
    _, out, _ = drill(runner, "--new", "4", "--seed", "6", input="a\na\na\na\n")
    saved = re.search(r"Saved (\d+) answer\(s\) on (\d+) item", out)
    assert saved and int(saved.group(2)) >= 3  # input may end at a self-graded question
    result = runner.invoke(
        app, ["due", "--json"], env={"CMIREV_NOW": (NOW + timedelta(days=2)).isoformat()}
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert {"today", "new_left_today", "units", "total", "forecast_days", "next_due"} <= set(report)
    assert len(report["units"]) == len(load_catalog().units) == 5
    assert all(len(u["forecast"]) == 7 for u in report["units"])
    seen = sum(u["due_now"] for u in report["units"]) + sum(report["total"]["forecast"][1:])
    assert seen == int(saved.group(2))
    assert sum(u["new_available"] for u in report["units"]) == report["total"]["new_available"]


def test_config_reads_checks_and_writes(runner: CliRunner, isolated: Path) -> None:
    """Settings are shown, set, kept in config.toml, and bad values are refused."""
    result = runner.invoke(app, ["config", "desired-retention", "0.85"])
    assert result.exit_code == 0 and "0.85" in result.stdout
    assert "desired_retention = 0.85" in (isolated / "config.toml").read_text()
    result = runner.invoke(app, ["config", "desired_retention", "0.99"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "Error: desired_retention must be between 0.70 and 0.97, not 0.99"
    )
    result = runner.invoke(app, ["config", "retention"])
    assert result.exit_code == 2 and "unknown setting 'retention'" in result.stderr
    (isolated / "config.toml").write_text("new_per_day = 'many'\n")
    result = runner.invoke(app, ["due"])
    assert (
        result.exit_code == 1 and "config.toml: new_per_day must be a whole number" in result.stderr
    )


def test_leeches_command_lists_and_resets(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """A leech shows in `cmirev leeches`; --reset puts it back; resetting a non-leech is an error."""
    gid = "public-services-leadership/mehrabian-7-38-55"
    lapse(catalog, isolated / "reviews.sqlite3", gid, 8, NOW - timedelta(days=300))
    result = runner.invoke(app, ["leeches"])
    assert gid in result.stdout and "Mehrabian" in result.stdout
    typo = runner.invoke(app, ["leeches", "--reset", "mehrabian-7-38"])
    assert typo.exit_code == 2
    assert typo.stderr.startswith(f"Error: no item 'mehrabian-7-38'; did you mean '{gid}'?")
    # The item id alone, or with the unit's code, finds it: no need to type the unit id.
    done = runner.invoke(app, ["leeches", "--reset", "mehrabian-7-38-55"])
    assert done.exit_code == 0 and f"Reset {gid}" in done.stdout
    again = runner.invoke(app, ["leeches", "--reset", "psl/mehrabian-7-38-55"])
    assert again.exit_code == 2
    assert again.stderr.strip() == f"Error: '{gid}' is not a leech; there are none"


def test_validate_lists_orphaned_history(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """History of an item whose id disappeared is kept and listed by validate; drills still run."""
    study = study_at(catalog, isolated / "reviews.sqlite3", NOW)
    q = study.question("public-services-leadership/kotter-8-steps")
    assert q is not None
    from dataclasses import replace

    gone = replace(q, item="public-services-leadership/old-kotter-id")
    study.record(Answer(gone, "a", Mark(True, True, 3), 1.0))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert (
        "Orphaned history: public-services-leadership/old-kotter-id (1 review) is no longer in the content."
        in result.stdout
    )
    assert drill(runner, "--new", "1", input="q\n")[0] == 0
    assert reviews(isolated) == 1


def test_a_damaged_store_is_an_error_and_left_alone(runner: CliRunner, isolated: Path) -> None:
    """A corrupt reviews.sqlite3 makes drill and due exit 1 with advice; the file is unchanged."""
    isolated.mkdir(parents=True, exist_ok=True)
    store = isolated / "reviews.sqlite3"
    store.write_bytes(b"this is not sqlite at all" * 100)
    before = store.read_bytes()
    for args in (["drill"], ["due"]):
        result = runner.invoke(app, args, input="")
        assert result.exit_code == 1
        assert "is damaged or not a database" in result.stderr
        assert "Traceback" not in result.stderr
    assert store.read_bytes() == before


def test_an_unusable_data_directory_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    """CMIREV_HOME pointing through a file: exit 1, one line saying why."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["due"], env={"CMIREV_HOME": str(blocker / "home")})
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "Error: cannot use the data folder" in result.stderr


def test_right_answers_in_a_scripted_drill_schedule_items_for_later_days(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """Answering a drill right pushes every item past today, so tomorrow's plan has no reviews."""
    study = study_at(catalog, isolated / "reviews.sqlite3", NOW)
    plan = study.plan(list(catalog.units), new_limit=3)
    for gid in plan.items:
        answer(study, gid, True)
        answer(
            study_at(catalog, isolated / "reviews.sqlite3", NOW + timedelta(minutes=15)), gid, True
        )
    tomorrow = study_at(catalog, isolated / "reviews.sqlite3", NOW + timedelta(days=1))
    assert not set(tomorrow.plan(list(catalog.units)).due) & set(plan.items)


def test_the_learner_is_told_when_an_item_becomes_a_leech(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """The eighth lapse of an item in a drill says it is now a leech and left out of drills."""
    path = isolated / "reviews.sqlite3"
    gid = "public-services-leadership/mehrabian-7-38-55"
    at = lapse(catalog, path, gid, 7, NOW - timedelta(days=200))
    while (card := Store(path).card(gid)) is not None and card.state != 2:
        at += timedelta(days=1)
        answer(study_at(catalog, path, at), gid, True)
    assert at < NOW - timedelta(days=30)  # in review and long overdue by NOW
    # The question the drill will ask (same store, same seed), to answer it wrongly.
    question = study_at(catalog, path, NOW).question(gid)
    assert question is not None
    code, out, _ = drill(
        runner,
        "--unit",
        "public-services-leadership",
        "--new",
        "0",
        "--seed",
        "1",
        input="\n".join(wrong_reply(question)) + "\n",
    )
    assert code == 0
    assert f"{gid} has now been forgotten 8 times after it was learned: it is a leech" in out
    assert Store(path).leeches() == [gid]


def test_an_overruled_answer_schedules_as_if_it_had_been_right(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Overruling replaces the wrong review by one marked right and flagged: the card is the one
    a right answer would have given, and the log keeps one review for the answer."""
    gid = "public-services-leadership/thomas-kilmann"
    ruled = study_at(catalog, tmp_path / "a.db", NOW)
    question = ruled.question(gid)
    assert question is not None
    wrong = Answer(question, "zz", Mark(True, False, 1), 4.0)
    review_id = ruled.record(wrong)
    ruled.overrule(review_id, Answer(question, "zz", Mark(True, True, 3, note="overruled"), 4.0))
    plain = study_at(catalog, tmp_path / "b.db", NOW)
    plain.record(Answer(question, "zz", Mark(True, True, 3), 4.0))
    assert ruled.store.card(gid) == plain.store.card(gid)
    log = list(ruled.store.reviews(gid))
    assert [(r.correct, r.overruled, r.rating) for r in log] == [(True, True, 3)]


def test_a_version_1_store_gains_the_overruled_column_and_keeps_its_reviews(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Opening a store written by the previous schema migrates it in place; nothing is lost."""
    from cmirev.store import _SCHEMA_V1, APPLICATION_ID

    path = tmp_path / "old.db"
    gid = "public-services-leadership/thomas-kilmann"
    card = CardState(gid, 2, None, 5.0, 5.0, NOW + timedelta(days=5), NOW, reps=1)
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_V1)
    db.execute(
        "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, before, after) "
        "VALUES (?, 'term', 3, 1, ?, ?, NULL, ?)",
        (gid, NOW.isoformat(), int(NOW.timestamp() * 1_000_000), card.to_json()),
    )
    db.execute("PRAGMA user_version = 1")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()
    study = study_at(catalog, path, NOW)
    assert study.store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (old,) = study.store.reviews()
    assert (old.item, old.correct, old.overruled, old.after) == (gid, True, False, card)
    answer(study, gid, False)
    assert [r.overruled for r in study.store.reviews()] == [False, False]


def test_evaluate_scores_the_learners_own_history(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """Answers given on two study days are replayed: the second day's are scored."""
    path = isolated / "reviews.sqlite3"
    items = [f"public-services-leadership/{i}" for i in ("thomas-kilmann", "shannon-weaver")]
    for day, right in ((0, True), (3, False)):
        study = study_at(catalog, path, NOW + timedelta(days=day))
        for gid in items:
            answer(study, gid, right)
    result = runner.invoke(app, ["evaluate", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["reviews"], report["items"], report["scored"]) == (4, 2, 2)
    assert report["mean_recalled"] == 0.0
    assert report["auc"] is None  # every scored review forgotten: no ranking to judge


def test_moments_are_said_in_local_time() -> None:
    """Due times are shown in the learner's zone, relative to now, across a change of clocks."""
    from zoneinfo import ZoneInfo

    from cmirev.localtime import when_text

    london = ZoneInfo("Europe/London")
    now = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # Saturday; clocks go forward that night
    assert when_text(now - timedelta(minutes=5), now, london) == "now"
    assert when_text(now + timedelta(minutes=10), now, london) == "in 10 min"
    assert when_text(now + timedelta(hours=2), now, london) == "today 22:00"
    assert when_text(now + timedelta(hours=13), now, london) == "tomorrow 10:00"  # BST
    assert when_text(now + timedelta(days=3), now, london) == "Tue 31 Mar 21:00"
    assert when_text(now + timedelta(days=30), now, london) == "27 Apr 2026 21:00"


def test_the_local_zone_keeps_daylight_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    """TZ naming a zone gives that zone's rules, not today's fixed offset."""
    from cmirev.localtime import local_tz

    monkeypatch.setenv("TZ", "Europe/London")
    zone = local_tz()
    assert datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset() == timedelta(0)
    assert datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=1)


def test_a_version_2_store_counts_only_lapses_and_frees_false_leeches(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Upgrading a store whose leech count included wrong answers while learning: the count
    becomes the item's lapses in the log, a false leech is freed, and no review is lost."""
    from cmirev.store import _SCHEMA_V1, _SCHEMA_V2, APPLICATION_ID

    path = tmp_path / "v2.db"
    gid = "public-services-leadership/thomas-kilmann"
    before = CardState(gid, 1, 0, 1.0, 7.0, NOW, NOW - timedelta(days=1), reps=8, fails=8)
    after = CardState(gid, 1, 0, 0.5, 8.0, NOW, NOW, reps=9, fails=9, leech=True)
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_V1 + _SCHEMA_V2)
    for n in range(9):  # nine wrong answers while learning, as the first release counted them
        db.execute(
            "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, before, after) "
            "VALUES (?, 'term', 1, 0, ?, ?, ?, ?)",
            (gid, NOW.isoformat(), n, before.to_json(), after.to_json()),
        )
    db.execute(
        "INSERT INTO cards (item, state, step, stability, difficulty, due, last_review, reps, "
        "fails, leech) VALUES (?, 1, 0, 0.5, 8.0, 0, 0, 9, 9, 1)",
        (gid,),
    )
    db.execute("PRAGMA user_version = 2")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()
    store = Store(path)
    card = store.card(gid)
    assert card is not None and (card.fails, card.leech) == (0, False)
    assert store.count_reviews() == 9


def test_todays_work_is_everything_due_before_the_study_day_ends(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A review due this evening is in the morning's drill; a learning step due in ten minutes
    waits for its time; the review limit never holds back a relearning step."""
    from cmirev import scheduler

    settings = Settings(fuzz=False)
    morning = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    evening = CardState("u/review", 2, None, 10.0, 5.0, morning + timedelta(hours=12), morning)
    tomorrow = CardState("u/later", 2, None, 10.0, 5.0, morning + timedelta(hours=20), morning)
    step = CardState("u/step", 1, 1, 1.0, 5.0, morning + timedelta(minutes=10), morning)
    relearn = CardState("u/relearn", 3, 0, 1.0, 5.0, morning - timedelta(minutes=1), morning)
    cards = {c.item: c for c in (evening, tomorrow, step, relearn)}
    plan = scheduler.plan_drill(
        settings, list(cards), cards, {}, morning, {}, review_limit=0, tz=UTC
    )
    assert plan.due == ["u/relearn"]  # the limit of 0 reviews holds back only the review
    plan = scheduler.plan_drill(settings, list(cards), cards, {}, morning, {}, tz=UTC)
    assert plan.due == ["u/relearn", "u/review"]
    assert plan.later == ["u/step"]
    assert "u/later" not in plan.due  # due after 04:00 tomorrow: tomorrow's work


def test_a_focused_drill_asks_only_what_it_is_focused_on(runner: CliRunner) -> None:
    """--section, --outcome and --criterion narrow the drill's items; unknown ones are errors."""
    code, out, _ = drill(
        runner, "--unit", "public-services-leadership", "--section", "misconceptions",
        "--new", "3", "--seed", "1", input="a\n" * 20,
    )  # fmt: skip
    assert code == 0
    sources = [line for line in out.splitlines() if line.startswith("Source: ")]
    assert sources and all("› Misconceptions (" in s for s in sources), sources
    code, out, _ = drill(
        runner, "--unit", "public-services-leadership", "--criterion", "AC3",
        "--new", "4", "--seed", "1", input="a\n" * 20,
    )  # fmt: skip
    assert code == 0
    study_items = {
        line.rsplit("(", 1)[1].rstrip(")")
        for line in out.splitlines()
        if line.startswith("Source: ")
    }
    unit = load_catalog().get("public-services-leadership")
    assert unit is not None
    linked = {i.id for _, i in unit.items() if "LO3" in i.outcomes} | {"AC3"}
    assert study_items and study_items <= linked, study_items
    result = runner.invoke(
        app, ["drill", "--unit", "public-services-leadership", "--outcome", "LO9"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no learning outcome 'LO9' in the units chosen: --outcome takes one of LO1, "
        "LO2, LO3 ('cmirev show outcomes' shows them)\n"
    )
    lower = runner.invoke(app, ["drill", "--unit", "psl", "--outcome", "lo3", "--new", "1"])
    assert lower.exit_code == 0, lower.stderr


def test_weakest_practises_the_items_likeliest_to_be_forgotten(
    runner: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    """--weakest N drills the seen items with the lowest predicted recall, due or not."""
    path = isolated / "reviews.sqlite3"
    strong = "public-services-leadership/thomas-kilmann"
    weak = "public-services-leadership/shannon-weaver"
    for days in (0, 1, 3, 7):
        answer(study_at(catalog, path, NOW - timedelta(days=30 - days)), strong, True)
    answer(study_at(catalog, path, NOW - timedelta(days=30)), weak, True)
    study = study_at(catalog, path, NOW)
    assert study.weakest([strong, weak], 1) == [weak]
    code, out, _ = drill(runner, "--weakest", "1", "--seed", "1", input="a\n" * 5)
    assert code == 0
    assert "Today's drill: 1 due, 0 new; about " in out
    assert "Question 1 of 1" in out and "Shannon-Weaver" in out and "Thomas-Kilmann" not in out


class TrueUI:
    """A session UI that answers every question 't' and shows nothing."""

    def question(self, q: Question, number: int, total: int) -> None: ...
    def read(self, prompt: str) -> str:
        return "t"

    def hint(self, text: str) -> None: ...
    def help(self, question: Question) -> None: ...
    def reveal(self, question: Question) -> None: ...
    def feedback(self, answer: Answer) -> None: ...


def test_a_time_box_stops_the_drill_before_the_next_question() -> None:
    """With --minutes, no question starts once the time is up; what was answered is kept."""
    from cmirev.session import Summary, run_drill

    q = Question(
        format="true-false", item="u/x", unit="u", section="facts", outcomes=(),
        prompt="p", options=("True", "False"), answer=0, model_answer="True",
    )  # fmt: skip
    ticks = iter(range(0, 10_000, 100))  # each look at the clock is 100 s later

    summary = Summary(seed=0, planned=5)
    run_drill(
        ["u/a", "u/b", "u/c", "u/d", "u/e"], lambda item: q, TrueUI(), summary,
        record=lambda answer: 1, undo=lambda rid: True, clock=lambda: next(ticks),
        time_box=300,
    )  # fmt: skip
    assert summary.ended == "time"
    assert 0 < len(summary.answers) < 5


def test_a_new_item_is_shown_before_it_is_asked(runner: CliRunner) -> None:
    """The first time an item comes up it is shown (what it says, what to remember) before its
    question; an item already reviewed is not shown again."""
    code, out, _ = drill(runner, "--unit", "public-services-leadership", "--new", "1",
                         "--seed", "3", input="b\n")  # fmt: skip
    assert code == 0
    shown = out.index("New: Strategic leadership")
    assert "Remember: direction, resources, motivating teams" in out
    assert shown < out.index("Question 1 of")
    code, out, _ = drill(runner, "--unit", "public-services-leadership", "--new", "0",
                         "--seed", "3", input="t\n" * 5,
                         now=NOW + timedelta(days=2))  # fmt: skip
    assert code == 0 and "Question 1 of" in out and "New: " not in out


def test_learning_steps_come_back_when_due_within_the_session() -> None:
    """An item whose next step is due in 60 s comes back once 60 s have passed (here after one
    other question of 100 s), not at a fixed place; once nothing else is left the soonest
    waiting item is asked early; an item with no step soon does not come back."""
    from cmirev.session import Summary, run_drill

    def tf(item: str) -> Question:
        return Question(
            format="true-false", item=item, unit="u", section="facts", outcomes=(),
            prompt=f"p {item}", options=("True", "False"), answer=0, model_answer="True",
        )  # fmt: skip

    now = [0.0]
    asked: list[str] = []

    class UI(TrueUI):
        def question(self, q: Question, *_: object) -> None:
            asked.append(q.item)
            now[0] += 100  # each question takes 100 s

    waits = {"a": [60.0, None], "b": [None], "c": [900.0, None], "d": [None]}
    run_drill(
        ["a", "b", "c", "d"], tf, UI(), Summary(seed=0, planned=4),
        record=lambda answer: 1, undo=lambda rid: True, clock=lambda: now[0],
        step_wait=lambda item: waits[item].pop(0),
    )  # fmt: skip
    assert asked == ["a", "b", "a", "c", "d", "c"]


def test_twins_share_one_memory(catalog: Catalog, tmp_path: Path) -> None:
    """An answer about one unit's copy of an idea updates the one card its same_as twins share;
    the review keeps which copy was asked, and neither twin is new any more."""
    path = tmp_path / "r.db"
    psl = "public-services-leadership/kotter-8-steps"
    cpsp = "collaborative-public-services-project/kotter-8-steps"
    study = study_at(catalog, path, NOW)
    answer(study, psl, True)
    assert study.key(psl) == study.key(cpsp) and study.card(cpsp) == study.card(psl)
    (review,) = study.store.reviews()
    assert (review.item, review.asked) == (study.key(psl), psl)
    assert study.introduction(cpsp) is None  # seen through its twin: no study card
    plan = study_at(catalog, path, NOW + timedelta(days=1)).plan(list(catalog.units))
    assert cpsp not in plan.new and psl not in plan.new


def test_twins_with_separate_cards_are_merged_without_losing_a_review(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A store written when twins had a card each: opening it replays their merged log onto one
    card; every review stays, re-keyed, with the item that was asked."""
    path = tmp_path / "old.db"
    psl = "public-services-leadership/kotter-8-steps"
    pmcr = "planning-to-meet-public-services-customer-requirements/kotter-8-steps"
    with Store(path) as store:  # as the previous release recorded them: a card per twin
        for n, (gid, rating) in enumerate([(psl, 3), (pmcr, 1), (psl, 3), (pmcr, 3)]):
            at = NOW + timedelta(days=2 * n)
            before = store.card(gid)
            after = scheduler_review(gid, before, rating, at)
            store.record(gid, "term", rating, rating > 1, at, before, after)
        assert len(store.cards()) == 2
    study = study_at(catalog, path, NOW + timedelta(days=10))
    key = study.key(psl)
    assert set(study.store.cards()) == {key}
    reviews = list(study.store.reviews())
    assert len(reviews) == 4 and {r.item for r in reviews} == {key}
    assert [r.asked or r.item for r in reviews] == [psl, pmcr, psl, pmcr]
    assert study.card(pmcr) is not None and study.card(pmcr).reps == 4  # type: ignore[union-attr]
    assert study.merge_twins() == 0  # done once


def scheduler_review(gid: str, before: CardState | None, rating: int, at: datetime) -> CardState:
    from random import Random

    from cmirev import scheduler

    return scheduler.review(Settings(fuzz=False), gid, before, rating, at, Random(0))


def test_slow_is_judged_against_the_learners_own_pace(catalog: Catalog, tmp_path: Path) -> None:
    """Until 10 right answers of a kind, "slow" is slow_seconds (twice for order); then twice the median
    for that kind: a quick typist's 12-second cloze is Hard, an order question is unaffected."""
    from dataclasses import replace

    study = study_at(catalog, tmp_path / "r.db", NOW, new_per_day=50)
    assert study.slow_threshold("cloze") == 30.0
    items = study.plan(list(catalog.units)).new[:21]
    for gid in items[:20]:
        q = study.question(gid)
        assert q is not None
        study.record(Answer(replace(q, format="cloze"), "x", Mark(True, True, 3), 5.0))
    assert study.slow_threshold("cloze") == 10.0
    assert study.slow_threshold("order") == 60.0  # a sequence takes longer to type
    assert study.slow_threshold("term") == 30.0  # recognition: never judged by time
    assert study_at(catalog, tmp_path / "r.db", NOW, slow_seconds=0).slow_threshold("cloze") == 0
