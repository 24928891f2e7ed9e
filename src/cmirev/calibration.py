"""Recall predictions calibrated to the learner's own answers, long before a full fit is possible.

FSRS-6's default parameters describe an average Anki user. A learner who forgets faster (or
slower) answers review questions less (or more) often than FSRS predicts: on cmirev's simulated
learner, FSRS predicted 0.88 before review-state recall questions and 0.62-0.70 were answered,
so readiness overstated recall by 0.16-0.19. ``cmirev optimize`` fixes that with a full fit, but
only after 1,000 scored reviews.

One number does most of the work much sooner: an exponent ``k`` with the learner's recall taken
as ``R ** k``. On FSRS-6's forgetting curve ``R = (1 + f t / S) ** -decay``, raising to ``k``
scales the decay: the same curve shape, forgetting faster (k > 1) or slower (k < 1). ``k`` is
the maximum-likelihood fit to the learner's scored reviews (a study day or more after the
item's previous one), pulled toward 1 by ``PRIOR`` pseudo-reviews so that a handful of answers
cannot swing it, and not used at all under ``MIN_REVIEWS``.

It is used twice: readiness and every recall shown are ``R ** k``, and the drill schedules each
review for when ``R ** k`` falls to the desired retention, that is FSRS's retention target
``desired ** (1 / k)`` (kept within 0.70-0.97), so a fast forgetter is reviewed sooner.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from cmirev.evaluate import Event, predictions
from cmirev.scheduler import Settings

MIN_REVIEWS = 30
PRIOR = 50  # pseudo-reviews at k = 1
LOWEST, HIGHEST = 0.4, 4.0
RETENTION_RANGE = (0.70, 0.97)
CLIP = 1e-6


@dataclass(frozen=True)
class Calibration:
    """The exponent and what it was fitted on."""

    exponent: float = 1.0
    reviews: int = 0

    def recall(self, r: float) -> float:
        return float(r**self.exponent)

    def retention(self, desired: float) -> float:
        """FSRS's retention target that makes the calibrated recall at due equal ``desired``."""
        low, high = RETENTION_RANGE
        return min(high, max(low, float(desired ** (1 / self.exponent))))


def _loss(rows: Sequence[tuple[float, int]], k: float) -> float:
    total = 0.0
    for p, y in rows:
        q = min(max(p**k, CLIP), 1 - CLIP)
        total -= math.log(q) if y else math.log(1 - q)
    return total


def fit(rows: Sequence[tuple[float, int]]) -> Calibration:
    """The shrunk maximum-likelihood exponent for these (predicted recall, recalled) pairs."""
    n = len(rows)
    if n < MIN_REVIEWS:
        return Calibration(1.0, n)
    # The log loss is convex in log k: a golden-section search over [LOWEST, HIGHEST].
    lo, hi = math.log(LOWEST), math.log(HIGHEST)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(40):
        a = hi - ratio * (hi - lo)
        b = lo + ratio * (hi - lo)
        if _loss(rows, math.exp(a)) < _loss(rows, math.exp(b)):
            hi = b
        else:
            lo = a
    k = math.exp((lo + hi) / 2)
    shrunk = 1 + (k - 1) * n / (n + PRIOR)
    return Calibration(round(shrunk, 3), n)


def calibrate(
    events: Sequence[Event], settings: Settings, tz: tzinfo, since: datetime | None = None
) -> Calibration:
    """The learner's calibration from their review history (scored from ``since`` on)."""
    rows = predictions(events, replace(settings, fuzz=False), tz, since=since)
    return fit([(p, y) for p, y, _ in rows])
