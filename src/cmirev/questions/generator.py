"""The generator: indexes a catalog once, then builds any format's question about any item.

Pure: every random choice (which distractors, where the answer goes, which word is blanked)
comes from the ``random.Random`` passed in, so a seed reproduces a quiz exactly. A new unit file
gets every format its items allow, with no extra work.

What every multiple-choice question keeps, whatever its format:
- nothing on screen before the answer points to it: the item's id, section and unit are in
  ``source``, shown with the feedback;
- distractors are items of the same kind, nearest in topic (TF-IDF over the catalog), or wrong
  answers the unit's author wrote for the item; never an item of the same idea (``same_as``) or
  one so alike that it would be a second right answer;
- the right option does not stand out by sharing more words with the prompt than the others,
  and is the longest no more often than chance; its position is uniform.
When an item cannot give such a question, the format gives none and another is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from random import Random

from cmirev.models import (
    SECTIONS,
    Catalog,
    Concept,
    Criterion,
    Fact,
    Item,
    KeyTerm,
    Misconception,
    Mistake,
    Unit,
)
from cmirev.questions.core import OPTIONS, Option, Question
from cmirev.questions.similarity import FAMILY, catalog_similarity, family
from cmirev.questions.text import stems, words

# Two items at least this alike never stand side by side as answer and distractor.
TOO_CLOSE = 0.45
# How many of the nearest items a question's distractors are drawn from, at most.
NEIGHBOURS = 16
# Distractors longer (or shorter) than the answer are drawn from this many of the nearest.
SIDE_WINDOW = 4
# The right option stands out in topic when its cosine to the prompt beats every other's by
# this factor and margin.
TOPIC_FACTOR, TOPIC_MARGIN = 1.05, 0.0


@dataclass(frozen=True)
class Ask:
    """The item a question is about, where it lives."""

    unit: Unit
    section: str
    item: Item

    @property
    def gid(self) -> str:
        return f"{self.unit.id}/{self.item.id}"


Builder = Callable[["Generator", Ask, Random, "bool | None"], "Question | None"]


class Generator:
    """Builds questions from a catalog. Construction indexes the content once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.group = catalog.group_of()  # same_as twins -> the group's first member
        self.asks: dict[str, Ask] = {}
        self.families: dict[str, list[str]] = {}
        for unit in catalog.units:
            for section, item in unit.items():
                gid = f"{unit.id}/{item.id}"
                self.asks[gid] = Ask(unit, section, item)
                self.families.setdefault(FAMILY.get(item.kind, item.kind), []).append(gid)
        self.sim = catalog_similarity(catalog, self.asks)
        # Pairs an author excluded (either way, and for every member of a same_as group).
        self.excluded = {
            frozenset((self.group.get(gid, gid), self.group.get(other, other)))
            for gid, ask in self.asks.items()
            for other in ask.item.exclude
        }
        self.vocabulary = catalog.vocabulary or _vocabulary(catalog)
        self._formats: dict[str, list[str]] = {}
        self.near_words: dict[str, tuple[str, ...]] = {}  # cloze: catalog words near an answer
        self.accepted: dict[str, tuple[str, ...]] = {}  # cloze: the forms of an answer
        self._neighbours: dict[tuple[str, tuple[str, ...] | None], list[str]] = {}
        # cloze: the catalog's names by first word (cloze._name_index), built when first needed
        self.name_index: tuple[dict[str, list[tuple[int, str]]], list[tuple[int, str]]] | None = (
            None
        )

    # -- which formats suit an item

    def formats_for(self, unit: Unit, section: str, item: Item) -> list[str]:
        """The formats this item may be asked in (a format may still find no fair question)."""
        key = f"{unit.id}/{item.id}"
        if key not in self._formats:
            known = self.catalog.formats
            if known is not None and key in known:
                self._formats[key] = list(known[key])
            else:
                self._formats[key] = self._find_formats(unit, section, item)
        return list(self._formats[key])

    def _find_formats(self, unit: Unit, section: str, item: Item) -> list[str]:
        from cmirev.questions import cloze, readings, statements

        found: list[str] = []
        if isinstance(item, Concept | KeyTerm):
            found = ["term", "definition", "recall"]
            if isinstance(item, KeyTerm) and len(item.steps) >= 3:
                found.append("order")
        elif isinstance(item, Misconception):
            found = ["correction", "recall"]
        elif isinstance(item, Criterion):
            found = ["recall"]
            if len(unit.learning_outcomes) - len(set(item.outcomes)) >= 2:
                found.insert(0, "outcome")
        elif isinstance(item, Mistake):
            found = ["spot-mistake", "spot-practice"] if item.good_practice else []
        elif isinstance(item, Fact):
            if readings.figure_ok(item):
                found.append("figure")
            if readings.speaker_ok(item.attribution):
                found.append("who")
        if statements.can_state(self, Ask(unit, section, item)):
            found.append("true-false")
        if cloze.blanks(self, Ask(unit, section, item)):
            found.append("cloze")
        return found

    def make(
        self, fmt: str, unit: Unit, section: str, item: Item, rng: Random, truth: bool | None = None
    ) -> Question | None:
        """A question of this format about this item, or None when the content cannot give a
        fair one. ``truth`` asks a true-or-false question for a true (or false) statement."""
        from cmirev.questions.builders import BUILDERS

        return BUILDERS[fmt](self, Ask(unit, section, item), rng, truth)

    # -- helpers for the builders

    def stands_out(
        self, prompt: str, options: Sequence[str], answer: int, same_form: bool = False
    ) -> str | None:
        """Why the right option could be picked by its words alone, or None when it cannot.

        The cues a test-wise reader uses: the option sharing clearly more words with the
        prompt, the one closest to it in topic, or the one the other options resemble most
        (distractors chosen for being near the answer cluster around it). Options of one form
        by design (``same_form``: figures) are not held to the last.
        """
        shared = [overlap(prompt, o) for o in options]
        best_other = max(s for i, s in enumerate(shared) if i != answer)
        if shared[answer] >= 2 and shared[answer] >= best_other + 2:
            return f"shares {shared[answer]} words with the prompt, the others at most {best_other}"
        if shared[answer] >= 1 and best_other == 0 and len(options) > 2:
            return "the only option sharing a word with the prompt"
        if not same_form:
            vectors = [self.sim.vector(o) for o in options]
            hub = [
                sum(self.sim.cosine(v, w) for j, w in enumerate(vectors) if j != i)
                for i, v in enumerate(vectors)
            ]
            rival = max(h for i, h in enumerate(hub) if i != answer)
            if hub[answer] > rival * TOPIC_FACTOR + TOPIC_MARGIN:
                return "the option the others resemble most"
        body = prompt.split("\n\n", 1)[1] if "\n\n" in prompt else prompt
        if not body.startswith("Which of these"):  # spot formats: the prompt has no topic
            target = self.sim.vector(body)
            near = [self.sim.cosine(target, self.sim.vector(o)) for o in options]
            rival = max(c for i, c in enumerate(near) if i != answer)
            if near[answer] > rival * TOPIC_FACTOR + TOPIC_MARGIN:
                return f"closest in topic to the prompt ({near[answer]:.2f} against {rival:.2f})"
        return None

    def base(self, fmt: str, ask: Ask) -> dict[str, object]:
        """The fields every question about this item shares."""
        return {
            "format": fmt,
            "item": ask.gid,
            "unit": ask.unit.id,
            "section": ask.section,
            "outcomes": ask.item.outcomes,
            "source": f"{ask.unit.title} › {SECTIONS[ask.section][1]} ({ask.item.id})",
        }

    def same_idea(self, a: str, b: str) -> bool:
        return self.group.get(a, a) == self.group.get(b, b)

    def too_close(self, a: str, b: str) -> bool:
        """Same idea, excluded by the author, or so alike that one could answer the other's
        question."""
        a, b = a.split("#")[0], b.split("#")[0]
        if self.same_idea(a, b):
            return True
        if frozenset((self.group.get(a, a), self.group.get(b, b))) in self.excluded:
            return True
        if a not in self.sim.vectors or b not in self.sim.vectors:  # known items only
            return False
        return self.sim.between(a, b) >= TOO_CLOSE

    def neighbours(self, ask: Ask, kinds: Sequence[type[Item]] | None = None) -> list[str]:
        """Items of the same family as ``ask`` (or of ``kinds``), nearest in topic first,
        pinned confusables before all; never the item's own idea or one too close to it.
        The nearest ``NEIGHBOURS`` at most: distractors come from the top of the list."""
        key = (ask.gid, tuple(k.__name__ for k in kinds) if kinds else None)
        if key not in self._neighbours:
            self._neighbours[key] = self._find_neighbours(ask, kinds)[:NEIGHBOURS]
        return self._neighbours[key]

    def _find_neighbours(self, ask: Ask, kinds: Sequence[type[Item]] | None) -> list[str]:
        pool = self.families.get(family(ask.item), [])
        if kinds is not None:
            pool = [g for fam in self.families.values() for g in fam]
            pool = [g for g in pool if isinstance(self.asks[g].item, tuple(kinds))]
        pinned = [g for g in ask.item.confusables if g in self.asks]
        ranked = [g for _, g in self.sim.ranked(ask.gid, pool) if g not in pinned]
        return [g for g in (*pinned, *ranked) if not self.too_close(ask.gid, g)]

    def choice(
        self,
        fmt: str,
        ask: Ask,
        prompt: str,
        answer: Option,
        pool: Sequence[Option],
        rng: Random,
        explanation: str,
        *,
        authored: Sequence[Option] = (),
        count: int = OPTIONS,
        fair: bool = True,
        by_length: bool = True,
        clones_ok: bool = False,
    ) -> Question | None:
        """A multiple-choice question: the authored wrong answers first, then the nearest of the
        pool, drawn until no option stands out by its words.

        How many distractors are longer than the answer is drawn uniformly, so the answer is
        the longest (or the shortest) option no more often than chance. A fair question needs
        enough candidates on both sides of the answer's length; without them, none is made.
        ``fair`` False skips the word and topic checks, ``by_length`` False the length rule
        (options of one form, such as figures), ``clones_ok`` lets options be edits of each other.
        """
        clean = _clean(answer, [*authored, *pool], prompt, self, clones_ok=clones_ok)
        length = len(answer.text)
        longer = [c for c in clean if len(c.text) > length]
        shorter = [c for c in clean if len(c.text) <= length]
        need = min(count - 1, len(clean))
        if by_length:  # fewer options rather than an answer that stands out by its length
            need = min(need, len(longer), len(shorter))
        if need < 2:
            return None
        for _ in range(12):
            above = rng.randrange(need + 1)
            if above > len(longer) or need - above > len(shorter):
                continue
            options = _nearest(longer, above, rng) + _nearest(shorter, need - above, rng)
            rng.shuffle(options)
            position = rng.randrange(len(options) + 1)
            options.insert(position, answer)
            texts = [o.text for o in options]
            if not fair or self.stands_out(prompt, texts, position, clones_ok) is None:
                return Question(
                    **self.base(fmt, ask),  # type: ignore[arg-type]
                    prompt=prompt,
                    options=tuple(texts),
                    option_items=tuple(o.item for o in options),
                    answer=position,
                    model_answer=answer.text,
                    explanation=explanation,
                )
        return None


def _clean(
    answer: Option, pool: Sequence[Option], prompt: str, gen: Generator, clones_ok: bool = False
) -> list[Option]:
    """Distractors that are not the answer's idea, not repeated, not named in the prompt, and
    not clones of the answer or of each other (a wrong answer written as an edit of the right
    one would let a reader pick the option that the others resemble most)."""
    seen_groups: set[str] = {gen.group.get(answer.item, answer.item)}
    seen_texts = {" ".join(words(answer.text))}
    shown = f" {' '.join(words(prompt))} "
    clean: list[Option] = []
    for cand in pool:
        made_up = "#" in cand.item
        key = cand.item if made_up else gen.group.get(cand.item, cand.item)
        text = " ".join(words(cand.text))
        if key in seen_groups or text in seen_texts or (len(text) > 3 and f" {text} " in shown):
            continue
        if not made_up and gen.too_close(answer.item, cand.item):
            continue
        if not clones_ok and any(clone(cand.text, o.text) for o in (answer, *clean)):
            continue
        seen_groups.add(key)
        seen_texts.add(text)
        clean.append(cand)
    return clean


CLONE_RUN = 5  # words in a row that two options may share at most
CLONE_SHARE = 0.6  # share of content stems two options may have in common at most


@cache
def clone(a: str, b: str) -> bool:
    """Whether one text is an edit of the other: a long run of the same words, or mostly the
    same content words."""
    sa, sb = stems(a), stems(b)
    if sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= CLONE_SHARE:
        return True
    return bool(_runs(a) & _runs(b))


@cache
def _runs(text: str) -> frozenset[tuple[str, ...]]:
    """Every run of ``CLONE_RUN`` words in a text."""
    found = words(text)
    return frozenset(tuple(found[i : i + CLONE_RUN]) for i in range(len(found) - CLONE_RUN + 1))


def overlap(prompt: str, option: str) -> int:
    """Content stems an option shares with the prompt."""
    return len(stems(prompt) & stems(option))


def _nearest(ranked: list[Option], count: int, rng: Random) -> list[Option]:
    """``count`` of the best-ranked candidates, drawn at random from the first few."""
    return rng.sample(ranked[: max(2 * count, SIDE_WINDOW)], count) if count else []


def _vocabulary(catalog: Catalog) -> frozenset[str]:
    """The catalog's own words that a typed answer could be mistaken for: terms, aliases, steps,
    keywords and the names in attributions."""
    found: set[str] = set()
    for unit in catalog.units:
        for _, item in unit.items():
            texts: list[str] = list(item.keywords)
            if isinstance(item, Concept | KeyTerm):
                texts += [item.term, *item.aliases]
            if isinstance(item, KeyTerm):
                texts += [*item.steps, item.attribution or ""]
            if isinstance(item, Fact):
                texts.append(item.attribution)
            for text in texts:
                found.update(w for w in words(text) if len(w) >= 3)
    return frozenset(found)
