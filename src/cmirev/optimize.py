"""Personal FSRS parameters: fitted to the learner's own history, kept only when they predict
that learner's recall better than FSRS-6's defaults on reviews the fit never saw.

The check is a time-ordered split with an expanding window. The reviews that can be scored
(those a study day or more after the item's previous one; see :mod:`cmirev.evaluate`) are cut
into six equal stretches of time; each of the last five is predicted with parameters fitted on
every review before it, and with the defaults, replaying each item's whole history. Fitting on
the past and predicting the future is how the parameters will be used, and five folds make
the figures steadier than one held-out stretch. When the fitted parameters beat the defaults
on both log loss and RMSE(bins) over the five folds, they are fitted again on the whole
history and saved.

Fitting uses fsrs-rs through its Python binding (``pip install 'cmirev[optimize]'``): a 1.5 MB
wheel that fits a few thousand reviews in hundredths of a second. py-fsrs's own optimiser
needs PyTorch (several GB) and was slower and no better on the shared review log.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from cmirev import calibration, scheduler
from cmirev.errors import CmirevError
from cmirev.evaluate import Event, figures, predictions, scored
from cmirev.scheduler import Settings

PARAMETERS_NAME = "parameters.json"
SEGMENTS = 6  # the scored reviews in six stretches of time: five folds
MIN_SPLIT = 60  # fewer scored reviews than this are not split at all
# Below this many scored reviews a fit is not even tried. On the shared 12,580-review log the
# fit's gain in log loss is 0.003 a review, against a review-to-review spread (SD) of the
# difference of 0.145: with 1,000 scored reviews (about 830 predicted in the folds) the
# standard error is 0.005, already larger than the gain, and with fewer the check would be
# a coin toss that looks like evidence. The gain in calibration (RMSE(bins) 0.062 -> 0.041 on
# that log) is what a fit mostly buys. py-fsrs's own optimiser refuses fewer than 512 reviews;
# the scheduler review recommended 1,000.
MIN_SCORED = 1000
INSTALL = "pip install 'cmirev[optimize]'"


class OptimizerMissing(CmirevError):
    """fsrs-rs-python is not installed."""


def _fsrs_rs() -> Any:
    try:
        import fsrs_rs_python
    except ImportError:
        raise OptimizerMissing(
            f"fitting parameters needs the optional optimiser: {INSTALL}"
        ) from None
    return fsrs_rs_python


def scored_times(events: Sequence[Event], tz: tzinfo, start_hour: int) -> list[datetime]:
    """When each scorable review happened (a study day or more after the card's last), sorted."""
    last: dict[str, Any] = {}
    times = []
    for event in sorted(events, key=lambda e: e.at):
        day = scheduler.study_day(event.at, tz, start_hour)
        if event.card in last and (day - last[event.card]).days >= 1:
            times.append(event.at)
        last[event.card] = day
    return times


def training_items(
    events: Sequence[Event], tz: tzinfo, start_hour: int, before: datetime | None = None
) -> list[Any]:
    """fsrs-rs training items: for each review a study day or more after its card's previous
    one (and before ``before``), the card's history up to it, gaps in whole study days."""
    rs = _fsrs_rs()
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card].append(event)
    items = []
    for history in by_card.values():
        history.sort(key=lambda e: e.at)
        reviews = []
        last = None
        for event in history:
            day = scheduler.study_day(event.at, tz, start_hour)
            gap = 0 if last is None else (day - last).days
            reviews.append(rs.FSRSReview(event.rating, gap))
            if gap > 0 and (before is None or event.at < before):
                item = rs.FSRSItem(list(reviews))
                if item.long_term_review_cnt() > 0:
                    items.append(item)
            last = day
    return items


def fit(items: Sequence[Any]) -> tuple[float, ...]:
    """FSRS-6 parameters fitted to these items (checked against py-fsrs's bounds)."""
    rs = _fsrs_rs()
    if not items:
        raise CmirevError("no review comes a study day after another: nothing to fit")
    try:
        return scheduler.check_parameters(rs.FSRS([]).compute_parameters(list(items)))
    except (ValueError, RuntimeError) as exc:
        raise CmirevError(f"the fit failed: {exc}") from None


def held_out(
    events: Sequence[Event],
    settings: Settings,
    tz: tzinfo,
    *,
    with_fit: bool = True,
    with_calibration: bool = False,
) -> dict[str, Any] | None:
    """Defaults against fitted parameters on a time-ordered split (see the module docstring),
    and with ``with_calibration`` the defaults against the learner's calibration
    (:mod:`cmirev.calibration`) fitted the same way, on the recall answers.

    None when there are too few scorable reviews to split. ``personal`` is None when the
    optimiser is not installed or ``with_fit`` is False."""
    times = scored_times(events, tz, settings.day_start_hour)
    if len(times) < MIN_SPLIT:
        return None
    cuts: list[datetime | None] = [times[len(times) * k // SEGMENTS] for k in range(1, SEGMENTS)]
    cuts.append(None)
    plain = replace(settings, fuzz=False, parameters=())
    first = times[len(times) // SEGMENTS]
    tested = sum(1 for t in times if t >= first)
    every = scored(events, plain, tz)
    report: dict[str, Any] = {
        "split": f"time-ordered, {SEGMENTS - 1} folds: the scored reviews in {SEGMENTS} "
        "stretches of time; each of the last five is predicted with parameters fitted on the "
        f"stretches before it ({tested} predictions)",
        "folds": SEGMENTS - 1,
        "test": tested,
        "default": figures([(r.predicted, r.recalled, r.bin) for r in every if r.at >= first]),
        "personal": None,
    }
    if with_calibration:
        report["calibrated"] = calibration.held_out(
            every,
            [(since, until) for since, until in itertools.pairwise(cuts) if since],
            scheduler.decay_of(plain),
        )
    if not with_fit:
        return report
    rows = []
    try:
        for since, until in itertools.pairwise(cuts):
            assert since is not None
            fitted = fit(training_items(events, tz, settings.day_start_hour, before=since))
            rows += predictions(events, replace(plain, parameters=fitted), tz, since, until)
    except OptimizerMissing as exc:
        report["note"] = str(exc)
        return report
    report["personal"] = figures(rows)
    return report


def better(report: dict[str, Any]) -> bool:
    """Whether the fitted parameters beat the defaults on both measures of the held-out part."""
    mine, base = report.get("personal"), report["default"]
    if not mine:
        return False
    return bool(mine["log_loss"] < base["log_loss"] and mine["rmse_bins"] < base["rmse_bins"])


def optimize(events: Sequence[Event], settings: Settings, tz: tzinfo) -> dict[str, Any]:
    """Fit, check on the held-out reviews, and, when the fit is better and the history large
    enough, fit again on everything. ``adopt`` is the parameters to save, or None (``reason``
    says why)."""
    _fsrs_rs()  # a missing optimiser is the first thing to say
    times = scored_times(events, tz, settings.day_start_hour)
    result: dict[str, Any] = {"reviews": len(events), "scored": len(times), "adopt": None}
    if len(times) < MIN_SCORED:
        result["reason"] = (
            f"{len(times)} reviews came a study day or more after the item's last one; fitting "
            f"needs {MIN_SCORED:,} so that the check on your later reviews means something. "
            "Keep drilling: FSRS-6's defaults stay in use."
        )
        return result
    check = held_out(events, settings, tz)
    assert check is not None  # MIN_SCORED is far above the split's minimum
    result["held_out"] = check
    if not better(check):
        result["reason"] = (
            "parameters fitted on your earlier reviews did not predict your later ones better "
            "than the defaults: the defaults stay in use"
        )
        return result
    result["adopt"] = list(fit(training_items(events, tz, settings.day_start_hour)))
    result["reason"] = (
        "parameters fitted on your earlier reviews predicted your later ones better than the "
        "defaults; fitted again on all of them"
    )
    return result


# -- where they are kept


def parameters_path(home: Path) -> Path:
    return home / PARAMETERS_NAME


def load_parameters(home: Path) -> tuple[float, ...]:
    """The saved personal parameters, or () when there are none."""
    path = parameters_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return scheduler.check_parameters(data["parameters"])
    except FileNotFoundError:
        return ()
    except OSError as exc:
        raise CmirevError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CmirevError(
            f"{path}: not a set of FSRS parameters ({exc}); 'cmirev optimize --reset' removes it"
        ) from None


def save_parameters(home: Path, parameters: Sequence[float], summary: dict[str, Any]) -> Path:
    """Write the parameters, with when and on what they were fitted, atomically."""
    path = parameters_path(home)
    record: dict[str, Any] = {
        "parameters": list(parameters),
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **{k: summary[k] for k in ("reviews", "scored", "held_out") if k in summary},
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def clear_parameters(home: Path) -> bool:
    """Remove the saved parameters; whether there were any."""
    try:
        parameters_path(home).unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CmirevError(f"cannot remove {parameters_path(home)}: {exc.strerror or exc}") from None
    return True
