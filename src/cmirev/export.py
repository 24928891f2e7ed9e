"""`cmirev export`: the units, and how ready the learner is on each item, in files other tools
read: an Anki package (:mod:`cmirev.apkg`), a printable Markdown revision sheet, CSV for a
spreadsheet, and JSON.

Every format is built from the same :class:`Row` per item (its front and back, the outcomes and
criteria it serves, where it comes from, its readiness), so the formats never disagree. A file
is written beside its final name and renamed over it only once complete, so an export that
fails or is interrupted never leaves a half-written file, nor damages the one it replaces.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cmirev.errors import CmirevError, UsageError, visible
from cmirev.models import (
    SECTIONS,
    Catalog,
    Concept,
    Criterion,
    Fact,
    Item,
    KeyTerm,
    LearningOutcome,
    Misconception,
    Mistake,
    Unit,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cmirev.study import Study

FORMATS: Final = ("anki", "md", "csv", "json")
STDOUT: Final = "-"
CSV_COLUMNS: Final = (
    "unit",
    "section",
    "id",
    "kind",
    "front",
    "back",
    "outcomes",
    "criteria",
    "readiness",
)


@dataclass(frozen=True)
class Row:
    """One item as every export format shows it.

    ``front`` is what the item asks or names, ``back`` what to recall about it (empty for an
    item that is its own point, a tip say). ``readiness`` is the predicted chance of recalling
    it now, None when it has never been reviewed or is never drilled; ``drilled`` says whether
    the drill asks about it (known only when the learner has history).
    """

    unit: Unit
    section: str  # the section's field name, as in models.SECTIONS
    item: Item
    gid: str
    front: str
    back: str
    outcomes: tuple[str, ...]
    criteria: tuple[str, ...]
    source: str
    shared_with: tuple[str, ...]
    readiness: float | None
    drilled: bool


def resolve_format(name: str) -> str:
    """The export format named, or a UsageError listing the formats."""
    import difflib

    key = name.strip().lower()
    key = {"markdown": "md", "apkg": "anki"}.get(key, key)
    if key in FORMATS:
        return key
    close = difflib.get_close_matches(key, list(FORMATS), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(f"unknown export format '{name}'{hint} (formats: {', '.join(FORMATS)})")


def check_target(fmt: str, target: str) -> Path | None:
    """Where the export goes (None for standard output), refused before any work is done when
    it could not be written there."""
    if target == STDOUT:
        if fmt == "anki":
            raise UsageError("an Anki package is a file: give a name ending in .apkg, not '-'")
        return None
    path = Path(target)
    if fmt == "anki" and path.suffix.lower() != ".apkg":
        raise UsageError(
            f"'{target}' does not end in .apkg: Anki imports packages only by that name"
        )
    if path.is_dir():
        raise CmirevError(f"cannot write {target}: it is a folder; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise CmirevError(f"cannot write {target}: the folder {parent} does not exist")
    return path


# --- rows ------------------------------------------------------------------------------------


def links(unit: Unit, item: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The learning outcomes an item serves and the assessment criteria those evidence.

    An outcome serves itself; a criterion is its own criterion; any other item reaches the
    criteria through the outcomes it shares with them (as readiness in `cmirev stats` does).
    """
    if isinstance(item, LearningOutcome):
        outcomes: tuple[str, ...] = (item.id,)
    else:
        outcomes = tuple(item.outcomes)
    if isinstance(item, Criterion):
        return outcomes, (item.id,)
    wanted = set(outcomes)
    criteria = tuple(c.id for c in unit.assessment_criteria if wanted & set(c.outcomes))
    return outcomes, criteria


def front_back(item: Item) -> tuple[str, str]:
    """What the item names or asks, and what to recall about it, as plain text."""
    if isinstance(item, Concept | KeyTerm):
        back = item.definition
        if isinstance(item, KeyTerm) and item.steps:
            steps = "; ".join(f"{n}. {step}" for n, step in enumerate(item.steps, 1))
            back = f"{back} Steps: {steps}"
        return item.term, back
    if isinstance(item, Misconception):
        return item.claim, item.correction
    if isinstance(item, Mistake):
        return item.text, item.good_practice or ""
    if isinstance(item, LearningOutcome | Criterion):
        return item.id, item.text
    if isinstance(item, Fact):
        return item.statement, item.attribution
    return item.heading, ""  # guidance and prerequisites are their own point


def source_text(unit: Unit, item: Item) -> str:
    """Who an item comes from: its attribution and the reference-list entries it cites, Harvard
    style; empty when it restates the unit itself."""
    parts: list[str] = []
    attribution = getattr(item, "attribution", None)
    if isinstance(attribution, str) and attribution:
        parts.append(attribution)
    refs = {ref.id: ref for ref in unit.references}
    for ref_id in item.source.refs if item.source else ():
        if ref_id in refs:
            parts.append(refs[ref_id].harvard())
    return "\n".join(parts)


def rows(
    catalog: Catalog, units: Sequence[Unit], recall: dict[str, float | None] | None
) -> list[Row]:
    """Every item of these units, section by section in sheet order, with its readiness
    (``recall``: see :func:`readiness`)."""
    from cmirev.content import entries

    found = []
    for entry in entries(catalog, list(units), list(SECTIONS)):
        front, back = front_back(entry.item)
        outcomes, criteria = links(entry.unit, entry.item)
        found.append(
            Row(
                unit=entry.unit,
                section=entry.section,
                item=entry.item,
                gid=entry.global_id,
                front=front,
                back=back,
                outcomes=outcomes,
                criteria=criteria,
                source=source_text(entry.unit, entry.item),
                shared_with=entry.shared_with,
                readiness=None if recall is None else recall.get(entry.global_id),
                drilled=recall is not None and entry.global_id in recall,
            )
        )
    return found


def readiness(study: Study, units: Sequence[Unit]) -> dict[str, float | None] | None:
    """Every item of these units the drill asks about, with its predicted recall now
    (calibrated to the learner; None for one never reviewed); None when the learner has no
    review history at all."""
    if not study.store.count_reviews():
        return None
    now = study.now()
    gids = study.items(list(units))
    cards = study.cards(gids)
    return {gid: study.recall(cards[gid], now) if gid in cards else None for gid in gids}


# --- the text formats --------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Plain text made safe in Markdown: every character Markdown would read as markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def _ready_note(row: Row, history: bool) -> str:
    """' (recall now: 83%)' for a reviewed item, ' (not studied yet)' for an unseen one that
    the drill will ask, nothing without history or for an item never drilled."""
    if not history or not row.drilled:
        return ""
    if row.readiness is not None:
        return f" *(recall now: {_pct(row.readiness)})*"
    return " *(not studied yet)*"


def _md_item(row: Row, history: bool) -> list[str]:
    """One item of the sheet as Markdown list lines."""
    item, note = row.item, _ready_note(row, history)
    if isinstance(item, Misconception):
        lines = [
            f"- **Myth:** {_md(item.claim)}{note}",
            f"  **Correction:** {_md(item.correction)}",
        ]
    elif isinstance(item, Mistake):
        lines = [f"- {_md(item.text)}{note}"]
        if item.good_practice:
            lines.append(f"  **Instead:** {_md(item.good_practice)}")
    elif isinstance(item, Criterion):
        evidences = f" (evidences {', '.join(item.outcomes)})" if item.outcomes else ""
        lines = [f"- **{_md(item.id)}**{evidences}: {_md(item.text)}{note}"]
    elif isinstance(item, LearningOutcome):
        lines = [f"- **{_md(item.id)}**: {_md(item.text)}{note}"]
    elif isinstance(item, Concept | KeyTerm):
        lines = [f"- **{_md(item.term)}**: {_md(item.definition)}{note}"]
    else:  # a fact, a tip, a prerequisite: the text is the point
        lines = [f"- {_md(item.heading)}{note}"]
    if row.source:
        lines.append(f"  *Source: {'; '.join(_md(part) for part in row.source.splitlines())}*")
    # Two spaces end a Markdown line inside a list item without starting a paragraph.
    lines = [line + "  " if n < len(lines) - 1 else line for n, line in enumerate(lines)]
    steps = item.steps if isinstance(item, KeyTerm) else ()
    return lines + [f"  {n}. {_md(step)}" for n, step in enumerate(steps, 1)]


def markdown(units: Sequence[Unit], found: Sequence[Row], history: bool) -> str:
    """A printable revision sheet per unit: every section with its items, and the learner's
    readiness on each when there is review history."""
    from cmirev.render import CRITERIA_NOTE

    out: list[str] = []
    for unit in units:
        mine = [r for r in found if r.unit is unit]
        out += [f"# {_md(unit.title)}", "", f"{_md(unit.qualification)} · {unit.id}", ""]
        out += [_md(unit.synopsis), ""]
        drilled = [r for r in mine if r.drilled]
        if history and drilled:
            seen = [r.readiness for r in drilled if r.readiness is not None]
            mean = sum(seen) / len(drilled)
            out += [
                f"**Readiness:** {_pct(mean)} mean predicted recall now "
                f"({len(seen)} of {len(drilled)} items studied; unseen items count 0).",
                "",
            ]
        section = None
        for row in mine:
            if row.section != section:
                section = row.section
                out += ["", f"## {SECTIONS[section][1]}", ""]
                if section == "assessment_criteria":
                    out += [f"*{_md(CRITERIA_NOTE)}*", ""]
            out += _md_item(row, history)
        out += [""]
    if not history:
        out += ["*No review history yet: readiness per item appears once you drill or quiz.*", ""]
    return "\n".join(out).replace("\n\n\n", "\n\n").lstrip("\n")


def csv_text(found: Sequence[Row]) -> str:
    """One row per item (the columns of CSV_COLUMNS); readiness as a fraction, empty if unseen."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in found:
        writer.writerow(
            [
                row.unit.id,
                SECTIONS[row.section][0],
                row.item.id,
                row.item.kind,
                row.front,
                row.back,
                ";".join(row.outcomes),
                ";".join(row.criteria),
                "" if row.readiness is None else f"{row.readiness:.3f}",
            ]
        )
    return buffer.getvalue()


def json_data(units: Sequence[Unit], found: Sequence[Row], history: bool) -> dict[str, Any]:
    """Every unit with every item: the CSV's columns, the item's own fields and its source."""
    return {
        "history": history,
        "units": [
            {
                "id": unit.id,
                "title": unit.title,
                "qualification": unit.qualification,
                "synopsis": unit.synopsis,
                "items": [_json_row(r) for r in found if r.unit is unit],
            }
            for unit in units
        ],
    }


def _json_row(row: Row) -> dict[str, Any]:
    return {
        "global_id": row.gid,
        "section": SECTIONS[row.section][0],
        "id": row.item.id,
        "kind": row.item.kind,
        "front": row.front,
        "back": row.back,
        "outcomes": list(row.outcomes),
        "criteria": list(row.criteria),
        "readiness": None if row.readiness is None else round(row.readiness, 4),
        "source": row.source,
        "shared_with": list(row.shared_with),
        "fields": asdict(row.item),
    }


# --- writing ----------------------------------------------------------------------------------


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then rename it over ``path``: the
    file is either the old one or the whole new one, never half of either."""
    import tempfile

    path = Path(os.path.realpath(path))  # through a symlink, to the file it names
    if path.exists() and not os.access(path, os.W_OK):
        raise CmirevError(f"cannot write {path}: it is read-only")  # a rename would ignore that
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(handle)
    temp = Path(name)
    try:
        write(temp)
        with open(temp, "rb+") as done:
            os.fsync(done.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except OSError as exc:
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)


def _mode_for(path: Path) -> int:
    """The permissions the file keeps (when it exists) or gets (from the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_text(target: Path | None, text: str, encoding: str = "utf-8") -> None:
    """Text to standard output (target None) or, atomically, to a file."""
    if target is None:
        # Unit files cannot hold control characters (validation refuses them); CSV's \r\n
        # becomes \n on a pipe, so the one left is never shown as a symbol.
        sys.stdout.write(visible(text.replace("\r\n", "\n")))
        return
    write_atomically(target, lambda temp: temp.write_text(text, encoding=encoding, newline=""))


def export(
    fmt: str,
    target: Path | None,
    catalog: Catalog,
    units: Sequence[Unit],
    recall: dict[str, float | None] | None,
) -> str:
    """Write the units in this format; returns a line saying what was written where."""
    if fmt == "anki":
        from cmirev import apkg

        assert target is not None  # check_target refuses standard output for a package
        counts = apkg.write_package(catalog, units, target)
        return (
            f"Wrote {counts.notes} notes ({counts.cards} cards) in {counts.decks} decks "
            f"for {len(units)} unit(s) to {target}. Import it into Anki; importing a later "
            "export updates these notes."
        )
    found = rows(catalog, units, recall)
    history = recall is not None
    if fmt == "md":
        write_text(target, markdown(units, found, history) + "\n")
    elif fmt == "csv":
        # A byte-order mark tells Excel the file is UTF-8 (so '£' survives); not on a pipe.
        write_text(target, csv_text(found), "utf-8-sig")
    else:
        import json

        text = json.dumps(json_data(units, found, history), indent=2, ensure_ascii=False)
        write_text(target, text + "\n")
    ready = " with your readiness" if history else ""
    return f"Wrote {len(found)} items of {len(units)} unit(s){ready} to {target}."
