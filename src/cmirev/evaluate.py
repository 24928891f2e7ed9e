"""How well the scheduler predicts recall: replay a review history and score each prediction.

Each card's reviews are replayed through :func:`cmirev.scheduler.review` in time order; before
each review that comes a study day or more after the card's last one (first reviews and same-day
reviews are not predictions of memory across a gap), the predicted recall is scored against
what happened (any rating above Again counts as recalled):

- log loss: the mean of -log(p) for recalled, -log(1-p) for forgotten (unweighted);
- RMSE(bins): the srs-benchmark definition: reviews grouped by interval in days, review number
  (counting the card's reviews on different study days) and lapses before it, each on a
  geometric scale; the root of the count-weighted mean squared difference between mean
  prediction and mean outcome per group. Reviews are unweighted (fsrs-rs's own ``evaluate`` also
  weights them by position, so its figures differ slightly);
- AUC: how well predictions rank recalled above forgotten reviews.

The parameters are the settings' (FSRS-6's defaults unless personal ones are given); days start at the settings' hour in the given timezone.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from random import Random
from typing import Any

from cmirev import scheduler
from cmirev.errors import CmirevError
from cmirev.scheduler import Settings

CLIP = 1e-7  # predictions are kept within [CLIP, 1 - CLIP] for log loss


class RevlogError(CmirevError):
    """A review-log file that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Event:
    """One review of a history: which card, the rating (1-4), when (UTC), and the question's
    format (None in an exported log: a flashcard, recalled unaided)."""

    card: str
    rating: int
    at: datetime
    format: str | None = None


def read_revlog(path: Path) -> list[Event]:
    """Reviews from a CSV with columns card_id, review_rating, review_time (ISO-8601) and
    optionally review_duration, as exported from Anki (see ../shared/review-logs/)."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise RevlogError(f"cannot read {path}: {exc.strerror or exc}") from None
    events = []
    with handle:
        reader = csv.DictReader(handle)
        missing = {"card_id", "review_rating", "review_time"} - set(reader.fieldnames or [])
        if missing:
            raise RevlogError(
                f"{path}: not a review log: no column {', '.join(sorted(missing))} "
                "(expected card_id,review_rating,review_time)"
            )
        for row in reader:
            line = reader.line_num
            try:
                rating = int(row["review_rating"])
                at = datetime.fromisoformat(row["review_time"].replace("Z", "+00:00"))
            except (TypeError, ValueError):
                raise RevlogError(
                    f"{path}:{line}: a rating 1-4 and an ISO-8601 time are needed"
                ) from None
            if rating not in (1, 2, 3, 4):
                raise RevlogError(f"{path}:{line}: review_rating {rating} is not 1-4")
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            events.append(Event(str(row["card_id"]), rating, at.astimezone(UTC)))
    if not events:
        raise RevlogError(f"{path}: no reviews in it")
    return events


Row = tuple[float, int, tuple[float, float, float]]  # predicted recall, recalled, srs-bench bin


def evaluate(
    events: Iterable[Event],
    settings: Settings | None = None,
    tz: tzinfo = UTC,
) -> dict[str, Any]:
    """Replay the history and score the scheduler's predictions (see the module docstring)."""
    settings = settings or Settings(fuzz=False)
    events = list(events)
    rows = predictions(events, settings, tz)
    if not rows:
        raise CmirevError(
            "no review comes a study day or more after another of the same item: nothing to score"
        )
    return {
        "reviews": len(events),
        "items": len({e.card for e in events}),
        "scored": len(rows),
        "parameters": "personal" if settings.parameters else "FSRS-6 defaults",
        **figures(rows),
        "mean_predicted": round(sum(p for p, _, _ in rows) / len(rows), 4),
        "mean_recalled": round(sum(y for _, y, _ in rows) / len(rows), 4),
        "rmse_bins_definition": "srs-benchmark: bins by interval, review number and lapses; "
        "count-weighted, reviews unweighted",
    }


def figures(rows: list[Row]) -> dict[str, float | None]:
    """Log loss, RMSE(bins) and AUC of these predictions (AUC None with one outcome only)."""
    auc = _auc(rows)
    return {
        "log_loss": round(_log_loss(rows), 4),
        "rmse_bins": round(_rmse_bins(rows), 4),
        "auc": None if math.isnan(auc) else round(auc, 4),
    }


@dataclass(frozen=True)
class Scored:
    """One scored review (a study day or more after the card's previous one): what FSRS
    predicted, what happened, and what the calibration (:mod:`cmirev.calibration`) fits on."""

    predicted: float  # FSRS's recall probability just before the review
    recalled: int  # 1 when rated above Again
    bin: tuple[float, float, float]  # srs-benchmark group (interval, review number, lapses)
    days: int  # study days since the card's previous review
    stability: float  # FSRS's stability (days) before the review
    first: bool  # no earlier review of the card came a study day after another
    lapsed: bool  # the card was forgotten before, once it was learned (FSRS's post-lapse path)
    format: str | None  # the question's format (None: unknown, a flashcard)
    at: datetime


def scored(
    events: Iterable[Event],
    settings: Settings,
    tz: tzinfo = UTC,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Scored]:
    """Each scored review, in card order. The whole history is replayed; with
    ``since``/``until``, only reviews in [since, until) are scored (a held-out stretch)."""
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card].append(event)
    rows: list[Scored] = []
    for card_id, history in by_card.items():
        history.sort(key=lambda e: e.at)
        card = None
        lapses = 0
        number = 1  # this review's place among the card's reviews on different study days
        for event in history:
            if card is not None and card.last_review is not None:
                gap = (
                    scheduler.study_day(event.at, tz, settings.day_start_hour)
                    - scheduler.study_day(card.last_review, tz, settings.day_start_hour)
                ).days
                if gap >= 1:
                    if (since is None or event.at >= since) and (until is None or event.at < until):
                        rows.append(
                            Scored(
                                predicted=scheduler.retrievability(settings, card, event.at, tz),
                                recalled=int(event.rating > 1),
                                bin=_bin(gap, number + 1, lapses),
                                days=gap,
                                stability=float(card.stability or 0.0),
                                first=number == 1,
                                lapsed=card.fails > 0,
                                format=event.format,
                                at=event.at,
                            )
                        )
                    number += 1
                    lapses += event.rating == 1
            card = scheduler.review(settings, card_id, card, event.rating, event.at, Random(0), tz)
    return rows


def predictions(
    events: Iterable[Event],
    settings: Settings,
    tz: tzinfo = UTC,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Row]:
    """Each scored review's prediction, outcome and srs-benchmark group (see :func:`scored`)."""
    return [(r.predicted, r.recalled, r.bin) for r in scored(events, settings, tz, since, until)]


def _geometric(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(max(value, 1e-6)) / math.log(base)), digits)


def _bin(days: int, number: int, lapses: int) -> tuple[float, float, float]:
    """The srs-benchmark group of a review: interval, review number, lapses before it."""
    return (
        _geometric(days, 3.62, 2.48, 2),
        _geometric(number, 1.89, 1.99, 0),
        _geometric(lapses, 1.73, 1.65, 0) if lapses else 0.0,
    )


def _log_loss(rows: list[Row]) -> float:
    total = 0.0
    for p, y, _ in rows:
        p = min(max(p, CLIP), 1 - CLIP)
        total -= math.log(p) if y else math.log(1 - p)
    return total / len(rows)


def _rmse_bins(rows: list[Row]) -> float:
    groups: dict[tuple[float, float, float], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for p, y, key in rows:
        group = groups[key]
        group[0] += p
        group[1] += y
        group[2] += 1
    squared = sum(n * (ps / n - ys / n) ** 2 for ps, ys, n in groups.values())
    return math.sqrt(squared / len(rows))


def _auc(rows: list[Row]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    ranked = sorted(rows, key=lambda r: r[0])
    rank_sum = 0.0
    position = 0
    while position < len(ranked):
        end = position
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[position][0]:
            end += 1
        mean_rank = (position + end) / 2 + 1
        rank_sum += mean_rank * sum(r[1] for r in ranked[position : end + 1])
        position = end + 1
    positives = sum(r[1] for r in rows)
    negatives = len(rows) - positives
    if not positives or not negatives:
        return float("nan")
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
