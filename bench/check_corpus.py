"""How well `cmirev check` agrees with the expected findings of the draft corpus (not a timing).

Each draft in tests/drafts/ has NAME.expected.json, written from an assessor's reading before
the checker existed. For each finding kind this prints precision (of what the checker reported,
the share expected) and recall (of what was expected, the share reported), matching a finding
by kind, code, item or reference key, and line where the expectation gives one; then the share
of criterion-draft pairs whose status agrees, and any finding on a clean draft other than
length. Run: .venv/bin/python bench/check_corpus.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from cmirev import assess, drafts
from cmirev.loader import load_catalog

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "drafts"


def expected_keys(spec: dict[str, Any]) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    if spec["length"] != "within":
        keys.add(("length", spec["length"]))
    for m in spec["misconceptions"]:
        keys.add(("misconception", m["item"].split("/", 1)[1], str(m["line"])))
    for m in spec["mistakes"]:
        keys.add(("mistake", m["code"], str(m["line"]) if m["line"] is not None else "-"))
    for r in spec["references"]:
        keys.add(("reference", r["code"], (r["key"] or "-").lower()))
    return keys


def found_keys(report: dict[str, Any]) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    for f in report["findings"]:
        if f["kind"] == "length":
            keys.add(("length", f["code"]))
        elif f["kind"] == "misconception":
            keys.add(("misconception", f["item"].split("/", 1)[1], str(f["line"])))
        elif f["kind"] == "mistake":
            line = "-" if f["code"] == "no-workplace-evidence" else str(f["line"])
            keys.add(("mistake", f["code"], line))
        elif f["kind"] == "reference":
            keys.add(("reference", f["code"], (f["reference"] or "-").lower()))
    return keys


def evaluate(corpus: Path = CORPUS, verbose: bool = False) -> dict[str, Any]:
    catalog = load_catalog()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    agree = pairs = 0
    clean_extra: list[str] = []
    for spec_path in sorted(corpus.glob("*.expected.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        draft_path = spec_path.with_name(spec_path.name.replace(".expected.json", ".md"))
        unit = catalog.get(spec["unit"])
        assert unit is not None, spec["unit"]
        report = assess.check(drafts.read(draft_path), unit, catalog)
        want, got = expected_keys(spec), found_keys(report)
        for key in got & want:
            tp[key[0]] += 1
        for key in got - want:
            fp[key[0]] += 1
        for key in want - got:
            fn[key[0]] += 1
        status = {c["id"]: c["status"] for c in report["criteria"]}
        for cid, expected in spec["criteria"].items():
            pairs += 1
            agree += status.get(cid) == expected
            if verbose and status.get(cid) != expected:
                print(f"  {draft_path.name} {cid}: expected {expected}, got {status.get(cid)}")
        if spec["kind"] == "clean":
            clean_extra += [f"{draft_path.name}: {k}" for k in got if k[0] != "length"]
        if verbose:
            for key in sorted(got - want):
                print(f"  {draft_path.name} extra {key}")
            for key in sorted(want - got):
                print(f"  {draft_path.name} missed {key}")
    kinds = ["length", "misconception", "mistake", "reference"]
    rows = {}
    for kind in kinds:
        reported, expected = tp[kind] + fp[kind], tp[kind] + fn[kind]
        rows[kind] = {
            "precision": round(tp[kind] / reported, 3) if reported else None,
            "recall": round(tp[kind] / expected, 3) if expected else None,
            "reported": reported,
            "expected": expected,
        }
    return {
        "drafts": len(list(corpus.glob("*.expected.json"))),
        "kinds": rows,
        "criteria_agreement": round(agree / pairs, 3) if pairs else None,
        "criteria_pairs": pairs,
        "clean_extra": clean_extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    result = evaluate(verbose=args.verbose)
    print(f"{result['drafts']} drafts")
    print(f"{'kind':<15}{'precision':>10}{'recall':>8}{'reported':>10}{'expected':>10}")
    for kind, row in result["kinds"].items():
        p = "-" if row["precision"] is None else f"{row['precision']:.2f}"
        r = "-" if row["recall"] is None else f"{row['recall']:.2f}"
        print(f"{kind:<15}{p:>10}{r:>8}{row['reported']:>10}{row['expected']:>10}")
    print(
        f"criterion status agrees on {result['criteria_agreement']:.0%} of "
        f"{result['criteria_pairs']} criterion-draft pairs"
    )
    print(f"findings on clean drafts other than length: {len(result['clean_extra'])}")
    for line in result["clean_extra"]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
