"""Crash safety with the installed cmirev: kill -9 mid-drill, and two drills on one store."""

from __future__ import annotations

import random
import signal
import sqlite3
from pathlib import Path

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


def test_two_drills_at_once_both_finish_with_every_review_recorded(tmp_path: Path) -> None:
    """Two terminals drilling the same store at once both finish; all their answers are saved."""
    home = tmp_path / "home"
    home.mkdir()
    first = Answerer(
        spawn(
            "drill", "--new", "6", "--unit", "public-services-leadership", "--seed", "1", home=home
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
            "2",
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
        assert answerer.child.exitstatus == 0
    reviews, cards, integrity = store_state(home)
    assert integrity == "ok"
    assert reviews == first.feedback + second.feedback
    assert cards >= 12
