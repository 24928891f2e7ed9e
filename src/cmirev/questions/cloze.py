"""Cloze: type the word that carries the item's meaning.

Only words worth recalling are blanked: the item's declared ``keywords``, or else a name the
catalog knows (a term, an alias, a step, a model's or a person's name) or the fact's figure.
Never a function word or a filler. A blank is not asked when the sentence still shows the word
in another form ('developed' beside 'develop _____') or when the line above it shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from random import Random

from cmirev.models import (
    Concept,
    Criterion,
    Fact,
    Guidance,
    KeyTerm,
    LearningOutcome,
    Misconception,
)
from cmirev.questions.core import Question
from cmirev.questions.generator import Ask, Generator
from cmirev.questions.marking import _distance
from cmirev.questions.text import BLANK, GENERIC, STOP, fold, stem, words


def _parts(ask: Ask) -> tuple[str, str] | None:
    """(the line shown above the gap, the text with the gap)."""
    item, unit = ask.item, ask.unit
    if isinstance(item, Concept | KeyTerm):
        return f"{item.term}:", item.definition
    if isinstance(item, Misconception):
        return f"Myth: {item.claim}\nCorrection:", item.correction
    if isinstance(item, Criterion):
        return f"{unit.title}, assessment criterion {item.id}:", item.text
    if isinstance(item, Guidance):
        return f"Assignment guidance ({unit.title}):", item.text
    if isinstance(item, LearningOutcome):
        return f"{unit.title}, learning outcome {item.id}:", item.text
    if isinstance(item, Fact):
        return "Fact:", item.statement
    return None


@cache
def _whole(phrase: str) -> re.Pattern[str]:
    """The phrase as a whole word or words, any case."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)


def _found(phrase: str, text: str) -> bool:
    return bool(_whole(phrase).search(text))


def blanks(gen: Generator, ask: Ask) -> list[str]:
    """The words or phrases of the item that make a fair gap."""
    parts = _parts(ask)
    if parts is None:
        return []
    context, text = parts
    item = ask.item
    wanted = list(item.keywords) or _known_names(gen, ask, text)
    own = [item.term, *item.aliases] if isinstance(item, Concept | KeyTerm) else []
    shown = {stem(w) for w in words(context)} | {stem(w) for n in own for w in words(n)}
    fair = []
    for phrase in wanted:
        if not _found(phrase, text):
            continue
        key = {stem(w) for w in words(phrase) if w not in STOP}
        if not key or key & shown:
            continue
        rest = _whole(phrase).sub(" ", text)
        if key & {stem(w) for w in words(rest)}:
            continue  # another form of it stays visible
        fair.append(phrase)
    return fair


def _known_names(gen: Generator, ask: Ask, text: str) -> list[str]:
    """Names the catalog declares that the text uses: terms, aliases, steps, people, figures."""
    found: list[str] = []
    item = ask.item
    if isinstance(item, Fact) and item.figure:
        found.append(item.figure)
    for name in _names_in(gen, text):
        if name not in found:
            found.append(name)
    for match in re.finditer(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b", text):
        word = match.group()
        low = fold(word)
        known = low in gen.vocabulary and low not in GENERIC and low not in STOP
        if match.start() > 0 and known and word not in found:
            found.append(word)
    return found


_FIRST_WORD = re.compile(r"\w+")


def _names_in(gen: Generator, text: str) -> list[str]:
    """The catalog's names (terms, aliases, steps) that the text uses as whole words, in
    catalog order. Only names whose first word is one of the text's words are tried, so a
    text is checked against a handful of names, not every name in the catalog."""
    index, always = _name_index(gen)
    tokens = set(_FIRST_WORD.findall(text.lower()))
    candidates = [entry for token in tokens for entry in index.get(token, ())]
    candidates += always
    return [name for _, name in sorted(set(candidates)) if _found(name, text)]


def _name_index(gen: Generator) -> tuple[dict[str, list[tuple[int, str]]], list[tuple[int, str]]]:
    """Every name worth blanking, keyed by its first word (lower case); names that do not start
    with a plain word are tried on every text. Built once per generator."""
    if gen.name_index is None:
        index: dict[str, list[tuple[int, str]]] = {}
        always: list[tuple[int, str]] = []
        order = 0
        for other in gen.asks.values():
            o = other.item
            names: list[str] = []
            if isinstance(o, Concept | KeyTerm):
                names += [o.term, *o.aliases]
            if isinstance(o, KeyTerm):
                names += list(o.steps)
            for name in names:
                low = fold(name)
                if low in GENERIC or len(low) < 3:
                    continue
                order += 1
                first = _FIRST_WORD.match(name.lower())
                if first is None or not name.isascii():
                    always.append((order, name))
                else:
                    index.setdefault(first.group(), []).append((order, name))
        gen.name_index = (index, always)
    return gen.name_index


def _accepted(gen: Generator, phrase: str) -> tuple[str, ...]:
    """The phrase and, when it names a term, that term's other names."""
    if phrase not in gen.accepted:
        gen.accepted[phrase] = _find_accepted(gen, phrase)
    return gen.accepted[phrase]


def _find_accepted(gen: Generator, phrase: str) -> tuple[str, ...]:
    forms = [phrase]
    low = " ".join(words(phrase))
    for other in gen.asks.values():
        o = other.item
        if isinstance(o, Concept | KeyTerm):
            names = [o.term, *o.aliases]
            if any(" ".join(words(n)) == low for n in names):
                forms += [n for n in names if n not in forms]
    return tuple(forms)


def _near_words(gen: Generator, phrase: str) -> tuple[str, ...]:
    """Catalog words a slip for this answer could really be (Norming for Forming)."""
    key = fold(phrase)
    cache = gen.near_words
    if key not in cache:
        letters = Counter(key)
        cache[key] = tuple(
            sorted(
                w
                for w in gen.vocabulary
                if abs(len(w) - len(key)) <= 2
                and w != key
                # an edit changes at most two letters of the multiset: a cheap bound first
                and sum(((Counter(w) - letters) + (letters - Counter(w))).values()) <= 4
                and stem(w) != stem(key)
                and _distance(w, key) <= 2
            )
        )
    found: tuple[str, ...] = cache[key]
    return found


def cloze(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Type the missing key word."""
    parts = _parts(ask)
    options = blanks(gen, ask)
    if parts is None or not options:
        return None
    context, text = parts
    phrase = options[rng.randrange(len(options))]
    gapped = _whole(phrase).sub(BLANK, text)
    words_in_gap = len(phrase.split())
    what = "word" if words_in_gap == 1 else f"{words_in_gap} words"
    return Question(
        **gen.base("cloze", ask),  # type: ignore[arg-type]
        prompt=f"Type the missing {what}.\n\n{context} {gapped}",
        accepted=_accepted(gen, phrase),
        other_words=_near_words(gen, phrase),
        model_answer=phrase,
        explanation=text,
    )
