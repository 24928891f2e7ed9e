"""A test-wise guesser: how far a learner who knows none of the content gets by reading cues.

The guesser sees exactly what the learner sees before answering, the text the plain quiz UI
prints for a question, and never the key. It parses that text into a header line, a prompt body
and options, and scores every option with several cue strategies (header overlap, prompt overlap,
topic similarity, negation wording, length, figures, names, true-or-false rules, cloze words).
A strategy's guess is its best-scored option, ties broken uniformly, so a question's score is the
expected accuracy: 1/len(ties) when the key is among the ties, else 0. The combined guesser of a
format is the best strategy on that format, a test-wise learner learning from feedback which cue
works; one of the strategies is a cascade, a decision list of the cues that single out an option,
most reliable first, learnt over the run. The key is read only to score guesses (and so to learn
which cue works, over the whole run), and the format name only to group questions.

What every question of a format shows (its label, the unit title, the section name, its
instruction) is set aside as no cue, found by frequency over the run, so the guesser keeps working
when the header changes. With random keys (a check run on the old generator, 1,000 seeds) the
choosing of the best strategy and the cascade add at most 1.3 points over chance in any format.

Its tokeniser, stop list, stemmer and similarity are its own, independent of cmirev's.

Usage: python bench/guesser.py [--seeds 1000] [--questions 12]
"""

from __future__ import annotations

import argparse
import io
import math
import re
import statistics
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from random import Random

from cmirev.questions import Generator, Question, mark
from cmirev.quizui import PlainQuizUI

# --- what a learner sees ------------------------------------------------------------------------

CLOZE = "cloze"
TRUE_FALSE = "true-false"
UNSCORED = frozenset({"recall", "order"})  # self-graded, or a whole sequence to type

_NUMBERING = re.compile(r"^\s*Question\s+\d+\s+of\s+\d+\s*(?:[·|:\-–—]\s*)?", re.IGNORECASE)
_OPTION = re.compile(r"^\s{1,8}([a-jtf])\)\s?(.*)$")
_SEGMENT = re.compile(r"\s+[·›|»]\s+|\(|\)|\s+[-–—]\s+")


def render(question: Question) -> str:
    """The text the plain UI prints for a question before it is answered."""
    buf = io.StringIO()
    PlainQuizUI(stdin=io.StringIO(), stdout=buf).question(question, 1, 1)
    return buf.getvalue()


@dataclass(frozen=True)
class Screen:
    """A rendered question split up: the header (numbering removed), prompt lines and options."""

    header: str
    prompt: tuple[str, ...]
    options: tuple[str, ...]


def parse(text: str) -> Screen:
    """Split rendered text into header line, prompt lines and options.

    The header is the first non-empty line, with its "Question n of N" part removed. Options are
    the trailing block that starts at the last "a)" (or "t)") line: lines after it that carry the
    next letter start a new option, any other line continues the option above it.
    """
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return Screen("", (), ())
    header = _NUMBERING.sub("", lines[0]).strip()
    body = lines[1:]
    start = None
    for n in range(len(body) - 1, -1, -1):
        found = _OPTION.match(body[n])
        if found and found.group(1) in "at" and _option_run(body[n:]):
            start = n
            break
    options: list[str] = []
    if start is not None:
        for line in body[start:]:
            found = _OPTION.match(line)
            expected = _next_letter(len(options), body[start])
            if found and found.group(1) == expected:
                options.append(found.group(2).strip())
            elif line.strip() and options:
                options[-1] = f"{options[-1]} {line.strip()}"
        body = body[:start]
    prompt = [line.rstrip() for line in body]
    while prompt and not prompt[0].strip():
        prompt.pop(0)
    while prompt and not prompt[-1].strip():
        prompt.pop()
    return Screen(header, tuple(prompt), tuple(options))


def _next_letter(index: int, first_line: str) -> str:
    found = _OPTION.match(first_line)
    letters = "tf" if found and found.group(1) == "t" else "abcdefghij"
    return letters[index] if index < len(letters) else "?"


def _option_run(lines: Sequence[str]) -> bool:
    """Whether the option letters in these lines run a, b, c... (or t, f) with none skipped."""
    count = 0
    for line in lines:
        found = _OPTION.match(line)
        if found and found.group(1) == _next_letter(count, lines[0]):
            count += 1
        elif found:
            return False
    return count >= 2


# --- words ---------------------------------------------------------------------------------------

STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each either else
    etc ever few for from further get gets got had has have having he her here hers herself him
    himself his how however i if in into is it its itself just let like may me might more most
    much must my myself no nor not now of off often on once one only or other others our ours
    ourselves out over own per rather same shall she should since so some such than that the
    their theirs them themselves then there these they this those though through thus to too
    under until up upon us very via was we were what when where whether which while who whom
    whose why will with within without would yet you your yours yourself yourselves isnt dont
    doesnt cant wont arent wasnt werent didnt hasnt havent shouldnt wouldnt couldnt""".split()  # noqa: SIM905 - a word list reads better as text
)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@cache
def tokens(text: str) -> tuple[str, ...]:
    """Words as written (case kept), possessive 's dropped, other apostrophes closed up."""
    out = []
    for token in _TOKEN.findall(text.replace("’", "'").replace("‘", "'")):
        base, _, tail = token.partition("'")
        out.append(base if tail in ("s", "") else base + tail)
    return tuple(out)


@cache
def stem(word: str) -> str:
    """A light stemmer: plural, -ing, -ed, -ly and a final e, so motivate/motivating meet."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif (w.endswith("ed") and len(w) > 4) or (w.endswith("ly") and len(w) > 5):
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@cache
def content(text: str) -> tuple[str, ...]:
    """Stemmed content words: stop words and single letters left out."""
    return tuple(
        stem(t) for t in tokens(text) if t.lower() not in STOP and (len(t) > 1 or t.isdigit())
    )


@cache
def numbers(text: str) -> tuple[float, ...]:
    return tuple(float(n.replace(",", "")) for n in _NUMBER.findall(text))


@cache
def acronyms(text: str) -> frozenset[str]:
    """Initials of every run of two or more capitalised words ('Chartered Management Institute'
    gives CMI), joining words such as 'and' or 'of' skipped."""
    found: set[str] = set()
    run: list[str] = []
    for token in [*tokens(text), "."]:
        if token[:1].isupper() and token.isalpha():
            run.append(token[0])
        elif token.lower() in ("and", "of", "the", "for", "&") and run:
            continue
        else:
            for i in range(len(run)):
                for j in range(i + 2, len(run) + 1):
                    found.add("".join(run[i:j]))
            run = []
    return frozenset(found)


@cache
def capitals(text: str) -> tuple[str, ...]:
    return tuple(t for t in tokens(text) if t[:1].isupper())


def _pattern(words: str) -> re.Pattern[str]:
    """Whole words or phrases, separated by |; a trailing * takes any ending."""
    parts = [
        re.escape(w.strip().rstrip("*")).replace(r"\ ", r"\s+")
        + (r"\w*" if w.endswith("*") else "")
        for w in words.split("|")
    ]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


NEGATION = _pattern(
    "not|no|without|fail*|overlook*|ignor*|as if|rather than|instead of|only|mere*|alone|"
    "underestimat*|neglect*|lack*|miss*|cannot"
)
_CONTRACTED_NOT = re.compile(r"\w+n['’]t\b", re.IGNORECASE)
ABSOLUTE = _pattern("always|never|only|simply|just|all|every|no different|cannot|can't|must")
HEDGE = _pattern("can|may|might|often|some|not necessarily|depend*")
SELF_JUDGING = _pattern("weak*|poor*|damag*|undermin*|vague*|fail*|credib*|strong*")
MYTH_LABEL = _pattern("misconception*|myth*")


@cache
def negations(text: str) -> int:
    return len(NEGATION.findall(text)) + len(_CONTRACTED_NOT.findall(text))


# --- the run's vocabulary ------------------------------------------------------------------------


class Idf:
    """Inverse document frequency over distinct text segments (header, prompt, options)."""

    def __init__(self, segments: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        total = 0
        for segment in set(segments):
            total += 1
            df.update(set(content(segment)))
        self.total = total
        self.df = df
        self._vectors: dict[str, dict[str, float]] = {}

    def __call__(self, word: str) -> float:
        return math.log((self.total + 1) / (self.df.get(word, 0) + 1)) + 1

    def vector(self, text: str) -> dict[str, float]:
        cached = self._vectors.get(text)
        if cached is None:
            counts = Counter(content(text))
            cached = {w: n * self(w) for w, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in cached.values())) or 1.0
            cached = {w: v / norm for w, v in cached.items()}
            self._vectors[text] = cached
        return cached

    def cosine(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(v * vb.get(w, 0.0) for w, v in va.items())


# --- one question as the guesser sees it ---------------------------------------------------------


@dataclass
class Seen:
    """A parsed screen with what the strategies need, worked out once per distinct screen."""

    screen: Screen
    fmt: str
    header_cue: str = ""  # the header without the parts every question of the format shows
    body: str = ""  # the prompt without the lines every question of the format shows
    scores: dict[str, list[float]] = field(default_factory=dict)
    replies: dict[str, list[str]] = field(default_factory=dict)  # cloze: tied candidate words
    name_similarity: float | None = None  # true/false "Name: text" statements


def header_segments(header: str) -> list[str]:
    return [s.strip() for s in _SEGMENT.split(header) if s and s.strip()]


def _boilerplate(counts: Counter[str], total: int, share: float) -> set[str]:
    """Texts shown on at least ``share`` of a format's questions (and at least 20 of them)."""
    return {text for text, n in counts.items() if n >= max(20, share * total)}


def _pieces(screen: Screen, options: bool = True) -> set[str]:
    """The prompt's non-empty lines, and the options, as shown."""
    found = {line.strip() for line in screen.prompt if line.strip()}
    return found | set(screen.options) if options else found


HEADER_SHARE = 0.10  # a header part shown this often is a label, unit or section name
PROMPT_SHARE = 0.50  # a prompt line shown this often is the format's instruction


def _overlap(a: Iterable[str], b: set[str]) -> int:
    return len(set(a) & b)


def choice_strategies(seen: Seen, idf: Idf) -> dict[str, list[float]]:
    """A score per option for every multiple-choice strategy (higher is the guess)."""
    options = seen.screen.options
    body = seen.body
    header_words = set(content(seen.header_cue))
    body_words = set(content(body))
    body_tokens = set(tokens(body))
    body_capitals = {c.lower() for c in capitals(body)}
    out: dict[str, list[float]] = {}
    option_words = [content(o) for o in options]
    out["header overlap"] = [_overlap(w, header_words) for w in option_words]
    acronym_hit = [float(any(a in body_tokens for a in acronyms(o))) for o in options]
    out["prompt overlap"] = [
        _overlap(w, body_words) + hit for w, hit in zip(option_words, acronym_hit, strict=True)
    ]
    out["topic similarity"] = [idf.cosine(o, body) for o in options]
    neg = [float(negations(o)) for o in options]
    out["most negation"] = neg
    out["fewest negation"] = [-n for n in neg]
    out["longest"] = [float(len(o)) for o in options]
    out["shortest"] = [-float(len(o)) for o in options]
    figures = [numbers(o) for o in options]
    out["middle figure"] = _middle(figures)
    counted = [Counter(f) for f in figures]
    out["figure consensus"] = [
        float(sum(sum((f & g).values()) for j, g in enumerate(counted) if j != i))
        for i, f in enumerate(counted)
    ]
    # A wrong answer written as an edit of the right one: the original is the option the
    # others resemble most (and the odd one out is a distractor from elsewhere). Words are
    # weighed by how few of this screen's options use them, not by the run: across thousands
    # of quizzes the true figure or wording is seen in other questions more often than any
    # wrong one, and rewarding that would score remembered content, not a cue on the screen.
    resemblance = _resemblance(options)
    out["most like the others"] = resemblance
    out["least like the others"] = [-r for r in resemblance]
    out["most capitals"] = [float(len(capitals(o))) for o in options]
    out["name overlap"] = [
        len({c.lower() for c in capitals(o)} & body_capitals) + hit
        for o, hit in zip(options, acronym_hit, strict=True)
    ]
    return out


def _resemblance(options: Sequence[str]) -> list[float]:
    """For each option, its summed cosine to the others, words weighed within the screen."""
    bags = [Counter(content(o)) for o in options]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(options)
    vectors = []
    for bag in bags:
        vec = {w: c * (math.log((n + 1) / (df[w] + 1)) + 1) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    return [
        sum(sum(v * u.get(w, 0.0) for w, v in vec.items()) for j, u in enumerate(vectors) if j != i)
        for i, vec in enumerate(vectors)
    ]


def _middle(figures: Sequence[Sequence[float]]) -> list[float]:
    """Minus the distance of each option's figures from the middle rank, position by position."""
    if not figures or not all(figures) or len({len(f) for f in figures}) != 1:
        return [0.0] * len(figures)
    k = len(figures)
    score = [0.0] * k
    for position in range(len(figures[0])):
        values = [f[position] for f in figures]
        for i, v in enumerate(values):
            below = sum(1 for u in values if u < v)
            same = sum(1 for u in values if u == v) - 1
            rank = below + same / 2
            score[i] -= abs(rank - (k - 1) / 2)
    return score


_NAME_TEXT = re.compile(r"^([^:.?!;]{2,80}):\s+(\S.*)$", re.DOTALL)


def name_and_text(statement: str) -> tuple[str, str] | None:
    """A statement shaped "Name: text", split, when the name is at most eight words."""
    found = _NAME_TEXT.match(statement)
    if not found or len(found.group(1).split()) > 8:
        return None
    return found.group(1), found.group(2)


def name_similarity(name: str, text: str, idf: Idf) -> float:
    """How much of the name the text echoes: IDF of the name's words whose first five letters
    recur in the text (so strategy and strategic meet)."""
    shown = {w[:5] for w in content(text)}
    return sum(idf(w) for w in set(content(name)) if w[:5] in shown)


def true_false_strategies(
    seen: Seen, median: float | None, labels: Iterable[str]
) -> dict[str, list[float]]:
    """A score for [True, False] under every true-or-false rule (equal scores: no opinion)."""
    text = seen.body
    header = seen.screen.header

    def vote(true: float, false: float) -> list[float]:
        return [true, false]

    out: dict[str, list[float]] = {
        "always true": vote(1, 0),
        "always false": vote(0, 1),
    }
    rules: dict[str, list[float]] = {
        "absolute -> false": vote(0, bool(ABSOLUTE.search(text))),
        "hedge -> true": vote(bool(HEDGE.search(text)), 0),
        "self-judging -> false": vote(0, bool(SELF_JUDGING.search(text))),
        "negation -> false": vote(0, negations(text) > 0),
        "misconception label -> false": vote(0, bool(MYTH_LABEL.search(f"{header}\n{text}"))),
    }
    if seen.name_similarity is not None and median is not None:
        above = seen.name_similarity > median
        rules["name-text similarity"] = vote(above, not above)
    else:
        rules["name-text similarity"] = vote(0, 0)
    figures = [n for n in numbers(text) if not (1900 <= n <= 2100 and n.is_integer())]
    rules["repeated figure -> false"] = vote(0, len(figures) != len(set(figures)))
    percents = [float(p) for p in re.findall(r"(\d+(?:\.\d+)?)\s*(?:%|per\s?cent)", text)]
    complement = any(
        abs(a + b - 100) < 1e-9 for i, a in enumerate(percents) for b in percents[i + 1 :]
    )
    rules["complement -> true"] = vote(complement, 0)
    out.update(rules)
    # What the header says (a unit, a section) may go with one answer: the cascade learns which.
    shown = set(header_segments(header))
    for label in labels:
        out[f"header '{label}' -> true"] = vote(label in shown, 0)
        out[f"header '{label}' -> false"] = vote(0, label in shown)
    true_votes = sum(1 for s in rules.values() if s[0] > s[1])
    false_votes = sum(1 for s in rules.values() if s[1] > s[0])
    out["rules vote, else true"] = vote(true_votes + 0.5, false_votes)
    out["rules vote, else false"] = vote(true_votes, false_votes + 0.5)
    return out


def cloze_candidates(seen: Seen, idf: Idf) -> dict[str, list[str]]:
    """Words to type, per strategy; several when tied (each tried with equal chance)."""
    visible = {stem(t) for t in tokens("\n".join(seen.screen.prompt))}
    header = [
        t
        for t in tokens(seen.header_cue)
        if t.lower() not in STOP and len(t) > 2 and stem(t) not in visible
    ]
    out: dict[str, list[str]] = {}
    out["header word, first"] = header[:1]
    if header:
        rarest = max(idf(stem(t)) for t in header)
        out["header word, rarest"] = [next(t for t in header if idf(stem(t)) == rarest)]
    else:
        out["header word, rarest"] = []
    counts = Counter(t.lower() for t in tokens(seen.body) if t.lower() not in STOP and len(t) > 2)
    if counts:
        top = max(counts.values())
        out["most repeated prompt word"] = [w for w, n in counts.items() if n == top]
    else:
        out["most repeated prompt word"] = []
    return out


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Guessed:
    """One question with what each strategy's guess is worth (expected accuracy)."""

    question: Question
    seen: Seen
    chance: float
    results: dict[str, float]
    decisive: set[str]  # strategies that single out one option here


@dataclass
class FormatResult:
    """One format's figures: the combined guesser is the best strategy on that format."""

    format: str
    questions: int
    chance: float
    strategies: dict[str, float]
    cascade: list[str] = field(default_factory=list)  # its cues in order, then its fallback
    items: int = 0  # distinct items the questions are about

    @property
    def best(self) -> str:
        return max(self.strategies, key=lambda s: self.strategies[s]) if self.strategies else ""

    @property
    def best_label(self) -> str:
        """The best strategy's name; for the cascade, its first cues."""
        best = self.best
        if best == CASCADE and self.cascade:
            cues = self.cascade if len(self.cascade) <= 2 else [*self.cascade[:2], "..."]
            return f"{CASCADE}: " + " > ".join(cues)
        return best

    @property
    def score(self) -> float:
        return self.strategies[self.best] if self.strategies else 0.0

    @property
    def margin(self) -> float:
        """Points over chance."""
        return 100 * (self.score - self.chance)


CASCADE = "cascade"
CASCADE_MIN = 20  # a cue joins the cascade only when it singled out an option this often
CASCADE_STEPS = 6


@dataclass
class Report:
    """What the guesser found over a run of questions (shares are fractions, not percents)."""

    formats: dict[str, FormatResult]
    overall_questions: int  # multiple-choice and true/false
    overall_score: float
    overall_chance: float
    positions: dict[int, list[float]]  # option count -> share of right answers at a, b, ...
    position_counts: dict[int, int]
    longest: float  # right option strictly the longest, questions of 3+ options
    longest_chance: float
    longest_questions: int
    true_by_unit: dict[str, tuple[float, int]]
    true_by_section: dict[str, tuple[float, int]]
    unscored: dict[str, int]
    seconds: float = 0.0


def see(questions: Sequence[Question], show: Callable[[Question], str] = render) -> list[Seen]:
    """Render and parse every question, and work out every strategy's scores on its screen.

    Distinct screens are worked out once. What every question of a format shows (its label, the
    unit title, the section name, the format's instruction) is set aside as no cue, since the
    learner learns to skip it; the IDF is fitted on all the text shown in the run.
    """
    screens: dict[str, Seen] = {}
    seen_list: list[Seen] = []
    for q in questions:
        text = show(q)
        seen = screens.get(text)
        if seen is None:
            seen = screens[text] = Seen(parse(text), q.format)
        seen_list.append(seen)

    per_format = Counter(q.format for q in questions)
    header_parts: dict[str, Counter[str]] = defaultdict(Counter)
    prompt_lines: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for seen in seen_list:
        header_parts[seen.fmt].update(set(header_segments(seen.screen.header)))
        prompt_lines[seen.fmt].update(_pieces(seen.screen, options=False))
        shown[seen.fmt].update(_pieces(seen.screen))
    skip_prompt = {f: _boilerplate(c, per_format[f], PROMPT_SHARE) for f, c in prompt_lines.items()}
    common = {f: _boilerplate(c, per_format[f], PROMPT_SHARE) for f, c in shown.items()}
    skip_header = {f: _boilerplate(c, per_format[f], HEADER_SHARE) for f, c in header_parts.items()}
    # A frequent header part that always comes with the same option or prompt line (an item's
    # id, for an item asked often) names that content: it is a cue, not a label.
    together: dict[tuple[str, str], set[str]] = {}
    for seen in seen_list:
        pieces = _pieces(seen.screen) - common[seen.fmt]
        for part in set(header_segments(seen.screen.header)) & skip_header[seen.fmt]:
            kept = together.get((seen.fmt, part))
            together[seen.fmt, part] = pieces if kept is None else kept & pieces
    for (fmt, part), pieces in together.items():
        if pieces:
            skip_header[fmt].discard(part)
    segments: list[str] = []
    for seen in screens.values():
        parts = header_segments(seen.screen.header)
        seen.header_cue = " ".join(p for p in parts if p not in skip_header[seen.fmt])
        lines = [ln.strip() for ln in seen.screen.prompt if ln.strip()]
        seen.body = "\n".join(ln for ln in lines if ln not in skip_prompt[seen.fmt])
        segments += [seen.screen.header, "\n".join(lines), *seen.screen.options]
    idf = Idf(segments)

    # True/false "Name: text": is the name like its text, compared with the run's others?
    names: Counter[str] = Counter()
    for seen in seen_list:
        if seen.fmt == TRUE_FALSE and (split := name_and_text(seen.body)):
            names[split[0]] += 1
    not_names = _boilerplate(names, per_format[TRUE_FALSE], 0.03)  # "Assessors credit:"
    for seen in screens.values():
        split = name_and_text(seen.body) if seen.fmt == TRUE_FALSE else None
        if split and split[0] not in not_names:
            seen.name_similarity = name_similarity(split[0], split[1], idf)
    sims = [s.name_similarity for s in seen_list if s.name_similarity is not None]
    median = statistics.median(sims) if sims else None

    for seen in screens.values():
        if seen.fmt == CLOZE:
            seen.replies = cloze_candidates(seen, idf)
        elif seen.fmt == TRUE_FALSE:
            seen.scores = true_false_strategies(seen, median, sorted(skip_header[TRUE_FALSE]))
        elif seen.fmt not in UNSCORED and len(seen.screen.options) >= 2:
            seen.scores = choice_strategies(seen, idf)
    return seen_list


def guess(
    questions: Sequence[Question], show: Callable[[Question], str] = render
) -> tuple[list[Guessed], dict[str, list[str]]]:
    """Every scored question (cloze, multiple-choice, true/false) with each strategy's worth.

    Adds the cascade: the cues that single out an option, most reliable first (reliability learnt
    over the run, as a learner learns it from feedback), falling back on the best single strategy.
    Returns the questions and, per format, the cascade's cues in order, then its fallback.
    """
    marks: dict[tuple[int, str, tuple[str, ...], str], bool] = {}
    out: list[Guessed] = []
    for q, seen in zip(questions, see(questions, show), strict=True):
        if seen.fmt == CLOZE:
            results = {}
            for name, replies in seen.replies.items():
                right = 0
                for reply in replies:
                    key = (id(seen), q.model_answer, q.accepted, reply)  # one screen, one item
                    if key not in marks:
                        marks[key] = mark(q, reply).correct
                    right += marks[key]
                results[name] = right / len(replies) if replies else 0.0
            out.append(Guessed(q, seen, 0.0, results, set()))
        elif seen.scores and 0 <= q.answer < len(seen.screen.options):
            results = {name: expected(s, q.answer) for name, s in seen.scores.items()}
            decisive = {name for name, s in seen.scores.items() if _decisive(s)}
            out.append(Guessed(q, seen, 1 / len(seen.screen.options), results, decisive))
    by_format: dict[str, list[Guessed]] = defaultdict(list)
    for g in out:
        by_format[g.question.format].append(g)
    cascades: dict[str, list[str]] = {}
    for fmt, group in by_format.items():
        if fmt == CLOZE:
            continue
        # Cross-fitted: the list is learnt on the questions about half the items and scored on
        # the other half, and the other way round, so it holds cues that carry over to items
        # not seen before (test-wiseness), not the remembered answers of items seen before.
        folds = [
            [g for g in group if zlib.crc32(g.question.item.encode()) % 2 == k] for k in (0, 1)
        ]
        for learn, score in ((folds[0], folds[1]), (folds[1], folds[0])):
            if not learn:
                learn = score
            order, fallback = _cascade(learn)
            for g in score:
                first = next((name for name in order if name in g.decisive), fallback)
                g.results[CASCADE] = g.results[first]
        order, fallback = _cascade(group)
        cascades[fmt] = [*order, fallback]
    return out, cascades


def _cascade(group: Sequence[Guessed]) -> tuple[list[str], str]:
    """A decision list learnt greedily over the run, as a learner learns it from feedback.

    Each step adds the cue that, where it singles out one option among the questions not yet
    decided, gains most over the best single strategy there (at least CASCADE_MIN such questions
    and a gain of two standard errors); what no cue decides falls back on the best single
    strategy over those questions. Returns the cues in order and the fallback.
    """
    names = [n for n in group[0].results if n != CASCADE] if group else []
    remaining = list(group)
    order: list[str] = []

    def best_of(among: Sequence[Guessed]) -> str:
        return max(names, key=lambda n: sum(g.results[n] for g in among))

    while remaining and len(order) < CASCADE_STEPS:
        fallback = best_of(remaining)
        chosen, chosen_gain = "", 0.0
        for name in names:
            if name in order:
                continue
            fired = [g for g in remaining if name in g.decisive]
            if len(fired) < CASCADE_MIN:
                continue
            base = sum(g.results[fallback] for g in fired) / len(fired)
            gain = sum(g.results[name] for g in fired) - base * len(fired)
            noise = 2 * math.sqrt(len(fired) * max(base * (1 - base), 0.05))
            if gain > max(noise, chosen_gain):
                chosen, chosen_gain = name, gain
        if not chosen:
            break
        order.append(chosen)
        remaining = [g for g in remaining if chosen not in g.decisive]
    return order, best_of(remaining or group)


def _decisive(scores: Sequence[float]) -> bool:
    top = max(scores)
    return sum(1 for s in scores if s == top) == 1


def evaluate(questions: Sequence[Question], show: Callable[[Question], str] = render) -> Report:
    """Render (with ``show``), parse and guess every question; score guesses against the keys."""
    started = time.perf_counter()
    guessed, cascades = guess(questions, show)
    groups: dict[str, list[Guessed]] = defaultdict(list)
    for g in guessed:
        groups[g.question.format].append(g)
    formats: dict[str, FormatResult] = {}
    for fmt, group in sorted(groups.items()):
        n = len(group)
        names = group[0].results
        strategies = {name: sum(g.results[name] for g in group) / n for name in names}
        chance = sum(g.chance for g in group) / n
        items = len({g.question.item for g in group})
        formats[fmt] = FormatResult(fmt, n, chance, strategies, cascades.get(fmt, []), items)
    scored = [r for r in formats.values() if r.format != CLOZE]
    overall_n = sum(r.questions for r in scored)
    overall_score = sum(r.score * r.questions for r in scored) / overall_n if overall_n else 0.0
    overall_chance = sum(r.chance * r.questions for r in scored) / overall_n if overall_n else 0.0
    scored_ids = {id(g.question) for g in guessed}
    unscored = Counter(q.format for q in questions if id(q) not in scored_ids)

    by_k: dict[int, Counter[int]] = defaultdict(Counter)
    longest = longest_n = 0
    longest_chance = 0.0
    true_unit: dict[str, Counter[bool]] = defaultdict(Counter)
    true_section: dict[str, Counter[bool]] = defaultdict(Counter)
    for g in guessed:
        q, options = g.question, g.seen.screen.options
        if q.format == TRUE_FALSE:
            is_true = options[q.answer].strip().lower() == "true"
            true_unit[q.unit][is_true] += 1
            true_section[q.section][is_true] += 1
        elif q.format != CLOZE:
            by_k[len(options)][q.answer] += 1
            if len(options) >= 3:
                longest_n += 1
                longest_chance += 1 / len(options)
                right = len(options[q.answer])
                longest += all(right > len(o) for i, o in enumerate(options) if i != q.answer)
    positions = {k: [c[i] / sum(c.values()) for i in range(k)] for k, c in sorted(by_k.items())}
    return Report(
        formats=formats,
        overall_questions=overall_n,
        overall_score=overall_score,
        overall_chance=overall_chance,
        positions=positions,
        position_counts={k: sum(c.values()) for k, c in by_k.items()},
        longest=longest / longest_n if longest_n else 0.0,
        longest_chance=longest_chance / longest_n if longest_n else 0.0,
        longest_questions=longest_n,
        true_by_unit=_shares(true_unit),
        true_by_section=_shares(true_section),
        unscored=dict(unscored),
        seconds=time.perf_counter() - started,
    )


def expected(scores: Sequence[float], answer: int) -> float:
    """Expected accuracy of the argmax guess, ties broken uniformly."""
    top = max(scores)
    ties = [i for i, s in enumerate(scores) if s == top]
    return 1 / len(ties) if answer in ties else 0.0


def _shares(counts: dict[str, Counter[bool]]) -> dict[str, tuple[float, int]]:
    return {
        name: (c[True] / (c[True] + c[False]), c[True] + c[False])
        for name, c in sorted(counts.items())
    }


# --- building the questions and printing the report -----------------------------------------------


def build_questions(seeds: int, count: int) -> list[Question]:
    """For each seed and each shipped unit, the questions of ``cmirev quiz UNIT -n count``."""
    from cmirev.loader import load_catalog
    from cmirev.paths import builtin_units_dir
    from cmirev.session import build_quiz

    catalog = load_catalog([builtin_units_dir()], use_cache=False)
    generator = Generator(catalog)
    return [
        q
        for seed in range(seeds)
        for unit in catalog.units
        for q in build_quiz(generator, [unit], count, Random(seed))
    ]


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(c).ljust(w) if i == 0 or i == len(header) - 2 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def describe(report: Report) -> str:
    """The report as text tables."""
    out = []
    rows = [
        [
            r.format,
            str(r.questions),
            pct(r.chance),
            pct(r.score),
            r.best_label,
            f"{r.margin:+.1f}",
        ]
        for r in sorted(report.formats.values(), key=lambda r: -r.margin)
    ]
    out.append(table(["format", "questions", "chance", "guesser", "best strategy", "margin"], rows))
    if report.unscored:
        out.append(
            "not scored: " + ", ".join(f"{f} {n}" for f, n in sorted(report.unscored.items()))
        )
    out.append(
        f"\nmultiple-choice and true/false ({report.overall_questions} questions): guesser "
        f"{pct(report.overall_score)} against chance {pct(report.overall_chance)} "
        f"({100 * (report.overall_score - report.overall_chance):+.1f} points)"
    )
    out.append("")
    for k, shares in report.positions.items():
        spread = " ".join(f"{'abcdefghij'[i]} {pct(s)}" for i, s in enumerate(shares))
        out.append(f"answer position, {k} options ({report.position_counts[k]}): {spread}")
    out.append(
        f"right option strictly the longest: {pct(report.longest)} "
        f"(chance {pct(report.longest_chance)}, {report.longest_questions} questions)"
    )
    out.append("\ntrue share of true/false")
    for label, by in (("unit", report.true_by_unit), ("section", report.true_by_section)):
        for name, (share, n) in by.items():
            out.append(f"  {label} {name}: {pct(share)} of {n}")
    return "\n".join(out)


def describe_strategies(report: Report) -> str:
    """Every strategy's score on every format."""
    out = []
    for r in report.formats.values():
        ranked = sorted(r.strategies.items(), key=lambda s: -s[1])
        out.append(f"{r.format}: " + ", ".join(f"{n} {pct(s)}" for n, s in ranked))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--all", action="store_true", help="also print every strategy's score")
    args = parser.parse_args()
    started = time.perf_counter()
    questions = build_questions(args.seeds, args.questions)
    built = time.perf_counter() - started
    report = evaluate(questions)
    print(
        f"{len(questions)} questions: {args.seeds} seeds x every shipped unit, -n {args.questions}"
        f" (built in {built:.1f} s, guessed in {report.seconds:.1f} s)\n"
    )
    print(describe(report))
    if args.all:
        print("\nevery strategy")
        print(describe_strategies(report))


if __name__ == "__main__":
    main()
