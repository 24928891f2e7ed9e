"""`cmirev due`, the next drill item and `cmirev stats` on a store of 100,000 items and 1,000,000 reviews.

Builds the store once (every shipped item plus generated ones, ten reviews each, spread over two
years), then times, interleaved run by run, a bare Typer app printing one line, `cmirev due`, and
`cmirev drill` up to its first question (then q), and `cmirev stats`. The figure is what each adds
to the bare app's start-up (difference of medians). Targets: under 0.3 s for due and drill, under
1 s for stats.

Usage: python bench/scale.py [--items 100000] [--reviews 1000000] [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import BARE_APP
from cmirev.loader import load_catalog
from cmirev.store import CardState, Store, _ts

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def build_store(path: Path, items: int, reviews: int) -> None:
    catalog = load_catalog()
    real = [f"{u.id}/{i.id}" for u in catalog.units for _, i in u.items()]
    ids = real + [
        f"{catalog.units[n % len(catalog.units)].id}/generated-{n:06d}"
        for n in range(items - len(real))
    ]
    rng = random.Random(1)
    per_item = reviews // len(ids)
    with Store(path) as store:
        db = store.db
        db.execute("BEGIN")
        review_rows = []
        card_rows = []
        for item in ids:
            at = NOW - timedelta(days=rng.uniform(30, 730))
            first = at + timedelta(days=rng.uniform(0.5, 6))  # the first review's time
            for n in range(per_item):
                at = first if n == 0 else at + timedelta(days=rng.uniform(0.5, 6))
                stability = rng.uniform(1, 90)
                state = CardState(
                    item, 2, None, stability, 5.0, at + timedelta(days=stability), at, 1
                ).to_json()  # the full state, as the store writes it
                review_rows.append(
                    (item, "term", 3, 1, at.isoformat(), _ts(at), 4000, state, state, "bench")
                )
            due = NOW + timedelta(days=rng.uniform(-5, 20))
            card_rows.append(
                (item, 2, None, stability, 5.0, _ts(due), _ts(at), per_item, 0, 0, _ts(first))
            )
            if len(review_rows) >= 100_000:
                db.executemany(
                    "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, "
                    "duration_ms, before, after, session) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    review_rows,
                )
                review_rows.clear()
        if review_rows:
            db.executemany(
                "INSERT INTO reviews (item, format, rating, correct, reviewed_at, ts, "
                "duration_ms, before, after, session) VALUES (?,?,?,?,?,?,?,?,?,?)",
                review_rows,
            )
        db.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?)", card_rows)
        db.execute("COMMIT")
        count = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
    print(f"store: {cards:,} items, {count:,} reviews, {path.stat().st_size / 1e6:.0f} MB")


def timed(cmd: list[str], env: dict[str, str], stdin: str = "") -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    cmirev = shutil.which("cmirev", path=str(Path(sys.executable).parent))
    if cmirev is None:
        raise SystemExit("cmirev is not installed beside this Python")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        start = time.perf_counter()
        build_store(home / "reviews.sqlite3", args.items, args.reviews)
        print(f"built in {time.perf_counter() - start:.0f} s")
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CMIREV_")}
        env.update(CMIREV_HOME=str(home), CMIREV_NOW=NOW.isoformat())
        commands = {
            "bare Typer app": ([sys.executable, str(bare)], ""),
            "cmirev due": ([cmirev, "due"], ""),
            "cmirev drill (first item)": ([cmirev, "drill", "--new", "0"], "q\n"),
            "cmirev stats": ([cmirev, "stats"], ""),
        }
        for cmd, stdin in commands.values():
            timed(cmd, env, stdin)  # warm the content cache and the page cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (cmd, stdin) in commands.items():
                times[name].append(timed(cmd, env, stdin))
    base = statistics.median(times["bare Typer app"])
    print(f"median of {args.runs} interleaved runs each")
    for name, samples in times.items():
        median = statistics.median(samples)
        extra = "" if name.startswith("bare") else f"   adds {median - base:+.3f} s"
        print(f"{name:<28}{median:.3f} s{extra}")


if __name__ == "__main__":
    main()
