"""`cmirev check` on a 10,000-word .docx against cmirev's bare start-up, side by side.

Builds a draft of about 10,000 words (paragraphs of real unit text, criterion headings, a
reference list) as a Word file, then runs, interleaved, `cmirev --version` (the baseline:
start-up alone) and `cmirev check DRAFT.docx --unit public-services-leadership --json`, and
prints the medians, their difference (the check's own cost; target: under one second) and the
ratio. Run: .venv/bin/python bench/check_speed.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cmirev.loader import load_catalog

CMIREV = Path(sys.executable).parent / "cmirev"


def build(path: Path, words: int = 10_000) -> int:
    import docx

    unit = load_catalog().get("public-services-leadership")
    assert unit is not None
    texts = [item.body for _, item in unit.items()]
    document = docx.Document()
    document.add_heading("Public Services Leadership: my assignment", level=0)
    count = 0
    n = 0
    while count < words:
        criterion = unit.assessment_criteria[n % len(unit.assessment_criteria)]
        document.add_heading(f"{criterion.id}: {criterion.text[:60]}", level=1)
        for text in texts[n % len(texts) :][:12]:
            paragraph = f"In my team at the council, {text} However (Kotter, 1996), it has limits."
            document.add_paragraph(paragraph)
            count += len(paragraph.split())
        n += 1
    document.add_heading("References", level=1)
    document.add_paragraph(
        "Kotter, J.P. (1996) Leading Change. Boston: Harvard Business School Press."
    )
    document.save(str(path))
    return count


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.docx"
        words = build(draft)
        base_cmd = [str(CMIREV), "--version"]
        check_cmd = [
            str(CMIREV),
            "check",
            str(draft),
            "--unit",
            "public-services-leadership",
            "--json",
        ]
        timed(check_cmd)  # warm the catalog cache
        base, check = [], []
        for _ in range(args.runs):
            base.append(timed(base_cmd))
            check.append(timed(check_cmd))
    b, c = statistics.median(base), statistics.median(check)
    print(f"draft: {words:,} words in a .docx; median of {args.runs} interleaved runs each")
    print(f"cmirev --version        {b * 1000:7.0f} ms")
    print(f"cmirev check (docx)     {c * 1000:7.0f} ms")
    print(f"check over start-up     {(c - b) * 1000:7.0f} ms   (target: under 1,000 ms)")
    print(f"ratio                   {c / b:7.2f}")


if __name__ == "__main__":
    main()
