"""Content models: a unit and every kind of item it holds.

The models are frozen standard-library dataclasses. Pydantic validates them (see
``cmirev.checks``), but importing this module does not import Pydantic, so a command that
reads already-validated content from the cache starts quickly. Models never hold review
state: that lives in the store, keyed by an item's global id (``unit-id/item-id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Final

# Pydantic reads this on each dataclass: unknown fields are errors.
_STRICT: Final = {"extra": "forbid"}


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where an item came from: a seed document, a section of it and a position in it, and/or
    entries of the unit's reference list.

    ``position`` counts the section's bullets from 1; learning outcomes that the seed glues
    into one bullet count after splitting. ``seed`` defaults to the unit's own seed. ``refs``
    name the unit's ``references`` that a learner can cite for the item; a fact that is not in
    the seeds names the two (or more) independent sources it was checked against.
    """

    __pydantic_config__: ClassVar = _STRICT

    section: str | None = None
    position: int | None = None
    seed: str | None = None
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Reference:
    """One entry of a unit's reference list, enough to cite it in Harvard style."""

    __pydantic_config__: ClassVar = _STRICT

    id: str
    author: str  # as cited: "Bass, B.M. and Avolio, B.J." or an organisation
    year: int | None = None  # None: no date (cited "n.d.")
    title: str
    publisher: str | None = None  # publisher, journal with volume and pages, or issuing body
    url: str | None = None
    accessed: str | None = None  # ISO date a web page was read

    def harvard(self) -> str:
        """The entry as a Harvard reference-list line."""
        year = "n.d." if self.year is None else str(self.year)
        parts = [f"{self.author} ({year}) {self.title}."]
        if self.publisher:
            parts.append(f"{self.publisher}.")
        if self.url:
            parts.append(
                f"Available at: {self.url}"
                + (f" (Accessed: {self.accessed})." if self.accessed else ".")
            )
        return " ".join(parts)


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every item shares."""

    __pydantic_config__: ClassVar = _STRICT
    kind: ClassVar[str] = "item"

    id: str
    outcomes: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    source: Source | None = None
    # Optional hints for the question generator, all validated like the rest:
    keywords: tuple[str, ...] = ()  # words of the item's text worth blanking in a cloze
    confusables: tuple[str, ...] = ()  # global ids of items to prefer as distractors
    distinct_from: tuple[str, ...] = ()  # global ids of similar-looking items that are other ideas
    exclude: tuple[str, ...] = ()  # global ids never offered beside this item (a second answer)
    wrong_answers: tuple[str, ...] = ()  # plausible wrong options, in the form of the right one
    false_variants: tuple[str, ...] = ()  # plausible false statements for true-or-false

    @property
    def heading(self) -> str:
        """A short line naming the item (a term, a claim, an id)."""
        return self.id

    @property
    def body(self) -> str:
        """The item's main text."""
        raise NotImplementedError

    def search_text(self) -> str:
        """Everything a search should look at, lower-cased."""
        return f"{self.id}\n{self.heading}\n{self.body}".lower()


@dataclass(frozen=True, kw_only=True)
class LearningOutcome(Item):
    """What a learner must know or be able to do (LO1, LO2...)."""

    kind: ClassVar[str] = "outcome"
    text: str

    @property
    def body(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class Concept(Item):
    """A key concept of the unit: a term and what it means."""

    kind: ClassVar[str] = "concept"
    term: str
    definition: str
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return self.term

    @property
    def body(self) -> str:
        return self.definition


@dataclass(frozen=True, kw_only=True)
class Criterion(Item):
    """An assessment criterion: what an assessor credits, linked to the outcomes it evidences."""

    kind: ClassVar[str] = "criterion"
    text: str

    @property
    def body(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class TextItem(Item):
    """An item that is one piece of text: it is its own heading."""

    text: str

    @property
    def heading(self) -> str:
        return self.text

    @property
    def body(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class Guidance(TextItem):
    """A tip for writing the assignment well."""

    kind: ClassVar[str] = "guidance"


@dataclass(frozen=True, kw_only=True)
class Mistake(TextItem):
    """A common mistake learners make in their assignments.

    ``good_practice`` says what to do instead, phrased like the mistake (same form, similar
    length), so the two can stand side by side in a "spot the mistake" question.
    """

    kind: ClassVar[str] = "mistake"
    good_practice: str | None = None
    # How `cmirev check` spots the mistake in a draft, where a pattern can: regular
    # expressions matched against one sentence, as for misconceptions.
    signals: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Prerequisite(TextItem):
    """Prior knowledge or experience that helps before starting the unit."""

    kind: ClassVar[str] = "prerequisite"


@dataclass(frozen=True, kw_only=True)
class Misconception(Item):
    """A belief that is wrong, with its correction."""

    kind: ClassVar[str] = "misconception"
    claim: str
    correction: str
    true_form: str | None = None  # the correct view as one statement, worded like the claim
    # How `cmirev check` recognises the claim in a learner's draft: regular expressions, each
    # matched (case-insensitively) against one sentence; any one matching is a sign.
    signals: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return self.claim

    @property
    def body(self) -> str:
        return self.correction


@dataclass(frozen=True, kw_only=True)
class KeyTerm(Item):
    """A model, tool or term the unit names, defined; ``steps`` when it has an order."""

    kind: ClassVar[str] = "term"
    term: str
    definition: str
    steps: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    attribution: str | None = None

    @property
    def heading(self) -> str:
        return self.term

    @property
    def body(self) -> str:
        return self.definition

    def search_text(self) -> str:
        extra = "\n".join((*self.steps, *self.aliases, self.attribution or ""))
        return f"{super().search_text()}\n{extra.lower()}"


@dataclass(frozen=True, kw_only=True)
class Fact(Item):
    """A fact from the readings, with its figure (if any) and who it comes from."""

    kind: ClassVar[str] = "fact"
    statement: str
    attribution: str
    figure: str | None = None

    @property
    def heading(self) -> str:
        return self.statement

    @property
    def body(self) -> str:
        return self.statement

    def search_text(self) -> str:
        return f"{super().search_text()}\n{self.attribution.lower()}"


@dataclass(frozen=True, kw_only=True)
class Unit:
    """One unit file: its description and every item, section by section."""

    __pydantic_config__: ClassVar = _STRICT

    id: str
    title: str
    qualification: str
    synopsis: str
    overview: str
    code: str | None = None  # a short name (PSL) accepted wherever the id is
    seed: str | None = None
    references: tuple[Reference, ...] = ()
    learning_outcomes: tuple[LearningOutcome, ...] = ()
    concepts: tuple[Concept, ...] = ()
    assessment_criteria: tuple[Criterion, ...] = ()
    guidance: tuple[Guidance, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    key_terms: tuple[KeyTerm, ...] = ()
    facts: tuple[Fact, ...] = ()

    @property
    def short(self) -> str:
        """The unit's code, or without one the initials of its title (Public Services
        Leadership: PSL)."""
        if self.code:
            return self.code
        return "".join(w[0] for w in self.title.replace(":", "").split() if w[0].isupper())

    def section(self, name: str) -> tuple[Item, ...]:
        """The items of one section, by its field name (``misconceptions``...)."""
        items: tuple[Item, ...] = getattr(self, name)
        return items

    def items(self) -> list[tuple[str, Item]]:
        """Every item with the name of its section, in file order."""
        return [(name, item) for name in SECTION_FIELDS for item in self.section(name)]


# Section field names in the order a revision sheet shows them, with the name a user types
# (``cmirev show misconceptions``) and the heading shown.
SECTIONS: Final = {
    "learning_outcomes": ("outcomes", "Learning outcomes"),
    "concepts": ("concepts", "Key concepts"),
    "assessment_criteria": ("criteria", "Assessment criteria"),
    "guidance": ("guidance", "Assignment guidance"),
    "mistakes": ("mistakes", "Common mistakes"),
    "misconceptions": ("misconceptions", "Misconceptions"),
    "prerequisites": ("prerequisites", "Before you start"),
    "key_terms": ("terms", "Key terms"),
    "facts": ("readings", "Facts and findings"),
}
SECTION_FIELDS: Final = tuple(SECTIONS)


@dataclass(frozen=True)
class Catalog:
    """Every loaded unit, in load order, with where each came from."""

    units: tuple[Unit, ...]
    paths: dict[str, str] = field(default_factory=dict)
    # Derived from the content alone, so worked out once when the catalog is built for the
    # cache (loader.derive) rather than by every command: the formats each item can be asked
    # in (empty: never drilled), and each item's same_as group (its first member).
    formats: dict[str, tuple[str, ...]] | None = None
    groups: dict[str, str] | None = None
    # For the question generator: word weights over the items (similarity.idf_of) and the
    # words a typed answer could be mistaken for (generator._vocabulary).
    idf: tuple[dict[str, float], int] | None = None
    vocabulary: frozenset[str] | None = None

    def get(self, unit_id: str) -> Unit | None:
        """The unit with this id, or None."""
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        return None

    def group_of(self) -> dict[str, str]:
        """Global id -> the first member of its same_as group (only for items in one)."""
        if self.groups is not None:
            return self.groups
        return {gid: min(members) for gid, members in self.siblings().items() if len(members) > 1}

    def siblings(self) -> dict[str, frozenset[str]]:
        """Global id -> every global id stating the same idea (itself included).

        ``same_as`` links are followed both ways and transitively, so marking an overlap
        once, in either unit, is enough.
        """
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for unit in self.units:
            for _, item in unit.items():
                gid = f"{unit.id}/{item.id}"
                find(gid)
                for other in item.same_as:
                    parent[find(other)] = find(gid)
        groups: dict[str, set[str]] = {}
        for gid in parent:
            groups.setdefault(find(gid), set()).add(gid)
        return {gid: frozenset(members) for members in groups.values() for gid in members}


# The classes a cached catalog may contain (the loader's unpickler refuses anything else).
PICKLABLE: Final = frozenset(
    {
        "Catalog",
        "Unit",
        "Source",
        "Reference",
        "Item",
        "LearningOutcome",
        "Concept",
        "Criterion",
        "TextItem",
        "Guidance",
        "Mistake",
        "Prerequisite",
        "Misconception",
        "KeyTerm",
        "Fact",
    }
)
