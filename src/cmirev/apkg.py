"""`cmirev export anki`: the units as an Anki package (.apkg), built with genanki.

One deck per unit, named by its title, with a sub-deck per section (``Unit title::Key terms``).
Four note types of cmirev's own:

- *term*: a term and its definition, asked both ways where that is fair (the definition, with
  the term's own words blanked, asks for the term only when it does not still give it away, by
  the test the quiz's "which term" question uses);
- *cloze*: an outcome, criterion, tip or fact with its key words as Anki clozes (the words the
  quiz's cloze would blank: the item's ``keywords``, else the names the catalog knows);
- *misconception*: the myth on the front, the correct view and why on the back;
- *basic*: a common mistake with the good practice to use instead, and any item of the cloze
  kinds with no word worth blanking.

Every id is stable: note types and decks get ids derived from fixed names, and a note's GUID
comes from the item's global id (``unit/item``), so importing a second export updates the notes
already in Anki instead of adding copies. Content is plain text: it is HTML-escaped (braces
too, so no text can be read as a template or a cloze), with newlines as ``<br>``.
Prerequisites are not exported: like the drill, Anki would have nothing to ask about them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cmirev.export import Row, rows, write_atomically
from cmirev.models import (
    SECTIONS,
    Catalog,
    Concept,
    Criterion,
    Fact,
    Guidance,
    KeyTerm,
    LearningOutcome,
    Misconception,
    Mistake,
    Unit,
)

NOTE_TYPES: Final = ("term", "cloze", "misconception", "basic")
# Bump when a note type's fields or templates change: a changed type gets a new id in Anki.
NOTE_TYPE_VERSION: Final = 1
MAX_CLOZES: Final = 3  # cards per cloze note: the first key words of the text, in order
CLOZE_SECTIONS: Final = ("learning_outcomes", "assessment_criteria", "guidance", "facts")

CSS: Final = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 20px;
        line-height: 1.45; text-align: left; color: #1d1d1f; background: #ffffff;
        max-width: 40em; margin: 0 auto; }
.nightMode.card { color: #e8e8e8; background: #1e1e1e; }
.label { font-size: 0.7em; text-transform: uppercase; letter-spacing: 0.05em; opacity: 0.7; }
.prompt { font-weight: bold; margin: 0.3em 0; }
.source, .unit { font-size: 0.75em; opacity: 0.75; margin-top: 0.8em; }
.cloze { font-weight: bold; color: #0a58ca; }
.nightMode .cloze { color: #7fb2ff; }
"""

_FOOT: Final = (
    '{{#Source}}<div class="source">Source: {{Source}}</div>{{/Source}}'
    '<div class="unit">{{Unit}}</div>'
)


@dataclass(frozen=True)
class Counts:
    """What a package holds."""

    notes: int
    cards: int
    decks: int


def stable_id(*parts: str) -> int:
    """An id Anki accepts for a note type or deck, the same for the same name on every run."""
    digest = hashlib.sha256("\x1f".join(("cmirev", *parts)).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def field(text: str) -> str:
    """Plain text as an Anki field: HTML-escaped, braces as entities, newlines as breaks."""
    escaped = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\n", "<br>")


def tag(*parts: str) -> str:
    """A hierarchical Anki tag (``cmirev::outcome::LO1``); Anki tags cannot hold spaces."""
    return "::".join(re.sub(r"\s+", "_", p.strip()) for p in ("cmirev", *parts))


def deck_name(unit: Unit, section: str | None = None) -> str:
    """``Unit title`` or ``Unit title::Section``; '::' inside a title would nest, so it is not."""
    title = unit.title.replace("::", ":").strip()
    return title if section is None else f"{title}::{SECTIONS[section][1]}"


def tags(row: Row) -> list[str]:
    """The note's tags: cmirev, its unit, section, outcome(s) and criterion(s)."""
    return [
        "cmirev",
        tag("unit", row.unit.id),
        tag("section", SECTIONS[row.section][0]),
        *(tag("outcome", o) for o in row.outcomes),
        *(tag("criterion", c) for c in row.criteria),
    ]


# --- note types --------------------------------------------------------------------------------

_FIELDS: Final = {
    "term": ("Term", "Definition", "Steps", "Clue", "Source", "Unit", "Item"),
    "cloze": ("Text", "Context", "Source", "Unit", "Item"),
    "misconception": ("Myth", "TrueView", "Correction", "Source", "Unit", "Item"),
    "basic": ("Front", "Back", "Source", "Unit", "Item"),
}

_TEMPLATES: Final = {
    "term": [
        (
            "Term to definition",
            '<div class="label">What does it mean?</div><div class="prompt">{{Term}}</div>',
            '{{FrontSide}}<hr id="answer">{{Definition}}{{#Steps}}<ol>{{Steps}}</ol>{{/Steps}}'
            + _FOOT,
        ),
        (
            "Definition to term",
            '{{#Clue}}<div class="label">Which term is this?</div>'
            '<div class="prompt">{{Clue}}</div>{{/Clue}}',
            '{{FrontSide}}<hr id="answer"><div class="prompt">{{Term}}</div>{{Definition}}' + _FOOT,
        ),
    ],
    "cloze": [
        (
            "Cloze",
            '<div class="label">{{Context}}</div>{{cloze:Text}}',
            '<div class="label">{{Context}}</div>{{cloze:Text}}' + _FOOT,
        )
    ],
    "misconception": [
        (
            "Myth to correction",
            '<div class="label">Misconception: what is wrong with it?</div>'
            '<div class="prompt">{{Myth}}</div>',
            '{{FrontSide}}<hr id="answer">{{#TrueView}}<div class="prompt">{{TrueView}}</div>'
            "{{/TrueView}}<div><b>Why:</b> {{Correction}}</div>" + _FOOT,
        )
    ],
    "basic": [
        (
            "Front to back",
            '<div class="prompt">{{Front}}</div>',
            '{{FrontSide}}<hr id="answer">{{Back}}' + _FOOT,
        )
    ],
}


def _note_types() -> dict[str, Any]:
    """cmirev's four genanki note types, with ids fixed by their names."""
    import genanki

    made = {}
    for kind in NOTE_TYPES:
        name = f"cmirev {kind}"
        made[kind] = genanki.Model(
            stable_id("note type", kind, str(NOTE_TYPE_VERSION)),
            name,
            fields=[{"name": f} for f in _FIELDS[kind]],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in _TEMPLATES[kind]],
            css=CSS,
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK,
        )
    return made


# --- notes -------------------------------------------------------------------------------------


def _context(item: Any) -> str:
    """The line above a cloze or a basic card's question: what kind of item it is."""
    if isinstance(item, LearningOutcome):
        return f"Learning outcome {item.id}"
    if isinstance(item, Criterion):
        evidences = f" (evidences {', '.join(item.outcomes)})" if item.outcomes else ""
        return f"Assessment criterion {item.id}{evidences}"
    if isinstance(item, Guidance):
        return "Assignment guidance"
    return "Fact"


def _cloze_text(text: str, phrases: Sequence[str]) -> str:
    """The text as a cloze field: each phrase (every occurrence, whole words) as ``{{cN::...}}``,
    numbered in reading order, at most MAX_CLOZES; overlapping phrases keep the first."""
    spans: list[tuple[int, int, str]] = []
    for phrase in phrases:
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                spans.append((m.start(), m.end(), phrase.lower()))
    order: list[str] = []
    for _, _, key in sorted(spans):
        if key not in order:
            order.append(key)
    numbers = {key: n for n, key in enumerate(order[:MAX_CLOZES], 1)}
    out, at = [], 0
    for start, end, key in sorted(spans):
        if key not in numbers:
            continue
        answer = field(text[start:end]).replace(":", "&#58;")  # '::' would start a hint
        out += [field(text[at:start]), f"{{{{c{numbers[key]}::{answer}}}}}"]
        at = end
    out.append(field(text[at:]))
    return "".join(out)


def _blanks(gen: Any, row: Row) -> list[str]:
    """The words of an item worth blanking: the quiz's fair blanks, else its declared keywords
    (blanked at every occurrence, so a repeated one gives nothing away)."""
    from cmirev.questions.cloze import blanks
    from cmirev.questions.generator import Ask

    found = blanks(gen, Ask(row.unit, row.section, row.item))
    return found or list(row.item.keywords)


def _fields(kind: str, row: Row, **values: str) -> list[str]:
    """The note's fields in its type's order; Source, Unit and Item from the row."""
    values = {
        "Source": field(row.source),
        "Unit": field(row.unit.title),
        "Item": field(row.gid),
        **values,
    }
    return [values.get(name, "") for name in _FIELDS[kind]]


def note_for(row: Row, gen: Any) -> tuple[str, list[str]] | None:
    """(note type, fields) for an item, or None for an item Anki has nothing to ask about."""
    from cmirev.questions.choices import MAX_BLANKS, hide_term, names_itself
    from cmirev.questions.text import BLANK

    item = row.item
    if isinstance(item, Concept | KeyTerm):
        clue = hide_term(item.definition, item)
        fair = not names_itself(item, clue) and clue.count(BLANK) <= MAX_BLANKS
        steps = item.steps if isinstance(item, KeyTerm) else ()
        return "term", _fields(
            "term",
            row,
            Term=field(item.term),
            Definition=field(item.definition),
            Steps="".join(f"<li>{field(s)}</li>" for s in steps),
            Clue=field(clue) if fair else "",
        )
    if isinstance(item, Misconception):
        return "misconception", _fields(
            "misconception",
            row,
            Myth=field(item.claim),
            TrueView=field(item.true_form or ""),
            Correction=field(item.correction),
        )
    if isinstance(item, Mistake):
        if item.good_practice:
            front = f"A common mistake in assignments: {item.text}\nWhat would you do instead?"
            return "basic", _fields(
                "basic", row, Front=field(front), Back=field(item.good_practice)
            )
        return "basic", _fields(
            "basic", row, Front=field("A common mistake in assignments"), Back=field(item.text)
        )
    if row.section in CLOZE_SECTIONS:
        text = item.statement if isinstance(item, Fact) else item.body
        phrases = [p for p in _blanks(gen, row) if p.lower() in text.lower()]
        if phrases:
            return "cloze", _fields(
                "cloze", row, Text=_cloze_text(text, phrases), Context=field(_context(item))
            )
        return "basic", _fields(
            "basic", row, Front=field(f"{_context(item)}: recall it"), Back=field(text)
        )
    return None  # prerequisites


# --- the package -------------------------------------------------------------------------------


def build(catalog: Catalog, units: Sequence[Unit]) -> tuple[list[Any], Counts]:
    """The genanki decks for these units (a parent deck per unit, a sub-deck per section)."""
    import genanki

    from cmirev.questions import Generator

    gen = Generator(catalog)
    types = _note_types()
    decks: dict[str, Any] = {}
    notes = cards = 0
    for unit in units:
        decks[unit.id] = genanki.Deck(
            stable_id("deck", unit.id), deck_name(unit), field(unit.synopsis)
        )
    for row in rows(catalog, units, None):
        made = note_for(row, gen)
        if made is None:
            continue
        kind, values = made
        key = f"{row.unit.id}::{row.section}"
        if key not in decks:
            decks[key] = genanki.Deck(
                stable_id("deck", row.unit.id, row.section), deck_name(row.unit, row.section)
            )
        note = genanki.Note(
            model=types[kind],
            fields=values,
            tags=tags(row),
            guid=genanki.guid_for("cmirev", row.gid),
        )
        decks[key].add_note(note)
        notes += 1
        cards += len(note.cards)
    return list(decks.values()), Counts(notes, cards, len(decks))


def write_package(catalog: Catalog, units: Sequence[Unit], path: Path) -> Counts:
    """Build the decks and write them to ``path`` as an .apkg, atomically."""
    decks, counts = build(catalog, units)
    write_atomically(path, lambda temp: _write_apkg(decks, temp))
    return counts


def _write_apkg(decks: list[Any], path: Path) -> None:
    """An .apkg is a zip of an Anki collection database and a media map. genanki fills the
    database; it is made here, in a folder removed afterwards (genanki's own writer leaves its
    temporary database behind)."""
    import contextlib
    import itertools
    import sqlite3
    import tempfile
    import time
    import zipfile

    import genanki

    with tempfile.TemporaryDirectory(prefix="cmirev-apkg-") as folder:
        database = Path(folder) / "collection.anki2"
        now = time.time()
        with contextlib.closing(sqlite3.connect(database)) as db:
            genanki.Package(decks).write_to_db(db.cursor(), now, itertools.count(int(now * 1000)))
            db.commit()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(database, "collection.anki2")
            package.writestr("media", "{}")
