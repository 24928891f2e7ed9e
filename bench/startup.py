"""Start-up cost of `cmirev show misconceptions` against a bare Typer app that prints one line.

Both run as console scripts of the same interpreter, interleaved run by run so that machine noise
hits both alike; the figure is the ratio of the medians. Measured three ways:

- piped: standard output is a pipe (plain-text output, the cached catalog);
- terminal: standard output is a pseudo-terminal (Rich output), the baseline also in one;
- cold: piped, with the content cache deleted before each run (parse + validate every time);
- quiz: `cmirev quiz all -n 10 --practice` piped with no input: the question generator indexes
  the catalog, builds ten questions and shows the first (the baseline is the same bare app).

Usage: python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BARE_APP


def run_piped(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_tty(cmd: list[str], env: dict[str, str]) -> float:
    main, sub = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=sub, stderr=sub, stdin=subprocess.DEVNULL)
    os.close(sub)
    while True:
        try:
            if not os.read(main, 65536):
                break
        except OSError:
            break
    proc.wait()
    elapsed = time.perf_counter() - start
    os.close(main)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed with {proc.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    cmirev = shutil.which("cmirev", path=str(bindir)) or shutil.which("cmirev")
    if cmirev is None:
        raise SystemExit("cmirev is not installed beside this Python")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CMIREV_")}
        env.update(XDG_CACHE_HOME=f"{tmp}/cache", XDG_DATA_HOME=f"{tmp}/data", COLUMNS="100")
        base_cmd = [sys.executable, str(bare)]
        ours = [cmirev, "show", "misconceptions"]
        run_piped(ours, env)  # fill the cache
        cache = Path(tmp) / "cache" / "cmirev" / "catalog.pickle"
        assert cache.exists(), "the content cache was not written"
        quiz = [cmirev, "quiz", "all", "-n", "10", "--practice", "--seed", "1"]
        results = {}
        for label, runner, clear, command in (
            ("piped", run_piped, False, ours),
            ("terminal", run_tty, False, ours),
            ("cold (no cache)", run_piped, True, ours),
            ("quiz", run_piped, False, quiz),
        ):
            base_t, ours_t = [], []
            for _ in range(args.runs):
                base_t.append(runner(base_cmd, env))
                if clear:
                    cache.unlink(missing_ok=True)
                ours_t.append(runner(command, env))
            results[label] = (statistics.median(base_t), statistics.median(ours_t))
    print(
        f"median of {args.runs} interleaved runs each; baseline: bare Typer app printing one line"
    )
    print(f"{'mode':<18}{'baseline':>10}{'cmirev':>10}{'ratio':>8}")
    for label, (b, o) in results.items():
        print(f"{label:<18}{b * 1000:>8.0f}ms{o * 1000:>8.0f}ms{o / b:>8.2f}")


if __name__ == "__main__":
    main()
