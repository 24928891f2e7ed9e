"""`cmirev plan`: an assignment outline built from a unit's criteria and everything linked to them.

One section per assessment criterion, in the unit's order: the criterion, its command verb and
the depth that verb demands (from the command-verb key terms, items whose id ends in ``-verb``),
a word budget, the models and ideas linked to it with a line on when each fails (a linked
misconception or critique that names it), the workplace evidence to gather, facts worth citing
with their attribution, the mistakes and misconceptions to avoid, and a checklist. Everything
comes from the units, so a learner's own unit gets an outline with no code change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cmirev.assess import (
    DEMAND_EVALUATE,
    DEMAND_EXAMPLE,
    DEMAND_PLAN,
    DEMAND_TWO,
    Model,
    unit_models,
)
from cmirev.errors import CmirevError
from cmirev.models import Catalog, Criterion, Fact, KeyTerm, Misconception, Mistake, Unit

WORDS = (2500, 3000)
# What a criterion's wording demands: (its sign, the evidence to gather, the checklist line).
DEMANDS = (
    (
        DEMAND_EXAMPLE,
        "A specific example from your own team or service: what happened, what you did, "
        "what followed.",
        "A first-person example from your own workplace.",
    ),
    (
        DEMAND_PLAN,
        "Your development needs, with evidence (feedback, appraisal, a 360), and dated actions.",
        "An action plan: specific, evidence-based, with dates.",
    ),
    (
        DEMAND_EVALUATE,
        "Evidence of what worked and what did not: figures, feedback, outcomes.",
        "Evaluation, not description: where it helps, where it fails, the evidence.",
    ),
    (DEMAND_TWO, "", "At least two models, each with a strength and a limit in your setting."),
)
FRAME_SHARE = 0.10  # each of the introduction and the conclusion


def _verbs(catalog: Catalog) -> list[tuple[re.Pattern[str], KeyTerm]]:
    """Command verbs as patterns (longest first, so 'critically evaluate' beats 'evaluate')."""
    found = []
    for unit in catalog.units:
        for item in unit.key_terms:
            if isinstance(item, KeyTerm) and item.id.endswith("-verb"):
                stems = [w[: min(len(w), 6)] for w in item.term.lower().split()]
                pattern = re.compile(r"\b" + r"\w*\s+".join(map(re.escape, stems)), re.I)
                found.append((pattern, item))
    return sorted(found, key=lambda pv: -len(pv[1].term))


def _verb(text: str, verbs: list[tuple[re.Pattern[str], KeyTerm]]) -> KeyTerm | None:
    hits = [(m.start(), -len(v.term), v) for p, v in verbs if (m := p.search(text))]
    return min(hits, key=lambda h: (h[0], h[1]))[2] if hits else None


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]


def _weight(criterion: Criterion) -> int:
    return 1 + sum(
        bool(p.search(criterion.text))
        for p in (DEMAND_TWO, DEMAND_EVALUATE, DEMAND_EXAMPLE, DEMAND_PLAN)
    )


CRITIQUE = re.compile(
    r"\b(evidence|criticis\w*|critique\w*|contested|disputed|weak\w*|limit\w*|lacks?|fails?|"
    r"inconsisten\w*|untested|unproven|no formal study|oversimplif\w*|doubt\w*|outruns?|"
    r"little (?:support|empirical)|not (?:a|an) (?:fixed|proven))\b",
    re.I,
)


def _fails(model: Model, unit: Unit) -> str | None:
    """When the model fails: the correction of a misconception about it, or a fact naming it,
    that is a critique (speaks of evidence, limits, criticism)."""
    for item in unit.misconceptions:
        if (
            isinstance(item, Misconception)
            and model.named_in(item.claim)
            and CRITIQUE.search(item.correction)
        ):
            return " ".join(re.split(r"(?<=[.!?])\s+", item.correction.strip())[:2])
    for fact in unit.facts:
        if (
            isinstance(fact, Fact)
            and model.named_in(fact.statement)
            and CRITIQUE.search(fact.statement)
        ):
            return f"{_first_sentence(fact.statement)} ({fact.attribution})"
    return None


def outline(unit: Unit, catalog: Catalog, words: int | None = None) -> dict[str, Any]:
    """The outline's content, section by section."""
    if not unit.assessment_criteria:
        raise CmirevError(
            f"{unit.id} has no assessment criteria to plan an assignment around "
            "(see 'cmirev show criteria')"
        )
    total = words or round(sum(WORDS) / 2)
    frame = round(total * FRAME_SHARE)
    weights = {c.id: _weight(c) for c in unit.assessment_criteria}
    share = (total - 2 * frame) / sum(weights.values())
    verbs = _verbs(catalog)
    models = {m.gid: m for m in unit_models(unit, catalog)}
    sections = []
    for criterion in unit.assessment_criteria:
        outcomes = set(criterion.outcomes)
        linked = [
            item
            for item in [*unit.key_terms, *unit.concepts]
            if outcomes.intersection(item.outcomes) and not item.id.endswith("-verb")
        ]
        verb = _verb(criterion.text, verbs)
        demands = [(p, e, c) for p, e, c in DEMANDS if p.search(criterion.text)]
        evidence = [e for _, e, _ in demands if e] + [
            "Documents you can cite or append: plans, minutes, survey results, policies."
        ]
        checklist = [f"A heading that names {criterion.id} and its topic."]
        checklist += [c for _, _, c in demands]
        checklist.append("Every model cited (Author, Year) and listed under References.")
        sections.append(
            {
                "id": criterion.id,
                "criterion": criterion.text,
                "outcomes": sorted(outcomes),
                "verb": verb.term if verb else None,
                "depth": verb.definition if verb else None,
                "words": round(share * weights[criterion.id]),
                "models": [
                    {
                        "item": f"{unit.id}/{item.id}",
                        "name": item.heading,
                        "what": _first_sentence(item.body),
                        "fails": _fails(models[f"{unit.id}/{item.id}"], unit)
                        if f"{unit.id}/{item.id}" in models
                        else None,
                    }
                    for item in linked
                ],
                "evidence": evidence,
                "facts": [
                    {"statement": f.statement, "attribution": f.attribution}
                    for f in unit.facts
                    if isinstance(f, Fact) and outcomes.intersection(f.outcomes)
                ],
                "avoid": [
                    {"item": f"{unit.id}/{m.id}", "text": m.text, "instead": m.good_practice}
                    for m in unit.mistakes
                    if isinstance(m, Mistake)
                    and (outcomes.intersection(m.outcomes) or not m.outcomes)
                ]
                + [
                    {"item": f"{unit.id}/{m.id}", "text": m.claim, "instead": m.correction}
                    for m in unit.misconceptions
                    if isinstance(m, Misconception) and outcomes.intersection(m.outcomes)
                ],
                "checklist": checklist,
            }
        )
    return {
        "unit": unit.id,
        "title": unit.title,
        "words": total,
        "introduction_words": frame,
        "conclusion_words": frame,
        "sections": sections,
        "note": "The criteria are cmirev's study aid restating the unit, not CMI's wording: "
        "follow your centre's assignment brief where it differs.",
    }


def markdown(plan: dict[str, Any]) -> str:
    """The outline as Markdown: headings to write under, guidance as notes."""
    lines = [
        f"# {plan['title']}: assignment outline",
        "",
        f"About {plan['words']:,} words in all. {plan['note']}",
        "",
        f"## Introduction (about {plan['introduction_words']} words)",
        "",
        "Set out your organisation, your role, and how the assignment is organised by criterion.",
        "",
    ]
    for s in plan["sections"]:
        lines += [f"## {s['id']}: {_short(s['criterion'])} (about {s['words']} words)", ""]
        lines += [f"> {s['criterion']}", ""]
        if s["verb"]:
            lines += [f"**{s['verb']}**: {s['depth']}", ""]
        if s["models"]:
            lines += ["**Models and ideas to use**", ""]
            for m in s["models"]:
                line = f"- {m['name']}: {m['what']}"
                if m["fails"]:
                    line += f" *Where it falls short:* {m['fails']}"
                lines.append(line)
            lines.append("")
        lines += ["**Evidence to gather**", ""] + [f"- {e}" for e in s["evidence"]] + [""]
        if s["facts"]:
            lines += ["**Facts worth citing**", ""]
            lines += [f"- {f['statement']} ({f['attribution']})" for f in s["facts"]] + [""]
        if s["avoid"]:
            lines += ["**Avoid**", ""]
            for a in s["avoid"]:
                lines.append(
                    f"- {a['text']}" + (f" Instead: {a['instead']}" if a["instead"] else "")
                )
            lines.append("")
        lines += ["**Checklist**", ""] + [f"- [ ] {c}" for c in s["checklist"]] + [""]
    lines += [
        f"## Conclusion (about {plan['conclusion_words']} words)",
        "",
        "Draw together what the sections showed; bring in nothing new.",
        "",
        "## References",
        "",
        "Harvard style, alphabetical by author; every entry cited in the text (see 'cmirev show references').",
        "",
    ]
    return "\n".join(lines)


def _short(text: str, limit: int = 8) -> str:
    words = re.sub(r"^(The learner|A|An)\s+", "", text.strip()).split()
    short = " ".join(words[:limit]).rstrip(",.;:")
    return short[0].upper() + short[1:] + ("…" if len(words) > limit else "")


def write_docx(plan: dict[str, Any], path: Path) -> None:
    """The outline as a Word document with real headings (Heading 1 per section) to write under."""
    import docx

    document = docx.Document()
    document.add_heading(f"{plan['title']}: assignment outline", level=0)
    document.add_paragraph(f"About {plan['words']:,} words in all. {plan['note']}")
    document.add_heading(f"Introduction (about {plan['introduction_words']} words)", level=1)
    document.add_paragraph(
        "Set out your organisation, your role, and how the assignment is organised by criterion."
    )
    for s in plan["sections"]:
        document.add_heading(f"{s['id']}: {_short(s['criterion'])} (about {s['words']} words)", 1)
        document.add_paragraph(s["criterion"], style="Intense Quote")
        if s["verb"]:
            para = document.add_paragraph()
            para.add_run(f"{s['verb']}: ").bold = True
            para.add_run(s["depth"])
        for title, rows in (
            (
                "Models and ideas to use",
                [
                    f"{m['name']}: {m['what']}"
                    + (f" Where it falls short: {m['fails']}" if m["fails"] else "")
                    for m in s["models"]
                ],
            ),
            ("Evidence to gather", s["evidence"]),
            ("Facts worth citing", [f"{f['statement']} ({f['attribution']})" for f in s["facts"]]),
            (
                "Avoid",
                [
                    a["text"] + (f" Instead: {a['instead']}" if a["instead"] else "")
                    for a in s["avoid"]
                ],
            ),
            ("Checklist", s["checklist"]),
        ):
            if rows:
                document.add_heading(title, level=2)
                for row in rows:
                    document.add_paragraph(row, style="List Bullet")
    document.add_heading(f"Conclusion (about {plan['conclusion_words']} words)", level=1)
    document.add_paragraph("Draw together what the sections showed; bring in nothing new.")
    document.add_heading("References", level=1)
    document.add_paragraph("Harvard style, alphabetical by author; every entry cited in the text.")
    try:
        document.save(str(path))
    except OSError as exc:
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None
