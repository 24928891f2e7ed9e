"""Pick-one formats about terms, misconceptions, mistakes and criteria."""

from __future__ import annotations

import re
from functools import cache
from random import Random

from cmirev.models import Concept, Criterion, KeyTerm, Misconception, Mistake
from cmirev.questions.core import Option, Question
from cmirev.questions.generator import Ask, Generator
from cmirev.questions.text import BLANK, content_words, distinctive, mask, mask_stems, stem

MIN_VISIBLE_WORDS = 5  # an outcome prompt with fewer words left after masking is not asked
MAX_BLANKS = 4  # a text with more blanks than this is too garbled to ask or offer
SELF_NAMING = 2  # a definition that names its own term this often gives it away when blanked


def names_itself(term: Concept | KeyTerm, shown: str) -> bool:
    """Whether a definition, as shown with its term blanked, still points at the term: two or
    more of the term's words blanked or left in view ('Trust and clear values' in a text about
    being 'trusted' and 'explicit about the values'), a blank inside an acronym's expansion
    ('KPIs (key _____ indicators)'), or initials that spell it (PESTLE)."""
    own = {stem(w) for w in content_words(term.term)}
    visible = sum(1 for w in content_words(shown) if stem(w) in own)
    if shown.count(BLANK) + visible >= SELF_NAMING:
        return True
    if re.search(rf"\b[A-Z]{{2,}}s?\s*\([^)]*{re.escape(BLANK)}", shown):
        return True
    return spells(term, term.definition)


def spells(term: Concept | KeyTerm, text: str) -> bool:
    """Whether the text spells out an acronym the term goes by: 'Political, Economic, Social,
    Technological, Legal and Environmental' spells PESTLE."""
    initials = "".join(w[0] for w in re.findall(r"\b[A-Z][a-z]+", text))
    for name in (term.term, *term.aliases):
        for acronym in re.findall(r"\b[A-Z]{3,}\b", name):
            if acronym in initials:
                return True
    return False


@cache
def hide_term(text: str, *terms: Concept | KeyTerm) -> str:
    """Blank each term's name, aliases and naming words ('Mehrabian', 'KPIs', '7-38-55')."""
    for term in terms:
        text = mask(text, [term.term, *term.aliases])
        named = distinctive(term.term)
        for alias in term.aliases:
            named |= distinctive(alias)
        text = mask_stems(text, named)
    return text


def term(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Which term has this definition? Options: the nearest terms in topic."""
    item = ask.item
    if not isinstance(item, Concept | KeyTerm):
        return None
    definition = hide_term(item.definition, item)
    if names_itself(item, definition):
        return None  # the definition names or spells its own term: the blanks would tell
    pool = []
    for gid in gen.neighbours(ask):
        other = gen.asks[gid].item
        if isinstance(other, Concept | KeyTerm):
            pool.append(Option(other.term, gid))
    prompt = f"Which term has this definition?\n\n{definition}"
    explanation = f"{item.term}: {item.definition}"
    return gen.choice("term", ask, prompt, Option(item.term, ask.gid), pool, rng, explanation)


def definition(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Which is the definition of this term? Options: definitions of the nearest terms, and
    wrong definitions the author wrote; every option hides every term's name."""
    item = ask.item
    if not isinstance(item, Concept | KeyTerm):
        return None
    if spells(item, item.definition):
        return None
    pool = [
        Option(text, g)
        for g in gen.neighbours(ask)
        if isinstance(t := gen.asks[g].item, Concept | KeyTerm)
        and (text := hide_term(t.definition, t, item)).count(BLANK) <= MAX_BLANKS
        and not spells(t, t.definition)
    ]
    authored = [
        Option(hide_term(text, item), f"{ask.gid}#w{n}")
        for n, text in enumerate(item.wrong_answers)
    ]
    answer = Option(hide_term(item.definition, item), ask.gid)
    if answer.text.count(BLANK) > MAX_BLANKS:
        return None
    prompt = f"Which is the best definition of {item.term}?"
    explanation = f"{item.term}: {item.definition}"
    return gen.choice("definition", ask, prompt, answer, pool, rng, explanation, authored=authored)


def correction(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Which correction answers this misconception? The author's wrong corrections first, then
    the corrections of the nearest misconceptions."""
    item = ask.item
    if not isinstance(item, Misconception):
        return None
    pool = [
        Option(m.correction, g)
        for g in gen.neighbours(ask)
        if isinstance(m := gen.asks[g].item, Misconception)
    ]
    authored = [Option(t, f"{ask.gid}#w{n}") for n, t in enumerate(item.wrong_answers)]
    prompt = f"Which correction answers this misconception?\n\n{item.claim}"
    answer = Option(item.correction, ask.gid)
    return gen.choice(
        "correction", ask, prompt, answer, pool, rng, item.correction, authored=authored
    )


def _spot(fmt: str, gen: Generator, ask: Ask, rng: Random) -> Question | None:
    item = ask.item
    if not isinstance(item, Mistake) or not item.good_practice:
        return None
    others = [
        (g, m)
        for g in gen.neighbours(ask)
        if isinstance(m := gen.asks[g].item, Mistake) and m.good_practice
    ]
    if fmt == "spot-mistake":
        prompt = "Which of these is a common mistake in assignments? The others are good practice."
        answer = Option(item.text, ask.gid)
        pool = [Option(m.good_practice or "", g) for g, m in others]
    else:
        prompt = "Which of these is good practice in assignments? The others are common mistakes."
        answer = Option(item.good_practice, ask.gid)
        pool = [Option(m.text, g) for g, m in others]
    explanation = f"Common mistake: {item.text} Good practice: {item.good_practice}"
    return gen.choice(fmt, ask, prompt, answer, pool, rng, explanation)


def spot_mistake(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    return _spot("spot-mistake", gen, ask, rng)


def spot_practice(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    return _spot("spot-practice", gen, ask, rng)


def outcome(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Which learning outcome does this criterion evidence? Options: the unit's other outcomes.

    Words the criterion shares with any option are blanked, so the link has to be known, not
    matched: "resolving conflict ... record-keeping" would otherwise point at "Understand
    conflict ... records".
    """
    item, unit = ask.item, ask.unit
    if not isinstance(item, Criterion) or not item.outcomes:
        return None
    target = item.outcomes[rng.randrange(len(item.outcomes))]
    by_id = {lo.id: lo for lo in unit.learning_outcomes}
    if target not in by_id:
        return None
    others = [lo for lo in unit.learning_outcomes if lo.id not in item.outcomes]
    rng.shuffle(others)
    options = [by_id[target], *others[:3]]
    if len(options) < 3:
        return None
    shared = {stem(w) for o in options for w in content_words(o.text)}
    shown = mask_stems(item.text, shared)
    visible = [w for w in content_words(shown) if w != BLANK.lower()]
    if len([w for w in visible if stem(w) not in shared]) < MIN_VISIBLE_WORDS:
        return None
    if shown.count(BLANK) > MAX_BLANKS + 1:
        return None  # too garbled to read
    prompt = f"Which learning outcome does this assessment criterion evidence?\n\n{shown}"
    answer = Option(by_id[target].text, f"{unit.id}/{target}")
    pool = [Option(lo.text, f"{unit.id}/{lo.id}") for lo in options[1:]]
    explanation = f"{item.id} evidences {', '.join(item.outcomes)}. {target}: {by_id[target].text}"
    return gen.choice(
        "outcome", ask, prompt, answer, pool, rng, explanation, fair=False, by_length=False
    )
