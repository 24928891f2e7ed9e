"""Crash safety with the installed cmirev: kill -9 mid-drill, and two drills on one store."""

from __future__ import annotations

import random
import signal
import sqlite3
from pathlib import Path

import pytest

from .drive import Answerer, spawn


def store_state(home: Path) -> tuple[int, int, str]:
    """(reviews, cards, integrity_check) of the store under ``home``."""
    db = sqlite3.connect(home / "reviews.sqlite3")
    try:
        reviews = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return reviews, cards, integrity


def test_kill_9_at_random_moments_loses_no_committed_answer(tmp_path: Path) -> None:
    """Twelve drills killed with SIGKILL at random points: every answer whose feedback was
    shown is in the store, nothing more than was sent, and the database checks clean."""
    rng = random.Random(20261123)
    home = tmp_path / "home"
    confirmed_total = 0
    for run in range(12):
        child = spawn("drill", "--new", "6", "--seed", str(run), home=home)
        answerer = Answerer(child)
        stop_after = rng.randrange(1, 12)
        steps = 0
        while steps < stop_after and answerer.step():
            steps += 1
        if rng.random() < 0.5:
            child.send("a")  # half the time, die in the middle of typing an answer
        child.kill(signal.SIGKILL)
        child.close(force=True)
        confirmed_total += answerer.feedback
        reviews, _, integrity = store_state(home)
        assert integrity == "ok"
        assert confirmed_total <= reviews, (
            f"run {run}: {reviews} saved, {confirmed_total} confirmed"
        )
        confirmed_total = reviews  # an answer committed just before the kill is also kept


@pytest.mark.parametrize("attempt", range(4))
def test_two_drills_at_once_both_finish_with_every_review_recorded(
    tmp_path: Path, attempt: int
) -> None:
    """Two terminals starting drills on the same new store at once both finish, and all their
    answers are saved (repeated: the start-up race shows only now and then)."""
    home = tmp_path / "home"
    home.mkdir()
    first = Answerer(
        spawn(
            "drill",
            "--new",
            "6",
            "--unit",
            "public-services-leadership",
            "--seed",
            str(attempt),
            home=home,
        )
    )
    second = Answerer(
        spawn(
            "drill",
            "--new",
            "6",
            "--unit",
            "collaborative-public-services-project",
            "--seed",
            str(attempt + 1),
            home=home,
        )
    )
    running = [first, second]
    while running:
        for answerer in list(running):
            if not answerer.step():
                running.remove(answerer)
    for answerer in (first, second):
        answerer.child.close()
        assert answerer.child.exitstatus == 0, answerer.child.before
    reviews, cards, integrity = store_state(home)
    assert integrity == "ok"
    assert reviews == first.feedback + second.feedback
    assert cards >= 6  # an idea in both units (same_as) has one card


WRITER = """
import sys, random
from datetime import UTC, datetime, timedelta
from cmirev import scheduler
from cmirev.scheduler import Settings
from cmirev.store import Store
store = Store(__import__("pathlib").Path(sys.argv[1]))
at = datetime(2026, 1, 1, tzinfo=UTC)
for n in range(400):
    item = f"u/x{n % 50}"
    before = store.card(item)
    after = scheduler.review(Settings(fuzz=False), item, before, 3, at, random.Random(n))
    store.record(item, "term", 3, True, at, before, after)
    at += timedelta(hours=1)
print("done")
"""


def test_commands_start_while_another_process_is_writing(tmp_path: Path) -> None:
    """While one process records answers as fast as it can, other commands still open the
    store and run (no 'database is locked'), and nothing the writer recorded is lost."""
    import os
    import subprocess
    import sys

    from .drive import CMIREV

    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, CMIREV_HOME=str(home))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home / "reviews.sqlite3")],
        env=env,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    runs = 0
    while writer.poll() is None or runs < 3:
        result = subprocess.run(
            [str(CMIREV), "due"], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        runs += 1
    assert writer.wait(timeout=60) == 0
    reviews, _, integrity = store_state(home)
    assert (reviews, integrity) == (400, "ok")


_SECOND_TERMINAL = """
import sys
from datetime import datetime
from pathlib import Path
from cmirev.loader import load_catalog
from tests.helpers import answer, study_at
catalog = load_catalog()
study = study_at(catalog, Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]))
for gid in sys.argv[3:]:
    answer(study, gid, True)
print("saved", flush=True)
sys.stdin.readline()
study.store.close()
"""


def test_a_deleted_write_ahead_log_loses_no_terminals_answers(tmp_path: Path) -> None:
    """F22: the store's -wal and -shm deleted while a drill runs, a second terminal drills and
    stays open, then the first answers again: every answer of both is in the store."""
    import subprocess
    import sys
    from datetime import UTC, datetime

    from cmirev.loader import load_catalog

    from .conftest import REPO
    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "reviews.sqlite3"
    now = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    first = study_at(catalog, path, now)
    items = list(first.entries)
    for gid in items[:3]:
        answer(first, gid, True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink()
    with subprocess.Popen(
        [sys.executable, "-c", _SECOND_TERMINAL, str(path), now.isoformat(), *items[3:7]],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as second:
        assert second.stdout is not None and second.stdin is not None
        assert second.stdout.readline().strip() == "saved"
        for gid in items[7:9]:
            answer(first, gid, True)
        second.stdin.write("\n")
        second.stdin.close()
        assert second.wait(timeout=60) == 0
    first.store.close()
    assert store_state(tmp_path) == (9, 9, "ok")
