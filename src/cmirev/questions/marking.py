"""Marking replies: letters for options, t/f, typed words, orders and self-grades.

A typed answer is right when it is the answer in another form (case, spacing, hyphens,
plural or other inflection, a numeral for a number word, a declared alias, a fuller name) or the
answer with a slip of the keyboard. A slip is forgiven only when what was typed is not itself
another real word: "Kottr" is Kotter mistyped, but "present" is not "prevent", "more" is not
"Moore" and "Norming" is not "Forming". A near miss of that kind may be retyped once.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from cmirev.questions.core import LETTERS, RATINGS, Mark, Question
from cmirev.questions.formats import FORMATS
from cmirev.questions.text import fold

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
}  # fmt: skip
_UNITS = {
    "percent": "%", "per cent": "%", "pc": "%", "million": "m", "mn": "m", "billion": "bn",
    "thousand": "k", "pounds": "£", "pound": "£",
}  # fmt: skip


def normalise(text: str) -> str:
    """Folded, punctuation gone, hyphens as spaces, number words as numerals, -ize as -ise,
    and units written one way ('55 per cent' = '55%', '£10 million' = '£10m')."""
    text = fold(text).replace("'", "")
    for word, short in _UNITS.items():
        text = re.sub(rf"(?<=\d)\s*{word}\b", short, text)
    text = re.sub(r"[^a-z0-9%£ ]+", " ", text)
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    text = re.sub(r"\b(\w+)\b", lambda m: NUMBER_WORDS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"(i)z(e|es|ed|ing|ation|ations)\b", r"\1s\2", text)
    return " ".join(text.split())


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


@cache
def english() -> frozenset[str]:
    """The shipped English word list (SCOWL, see cmirev/words/README.md)."""
    data = files("cmirev").joinpath("words", "english.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def _same_form(got: str, want: str) -> bool:
    """The same words, allowing spaces dropped and inflections (KPI/KPIs, justify/justified)."""
    if got == want or got.replace(" ", "") == want.replace(" ", ""):
        return True
    if "£" in got + want:
        return _same_form(got.replace("£", ""), want.replace("£", ""))
    a, b = got.split(), want.split()
    return len(a) == len(b) and all(
        x == y or (not x.isdigit() and not y.isdigit() and inflected(x) == inflected(y))
        for x, y in zip(a, b, strict=True)
    )


def inflected(word: str) -> str:
    """A word without its inflection (plural, -ed, -ing), so 'KPIs' meets 'KPI', 'justified'
    meets 'justify' and 'evaluating' meets 'evaluate', but 'transformation' stays apart from
    'transformational' and 'evaluation' from 'evaluate': those are other words."""
    w = word.lower()
    for suffix, instead in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and (w.endswith(("ss", "us")) or (w.endswith("is") and len(w) > 4)):
                continue  # process, focus, analysis; but KPIs
            w = w[: -len(suffix)] + instead
            if suffix in ("ing", "ed") and len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiosl":
                w = w[:-1]  # planned, planning -> plan
            break
    return w.removesuffix("e")


def _is_other_word(got: str, vocabulary: frozenset[str]) -> bool:
    """Whether a typed single word is a real word (English or the catalog's own)."""
    return " " not in got and (got in english() or got in vocabulary)


def grade_typed(
    reply: str, accepted: Iterable[str], vocabulary: frozenset[str] = frozenset()
) -> Mark:
    """Mark a typed answer against the forms that count as right.

    Right when it is one of them in another form; right with a note when it is a slip and not
    another real word; a retry when it is close but another real word; wrong otherwise.
    """
    got = normalise(reply)
    if not got:
        return Mark(False, hint="Type the missing word (or ? for help).")
    forms = [(raw, want) for raw in accepted if (want := normalise(raw))]
    for _, want in forms:
        if _same_form(got, want):
            return _auto(True)
    # A fuller name: 'Mark Moore' for 'Moore' (the extra words are capitalised names), but not
    # 'Kotter model'.
    typed = reply.split()
    for raw, want in forms:
        if " " in got and f" {want} " in f" {got} " and raw[:1].isupper():
            extra = f" {got} ".replace(f" {want} ", " ").split()
            names = [t for t in typed if t[:1].isupper() and normalise(t) in extra]
            if len(extra) <= 2 and len(names) == len(extra):
                return _auto(True)
    for raw, want in forms:
        if any(c.isdigit() for c in want):
            continue
        allowed = 0 if len(want) < 5 else 1 if len(want) < 10 else 2
        distance = _distance(got, want)
        if distance <= allowed:
            if _is_other_word(got, vocabulary) and not _same_form(got, want):
                return Mark(
                    False,
                    retry=True,
                    hint=f"Close, but '{reply.strip()}' is a different word. Try once more.",
                )
            return Mark(True, True, 3, note=f"spelt {raw}")
        if distance <= allowed + 1 and len(want) >= 5 and not _is_other_word(got, vocabulary):
            return Mark(False, retry=True, hint="Close: check the spelling and try once more.")
    return _auto(False)


def close_enough(reply: str, accepted: Iterable[str]) -> bool:
    """Whether a typed reply would be marked right (a near miss counts as not right)."""
    return grade_typed(reply, list(accepted)).correct


def chosen(question: Question, reply: str) -> int | None:
    """The option a reply to a multiple-choice or true-or-false question picked (0 is true),
    or None when it picks none."""
    if FORMATS[question.format].answering == "true-false":
        return {"t": 0, "true": 0, "a": 0, "1": 0, "f": 1, "false": 1, "b": 1, "2": 1}.get(
            reply.strip().lower()
        )
    return _choice_index(reply, len(question.options))


def _choice_index(reply: str, count: int) -> int | None:
    text = reply.strip().lower().rstrip(").")
    if len(text) == 1 and text in LETTERS[:count]:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    return None


def mark(question: Question, reply: str, *, retried: bool = False) -> Mark:
    """Mark a reply (recall questions are graded with :func:`mark_grade`).

    ``retried`` says the learner has already had the one retry a near miss allows.
    """
    answering = FORMATS[question.format].answering
    if answering == "true-false":
        pick = chosen(question, reply)
        if pick is None:
            return Mark(False, hint="Type t for true or f for false.")
        return _auto(pick == question.answer)
    if answering == "choice":
        index = chosen(question, reply)
        if index is None:
            last = LETTERS[len(question.options) - 1]
            return Mark(False, hint=f"Type a letter from a to {last}.")
        return _auto(index == question.answer)
    if answering == "typed":
        verdict = grade_typed(reply, question.accepted, frozenset(question.other_words))
        if verdict.retry and retried:
            return _auto(False)
        return verdict
    if answering == "order":
        return _mark_order(question, reply)
    raise ValueError(f"use mark_grade for {question.format} questions")


def _mark_order(question: Question, reply: str) -> Mark:
    letters = [c for c in reply.lower() if c.isalnum()]
    count = len(question.options)
    if all(c.isdigit() for c in letters):
        letters = [LETTERS[int(c) - 1] if 1 <= int(c) <= count else "?" for c in letters]
    wanted = set(LETTERS[:count])
    if len(letters) != count or set(letters) != wanted:
        return Mark(False, hint=f"Type all {count} letters in order, e.g. {LETTERS[:count]}.")
    got = [LETTERS.index(c) for c in letters]
    right = sum(1 for a, b in zip(got, question.order, strict=True) if a == b)
    return Mark(
        True, right == count, 3 if right == count else 1, detail=f"{right} of {count} in place"
    )


def mark_grade(reply: str) -> Mark:
    """A self-grade for a recall question: 1 Again, 2 Hard, 3 Good, 4 Easy."""
    text = reply.strip().lower()
    names = {name.lower(): n for n, name in RATINGS.items()}
    rating = int(text) if text in {"1", "2", "3", "4"} else names.get(text, 0)
    if not rating:
        return Mark(False, hint="Type 1, 2, 3 or 4 (or ? for help).")
    return Mark(True, rating >= 2, rating)


def _auto(correct: bool) -> Mark:
    return Mark(True, correct, 3 if correct else 1)
