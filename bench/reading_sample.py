"""A stratified sample of generated questions to read by eye: every format, every unit.

Writes each question as the plain UI shows it before the answer, then the key, the accepted typed
forms, the source and the explanation, with the command that reproduces it. The verdicts of the
readings so far are in bench/readings.md.

Usage: python bench/reading_sample.py [--first-seed 700] [--seeds 200] [--pick-seed 2027] OUT.md
"""

from __future__ import annotations

import argparse
import io
from collections import defaultdict
from random import Random

from cmirev.loader import load_catalog
from cmirev.questions import FORMATS, LETTERS, Generator, Question
from cmirev.quizui import PlainQuizUI
from cmirev.session import build_quiz

CODES = {
    "public-services-leadership": "PSL",
    "collaborative-public-services-project": "CPSP",
    "planning-to-meet-public-services-customer-requirements": "PMCR",
    "leadership-in-practice": "LIP",
}
PER_FORMAT = dict.fromkeys(FORMATS, 6) | {"cloze": 10, "true-false": 10, "figure": 4, "who": 4}
PER_FORMAT["order"] = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--first-seed", type=int, default=700)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--pick-seed", type=int, default=2027)
    args = parser.parse_args()
    catalog = load_catalog()
    generator = Generator(catalog)
    pool: dict[tuple[str, str], list[tuple[int, int, Question]]] = defaultdict(list)
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for unit in catalog.units:
            for n, q in enumerate(build_quiz(generator, [unit], 12, Random(seed)), 1):
                pool[(q.format, unit.id)].append((seed, n, q))
    rng = Random(args.pick_seed)
    picked: list[tuple[str, int, int, Question]] = []
    for fmt, want in PER_FORMAT.items():
        cells = [key for key in pool if key[0] == fmt]
        seen: set[str] = set()
        while len([p for p in picked if p[3].format == fmt]) < want and cells:
            for cell in list(cells):
                if len([p for p in picked if p[3].format == fmt]) >= want:
                    break
                fresh = [c for c in pool[cell] if c[2].prompt not in seen]
                if not fresh:
                    cells.remove(cell)
                    continue
                seed, n, q = rng.choice(fresh)
                seen.add(q.prompt)
                picked.append((cell[1], seed, n, q))
    blocks = []
    for i, (unit, seed, n, q) in enumerate(picked, 1):
        screen = io.StringIO()
        PlainQuizUI(stdin=io.StringIO(), stdout=screen).question(q, n, 12)
        key = (
            f"{LETTERS[q.answer]}) {q.model_answer}"
            if q.answer >= 0 and q.format != "true-false"
            else q.model_answer
        )
        accepted = f"\n[accepted: {', '.join(q.accepted)}]" if q.accepted else ""
        blocks.append(
            f"#### E{i:02d}: {q.format}, {CODES.get(unit, unit)}, seed {seed}, question {n} of 12\n\n"
            f"Reproduce: `CMIREV_HOME=$(mktemp -d) cmirev quiz {unit} -n 12 --seed {seed} "
            f"--practice`, question {n}.\n\n```{screen.getvalue()}[keyed answer: {key}]{accepted}\n"
            f"[source: {q.source}]\n[why: {q.explanation}]\n```\n"
        )
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(blocks))
    print(f"{len(picked)} questions written to {args.out}")


if __name__ == "__main__":
    main()
