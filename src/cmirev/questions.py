"""Quiz questions generated from unit items, never written by hand.

Pure: every random choice (which distractors, which option goes where, which word is blanked)
comes from the ``random.Random`` passed in, so a seed reproduces a quiz exactly. A new unit file
gets every format for free.

Rules every multiple-choice question keeps (checked by property tests over every unit and many
seeds): exactly one option is right; no two options state the same idea (items linked by
``same_as`` count as one); the right option's position is uniform; the right option is the
longest no more often than chance, because distractors are picked around the answer's length;
and no prompt contains its own answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from random import Random

from cmirev.models import (
    SECTIONS,
    Catalog,
    Concept,
    Criterion,
    Fact,
    Guidance,
    Item,
    KeyTerm,
    LearningOutcome,
    Misconception,
    Mistake,
    Unit,
)

FORMATS: dict[str, str] = {
    "term": "Pick the term for a definition",
    "definition": "Pick the definition for a term",
    "recall": "Recall the answer, then grade yourself",
    "true-false": "True or false",
    "correction": "Pick the correction for a misconception",
    "spot-mistake": "Spot the mistake among good practice",
    "spot-practice": "Spot the good practice among mistakes",
    "outcome": "Which learning outcome a criterion evidences",
    "cloze": "Type the missing key word",
    "order": "Put the steps in order",
    "figure": "Figures from the readings",
    "who": "Who said it",
}
CHOICE_FORMATS = frozenset(
    {"term", "definition", "true-false", "correction", "spot-mistake", "spot-practice", "outcome"}
    | {"figure", "who"}
)
OPTIONS = 4  # options in a multiple-choice question, where the pool allows
LETTERS = "abcdefghij"
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

_STOP = frozenset(
    """about above after again against also among another because before being below between
    both could does doing during each either every first from further having here itself just
    leader leaders leadership less made make makes making many more most much must need needs
    only other others over same should since some such than that their them then there these
    they this those through under until very were what when where which while whose will with
    within without would your public service services sector behind across around beyond
    towards toward upon onto into whether rather instead still already often always never
    something anything everything everyone anyone whole half much enough quite really least
    know explain understand able identify describe therefore however thus hence""".split()  # noqa: SIM905 - a word list reads better as text
)


# Words that make poor blanks: they carry no content a learner must recall.
_WEAK = frozenset(
    [
        "forward",
        "assessor",
        "assessors",
        "learner",
        "learners",
        "example",
        "examples",
        "specific",
        "clear",
        "practice",
        "work",
        "good",
        "better",
        "best",
        "show",
        "shows",
        "showing",
        "using",
        "used",
        "ensure",
        "include",
        "includes",
        "including",
    ]
)


@dataclass(frozen=True)
class Question:
    """One question about one item: what to show, what counts as right, what to explain."""

    format: str
    item: str  # the global id (unit-id/item-id) whose memory it tests
    unit: str
    section: str
    outcomes: tuple[str, ...]
    prompt: str
    options: tuple[str, ...] = ()
    answer: int = -1  # index of the right option
    accepted: tuple[str, ...] = ()  # cloze: what counts as right
    order: tuple[int, ...] = ()  # order: option indices in the right order
    model_answer: str = ""  # the right answer in words
    explanation: str = ""
    source: str = ""
    option_items: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_choice(self) -> bool:
        return self.format in CHOICE_FORMATS


@dataclass(frozen=True)
class Mark:
    """How a reply was taken: ``valid`` False means ask again with ``hint``."""

    valid: bool
    correct: bool = False
    rating: int = 0  # 1 Again .. 4 Easy
    hint: str = ""
    detail: str = ""


# --- marking ---------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces single, British and American -ise alike."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9%£ ]+", " ", text.lower().replace("'", ""))
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


def close_enough(reply: str, accepted: Iterable[str]) -> bool:
    """A typed answer matches when equal after normalising, allowing a small typo."""
    got = normalise(reply)
    if not got:
        return False
    for want in map(normalise, accepted):
        allowed = 0 if len(want) < 5 else 1 if len(want) < 10 else 2
        if got == want or (not want.isdigit() and _distance(got, want) <= allowed):
            return True
    return False


def _choice_index(reply: str, count: int) -> int | None:
    text = reply.strip().lower().rstrip(").")
    if len(text) == 1 and text in LETTERS[:count]:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    return None


def mark(question: Question, reply: str) -> Mark:
    """Mark a reply to a question (recall questions are graded with :func:`mark_grade`)."""
    fmt = question.format
    if fmt == "true-false":
        text = reply.strip().lower()
        pick = {"t": 0, "true": 0, "a": 0, "1": 0, "f": 1, "false": 1, "b": 1, "2": 1}.get(text)
        if pick is None:
            return Mark(False, hint="Type t for true or f for false.")
        return _auto(pick == question.answer)
    if question.is_choice:
        index = _choice_index(reply, len(question.options))
        if index is None:
            last = LETTERS[len(question.options) - 1]
            return Mark(False, hint=f"Type a letter from a to {last}.")
        return _auto(index == question.answer)
    if fmt == "cloze":
        if not reply.strip():
            return Mark(False, hint="Type the missing word (or ? for help).")
        return _auto(close_enough(reply, question.accepted))
    if fmt == "order":
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
    raise ValueError(f"use mark_grade for {fmt} questions")


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


# --- generation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A candidate option: its text and the item it came from."""

    text: str
    item: str


class Generator:
    """Builds questions from a catalog. Construction indexes the content once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        siblings = catalog.siblings()
        self.group = {gid: min(members) for gid, members in siblings.items()}
        self.terms: list[tuple[Unit, Concept | KeyTerm]] = []
        self.misconceptions: list[tuple[Unit, Misconception]] = []
        self.mistakes: list[tuple[Unit, Mistake]] = []
        self.facts: list[tuple[Unit, Fact]] = []
        docs: Counter[str] = Counter()
        for unit in catalog.units:
            for _, item in unit.items():
                if isinstance(item, Concept | KeyTerm):
                    self.terms.append((unit, item))
                elif isinstance(item, Misconception):
                    self.misconceptions.append((unit, item))
                elif isinstance(item, Mistake):
                    self.mistakes.append((unit, item))
                elif isinstance(item, Fact):
                    self.facts.append((unit, item))
                docs.update(set(_words(f"{item.heading} {item.body}")))
        # Words of the terms and concepts the units define: the best words to blank.
        self.vocabulary = {w for _, t in self.terms for w in _words(t.term) if w not in _STOP}
        total = max(1, sum(len(u.items()) for u in catalog.units))
        self.idf = {w: math.log(total / n) for w, n in docs.items()}

    # -- which formats suit an item

    def formats_for(self, unit: Unit, section: str, item: Item) -> list[str]:
        """The formats this item can be asked in."""
        if isinstance(item, Concept | KeyTerm):
            found = ["term", "definition", "recall", "true-false", "cloze"]
            if isinstance(item, KeyTerm) and len(item.steps) >= 3:
                found.append("order")
            return found
        if isinstance(item, Misconception):
            return ["true-false", "correction", "recall", "cloze"]
        if isinstance(item, Criterion):
            found = ["recall", "cloze"]
            if len(unit.learning_outcomes) - len(set(item.outcomes)) >= 1:
                found.insert(0, "outcome")
            return found
        if isinstance(item, Mistake):
            return ["spot-mistake", "spot-practice", "true-false"] if item.good_practice else []
        if isinstance(item, Fact):
            found = ["true-false", "cloze"]
            if item.figure and re.search(r"\d", item.figure):
                found.insert(0, "figure")
            if _speaker_ok(item.attribution):
                found.insert(0, "who")
            return found
        if isinstance(item, Guidance | LearningOutcome):
            return ["cloze"]
        return []

    def make(
        self, fmt: str, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None = None
    ) -> Question | None:
        """A question of this format about this item, or None when the content cannot give one.

        ``truth`` asks a true-false question for a true (or false) statement where the item
        can give either.
        """
        builder = getattr(self, "_" + fmt.replace("-", "_"))
        question: Question | None = builder(unit, section, item, rng, truth)
        return question

    # -- helpers

    def _base(self, fmt: str, unit: Unit, section: str, item: Item) -> dict[str, object]:
        return {
            "format": fmt,
            "item": f"{unit.id}/{item.id}",
            "unit": unit.id,
            "section": section,
            "outcomes": item.outcomes,
            "source": f"{unit.title} › {SECTIONS[section][1]} ({item.id})",
        }

    def _same_idea(self, a: str, b: str) -> bool:
        return self.group.get(a, a) == self.group.get(b, b)

    def _choice(
        self,
        fmt: str,
        unit: Unit,
        section: str,
        item: Item,
        prompt: str,
        answer: _Text,
        pool: Sequence[_Text],
        rng: Random,
        explanation: str,
        count: int = OPTIONS,
    ) -> Question | None:
        """A multiple-choice question: distractors chosen around the answer's length."""
        distractors = _pick_around(answer, self._clean_pool(answer, pool, prompt), count - 1, rng)
        if len(distractors) < min(count - 1, 2):
            return None
        options = list(distractors)
        position = rng.randrange(len(options) + 1)
        options.insert(position, answer)
        return Question(
            **self._base(fmt, unit, section, item),  # type: ignore[arg-type]
            prompt=prompt,
            options=tuple(o.text for o in options),
            option_items=tuple(o.item for o in options),
            answer=position,
            model_answer=answer.text,
            explanation=explanation,
        )

    def _clean_pool(self, answer: _Text, pool: Sequence[_Text], prompt: str) -> list[_Text]:
        """Distractors that are not the answer's idea, not repeated, not named in the prompt."""
        seen_groups = {self.group.get(answer.item, answer.item)}
        seen_texts = {normalise(answer.text)}
        shown = normalise(prompt)
        clean = []
        for cand in pool:
            key = self.group.get(cand.item, cand.item)
            text = normalise(cand.text)
            if key in seen_groups or text in seen_texts or (len(text) > 3 and text in shown):
                continue
            seen_groups.add(key)
            seen_texts.add(text)
            clean.append(cand)
        return clean

    # -- formats

    def _term(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Concept | KeyTerm):
            return None
        definition = _mask_term(item.definition, item)
        pool = [_Text(t.term, f"{u.id}/{t.id}") for u, t in self._terms_near(unit, rng)]
        prompt = f"Which term has this definition?\n\n{definition}"
        explanation = f"{item.term}: {item.definition}"
        answer = _Text(item.term, f"{unit.id}/{item.id}")
        return self._choice("term", unit, section, item, prompt, answer, pool, rng, explanation)

    def _definition(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Concept | KeyTerm):
            return None
        pool = [
            _Text(_mask_term(t.definition, t), f"{u.id}/{t.id}")
            for u, t in self._terms_near(unit, rng)
        ]
        prompt = f"Which is the best definition of {item.term}?"
        answer = _Text(_mask_term(item.definition, item), f"{unit.id}/{item.id}")
        explanation = f"{item.term}: {item.definition}"
        return self._choice(
            "definition", unit, section, item, prompt, answer, pool, rng, explanation
        )

    def _terms_near(self, unit: Unit, rng: Random) -> list[tuple[Unit, Concept | KeyTerm]]:
        """Every term, the item's own unit first (more plausible distractors), shuffled."""
        own = [(u, t) for u, t in self.terms if u.id == unit.id]
        rest = [(u, t) for u, t in self.terms if u.id != unit.id]
        rng.shuffle(own)
        rng.shuffle(rest)
        return own + rest

    def _recall(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if isinstance(item, Concept | KeyTerm):
            prompt = f"What is {item.term}? Say or write your answer, then reveal the model answer."
            model = item.definition
            if isinstance(item, KeyTerm) and item.steps:
                model += "\nSteps: " + "; ".join(item.steps)
        elif isinstance(item, Misconception):
            prompt = f"Why is this a misconception?\n\n{item.claim}"
            model = item.correction
        elif isinstance(item, Criterion):
            outcomes = ", ".join(item.outcomes)
            prompt = (
                f"{unit.title}, criterion {item.id} (evidences {outcomes}): what does the "
                "assessor credit? Recall it, then reveal the model answer."
            )
            model = item.text
        else:
            return None
        return Question(
            **self._base("recall", unit, section, item),  # type: ignore[arg-type]
            prompt=prompt,
            model_answer=model,
            explanation=model,
        )

    def _true_false(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        want = rng.random() < 0.5 if truth is None else truth
        if isinstance(item, Misconception):
            statement, want = item.claim, False
            explanation = f"False: this is a misconception. {item.correction}"
        elif isinstance(item, Concept | KeyTerm):
            definition = item.definition
            explanation = f"True: that is the definition of {item.term}."
            if not want:
                other = next(
                    (
                        t
                        for u, t in self._terms_near(unit, rng)
                        if not self._same_idea(f"{u.id}/{t.id}", f"{unit.id}/{item.id}")
                    ),
                    None,
                )
                if other is None:
                    return None
                definition = _mask_term(other.definition, other)
                explanation = (
                    f"False: that definition belongs to {other.term}. "
                    f"{item.term}: {item.definition}"
                )
            statement = f"{item.term}: {_mask_term(definition, item)}"
        elif isinstance(item, Mistake) and item.good_practice:
            statement = "Assessors credit: " + _lower_first(
                item.good_practice if want else item.text
            )
            explanation = (
                f"{'True' if want else 'False'}. Common mistake: {item.text} Good practice: "
                f"{item.good_practice}"
            )
        elif isinstance(item, Fact):
            statement = item.statement
            if not want:
                if not item.figure or not re.search(r"\d", item.figure):
                    want = True
                else:
                    wrong = _perturb_figures(item.figure, rng, 1)
                    if not wrong:
                        return None
                    statement = item.statement.replace(item.figure, wrong[0])
            explanation = (
                "True. " if want else "False. "
            ) + f"{item.statement} ({item.attribution})"
        else:
            return None
        return Question(
            **self._base("true-false", unit, section, item),  # type: ignore[arg-type]
            prompt=f"True or false?\n\n{statement}",
            options=("True", "False"),
            answer=0 if want else 1,
            model_answer="True" if want else "False",
            explanation=explanation,
        )

    def _correction(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Misconception):
            return None
        pool = [_Text(m.correction, f"{u.id}/{m.id}") for u, m in self.misconceptions]
        rng.shuffle(pool)
        prompt = f"Which correction answers this misconception?\n\n{item.claim}"
        answer = _Text(item.correction, f"{unit.id}/{item.id}")
        return self._choice(
            "correction", unit, section, item, prompt, answer, pool, rng, item.correction
        )

    def _spot(self, fmt: str, unit: Unit, section: str, item: Item, rng: Random) -> Question | None:
        if not isinstance(item, Mistake) or not item.good_practice:
            return None
        others = [(u, m) for u, m in self.mistakes if m.good_practice and m is not item]
        rng.shuffle(others)
        gid = f"{unit.id}/{item.id}"
        if fmt == "spot-mistake":
            prompt = (
                "Which of these is a common mistake in assignments? The others are good practice."
            )
            answer = _Text(item.text, gid)
            pool = [_Text(m.good_practice or "", f"{u.id}/{m.id}") for u, m in others]
        else:
            prompt = (
                "Which of these is good practice in assignments? The others are common mistakes."
            )
            answer = _Text(item.good_practice, gid)
            pool = [_Text(m.text, f"{u.id}/{m.id}") for u, m in others]
        explanation = f"Common mistake: {item.text} Good practice: {item.good_practice}"
        return self._choice(fmt, unit, section, item, prompt, answer, pool, rng, explanation)

    def _spot_mistake(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        return self._spot("spot-mistake", unit, section, item, rng)

    def _spot_practice(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        return self._spot("spot-practice", unit, section, item, rng)

    def _outcome(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Criterion):
            return None
        if not item.outcomes:
            return None
        target = item.outcomes[rng.randrange(len(item.outcomes))]
        by_id = {lo.id: lo for lo in unit.learning_outcomes}
        if target not in by_id:
            return None
        answer = _Text(by_id[target].text, f"{unit.id}/{target}")
        pool = [
            _Text(lo.text, f"{unit.id}/{lo.id}")
            for lo in unit.learning_outcomes
            if lo.id not in item.outcomes
        ]
        rng.shuffle(pool)
        prompt = f"Which learning outcome does this assessment criterion evidence?\n\n{item.text}"
        explanation = (
            f"{item.id} evidences {', '.join(item.outcomes)}. {target}: {by_id[target].text}"
        )
        return self._choice("outcome", unit, section, item, prompt, answer, pool, rng, explanation)

    def _cloze(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if isinstance(item, Concept | KeyTerm):
            context, text = f"{item.term}:", item.definition
            avoid = f"{item.term} {' '.join(item.aliases)}"
        elif isinstance(item, Misconception):
            context, text, avoid = f"Myth: {item.claim}\nCorrection:", item.correction, item.claim
        elif isinstance(item, Criterion):
            context, text, avoid = (
                f"{item.id} (evidences {', '.join(item.outcomes)}):",
                item.text,
                "",
            )
        elif isinstance(item, Guidance):
            context, text, avoid = "Assignment guidance:", item.text, ""
        elif isinstance(item, LearningOutcome):
            context, text, avoid = f"{unit.title}, {item.id}:", item.text, ""
        elif isinstance(item, Fact):
            context, text, avoid = f"{item.attribution}:", item.statement, item.attribution
        else:
            return None
        word = self._key_word(text, f"{context} {avoid}", rng)
        if word is None:
            return None
        blanked = re.sub(rf"\b{re.escape(word)}\b", "_____", text, flags=re.IGNORECASE)
        return Question(
            **self._base("cloze", unit, section, item),  # type: ignore[arg-type]
            prompt=f"Type the missing word.\n\n{context} {blanked}",
            accepted=(word,),
            model_answer=word,
            explanation=text,
        )

    def _key_word(self, text: str, avoid: str, rng: Random) -> str | None:
        """A word worth blanking: a name, a figure or a rare content word, not given away."""
        given = set(_words(avoid))
        scored: dict[str, float] = {}
        for match in re.finditer(r"[A-Za-z0-9][A-Za-z0-9\-]*", text):
            word = match.group()
            low = word.lower()
            if low in _STOP or low in given or len(word) < 4 or word.count("-") > 1:
                continue
            score = self.idf.get(low, 1.0) + len(word) / 3
            if low in self.vocabulary:
                score += 3
            if word[0].isupper() and match.start() > 0:
                score += 2
            if any(c.isdigit() for c in word):
                score += 2
            if low in _WEAK or low.endswith("ly"):
                score -= 4
            elif low.endswith(("ing", "ed")) and low not in self.vocabulary:
                score -= 3  # mostly verbs: a poor thing to recall
            scored[word] = max(scored.get(word, 0.0), score)
        if not scored:
            return None
        best = sorted(scored, key=lambda w: -scored[w])[:3]
        return best[rng.randrange(len(best))]

    def _order(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, KeyTerm):
            return None
        steps = list(item.steps)
        if len(steps) < 3:
            return None
        order = list(range(len(steps)))
        while order == sorted(order):
            rng.shuffle(order)
        shown = [steps[i] for i in order]
        right = tuple(order.index(i) for i in range(len(steps)))
        return Question(
            **self._base("order", unit, section, item),  # type: ignore[arg-type]
            prompt=f"Put the steps of {item.term} in order: type the letters, first step first.",
            options=tuple(shown),
            order=right,
            model_answer=" ".join(LETTERS[i] for i in right),
            explanation="; ".join(f"{n}. {s}" for n, s in enumerate(steps, 1)),
        )

    def _figure(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Fact):
            return None
        if not item.figure:
            return None
        wrong = _perturb_figures(item.figure, rng, OPTIONS - 1)
        if len(wrong) < OPTIONS - 1:
            return None
        gid = f"{unit.id}/{item.id}"
        pool = [_Text(w, f"{gid}#{n}") for n, w in enumerate(wrong)]
        prompt = f"Fill the gap ({_speaker(item.attribution)}):\n\n" + item.statement.replace(
            item.figure, "_____"
        )
        explanation = f"{item.statement} ({item.attribution})"
        return self._choice(
            "figure", unit, section, item, prompt, _Text(item.figure, gid), pool, rng, explanation
        )

    def _who(
        self, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None
    ) -> Question | None:
        if not isinstance(item, Fact):
            return None
        name = _speaker(item.attribution)
        pool = [
            _Text(_speaker(f.attribution), f"{u.id}/{f.id}")
            for u, f in self.facts
            if _speaker_ok(f.attribution) and not _same_speaker(_speaker(f.attribution), name)
        ]
        rng.shuffle(pool)
        statement = _mask(item.statement, [name, *name.split()])
        prompt = f"Who said or found this?\n\n{statement}"
        explanation = f"{item.attribution}: {item.statement}"
        return self._choice(
            "who",
            unit,
            section,
            item,
            prompt,
            _Text(name, f"{unit.id}/{item.id}"),
            pool,
            rng,
            explanation,
        )


# --- text helpers ----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9\-]*", text.lower())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


_GENERIC = frozenset(
    [
        "model",
        "models",
        "theory",
        "structure",
        "leadership",
        "management",
        "public",
        "service",
        "services",
        "value",
        "values",
        "change",
        "the",
        "and",
        "of",
        "in",
        "for",
        "a",
        "an",
        "analysis",
        "mapping",
        "finding",
        "stages",
        "steps",
    ]
)


def _mask_term(text: str, term: Concept | KeyTerm) -> str:
    """Blank a term in a text: its name and aliases in any case, and its distinctive words
    ('Mehrabian', 'SWOT', '7-38-55') where they are written as names (case as in the term)."""
    text = _mask(text, [term.term, *term.aliases])
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", term.term):
        base = word.removesuffix("'s")
        distinctive = (base[:1].isupper() and base.lower() not in _GENERIC) or any(
            c.isdigit() for c in base
        )
        if distinctive and len(base) >= 3:
            text = re.sub(rf"\b{re.escape(base)}\b", "_____", text)
    return text


def _mask(text: str, names: Iterable[str]) -> str:
    """Blank out the names (terms, people) a prompt must not give away."""
    for name in sorted({n for n in names if len(n) >= 3}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "_____", text, flags=re.IGNORECASE)
    return text


def _speaker(attribution: str) -> str:
    """The person or body in an attribution: 'Mike Cooke, Chief Executive' -> 'Mike Cooke'."""
    name = attribution.split(",")[0]
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _speaker_ok(attribution: str) -> bool:
    """Whether the attribution names someone (not 'an article' or 'the author of ...')."""
    name = _speaker(attribution).lower()
    return bool(name) and "article" not in name and not name.startswith("author")


def _same_speaker(a: str, b: str) -> bool:
    """'Chartered Management Institute' and 'Chartered Management Institute with ...' are one."""
    first_a, first_b = a.lower().split()[:2], b.lower().split()[:2]
    return first_a == first_b or a.lower() in b.lower() or b.lower() in a.lower()


def _pick_around(answer: _Text, pool: list[_Text], count: int, rng: Random) -> list[_Text]:
    """``count`` distractors: a random number longer than the answer, the rest shorter.

    Drawing how many are longer uniformly makes the answer the longest option no more often
    than chance; taking the nearest lengths keeps options alike in size.
    """
    length = len(answer.text)
    longer = sorted((c for c in pool if len(c.text) > length), key=lambda c: len(c.text))
    shorter = sorted((c for c in pool if len(c.text) <= length), key=lambda c: -len(c.text))
    want_longer = rng.randrange(count + 1)
    take_longer = min(want_longer, len(longer))
    take_shorter = min(count - take_longer, len(shorter))
    take_longer = min(count - take_shorter, len(longer))
    chosen = _nearest(longer, take_longer, rng) + _nearest(shorter, take_shorter, rng)
    rng.shuffle(chosen)
    return chosen


def _nearest(ranked: list[_Text], count: int, rng: Random) -> list[_Text]:
    """``count`` of the nearest candidates, drawn at random from twice as many."""
    window = ranked[: max(count * 2, count)]
    return rng.sample(window, count) if count else []


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _perturb_figures(figure: str, rng: Random, count: int) -> list[str]:
    """Wrong versions of a figure, same form: '65% to around 90%' -> '45% to around 90%'."""
    numbers = list(_NUMBER.finditer(figure))
    if not numbers:
        return []
    out: list[str] = []
    for _ in range(60):
        if len(out) >= count:
            break
        match = numbers[rng.randrange(len(numbers))]
        value = float(match.group().replace(",", ""))
        is_pct = figure[match.end() : match.end() + 1] == "%"
        if is_pct:
            new = value + rng.choice([-1, 1]) * rng.choice([5, 10, 15, 20, 25])
            if not 1 <= new <= 99:
                continue
        elif 1900 <= value <= 2100 and value.is_integer():
            new = value + rng.choice([-1, 1]) * rng.randint(2, 9)
        else:
            new = value * rng.choice([0.25, 0.5, 2, 3, 5])
            if " in " in figure and new >= 10:
                continue
        text = _format_like(match.group(), new)
        candidate = figure[: match.start()] + text + figure[match.end() :]
        if candidate != figure and candidate not in out:
            out.append(candidate)
    return out


def _format_like(original: str, value: float) -> str:
    """Write ``value`` the way ``original`` was written (commas, decimals)."""
    if "." in original:
        return f"{value:.{len(original.split('.')[1])}f}"
    number = max(1, round(value))
    return f"{number:,}" if "," in original else str(number)
