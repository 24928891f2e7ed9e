"""Recall predictions calibrated to the learner's own answers, long before a full fit is possible.

FSRS-6's default parameters describe an average Anki user. A learner who forgets faster (or
slower) answers review questions less (or more) often than FSRS predicts, so readiness, which
claims to be the chance of recalling an idea while writing, would be wrong for them. ``cmirev
optimize`` refits all of FSRS's parameters, but only after 1,000 scored reviews and with an
optional extra. Until then (and after) FSRS's predictions are recalibrated to the learner's
own answers by a handful of numbers, one for each part of FSRS that is most personal
(docs/scheduling.md has the evidence for each):

- ``exponent`` ``k``: FSRS's stability ``S`` overstates (``k > 1``) or understates this
  learner's memory ``k``-fold. On FSRS's forgetting curve ``R = (1 + f t / S) ** -decay``,
  recall is taken as ``R ** k``: the same curve, forgetting ``k`` times faster near ``R = 1``.
- ``first``: a card whose reviews all fell on its first study day has FSRS's first guess of its
  stability (its initial parameters and the same-day steps), not a measure of this learner;
  its ``k`` is multiplied by ``first``, fitted on each card's first review a day or more later.
- ``lapsed``: a card forgotten once learned has FSRS's post-lapse stability, which may make too
  much (or too little) of one lapse for this learner; its ``k`` is multiplied by ``lapsed``.
- ``growth``: how reviews strengthen memory; ``k`` grows as ``(S / REFERENCE_DAYS) ** growth``
  when FSRS's stability outgrows the learner's memory as items mature.
- ``decay``: the shape of the forgetting curve. FSRS-6's default (0.1542) is a heavy-tailed
  power law fitted to many users at once; one learner's memory can fall away more like an
  exponential (a larger decay, up to py-fsrs's bound 0.8), which matters after a long break.

So recall is ``(1 + f(decay) t / S) ** (-decay k)``, with ``f(decay) = 0.9 ** (-1 / decay) - 1``
(every curve gives 0.9 at ``t = S`` when ``k = 1``, as FSRS's does) and ``ln k = ln exponent +
[first interval] ln first + [lapsed] ln lapsed + growth ln(S / REFERENCE_DAYS)``.

What it is fitted on: the learner's scored answers (a study day or more after the item's
previous one) in a recall format, or from an exported log (flashcards, recalled). Recognition
answers (multiple choice, true or false) are left out: a right one is not evidence of recall,
and readiness means recall.

The fit is the maximum likelihood: for each decay the log loss is convex in the log-factors
(Newton's method), and the best decay is found by a golden-section search. It is then pulled
toward FSRS's own predictions by as much as chance could explain: with ``z2`` the fit's
distance from FSRS's (factors 1, growth 0, FSRS's decay) in standard errors, squared, every
log-parameter is multiplied by ``max(0, 1 - p / z2)``, ``p`` the number fitted (a positive-part
James-Stein rule). A learner whose answers are what FSRS predicts gives ``z2`` near ``p``
(chance alone) and keeps FSRS's predictions; a learner far from them keeps nearly the whole fit
once the evidence is clear, however few the answers. Under ``MIN_REVIEWS`` nothing is fitted.

It is used twice: readiness and every recall shown are calibrated, and the drill schedules each
review for when the calibrated recall falls to the desired retention: FSRS's retention target
for that card, kept within 0.70-0.99. That is wider than what a learner may set (0.70-0.97): for
a learner whose memory FSRS overstates sevenfold, a calibrated 0.90 is FSRS's 0.98, and held at
0.97 such cards would come due at a calibrated 0.97 ** 7 = 0.81 (docs/scheduling.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from cmirev.evaluate import Event, Row, Scored, figures, scored
from cmirev.questions.formats import FORMATS
from cmirev.scheduler import Settings, decay_of

MIN_REVIEWS = 30  # scored recall answers before anything is fitted
REFERENCE_DAYS = 5.0  # ``exponent`` is k at this stability (FSRS's, in days)
LOWEST, HIGHEST = 0.2, 20.0  # any card's k stays within these
DECAYS = (0.1, 0.8)  # the forgetting curve's decay stays within FSRS-6's bounds for w[20]
FSRS6_DECAY = 0.1542  # FSRS-6's default decay (w[20]); fits are made against the one in use
RETENTION_RANGE = (0.70, 0.99)  # FSRS's target for a card (see the module docstring)
CLIP = 1e-9
# bounds of the log-factors (ln exponent, ln first, ln lapsed, growth) while fitting
BOUNDS = ((math.log(LOWEST), math.log(HIGHEST)), (-3.0, 3.0), (-3.0, 3.0), (-1.0, 1.0))


def curve_factor(decay: float) -> float:
    """FSRS's ``f`` for a decay: recall is 0.9 when elapsed time equals the stability."""
    return float(0.9 ** (-1 / decay) - 1)


def elapsed(r: float, decay: float) -> float:
    """Elapsed time over stability (``t / S``) at which FSRS's curve of this decay gives ``r``."""
    r = min(max(r, CLIP), 1.0)
    return float((r ** (-1 / decay) - 1) / curve_factor(decay))


@dataclass(frozen=True)
class Calibration:
    """The learner's factors (see the module docstring) and how many answers they rest on.

    ``decay`` None is FSRS's own curve; ``base`` is the decay of the FSRS parameters in use
    (what FSRS's recall, given to :meth:`recall`, was worked out with)."""

    exponent: float = 1.0
    reviews: int = 0
    first: float = 1.0
    lapsed: float = 1.0
    growth: float = 0.0
    decay: float | None = None
    base: float = FSRS6_DECAY

    @property
    def factors(self) -> tuple[float, float, float, float, float | None]:
        """(exponent, first, lapsed, growth, decay), as the store keeps them."""
        return (self.exponent, self.first, self.lapsed, self.growth, self.decay)

    def power(self, stability: float | None, first: bool = False, lapsed: bool = False) -> float:
        """``k`` for a card with this FSRS stability (days), in its first interval or not,
        forgotten before or not."""
        log_k = math.log(self.exponent)
        if first:
            log_k += math.log(self.first)
        if lapsed:
            log_k += math.log(self.lapsed)
        if self.growth and stability:
            log_k += self.growth * math.log(max(stability, 0.01) / REFERENCE_DAYS)
        return min(HIGHEST, max(LOWEST, math.exp(log_k)))

    def recall(
        self, r: float, stability: float | None = None, first: bool = False, lapsed: bool = False
    ) -> float:
        """The learner's chance of recalling an item FSRS gives recall ``r``."""
        k = self.power(stability, first, lapsed)
        if self.decay is None or r >= 1.0:
            return float(r**k)
        x = elapsed(r, self.base)
        return float((1 + curve_factor(self.decay) * x) ** (-self.decay * k))

    def retention(
        self,
        desired: float,
        stability: float | None = None,
        first: bool = False,
        lapsed: bool = False,
    ) -> float:
        """FSRS's retention target that makes the calibrated recall at due equal ``desired``."""
        low, high = RETENTION_RANGE
        k = self.power(stability, first, lapsed)
        if self.decay is None:
            target = desired ** (1 / k)
        else:  # when the calibrated curve reaches ``desired``, where FSRS's curve is then
            x = (desired ** (-1 / (self.decay * k)) - 1) / curve_factor(self.decay)
            target = (1 + curve_factor(self.base) * x) ** -self.base
        return min(high, max(low, float(target)))


def usable(row: Scored) -> bool:
    """Whether a scored review says anything about recall: a recall format, or no format (a
    flashcard in an exported log). Recognition, and formats this cmirev does not know, do not."""
    if row.format is None:
        return True
    fmt = FORMATS.get(row.format)
    return fmt is not None and fmt.memory == "recall"


def _features(row: Scored) -> tuple[float, float, float, float]:
    return (
        1.0,
        1.0 if row.first else 0.0,
        1.0 if row.lapsed else 0.0,
        math.log(max(row.stability, 0.01) / REFERENCE_DAYS),
    )


@dataclass
class _Problem:
    """The answers to fit, as the fit needs them."""

    x: list[list[float]]  # features of the factors fitted, per answer
    spans: list[float]  # elapsed time over FSRS's stability, per answer
    y: list[int]
    bounds: list[tuple[float, float]]

    def minus_log_recall(self, decay: float) -> list[float]:
        """``-ln`` recall on the curve of this decay with every factor 1, per answer."""
        f = curve_factor(decay)
        return [decay * math.log1p(f * s) for s in self.spans]


def fit(rows: Sequence[Scored], base: float = FSRS6_DECAY) -> Calibration:
    """The learner's calibration from these scored reviews (recognition ones are skipped);
    ``base`` is the decay of the FSRS parameters their predictions were made with."""
    kept = [r for r in rows if usable(r)]
    n = len(kept)
    if n < MIN_REVIEWS:
        return Calibration(reviews=n, base=base)
    features = [_features(r) for r in kept]
    # Only the factors the answers can tell apart: with no lapsed card among them (or only
    # lapsed ones) there is nothing to fit ``lapsed`` on, and so on; those stay at FSRS's.
    free = [j for j in range(4) if j == 0 or len({round(f[j], 9) for f in features}) > 1]
    problem = _Problem(
        x=[[f[j] for j in free] for f in features],
        spans=[elapsed(r.predicted, base) for r in kept],
        y=[r.recalled for r in kept],
        bounds=[BOUNDS[j] for j in free],
    )
    theta, shape = _maximum_likelihood(problem, base)
    keep = _kept_share(problem, base, theta, shape)
    logs = [0.0, 0.0, 0.0, 0.0]
    for i, j in enumerate(free):
        logs[j] = theta[i] * keep
    decay = base * math.exp(shape * keep)
    return Calibration(
        exponent=round(math.exp(logs[0]), 3),
        reviews=n,
        first=round(math.exp(logs[1]), 3),
        lapsed=round(math.exp(logs[2]), 3),
        growth=round(logs[3], 3),
        decay=round(decay, 4) if abs(decay - base) > 5e-5 else None,
        base=base,
    )


def _maximum_likelihood(problem: _Problem, base: float) -> tuple[list[float], float]:
    """The log-factors and ``ln(decay / base)`` that minimise the log loss: a golden-section
    search over the decay, each step the convex fit of the factors at that decay."""
    low, high = (math.log(d / base) for d in DECAYS)
    theta = [0.0] * len(problem.bounds)
    cache: dict[float, tuple[float, list[float]]] = {}

    def profile(shape: float) -> float:
        nonlocal theta
        if shape not in cache:
            u = problem.minus_log_recall(base * math.exp(shape))
            fitted, loss, _, _ = _newton(problem.x, u, problem.y, problem.bounds, theta)
            cache[shape] = (loss, fitted)
            theta = fitted  # the next decay starts from here: a few Newton steps each
        return cache[shape][0]

    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    while high - low > 0.01:  # the decay to within 1%
        if profile(a) < profile(b):
            high, b = b, a
            a = high - ratio * (high - low)
        else:
            low, a = a, b
            b = low + ratio * (high - low)
    candidates = [low, high, 0.0, *cache]
    best = min(candidates, key=profile)
    return cache[best][1], best


def _kept_share(problem: _Problem, base: float, theta: list[float], shape: float) -> float:
    """How much of the fit to keep: ``max(0, 1 - p / z2)``, with ``z2`` the fit's distance
    from FSRS's predictions (every log-parameter 0) measured by the log loss's curvature."""
    p = len(theta)
    u = problem.minus_log_recall(base * math.exp(shape))
    loss, _, hess = _evaluate(problem.x, u, problem.y, theta)
    # The decay's row of the curvature, from the factors' gradient and the loss a step away.
    h = 1e-4
    up = problem.minus_log_recall(base * math.exp(shape + h))
    down = problem.minus_log_recall(base * math.exp(shape - h))
    loss_up, grad_up, _ = _evaluate(problem.x, up, problem.y, theta)
    loss_down, grad_down, _ = _evaluate(problem.x, down, problem.y, theta)
    cross = [(gu - gd) / (2 * h) for gu, gd in zip(grad_up, grad_down, strict=True)]
    curvature = (loss_up - 2 * loss + loss_down) / (h * h)
    vector = [*theta, shape]
    full = [[*row, cross[i]] for i, row in enumerate(hess)] + [[*cross, curvature]]
    z2 = sum(vector[i] * full[i][j] * vector[j] for i in range(p + 1) for j in range(p + 1))
    return max(0.0, 1.0 - (p + 1) / z2) if z2 > 0 else 0.0


def _terms(s: float, u: float, y: int) -> tuple[float, float, float]:
    """Loss, and its first and second derivatives in ``s = ln k``, of one answer whose
    uncalibrated recall is ``exp(-u)``: the prediction is ``exp(-w)``, ``w = u e^s``."""
    w = u * math.exp(s)
    if y:
        return w, w, w
    if w > 30:  # forgotten when nearly certain to be: the loss is flat in s
        return -math.log1p(-math.exp(-w)), 0.0, 0.0
    if w < 1e-12:  # forgotten when FSRS was all but certain of recall: the loss is clipped
        return -math.log(CLIP), 0.0, 0.0
    em1 = math.expm1(w)
    return -math.log(-math.expm1(-w)), -w / em1, w * (w * (em1 + 1) - em1) / (em1 * em1)


def _evaluate(
    x: list[list[float]], u: list[float], y: list[int], theta: list[float]
) -> tuple[float, list[float], list[list[float]]]:
    """The log loss at ``theta``, its gradient and its Hessian."""
    p = len(theta)
    pairs = [(i, j) for i in range(p) for j in range(i, p)]
    loss, grad = 0.0, [0.0] * p
    upper = [0.0] * len(pairs)
    for xi, ui, yi in zip(x, u, y, strict=True):
        s = 0.0
        for a, b in zip(theta, xi, strict=True):
            s += a * b
        value, d1, d2 = _terms(s, ui, yi)
        loss += value
        for i in range(p):
            grad[i] += d1 * xi[i]
        for n, (i, j) in enumerate(pairs):
            upper[n] += d2 * xi[i] * xi[j]
    hess = [[0.0] * p for _ in range(p)]
    for n, (i, j) in enumerate(pairs):
        hess[i][j] = hess[j][i] = upper[n]
    return loss, grad, hess


def _newton(
    x: list[list[float]],
    u: list[float],
    y: list[int],
    bounds: list[tuple[float, float]],
    start: list[float],
) -> tuple[list[float], float, list[float], list[list[float]]]:
    """The log-factors that minimise the log loss (within ``bounds``), from ``start``: the
    factors, the loss, its gradient and Hessian there."""
    theta = list(start)
    loss, grad, hess = _evaluate(x, u, y, theta)
    for _ in range(50):
        ridge = [
            [h + (1e-9 if i == j else 0.0) for j, h in enumerate(row)] for i, row in enumerate(hess)
        ]
        step = _solve(ridge, grad)
        decrease = sum(g * d for g, d in zip(grad, step, strict=True))
        if decrease < 1e-10:
            break
        scale = 1.0
        while scale > 1e-6:
            trial = [
                min(hi, max(lo, t - scale * d))
                for t, d, (lo, hi) in zip(theta, step, bounds, strict=True)
            ]
            new_loss, new_grad, new_hess = _evaluate(x, u, y, trial)
            if new_loss <= loss - 1e-4 * scale * decrease or new_loss < loss - 1e-12:
                break
            scale /= 2
        else:
            break
        theta, loss, grad, hess = trial, new_loss, new_grad, new_hess
    return theta, loss, grad, hess


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """``a`` x = ``b`` by Gaussian elimination with partial pivoting (a few unknowns)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-300:
            continue
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(m[r][r]) < 1e-300:
            continue
        out[r] = (m[r][n] - sum(m[r][c] * out[c] for c in range(r + 1, n))) / m[r][r]
    return out


def predicted(calibration: Calibration, row: Scored) -> float:
    """The calibrated chance of recall before a scored review."""
    return calibration.recall(row.predicted, row.stability, row.first, row.lapsed)


def held_out(
    rows: Sequence[Scored],
    cuts: Sequence[tuple[datetime, datetime | None]],
    base: float = FSRS6_DECAY,
) -> dict[str, Any]:
    """FSRS's predictions against calibrated ones on stretches of time the calibration never
    saw: for each (since, until), fitted on the scored reviews before ``since`` and tested on
    the recall answers from ``since`` to ``until`` (None: the end)."""
    tested: list[Row] = []
    calibrated: list[Row] = []
    for since, until in cuts:
        calibration = fit([r for r in rows if r.at < since], base)
        for row in rows:
            if row.at >= since and (until is None or row.at < until) and usable(row):
                tested.append((row.predicted, row.recalled, row.bin))
                calibrated.append((predicted(calibration, row), row.recalled, row.bin))
    return {
        "test": len(tested),
        "default": figures(tested) if tested else None,
        "calibrated": figures(calibrated) if calibrated else None,
    }


def calibrate(
    events: Sequence[Event], settings: Settings, tz: tzinfo, since: datetime | None = None
) -> Calibration:
    """The learner's calibration from their review history (scored from ``since`` on)."""
    plain = replace(settings, fuzz=False)
    return fit(scored(events, plain, tz, since=since), decay_of(plain))
