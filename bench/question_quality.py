"""Quality figures of generated quizzes over every shipped unit and many seeds.

Not a timing: the figures the property tests in tests/test_questions.py hold to, printed so the
closing notes and bench/README.md can quote them.

Usage: python bench/question_quality.py [--seeds 1000] [--questions 30]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from random import Random

from cmirev.loader import load_catalog
from cmirev.questions import Generator
from cmirev.session import build_quiz


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    catalog = load_catalog()
    generator = Generator(catalog)
    questions = [
        q
        for seed in range(args.seeds)
        for q in build_quiz(generator, catalog.units, args.questions, Random(seed))
    ]
    formats = Counter(q.format for q in questions)
    print(f"{len(questions)} questions from {args.seeds} seeded quizzes of {args.questions}")
    print("formats: " + ", ".join(f"{f} {n}" for f, n in sorted(formats.items())))
    choice = [q for q in questions if q.is_choice and q.format != "true-false"]
    by_k: dict[int, Counter[int]] = defaultdict(Counter)
    for q in choice:
        by_k[len(q.options)][q.answer] += 1
    for k, positions in sorted(by_k.items()):
        total = sum(positions.values())
        shares = " ".join(f"{'abcd'[i]} {100 * positions[i] / total:.1f}%" for i in range(k))
        print(f"answer position, {k} options ({total} questions): {shares}")
    multi = [q for q in choice if len(q.options) >= 3]
    longest = sum(
        1
        for q in multi
        if all(len(q.model_answer) > len(o) for i, o in enumerate(q.options) if i != q.answer)
    )
    chance = sum(1 / len(q.options) for q in multi) / len(multi)
    print(
        f"right option is the longest: {100 * longest / len(multi):.1f}% (chance {100 * chance:.1f}%)"
    )
    tf = [q for q in questions if q.format == "true-false"]
    true = sum(1 for q in tf if q.answer == 0)
    print(f"true-or-false: {100 * true / len(tf):.1f}% true of {len(tf)}")


if __name__ == "__main__":
    main()
