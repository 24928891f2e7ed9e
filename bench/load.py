"""Load-and-validate time for 200 generated units of 100 items, against PyYAML's C loader alone.

The baseline parses the same files with ``yaml.load(..., Loader=yaml.CSafeLoader)`` and does
nothing else; cmirev's ``build_catalog`` parses them keeping line numbers, checks keys and aliases,
validates with Pydantic and checks every cross-reference. cmirev pauses the cyclic GC while it
loads, so the baseline is also shown with the GC paused. The two alternate, several rounds, and
the figure is the ratio of the medians.

Usage: python bench/load.py [--units 200] [--items 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from cmirev.loader import build_catalog


def unit_text(n: int, items: int) -> str:
    """A valid unit with ``items`` items spread over every section."""
    lines = [
        f"id: unit-{n:03d}",
        f"title: Generated unit {n}",
        "qualification: CMI Level 6 Award in Public Service Leadership",
        "synopsis: A generated unit for benchmarking the loader.",
        "overview: >-\n  Generated to measure how long loading and validating takes.",
        "learning_outcomes:",
    ]
    outcomes = 5
    for i in range(1, outcomes + 1):
        lines.append(f"  - id: LO{i}\n    text: Understand generated outcome number {i}.")
    per = (items - outcomes) // 5
    lines.append("assessment_criteria:")
    for i in range(1, per + 1):
        lo = i % outcomes + 1
        lines.append(
            f"  - id: AC{i}\n    outcomes: [LO{lo}]\n    text: Credit criterion {i} for a clear analysis."
            f"\n    source: {{section: assessment-criteria, position: {i}}}"
        )
    lines.append("concepts:")
    for i in range(per):
        lines.append(
            f"  - id: concept-{i}\n    term: Concept {i}\n    definition: >-\n"
            f"      The meaning of generated concept {i}, written out in a sentence.\n"
            f"    outcomes: [LO{i % outcomes + 1}]"
        )
    lines.append("misconceptions:")
    for i in range(per):
        same = f"\n    same_as: [unit-{(n + 1) % 200:03d}/myth-{i}]" if n < 199 else ""
        lines.append(
            f"  - id: myth-{i}\n    claim: Generated claim {i} is true.\n"
            f"    correction: Generated claim {i} is false, and here is why.{same}"
        )
    lines.append("key_terms:")
    for i in range(per):
        lines.append(
            f"  - id: term-{i}\n    term: Term {i}\n    definition: What term {i} means.\n"
            "    steps: [First, Second, Third]\n    attribution: A. Author (2000)"
        )
    lines.append("guidance:")
    for i in range(items - outcomes - 4 * per):
        lines.append(f"  - id: tip-{i}\n    text: Generated tip {i}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(args.units):
            (folder / f"unit-{n:03d}.yaml").write_text(unit_text(n, args.items))
        files = sorted(folder.glob("*.yaml"))
        catalog, problems = build_catalog([folder])  # warm-up, and a correctness check
        assert not problems, problems[:3]
        total = sum(len(u.items()) for u in catalog.units)
        base_t, nogc_t, ours_t = [], [], []
        for _ in range(args.rounds):
            base_t.append(parse_all(files))
            gc.disable()
            nogc_t.append(parse_all(files))
            gc.enable()
            start = time.perf_counter()
            build_catalog([folder])
            ours_t.append(time.perf_counter() - start)
    base, nogc, ours = (statistics.median(t) for t in (base_t, nogc_t, ours_t))
    print(f"{args.units} units, {total} items, median of {args.rounds} alternating rounds")
    print(f"PyYAML C loader alone            : {base:.3f} s")
    print(f"PyYAML C loader alone, GC paused : {nogc:.3f} s")
    print(f"cmirev load+validate             : {ours:.3f} s")
    print(f"ratio to the C loader            : {ours / base:.2f}")
    print(f"ratio to the C loader, GC paused : {ours / nogc:.2f}")


def parse_all(files: list[Path]) -> float:
    """Seconds for the C loader alone to parse every file."""
    start = time.perf_counter()
    for f in files:
        yaml.load(f.read_text(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
