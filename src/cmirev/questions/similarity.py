"""How alike two items are: TF-IDF cosine over the catalog's own texts.

The catalog is its own corpus: a word shared by few items (Mendelow, readiness, wicked) weighs
more than one shared by many (leadership, public). No model to download, and indexing the
shipped 224 items takes a few milliseconds. The same measure picks distractors of the same
topic, finds near-duplicate items for ``cmirev validate``, and checks that a question's right
option does not stand out by its words alone.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

from cmirev.models import Catalog, Concept, Fact, Item, KeyTerm, Misconception, Mistake
from cmirev.questions.text import content_words, stem

Vector = dict[str, float]

# Items of these kinds are compared with each other; other pairs never count as duplicates.
FAMILY = {"concept": "term", "term": "term"}

# Above this cosine, two items of one family state the same idea (or one is a defensible second
# answer to the other's question): validate reports them unless linked or marked distinct, and
# the generator never puts one beside the other.
DUPLICATE = 0.5


def item_text(item: Item) -> str:
    """The words that say what an item is about."""
    if isinstance(item, Concept | KeyTerm):
        extra = " ".join(item.aliases)
        if isinstance(item, KeyTerm):
            extra += " " + " ".join(item.steps)
        return f"{item.heading} {item.heading} {extra} {item.body}"
    if isinstance(item, Misconception):
        return f"{item.claim} {item.correction}"
    if isinstance(item, Mistake):
        return f"{item.text} {item.good_practice or ''}"
    if isinstance(item, Fact):
        return item.statement
    return f"{item.heading} {item.body}" if item.heading != item.body else item.body


def family(item: Item) -> str:
    return FAMILY.get(item.kind, item.kind)


def _terms(text: str) -> Counter[str]:
    return Counter(stem(w) for w in content_words(text))


class Similarity:
    """TF-IDF vectors for a set of documents, and cosines between them or new texts."""

    def __init__(self, docs: Mapping[str, str]) -> None:
        counts = {key: _terms(text) for key, text in docs.items()}
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = max(1, len(counts))
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
        self.default_idf = math.log(1 + n) + 1
        self.vectors = {key: self._weigh(c) for key, c in counts.items()}

    def _weigh(self, counts: Counter[str]) -> Vector:
        vec = {t: (1 + math.log(n)) * self.idf.get(t, self.default_idf) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def vector(self, text: str) -> Vector:
        """The vector of any text, weighed by the corpus's IDF."""
        return self._weigh(_terms(text))

    @staticmethod
    def cosine(a: Vector, b: Vector) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(t, 0.0) for t, v in a.items())

    def between(self, a: str, b: str) -> float:
        """Cosine between two documents of the corpus, by key."""
        return self.cosine(self.vectors[a], self.vectors[b])

    def ranked(self, key: str, candidates: Iterable[str]) -> list[tuple[float, str]]:
        """Candidates by cosine to ``key``, most alike first."""
        target = self.vectors[key]
        scored = [(self.cosine(target, self.vectors[c]), c) for c in candidates if c != key]
        return sorted(scored, key=lambda sc: (-sc[0], sc[1]))


def catalog_similarity(catalog: Catalog) -> Similarity:
    """A similarity index over every item of every unit, keyed by global id."""
    return Similarity(
        {
            f"{unit.id}/{item.id}": item_text(item)
            for unit in catalog.units
            for _, item in unit.items()
        }
    )


def near_duplicates(catalog: Catalog, threshold: float = DUPLICATE) -> list[tuple[float, str, str]]:
    """Pairs of items of one family whose texts say nearly the same thing and that are neither
    linked by ``same_as`` nor marked ``distinct_from`` each other: (cosine, gid, gid)."""
    sim = catalog_similarity(catalog)
    siblings = catalog.siblings()
    items = [(f"{u.id}/{i.id}", i) for u in catalog.units for _, i in u.items()]
    # Marking an item distinct from one of a same_as group marks it distinct from the group.
    distinct = {
        frozenset((x, y))
        for gid, item in items
        for other in item.distinct_from
        for x in siblings.get(gid, frozenset({gid}))
        for y in siblings.get(other, frozenset({other}))
    }
    found = []
    for n, (a, item_a) in enumerate(items):
        for b, item_b in items[n + 1 :]:
            if family(item_a) != family(item_b) or b in siblings.get(a, frozenset()):
                continue
            if frozenset((a, b)) in distinct:
                continue
            score = sim.between(a, b)
            if score >= threshold:
                found.append((score, a, b))
    # One report per pair of ideas: the closest members of two same_as groups stand for them.
    reported: set[frozenset[frozenset[str]]] = set()
    pairs = []
    for score, a, b in sorted(found, reverse=True):
        key = frozenset((siblings.get(a, frozenset({a})), siblings.get(b, frozenset({b}))))
        if key not in reported:
            reported.add(key)
            pairs.append((score, a, b))
    return pairs
