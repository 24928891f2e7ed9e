"""Words: tokens, stems, stop words and masking, shared by similarity, generation and marking."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Final

STOP: Final = frozenset(
    """a an and are as at be been but by can did do does for from had has have he her his how if
    in into is it its may might more most much must no nor not of on one or our out own so some
    such than that the their them then there these they this those to too two up us was we were
    what when where which while who whom whose why will with would you your about above after again
    against also among another because before being below between both could doing during each
    either every first further having here itself just less made make makes making many need needs
    only other others over same should since still through under until very within without
    across around beyond towards toward upon onto whether rather instead already often always never
    something anything everything everyone anyone whole half enough quite really least""".split()  # noqa: SIM905 - a word list reads better as text
)

# Words too general to give an answer away or to be worth recalling.
GENERIC: Final = frozenset(
    """model models theory structure leadership leader leaders management manager managers public
    service services sector value values change analysis mapping finding stages steps step
    approach framework process organisation organisations work""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[a-z0-9£%]+(?:[-'][a-z0-9]+)*")


@cache
def fold(text: str) -> str:
    """Lower case, accents removed, typographic quotes made plain."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def words(text: str) -> list[str]:
    """The words of a text, folded, hyphenated words kept whole, possessives dropped."""
    return [w.removesuffix("'s") for w in _WORD.findall(fold(text))]


@cache
def stem(word: str) -> str:
    """A light stem: plural, -ing, -ed, -ion, -al, -ly, -ise/-ize and a few more endings folded
    away (three times at most), so 'prevention' and 'prevents' meet 'prevent', 'relationally' meets
    'relational', and 'organisation' meets 'organization'."""
    if re.fullmatch(r"[A-Z]{2,}s", word):
        return word[:-1].lower()  # KPIs, NPQs
    w = word.lower().replace("iz", "is")
    for _ in range(3):
        for suffix in _SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= (3 if suffix == "s" else 4):
                if suffix == "s" and w.endswith(("ss", "us", "is")):
                    continue
                w = w[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
                break
        else:
            break
    return w.removesuffix("e") if len(w) > 4 else w


_SUFFIXES: Final = (
    "isations", "isation", "ations", "ation", "itions", "ition", "ions", "ion", "ments", "ment",
    "atings", "ating", "ings", "ing", "ness", "ities", "ity", "ies", "ied", "ates", "ated", "ate", "ers", "er", "ed",
    "es", "ly", "al", "s",
)  # fmt: skip


def content_words(text: str) -> list[str]:
    """Words that carry content: no stop words, no bare numbers of one digit."""
    return [w for w in words(text) if w not in STOP and len(w) > 1]


@cache
def stems(text: str) -> frozenset[str]:
    """The stems of a text's content words."""
    return frozenset(stem(w) for w in content_words(text))


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


BLANK: Final = "_____"


def mask(text: str, names: Iterable[str]) -> str:
    """Blank out whole names and phrases (any case, possessive kept as the blank's)."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        pattern = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
        text = re.sub(pattern, BLANK, text, flags=re.IGNORECASE)
    return text


def mask_stems(text: str, targets: set[str]) -> str:
    """Blank every word of ``text`` whose stem is in ``targets`` ('Mehrabian's', 'KPIs')."""

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        base = word.removesuffix("'s").removesuffix("’s")
        parts = [stem(fold(p)) for p in base.split("-") if p]
        named = stem(fold(base)) in targets or any(p in targets for p in parts)
        return BLANK + word[len(base) :] if named else word

    # Whole words, accented letters included ('Kübler-Ross' is one word, not 'K' + 'bler-Ross').
    return re.sub(r"[^\W_](?:[^\W_]|-)*(?:['’]s)?", swap, text)


def distinctive(term: str) -> set[str]:
    """The stems of a term's words that would name it: not generic, not stop words."""
    return {stem(w) for w in words(term) if w not in STOP and w not in GENERIC and len(w) >= 3} | {
        stem(part)
        for w in words(term)
        if "-" in w
        for part in w.split("-")
        if len(part) >= 3 and part not in GENERIC and part not in STOP
    }
