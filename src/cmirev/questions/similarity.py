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
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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


class _Vectors(dict[str, Vector]):
    """Document vectors, each worked out when first asked for (a drill compares a few items,
    not all 100,000 of a large catalog)."""

    def __init__(self, owner: Similarity, docs: Mapping[str, str]) -> None:
        super().__init__()
        self.owner = owner
        self.docs = docs

    def __missing__(self, key: str) -> Vector:
        vec = self.owner.vector(self.docs[key])
        self[key] = vec
        return vec

    def __contains__(self, key: object) -> bool:
        return key in self.docs


class Similarity:
    """TF-IDF vectors for a set of documents, and cosines between them or new texts.

    ``idf`` may be given (worked out earlier over the same documents, see :func:`idf_of`), so
    that only the vectors compared are ever computed."""

    def __init__(
        self, docs: Mapping[str, str], idf: tuple[dict[str, float], int] | None = None
    ) -> None:
        weights, n = idf if idf is not None else idf_of(docs)
        self.idf = weights
        self.count = n  # documents the IDF was taken over
        self.default_idf = math.log(1 + max(1, n)) + 1
        self.vectors: dict[str, Vector] = _Vectors(self, docs)

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


def idf_of(docs: Mapping[str, str]) -> tuple[dict[str, float], int]:
    """Each word's inverse document frequency over these documents, and their number."""
    df: Counter[str] = Counter()
    for text in docs.values():
        df.update(_terms(text).keys())
    n = max(1, len(docs))
    return {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}, len(docs)


def catalog_docs(catalog: Catalog) -> dict[str, str]:
    """Every item's text, keyed by global id."""
    return {
        f"{unit.id}/{item.id}": item_text(item)
        for unit in catalog.units
        for _, item in unit.items()
    }


class _Docs(Mapping[str, str]):
    """Items' texts by global id, each made when first read."""

    def __init__(self, items: Mapping[str, Any]) -> None:
        self.items_by_id = items  # global id -> anything with an ``item``

    def __getitem__(self, key: str) -> str:
        return item_text(self.items_by_id[key].item)

    def __contains__(self, key: object) -> bool:
        return key in self.items_by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self.items_by_id)

    def __len__(self) -> int:
        return len(self.items_by_id)


def catalog_similarity(catalog: Catalog, asks: Mapping[str, Any] | None = None) -> Similarity:
    """A similarity index over every item of every unit, keyed by global id. With the IDF
    cached with the catalog (loader.derive) and ``asks`` (global id -> an object with the
    ``item``), no item's text is read until it is compared."""
    if catalog.idf is not None and asks is not None:
        return Similarity(_Docs(asks), catalog.idf)
    return Similarity(catalog_docs(catalog), catalog.idf)


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
