"""`cmirev check`: a draft against a unit's criteria, misconceptions and common mistakes.

Everything comes from the unit's data, so a learner's own unit works with no code change:

- **Length**: body words against the guide (2,500-3,000 by default), 10% either way.
- **Criteria**: each criterion is *signposted* when a heading or sentence names its id or
  shares most of its topic words; its *section* is what follows that heading (the whole body
  otherwise). It is ``addressed`` when signposted and its section names enough of the models
  and ideas linked to it and meets the demands its text makes (how many models, evaluation,
  workplace examples, an action plan), ``thin`` when signposted or covered but a demand is
  missing (each said), ``missing`` when nothing addresses it.
- **Misconceptions**: a sentence matching one of a misconception's ``signals``, or, without
  signals, very close to its claim; never a sentence that reports or refutes a belief
  ("the myth that...", "it is wrong to say..."). Precision first: a false accusation in a
  learner's essay is worse than a miss.
- **Mistakes**: a model presented and never evaluated anywhere in the draft; no first-person
  workplace evidence; leadership and management used as synonyms; a conclusion that brings
  in a model or a source not discussed before.
- **References**: Harvard citations (Author, Year) with no entry in the reference list,
  entries never cited, and a draft with no references at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cmirev.drafts import Draft, Paragraph, words
from cmirev.models import Catalog, Concept, Criterion, KeyTerm, Misconception, Mistake, Unit

WORD_GUIDE = (2500, 3000)
BRIEF = 80  # fewer words than this under a criterion's heading cannot meet it
MARGIN = 0.10

REFUTES = re.compile(
    r"\b(myths?|misconceptions?|misread(?:ing|s)?|misquot\w*|misunderst\w*|mistaken(?:ly)?|"
    r"wrongly|it is (?:a )?(?:wrong|mistake|error)|(?:not|never) (?:true|the case|supported)|"
    r"contrary to|(?:is|are) often (?:claimed|said|assumed|believed|thought)|popular(?:ly)? "
    r"(?:belief|claim|view)|some (?:people|managers|writers|colleagues) (?:claim|say|believe|"
    r"assume|think)|(?:claim|belief|idea|assumption|view) that|falsely|debunk\w*|oversimplif\w*|"
    r"rather than|does not (?:mean|show|prove)|do not (?:mean|show|prove)|is not|are not|isn't|"
    r"aren't)\b",
    re.I,
)
# A sentence that reports, asks about or distances itself from a belief ("it is often said",
# "some managers assume", "the idea that", a question) states nobody's view: never a
# misconception finding. Applied before any unit's signals, so signals stay short.
REPORTED = re.compile(
    r"(?:\?\s*$|\b(?:(?:sometimes|often|commonly|widely|frequently|usually|still|generally)\W+(?:said|seen|assumed|believed|thought|claimed|argued|described|treated|portrayed|regarded|presented|quoted|cited|repeated|told|heard)|(?:people|some|many|managers|colleagues|staff|others|critics|someone|everyone|few|most)\W+(?:\w+\W+){0,2}?(?:say|said|think|thought|assume|assumes|assumed|believe|believes|believed|claim|claims|claimed|suggest|suggests|insist|insists|argue|argued|imagine|imagined)|(?:is|are|was|were) said to|it is (?:often|sometimes|commonly|widely|frequently) (?:said|assumed|believed|claimed|thought|argued)|seen as|the (?:idea|claim|belief|view|assumption|notion|myth|suggestion) that|misquot\w*|popular (?:belief|myth|claim|idea)|tempting to)\b)",
    re.I,
)
EVALUATIVE = re.compile(
    r"\b(strengths?|weakness(?:es)?|limits?|limitations?|however|but|although|though|whereas|"
    r"criticis\w*|critique\w*|evidence|evaluat\w*|fails?|failed|useful|helpful|effective\w*|"
    r"ineffective|works? (?:well|best|poorly)|suits?|suited|fits?|advantages?|disadvantages?|"
    r"drawbacks?|benefits?|risks?|problem\w*|assumes?|assumption|oversimplif\w*|contested|"
    r"questioned|mixed|support(?:ed|s)? by|unsupported|applies|apply|relevant|appropriate|"
    r"inappropriate|compared|in contrast|on the other hand)\b",
    re.I,
)
FIRST_PERSON = re.compile(r"\b(I|my|me|we|our|us)\b")
WORKPLACE = re.compile(
    r"\b(team|teams|service|services|council|organisation|organization|department|ward|"
    r"station|unit|staff|colleagues?|directorate|trust|force|practice|office|shift|managers?|"
    r"workplace|project|residents|patients|officers|crews?|caseload|board)\b",
    re.I,
)
SYNONYMS = re.compile(
    r"\b(leadership|management)\b[^.;:]{0,40}?\b(?:(?:also|otherwise|sometimes) (?:called|known as|"
    r"termed)|as it is (?:also )?(?:called|known)|in other words|i\.e\.|that is to say|"
    r"(?:just|simply|really) another (?:word|name|term) for|(?:is|are|means) (?:the same(?: thing)? as|"
    r"simply|just|basically) |same thing as|synonym(?:ous)? (?:with|for)|interchangeabl\w*)"
    r"[^.;:]{0,30}?\b(leadership|management)\b",
    re.I,
)
SYNONYMS_OR = re.compile(
    r"\b(leadership|management),?\s+or\s+(leadership|management),?\s+(?:as (?:it is|they are) "
    r"(?:\w+\s+){0,3}?(?:called|known)|(?:also|otherwise) (?:called|known as)|"
    r"(?:which|they) (?:is|are|mean) the same)",
    re.I,
)
SYNONYMS_AND = re.compile(
    r"\b(leadership) and (management) (?:are|is|mean|means) (?:\w+\s+){0,2}?(?:the same|"
    r"one and the same|interchangeable|identical)",
    re.I,
)
PARTICLE = r"(?:(?:van|von|de|der|den|du|le|la|di|da)\s+)"
AUTHOR = rf"{PARTICLE}?[A-Z][A-Za-z'’\-]+(?:\s+{PARTICLE}?[A-Z][A-Za-z'’\-]+)*"
NAME = rf"{AUTHOR}(?:,\s*{AUTHOR})*(?:,?\s+(?:and|&)\s+{AUTHOR})?(?:\s+et\s+al\.?)?"
YEAR = r"(?:1[89]|20)\d{2}"
CITATION_PAREN = re.compile(rf"\(([^()]*?\b{YEAR}[a-z]?\b[^()]*)\)")
CITATION_NARRATIVE = re.compile(rf"({NAME})\s+\(({YEAR})[a-z]?(?:[,:;][^)]*)?\)")
CITE_PART = re.compile(
    rf"^\s*(?:see\s+|e\.g\.,?\s+|cited in\s+|also\s+)?({NAME}),?\s+({YEAR})[a-z]?"
)
ENTRY = re.compile(rf"^\s*(?:[-*\d.]+\s*)?(.+?)\(?({YEAR}|n\.d\.)[a-z]?\)?")
# Capitalised words that start sentences, not names: never taken for an author.
NOT_NAMES = frozenset(
    [
        "As",
        "In",
        "The",
        "According",
        "See",
        "For",
        "By",
        "With",
        "Following",
        "After",
        "While",
        "Both",
        "Like",
        "Unlike",
        "Also",
        "Work",
        "Research",
        "Writing",
        "Studies",
        "Evidence",
        "This",
        "That",
        "These",
        "Their",
        "His",
        "Her",
        "Its",
        "A",
        "An",
        "And",
        "Since",
        "Although",
        "However",
        "When",
        "Where",
        "Later",
        "Earlier",
        "Here",
        "Yet",
        "Even",
        "Only",
        "Then",
    ]
)
DEMAND_TWO = re.compile(r"\b(at least two|two or more|both|compare|contrast)\b", re.I)
DEMAND_EVALUATE = re.compile(r"\b(evaluat\w*|analys\w*|assess(?!or|ment)\w*|critical\w*)\b", re.I)
DEMAND_MEASURABLE = re.compile(r"\bmeasurabl\w*|\bmeasures? of success\b", re.I)
FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|per ?cent|percentage points?)|\btargets?\b|\bbaselines?\b|"
    r"\bKPIs?\b|\bfrom \d[\d,.]*\s*\w*\s+to \d",
    re.I,
)
DEMAND_EXAMPLE = re.compile(
    r"\b(examples?|illustrated|own|workplace|your (?:team|organisation|service)|"
    r"real|specific public service)\b",
    re.I,
)
DEMAND_PLAN = re.compile(r"\baction plan\b", re.I)
DEMAND_MODELS = re.compile(
    r"\b(models?|theor\w*|frameworks?|tools?|techniques?|approaches|strategies|methods?|styles?)\b",
    re.I,
)
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "as",
        "at",
        "from",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "be",
        "how",
        "what",
        "which",
        "their",
        "its",
        "it",
        "can",
        "such",
        "using",
        "use",
        "uses",
        "including",
        "into",
        "about",
        "within",
        "across",
    ]
)


@dataclass(frozen=True)
class Finding:
    kind: str  # length, criterion, misconception, mistake, reference
    code: str
    line: int | None
    item: str | None
    message: str
    reference: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "line": self.line,
            "item": self.item,
            "reference": self.reference,
            "message": self.message,
        }


@dataclass(frozen=True)
class Model:
    """A model or idea a criterion draws on, and the names a draft may call it by."""

    gid: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    outcomes: frozenset[str] = frozenset()

    def named_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


def check(
    draft: Draft, unit: Unit, catalog: Catalog, guide: tuple[int, int] = WORD_GUIDE
) -> dict[str, Any]:
    """Every finding for this draft against this unit (see the module docstring)."""
    findings: list[Finding] = []
    body = draft.body()
    count = sum(words(p.text) for p in body)
    low, high = round(guide[0] * (1 - MARGIN)), round(guide[1] * (1 + MARGIN))
    if not low <= count <= high:
        side = "under" if count < low else "over"
        findings.append(
            Finding(
                "length",
                side,
                None,
                None,
                f"{count:,} body words: {side} the guide of {guide[0]:,}-{guide[1]:,} words "
                f"({low:,}-{high:,} with the 10% margin; headings, references and appendices "
                "not counted)",
            )
        )
    models = unit_models(unit, catalog)
    marks = signposts(draft, unit)
    criteria = [_criterion(draft, unit, c, models, marks[c.id]) for c in unit.assessment_criteria]
    for status in criteria:
        if status["status"] != "addressed":
            findings.append(
                Finding(
                    "criterion",
                    status["status"],
                    status["line"],
                    f"{unit.id}/{status['id']}",
                    f"{status['id']} is {status['status']}"
                    + (": " + "; ".join(status["missing"]) if status["missing"] else ""),
                )
            )
    findings += misconceptions(draft, unit, catalog)
    findings += mistakes(draft, models, unit)
    findings += references(draft)
    findings.sort(key=lambda f: (f.line is None, f.line or 0, f.kind))
    return {
        "unit": unit.id,
        "draft": str(draft.path),
        "words": count,
        "word_range": [low, high],
        "criteria": criteria,
        "findings": [f.record() for f in findings],
    }


# -- what the unit offers


def _name_pattern(name: str) -> re.Pattern[str] | None:
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "Stakeholder mapping (after Mendelow)"
    if len(name) < 3:
        return None
    escaped = re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return re.compile(rf"(?<![\w-]){escaped}(?:s|'s|’s)?(?![\w-])", re.I)


def unit_models(unit: Unit, catalog: Catalog) -> list[Model]:
    """The unit's key terms and concepts, by their term and aliases."""
    found = []
    for item in [*unit.key_terms, *unit.concepts]:
        assert isinstance(item, KeyTerm | Concept)
        names = [item.term, *item.aliases]
        patterns = tuple(p for p in (_name_pattern(n) for n in names) if p is not None)
        if patterns:
            found.append(
                Model(f"{unit.id}/{item.id}", item.term, patterns, frozenset(item.outcomes))
            )
    return found


def _linked(unit: Unit, criterion: Criterion, models: list[Model]) -> list[Model]:
    ids = {
        f"{unit.id}/{item.id}"
        for item in [*unit.key_terms, *unit.concepts]
        if set(item.outcomes) & set(criterion.outcomes)
    }
    return [m for m in models if m.gid in ids]


def _topic_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in STOP}


# -- criteria


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def _topic_stems(text: str) -> set[str]:
    return {_stem(w) for w in _topic_words(text)}


def signposts(draft: Draft, unit: Unit) -> dict[str, list[Paragraph]]:
    """Criterion id -> the headings that signpost it: a heading naming its id, or one whose
    topic words (at least half of them) belong to that criterion more than to any other."""
    found: dict[str, list[Paragraph]] = {c.id: [] for c in unit.assessment_criteria}
    topics = {c.id: _topic_stems(c.text) for c in unit.assessment_criteria}
    for sec in draft.sections():
        if sec.heading is None or sec.kind != "body":
            continue
        named = [
            c.id
            for c in unit.assessment_criteria
            if re.search(rf"\b{re.escape(c.id)}\b", sec.title, re.I)
        ]
        if not named:
            words = _topic_stems(sec.title)
            scored = sorted(((len(words & topics[cid]), cid) for cid in topics), reverse=True)
            if words and scored and scored[0][0] * 2 >= len(words) and scored[0][0] >= 1:
                best = scored[0][0]
                if len(scored) == 1 or scored[1][0] < best:
                    named = [scored[0][1]]
        for cid in named:
            found[cid].append(sec.heading)
    return found


def _criterion(
    draft: Draft,
    unit: Unit,
    criterion: Criterion,
    models: list[Model],
    headings: list[Paragraph] | None = None,
) -> dict[str, Any]:
    id_pattern = re.compile(rf"\b{re.escape(criterion.id)}\b", re.I)
    if headings is None:
        headings = signposts(draft, unit)[criterion.id]
    signpost: Paragraph | None = headings[0] if headings else None
    section: list[Paragraph] = []
    for heading in headings:
        section += [p for p in draft.under(heading) if p not in section]
    if signpost is None:
        mentions = [p for p in draft.body() if id_pattern.search(p.text)]
        if mentions:
            signpost, section = mentions[0], mentions
    paragraphs = section or draft.body()
    text = " ".join(p.text for p in paragraphs)
    linked = _linked(unit, criterion, models)
    named = [m for m in linked if m.named_in(text)]
    evaluated = [
        m
        for m in named
        if any(m.named_in(p.text) and EVALUATIVE.search(p.text) for p in paragraphs)
    ]
    missing = []
    wants_models = DEMAND_MODELS.search(criterion.text)
    if wants_models and DEMAND_TWO.search(criterion.text) and len(named) < 2:
        missing.append(
            f"names {len(named)} of the models or ideas it draws on; it asks for at least two"
        )
    elif (
        wants_models
        and DEMAND_TWO.search(criterion.text)
        and (DEMAND_EVALUATE.search(criterion.text) and len(evaluated) < 2)
    ):
        missing.append(f"evaluates {len(evaluated)} model(s); it asks for at least two")
    elif wants_models and not named:
        missing.append("names none of the models or ideas it draws on")
    if DEMAND_EVALUATE.search(criterion.text) and not EVALUATIVE.search(text):
        missing.append("describes without evaluating: no strengths, limits or evidence")
    if DEMAND_EXAMPLE.search(criterion.text) and not _workplace(paragraphs):
        missing.append("no workplace example of your own")
    if DEMAND_PLAN.search(criterion.text) and not DEMAND_PLAN.search(text):
        missing.append("no action plan")
    if section and words(text) < BRIEF:
        missing.append(f"only {words(text)} words on it: too brief to meet it")
    if DEMAND_MEASURABLE.search(criterion.text) and not FIGURE.search(text):
        missing.append("no measurable outcome: give a figure or target for success")
    if signpost is None:
        body = " ".join(p.text for p in draft.body()).lower()
        covered = [k for k in criterion.keywords if k.lower() in body]
        # Partly covered: a model that serves only this criterion's outcomes is named, or
        # half its key words appear (a model shared with other criteria proves nothing).
        own = [m for m in named if m.outcomes and m.outcomes <= set(criterion.outcomes)]
        partly = bool(own) or (
            bool(criterion.keywords) and len(covered) * 2 >= len(criterion.keywords)
        )
        status = "thin" if partly else "missing"
        missing = (
            ["no heading or sentence names it: map a heading to it", *missing]
            if partly
            else ["no heading or sentence addresses it, and little of it is covered"]
        )
    else:
        status = "addressed" if not missing else "thin"
    return {
        "id": criterion.id,
        "status": status,
        "line": signpost.line if signpost else None,
        "named": [m.name for m in named],
        "missing": missing,
    }


def _workplace(paragraphs: Iterable[Paragraph]) -> Paragraph | None:
    for para in paragraphs:
        for sentence in para.sentences():
            if FIRST_PERSON.search(sentence) and WORKPLACE.search(sentence):
                return para
    return None


# -- misconceptions


# The similarity fallback, for a misconception with no signals: the sentence must be this
# close to the claim (TF-IDF cosine over the catalog's texts) and clearly closer to it than to
# the correction and the true form.
FALLBACK = 0.6
FALLBACK_MARGIN = 0.2


def misconceptions(draft: Draft, unit: Unit, catalog: Catalog) -> list[Finding]:
    """Sentences that state a misconception of this unit, or of another unit when this one
    has no item for that idea: by its signals, or, for one without signals, by a sentence
    very close to its claim and far from its correction (a conservative fallback). Never a
    sentence that reports, asks about or refutes a belief."""
    from cmirev.questions.similarity import Similarity

    siblings = catalog.siblings()
    chosen: dict[str, tuple[str, Misconception]] = {}
    for owner in [unit, *(u for u in catalog.units if u is not unit)]:
        for item in owner.misconceptions:
            assert isinstance(item, Misconception)
            gid = f"{owner.id}/{item.id}"
            group = min(siblings.get(gid, frozenset({gid})))
            if group not in chosen and (item.signals or owner is unit):
                chosen[group] = (gid, item)
    unsignalled = [(gid, item) for gid, item in chosen.values() if not item.signals]
    index = None
    if unsignalled:
        index = Similarity(
            {f"{u.id}/{i.id}": f"{i.heading} {i.body}" for u in catalog.units for _, i in u.items()}
        )
    found = []
    for para, sentence in draft.sentences():
        if REFUTES.search(sentence) or REPORTED.search(sentence):
            continue
        for gid, item in chosen.values():
            if item.signals:
                hit = any(re.search(s, sentence, re.I) for s in item.signals)
            else:
                assert index is not None
                said = index.vector(sentence)
                near = index.cosine(said, index.vector(item.claim))
                right = max(
                    index.cosine(said, index.vector(t))
                    for t in (item.correction, item.true_form or item.correction)
                )
                hit = near >= FALLBACK and near - right >= FALLBACK_MARGIN
            if hit:
                found.append(
                    Finding(
                        "misconception",
                        "states-misconception",
                        para.line,
                        gid,
                        f"states a misconception: {item.claim} Correction: {item.correction}",
                    )
                )
                break
    return found


# -- mistakes


def mistakes(draft: Draft, models: list[Model], unit: Unit | None = None) -> list[Finding]:
    found = []
    unit_mistakes = (
        [(f"{unit.id}/{m.id}", m) for m in unit.mistakes if isinstance(m, Mistake) and m.signals]
        if unit is not None
        else []
    )
    body = draft.body()
    mentioned: dict[str, list[Paragraph]] = {}
    for para in body:
        for model in models:
            if model.named_in(para.text):
                mentioned.setdefault(model.gid, []).append(para)
    by_gid = {m.gid: m for m in models}
    for gid, paras in mentioned.items():
        if not any(EVALUATIVE.search(p.text) for p in paras):
            found.append(
                Finding(
                    "mistake",
                    "model-not-evaluated",
                    paras[0].line,
                    gid,
                    f"{by_gid[gid].name} is described but never evaluated: say where it helps, "
                    "where it fails, and the evidence",
                )
            )
    if body and _workplace(body) is None:
        found.append(
            Finding(
                "mistake",
                "no-workplace-evidence",
                None,
                None,
                "no first-person evidence from your own workplace: assessors look for what you "
                "did, saw and learned in your own service",
            )
        )
    for para, sentence in draft.sentences():
        match = (
            SYNONYMS.search(sentence)
            or SYNONYMS_OR.search(sentence)
            or SYNONYMS_AND.search(sentence)
        )
        if match and match.group(1).lower() != match.group(2).lower():
            found.append(
                Finding(
                    "mistake",
                    "leadership-as-management",
                    para.line,
                    None,
                    "treats leadership and management as the same thing: say how they differ "
                    "(Kotter: coping with change and with complexity)",
                )
            )
    for para, sentence in draft.sentences():
        for gid, mistake in unit_mistakes:
            if any(re.search(sig, sentence, re.I) for sig in mistake.signals):
                found.append(
                    Finding(
                        "mistake",
                        "unit-mistake",
                        para.line,
                        gid,
                        f"a common mistake: {mistake.text}"
                        + (f" Instead: {mistake.good_practice}" if mistake.good_practice else ""),
                    )
                )
    conclusion = draft.section_of("conclusion")
    if conclusion:
        first = conclusion[0].line
        before = " ".join(p.text for p in body if p.line < first)
        cited_before = {_cite_key(n, y) for n, y in _citations(before)}
        for para in conclusion:
            new = [m.name for m in models if m.named_in(para.text) and not m.named_in(before)]
            new += [
                key
                for key in (_cite_key(n, y) for n, y in _citations(para.text))
                if key not in cited_before
            ]
            if new:
                found.append(
                    Finding(
                        "mistake",
                        "conclusion-new-material",
                        para.line,
                        None,
                        f"the conclusion brings in {', '.join(dict.fromkeys(new))}, not discussed "
                        "before: a conclusion draws together what the body argued",
                    )
                )
    return found


# -- references


def _names(text: str) -> list[str]:
    """The name words of an author string, possessives and sentence-openers dropped."""
    found = []
    for word in re.findall(r"[A-Z][A-Za-z'’\-]+", text):
        word = re.sub(r"['’]s$", "", word)
        if word not in NOT_NAMES and word not in ("Ltd", "Inc"):
            found.append(word)
    return found


def _citations(text: str) -> list[tuple[list[str], str]]:
    """(author name words, year) for each Harvard citation in the text."""
    found = []
    for match in CITATION_PAREN.finditer(text):
        for part in match.group(1).split(";"):
            cite = CITE_PART.match(part)
            if cite and _names(cite.group(1)):
                found.append((_names(cite.group(1)), cite.group(2)))
    for match in CITATION_NARRATIVE.finditer(text):
        if _names(match.group(1)):
            found.append((_names(match.group(1)), match.group(2)))
    return found


def _cite_key(names: list[str], year: str) -> str:
    return f"{names[0]} {year}"


def references(draft: Draft) -> list[Finding]:
    found = []
    cited: list[tuple[list[str], str, int]] = []
    for para in draft.body():
        for names, year in _citations(para.text):
            cited.append((names, year, para.line))
    entries: list[tuple[list[str], str, int]] = []
    for para in draft.section_of("references"):
        match = ENTRY.match(para.text)
        if match and _names(match.group(1)):
            entries.append((_names(match.group(1)), match.group(2), para.line))
    if not cited and not entries:
        return [
            Finding(
                "reference",
                "no-references",
                None,
                None,
                "no citations and no reference list: cite the models and sources you use "
                "(Harvard: Author, Year) and list them under References",
            )
        ]

    def matches(cite: tuple[list[str], str, int], entry: tuple[list[str], str, int]) -> bool:
        return cite[1] == entry[1] and cite[0][0] in entry[0][:4]

    reported: set[str] = set()
    for cite in cited:
        key = _cite_key(cite[0], cite[1])
        if key not in reported and not any(matches(cite, e) for e in entries):
            reported.add(key)
            found.append(
                Finding(
                    "reference",
                    "missing-entry",
                    cite[2],
                    None,
                    f"({key.replace(' ', ', ')}) is cited but has no entry in the reference list",
                    reference=key,
                )
            )
    for entry in entries:
        if not any(matches(c, entry) for c in cited):
            key = _cite_key(entry[0], entry[1])
            found.append(
                Finding(
                    "reference",
                    "uncited-entry",
                    entry[2],
                    None,
                    f"{key} is in the reference list but never cited in the text",
                    reference=key,
                )
            )
    return found
