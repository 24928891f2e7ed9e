"""Formats from the readings: fill in a figure, and who said or found it.

Figures keep their form: "8 in 10" keeps its denominator, "from 65% to 90%" keeps its direction,
a year stays a plausible year, and the answer sits above, below or among the distractors with
equal chance, so "pick the middle value" is no better than chance. A figure whose complement is
left in the sentence ("only 20%" beside 80%) is not asked. Names are blanked whole (the speaker,
surnames and acronyms), and distractors are speakers of the same kind: people for a person,
organisations for an organisation.
"""

from __future__ import annotations

import re
from random import Random

from cmirev.models import Fact
from cmirev.questions.core import OPTIONS, Option, Question
from cmirev.questions.generator import Ask, Generator
from cmirev.questions.text import BLANK, fold, mask

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_SMALL_NAMES = {v: k for k, v in _SMALL.items()}
_FRACTIONS = ["a quarter", "a third", "half", "two thirds", "three quarters"]
_ORG_WORDS = frozenset(
    """institute council chronicle survey government department agency foundation association
    society authority authorities office commission trust nhs university""".split()  # noqa: SIM905
)


# -- figures ------------------------------------------------------------------------------------


def _numbers(figure: str) -> list[tuple[int, int, float, str]]:
    """(start, end, value, kind) for each number in a figure; kind: pct, year, word, plain."""
    found = []
    for m in _NUMBER.finditer(figure):
        value = float(m.group().replace(",", ""))
        after = figure[m.end() : m.end() + 1]
        kind = (
            "pct"
            if after == "%"
            else "year"
            if 1900 <= value <= 2100 and "," not in m.group() and "." not in m.group()
            else "plain"
        )
        found.append((m.start(), m.end(), value, kind))
    for m in re.finditer(r"\b(" + "|".join(_SMALL) + r")\b", figure, flags=re.IGNORECASE):
        found.append((m.start(), m.end(), float(_SMALL[m.group().lower()]), "word"))
    return sorted(found)


def figure_ok(item: Fact) -> bool:
    """Whether the fact's figure has a number or a fraction to vary (a complement left in the
    sentence is checked when the variants are made)."""
    return bool(item.figure) and bool(_fraction(item.figure or "") or _numbers(item.figure or ""))


def _fraction(figure: str) -> str | None:
    low = fold(figure)
    return next((f for f in _FRACTIONS if re.search(rf"\b{f}\b", low)), None)


def _complement_shown(item: Fact, value: float) -> bool:
    """Whether the rest of the statement holds a percentage that adds up to 100 with ``value``."""
    rest = item.statement.replace(item.figure or "", " ")
    return any(
        abs(float(m.group(1)) + value - 100) < 0.01 for m in re.finditer(r"(\d+(?:\.\d+)?)%", rest)
    )


def _candidates(
    value: float, kind: str, low: float, high: float, years: bool = False
) -> tuple[list[float], list[float]]:
    """Plausible other values, (below, above), within (low, high) exclusive: near ones for a
    small number or a span of years (a career of 25 years is not 125), multiples otherwise."""
    if kind == "pct":
        steps = [5, 10, 15, 20, 25, 30]
        raw = [value - s for s in steps] + [value + s for s in steps]
        raw = [v for v in raw if 1 <= v <= 99]
    elif kind == "year":
        raw = [value + d for d in (-9, -7, -5, -4, -3, -2, 2, 3, 4, 5, 7)]
    elif kind == "word":
        raw = [value + d for d in (-3, -2, -1, 1, 2, 3, 5) if 1 <= value + d <= 12]
    elif value <= 20 or years:
        raw = [value + d for d in (-8, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 8)]
        raw = [v for v in raw if v >= 1]
    else:
        raw = [value * f for f in (0.25, 0.4, 0.5, 0.6, 0.75, 1.25, 1.5, 2, 2.5, 3)]
    raw = [v for v in raw if low < v < high and v != value]
    return sorted({v for v in raw if v < value}, reverse=True), sorted(
        {v for v in raw if v > value}
    )


def _write(original: str, value: float, kind: str) -> str:
    """``value`` written the way ``original`` was: a number word, the same decimals, or a whole
    number (two significant figures for large plain numbers: 27,500 becomes 28,000)."""
    if kind == "word":
        name = _SMALL_NAMES[int(value)]
        return name.capitalize() if original[:1].isupper() else name
    if "." in original:
        return f"{value:.{len(original.split('.')[1])}f}"
    if kind == "plain" and value >= 100:
        value = float(f"{value:.2g}")
    number = max(1, round(value))
    return f"{number:,}" if "," in original else str(number)


def _bounds(
    numbers: list[tuple[int, int, float, str]], index: int, figure: str
) -> tuple[float, float]:
    """Values the changed number must stay strictly between, to keep the figure's form:
    the order of a range, the size of a denominator ('8 in 10')."""
    low, high = 0.0, float("inf")
    value = numbers[index][2]
    for n, (_, _, other, _) in enumerate(numbers):
        if n == index:
            continue
        if other > value:
            high = min(high, other)
        elif other < value:
            low = max(low, other)
    start, end = numbers[index][0], numbers[index][1]
    if re.match(r"\s+(?:in|out of)\s+\d", figure[end:]):
        high = min(high, float(_NUMBER.search(figure[end:]).group().replace(",", "")))  # type: ignore[union-attr]
        low = max(low, 0.0)
    if re.search(r"\d\s+(?:in|out of)\s+$", figure[:start]):
        raise ValueError("a denominator is not changed")
    return low, high


def _variants(item: Fact, rng: Random, count: int) -> list[str]:
    """``count`` wrong versions of the figure, all changing the same number, spread so that
    the right one is above, below or among them with equal chance."""
    figure = item.figure or ""
    fraction = _fraction(figure)
    if fraction:
        # None sharing a word with the answer ('a third' beside 'two thirds' would pair them).
        mine = {w.rstrip("s") for w in fraction.split()}
        others = [f for f in _FRACTIONS if not mine & {w.rstrip("s") for w in f.split()}]
        picked = rng.sample(others, min(count, len(others)))
        return [
            re.sub(fraction, f, figure, flags=re.IGNORECASE)
            if not figure[:1].isupper()
            else re.sub(fraction, f, figure, flags=re.IGNORECASE).capitalize()
            for f in picked
        ]
    numbers = _numbers(figure)
    order = list(range(len(numbers)))
    rng.shuffle(order)
    for index in order:
        _, end, value, kind = numbers[index]
        if kind == "pct" and _complement_shown(item, value):
            continue
        try:
            low, high = _bounds(numbers, index, figure)
        except ValueError:
            continue
        years = "year" in figure[end:].lower()
        below, above = _candidates(value, kind, low, high, years)
        lower = _written(figure, numbers[index], below)
        higher = _written(figure, numbers[index], above)
        take_above = min(rng.randrange(count + 1), len(higher))
        take_below = min(count - take_above, len(lower))
        take_above = min(count - take_below, len(higher))
        texts = higher[:take_above] + lower[:take_below]
        if len(texts) == count:
            return texts
    return []


def _written(figure: str, number: tuple[int, int, float, str], values: list[float]) -> list[str]:
    """The figure with one number changed to each value, written alike; no repeats."""
    start, end, _, kind = number
    texts: list[str] = []
    for v in values:
        text = figure[:start] + _write(figure[start:end], v, kind) + figure[end:]
        if text != figure and text not in texts:
            texts.append(text)
    return texts


def false_figure(item: Fact, rng: Random) -> list[str]:
    """The statement with its figure changed in keeping with its form (none when it cannot be)."""
    if not item.figure:
        return []
    wrong = _variants(item, rng, 1)
    return [item.statement.replace(item.figure, w) for w in wrong]


def figure(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Fill the gap with the right figure."""
    item = ask.item
    if not isinstance(item, Fact) or not item.figure:
        return None
    wrong = _variants(item, rng, OPTIONS - 1)
    if len(wrong) < OPTIONS - 1:
        return None
    pool = [Option(w, f"{ask.gid}#{n}") for n, w in enumerate(wrong)]
    prompt = f"Fill the gap ({speaker(item.attribution)}):\n\n" + item.statement.replace(
        item.figure, BLANK
    )
    explanation = f"{item.statement} ({item.attribution})"
    answer = Option(item.figure, ask.gid)
    return gen.choice(
        "figure", ask, prompt, answer, pool, rng, explanation, by_length=False, clones_ok=True
    )


# -- who said it --------------------------------------------------------------------------------


def speaker(attribution: str) -> str:
    """The person or body in an attribution: 'Mike Cooke, Chief Executive' -> 'Mike Cooke'."""
    text = re.sub(r"\s*\([^)]*\)", "", attribution).strip().strip("\"'")
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    name = parts[0]
    if len(name.split()) == 1 and len(parts) > 1 and " and " in parts[1]:
        name = f"{name}, {parts[1]}"  # 'Wilson, Kalman Mezey and Neilson'
    return re.sub(r"\s+(?:survey|report)$", "", name).strip()


def speaker_ok(attribution: str) -> bool:
    """Whether the attribution names someone (not 'an article', an author, or a law)."""
    name = speaker(attribution)
    low = name.lower()
    return (
        bool(name)
        and "article" not in low
        and not low.startswith("author")
        and not re.search(r"\bAct\b", name)
    )


def is_person(name: str) -> bool:
    tokens = re.findall(r"[A-Za-z]+", name)
    return not (
        any(t.lower() in _ORG_WORDS for t in tokens)
        or any(t.isupper() and len(t) >= 2 for t in tokens)
    )


def acronyms(attribution: str, name: str) -> list[str]:
    """Short forms the attribution gives or the name makes: 'Chartered Management Institute
    (CMI)' -> CMI; 'Local Government Chronicle' -> LGC."""
    found = list(re.findall(r"\(([A-Z]{2,}[a-z]?)\)", attribution))
    found += list(re.findall(r"\b[A-Z]{2,}\b", attribution))
    capitals = [t[0] for t in re.findall(r"\b[A-Z][a-z]+", name) if t not in {"The", "And", "Of"}]
    if len(capitals) >= 3 and not is_person(name):
        found.append("".join(capitals))
    return sorted(set(found))


def names_of(attribution: str) -> list[str]:
    """Everything that would name the speaker: the name, surnames, acronyms, the long form."""
    name = speaker(attribution)
    found = [name, *acronyms(attribution, name)]
    inside = re.findall(r"\(([^)]*[a-z][^)]*)\)", attribution)
    found += [i for i in inside if i[:1].isupper() and not re.search(r"\d", i)]
    if is_person(name):
        for person in re.split(r",|;| and ", name):
            tokens = person.split()
            if tokens:
                found.append(tokens[-1])
    return [n for n in found if len(n) >= 2]


def _several(name: str) -> bool:
    """Whether a name is of several people or bodies ('Peck and Dickinson')."""
    return bool(re.search(r" and |, |; | with ", name))


def _same_speaker(a: str, b: str) -> bool:
    """'Chartered Management Institute' and 'Chartered Management Institute with ...' are one."""
    x, y = fold(a), fold(b)
    return x.split()[:2] == y.split()[:2] or x in y or y in x


def who(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Who said or found this? Options: other speakers of the same kind."""
    item = ask.item
    if not isinstance(item, Fact) or not speaker_ok(item.attribution):
        return None
    name = speaker(item.attribution)
    statement = mask(item.statement, names_of(item.attribution))
    if any(fold(n) in fold(statement) for n in names_of(item.attribution) if len(n) >= 3):
        return None
    person = is_person(name)
    pool: list[Option] = []
    for gid in gen.neighbours(ask):
        other = gen.asks[gid].item
        if not isinstance(other, Fact) or not speaker_ok(other.attribution):
            continue
        other_name = speaker(other.attribution)
        if is_person(other_name) != person or _same_speaker(other_name, name):
            continue
        if _several(other_name) != _several(name):
            continue  # 'Wilson, Mezey and Neilson hold' would not fit '_____ holds'
        if any(_same_speaker(other_name, o.text) for o in pool):
            continue
        if any(re.search(rf"\b{re.escape(n)}\b", statement) for n in names_of(other.attribution)):
            continue  # named in the statement: plainly not the one who said it
        pool.append(Option(other_name, gid))
    prompt = f"Who said or found this?\n\n{statement}"
    explanation = f"{item.attribution}: {item.statement}"
    return gen.choice("who", ask, prompt, Option(name, ask.gid), pool, rng, explanation)
