"""Library-level helpers for tests that simulate days of study with a fixed clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cmirev.models import Catalog
from cmirev.questions import Mark
from cmirev.scheduler import Settings
from cmirev.session import Answer
from cmirev.store import Store
from cmirev.study import Study

LONDON = ZoneInfo("Europe/London")


def study_at(catalog: Catalog, path: Path, moment: datetime, **settings: object) -> Study:
    """A Study over the store at ``path``, in London, whose clock is fixed at ``moment``."""
    return Study(
        catalog,
        Store(path),
        Settings(fuzz=False, **settings),  # type: ignore[arg-type]
        tz=LONDON,
        clock=lambda: moment,
        rng=random.Random(1),
    )


def lapse(catalog: Catalog, path: Path, gid: str, times: int, start: datetime) -> datetime:
    """Learn the item (right answers a day apart until it is in review), then forget it (a
    wrong answer a day later), ``times`` times over; returns the moment of the last answer."""
    at = start
    for _ in range(times):
        while (card := study_at(catalog, path, at).card(gid)) is None or card.state != 2:
            at += timedelta(days=1)
            answer(study_at(catalog, path, at), gid, True)
        at += timedelta(days=1)
        answer(study_at(catalog, path, at), gid, False)
    return at


def answer(study: Study, gid: str, correct: bool) -> int:
    """Answer a question about ``gid`` right or wrong, record it, and return the review id."""
    q = study.question(gid)
    assert q is not None
    return study.record(Answer(q, "x", Mark(True, correct, 3 if correct else 1), 2.0))
