"""How long a new learner's daily drill takes with cmirev's default limits, and with others.

The simulated learner of ``bench/simulate.py`` (its answer, feedback and study-card times;
its memory) studies every evening for four weeks from a fresh store, with no time box, through
cmirev's own ``Study.plan`` and ``run_drill``. For each pair of daily limits (new items a day,
reviews a day) it reports the minutes an evening took, by week, then the ideas seen by the end
and the learner's true free recall of them the next morning (the price of a lower limit). The
defaults in
``cmirev.scheduler.Settings`` are the pair that keeps a new learner near ten minutes a day
(figures and reasoning in ``docs/scheduling.md``).

Usage::

    python bench/session_length.py [--learners 4] [--days 28] [--limits 10/100 5/40 ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import replace
from datetime import timedelta
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cmirev.scheduler import Settings
from simulate import (
    FIRST_DAY,
    VARIANTS,
    Cmirev,
    evening_start,
    make_world,
    measure,
    morning,
)

NO_TIME_BOX = 6 * 3600.0  # seconds: more than any evening takes


def evenings(job: tuple[int, int, int, int]) -> tuple[list[float], int, float]:
    """Minutes each evening took for one learner (seed) and one pair of limits; the ideas
    seen, and their true free recall the morning after the last evening."""
    seed, new, cap, days = job
    settings = replace(Settings(), new_per_day=new, max_reviews_per_day=cap)
    world = make_world(seed, VARIANTS["base"], "cmirev", NO_TIME_BOX / 60, settings)
    try:
        strategy = Cmirev(world)
        spent = []
        for index in range(days):
            world.clock.set(evening_start(seed, FIRST_DAY + timedelta(days=index)))
            before = world.tally.seconds
            strategy.evening(index, days, NO_TIME_BOX)
            spent.append((world.tally.seconds - before) / 60)
        after = measure(world, "end", morning(FIRST_DAY + timedelta(days=days)), False)
        return spent, after.seen, after.recall_seen
    finally:
        world.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=4)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--limits", nargs="+", default=["10/100", "8/50", "6/40", "5/30"])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    pairs = [tuple(int(n) for n in text.split("/")) for text in args.limits]
    jobs = [(seed, new, cap, args.days) for new, cap in pairs for seed in range(args.learners)]
    with Pool(args.processes) as pool:
        results = pool.map(evenings, jobs)
    weeks = (args.days + 6) // 7
    head = "  ".join(f"week {w + 1:<2} (med, max)" for w in range(weeks))
    print(f"new/day  reviews/day  {head}  seen  recall of seen")
    for new, cap in pairs:
        runs = [r for (_, n, c, _), r in zip(jobs, results, strict=True) if (n, c) == (new, cap)]
        cells = []
        for w in range(weeks):
            minutes = [m for run, _, _ in runs for m in run[w * 7 : w * 7 + 7]]
            cells.append(f"{statistics.median(minutes):5.1f}, {max(minutes):5.1f}       ")
        seen = statistics.mean(n for _, n, _ in runs)
        recall = statistics.mean(r for _, _, r in runs)
        print(f"{new:7d}  {cap:11d}  " + "  ".join(cells) + f"  {seen:4.0f}  {recall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
