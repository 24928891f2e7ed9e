"""Questions the commands ask of the loaded content: which section, which units, what matches.

Pure functions over a :class:`~cmirev.models.Catalog`; the CLI calls them and renders the result.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from cmirev.errors import UsageError
from cmirev.models import SECTIONS, Catalog, Item, Unit

# What a user may type for each section: its name, the field name with dashes, and a few
# natural alternatives.
SECTION_NAMES: dict[str, str] = {}
for _field, (_name, _label) in SECTIONS.items():
    SECTION_NAMES[_name] = _field
    SECTION_NAMES[_field.replace("_", "-")] = _field
SECTION_NAMES.update(
    {"facts": "facts", "key-terms": "key_terms", "tips": "guidance", "myths": "misconceptions"}
)


@dataclass(frozen=True)
class Entry:
    """One item of one unit, with the units that state the same idea."""

    unit: Unit
    section: str
    item: Item
    shared_with: tuple[str, ...]

    @property
    def global_id(self) -> str:
        return f"{self.unit.id}/{self.item.id}"

    def record(self) -> dict[str, Any]:
        """The entry as JSON-ready data."""
        data = dataclasses.asdict(self.item)
        return {
            "unit": self.unit.id,
            "section": SECTIONS[self.section][0],
            "kind": self.item.kind,
            "global_id": self.global_id,
            **data,
            "shared_with": list(self.shared_with),
        }


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def find_unit(catalog: Catalog, name: str) -> Unit | None:
    """The unit a learner means by ``name``: its id or code (any case), or the start of exactly
    one unit's id or code. None when nothing matches; a UsageError when the start fits several."""
    key = name.strip().lower()
    if not key:
        return None
    for unit in catalog.units:
        if key in (unit.id, unit.short.lower()):
            return unit
    fits = [u for u in catalog.units if u.id.startswith(key) or u.short.lower().startswith(key)]
    if len(fits) == 1:
        return fits[0]
    if fits:
        listed = ", ".join(f"{u.short} ({u.id})" for u in fits[:6])
        more = f" and {len(fits) - 6} more" if len(fits) > 6 else ""
        raise UsageError(f"'{name}' could be any of {listed}{more}: type more of it")
    return None


def unit_names(catalog: Catalog) -> list[str]:
    """Every name a unit answers to: ids and codes."""
    return [n for u in catalog.units for n in (u.id, u.short)]


def resolve_units(catalog: Catalog, unit_ids: list[str] | None) -> list[Unit]:
    """The units named (all when none are; ``all`` also means all), by id, code or a unique
    start of either, or a UsageError with a suggestion."""
    if not unit_ids or "all" in [u.strip().lower() for u in unit_ids]:
        return list(catalog.units)
    chosen: list[Unit] = []
    for uid in unit_ids:
        unit = find_unit(catalog, uid)
        if unit is None:
            raise UsageError(
                f"unknown unit '{uid}'{_did_you_mean(uid, unit_names(catalog))} "
                "(see 'cmirev units' for ids and codes)"
            )
        if unit not in chosen:
            chosen.append(unit)
    return chosen


def find_item(catalog: Catalog, name: str) -> str:
    """The global id (unit/item) a learner means: ``unit/item`` with the unit by id, code or a
    unique start, or a bare item id that only one unit has. A UsageError with a suggestion
    otherwise."""
    text = name.strip()
    if "/" in text:
        unit_name, item_id = text.split("/", 1)
        unit = find_unit(catalog, unit_name)
        if unit is None:
            raise UsageError(
                f"unknown unit '{unit_name}' in '{name}'"
                f"{_did_you_mean(unit_name, unit_names(catalog))} (see 'cmirev units')"
            )
        units = [unit]
    else:
        item_id, units = text, list(catalog.units)
    found = [f"{u.id}/{i.id}" for u in units for _, i in u.items() if i.id == item_id]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(
            f"'{name}' is in several units ({', '.join(found)}): give one as unit/item"
        )
    ids = [i.id for u in units for _, i in u.items()]
    close = difflib.get_close_matches(item_id, ids, n=1, cutoff=0.6)
    if close:
        owner = next(u for u in units for _, i in u.items() if i.id == close[0])
        hint = f"; did you mean '{owner.id}/{close[0]}'?"
    else:
        hint = " (find ids with 'cmirev show UNIT --json' or 'cmirev show SECTION --search WORD')"
    raise UsageError(f"no item '{name}'{hint}")


def resolve_target(catalog: Catalog, target: str) -> tuple[str, Unit | None]:
    """``cmirev show TARGET``: ('section', None) for a section, ('', unit) for a unit (by id,
    code or a unique start of either)."""
    key = target.strip().lower()
    if key in SECTION_NAMES:
        return SECTION_NAMES[key], None
    unit = find_unit(catalog, key)
    if unit is not None:
        return "", unit
    choices = [name for name, _ in SECTIONS.values()] + unit_names(catalog)
    raise UsageError(
        f"unknown section or unit '{target}'{_did_you_mean(key, choices)} "
        f"(sections: {', '.join(name for name, _ in SECTIONS.values())}; units: see 'cmirev units')"
    )


def matches(item: Item, search: str | None) -> bool:
    """True when every word of ``search`` appears in the item (case-insensitive)."""
    if not search:
        return True
    text = item.search_text()
    return all(word in text for word in search.lower().split())


def entries(
    catalog: Catalog, units: list[Unit], sections: list[str], search: str | None = None
) -> list[Entry]:
    """The items of these sections in these units that match the search, unit by unit."""
    siblings = catalog.siblings()
    found: list[Entry] = []
    for unit in units:
        for section in sections:
            for item in unit.section(section):
                if not matches(item, search):
                    continue
                gid = f"{unit.id}/{item.id}"
                others = sorted(
                    {g.split("/", 1)[0] for g in siblings.get(gid, frozenset()) if g != gid}
                )
                found.append(Entry(unit, section, item, tuple(others)))
    return found


def counts(unit: Unit) -> dict[str, int]:
    """Items per section of one unit, by section name, with the total."""
    per = {name: len(unit.section(field)) for field, (name, _) in SECTIONS.items()}
    per["total"] = sum(per.values())
    return per


def resolve_formats(names: list[str] | None) -> list[str] | None:
    """Question formats by name (None for all), or a UsageError with a suggestion."""
    from cmirev.questions import FORMATS

    if not names:
        return None
    for name in names:
        if name not in FORMATS:
            raise UsageError(
                f"unknown format '{name}'{_did_you_mean(name, list(FORMATS))} "
                f"(formats: {', '.join(FORMATS)})"
            )
    return names


def resolve_sections(names: list[str] | None) -> list[str] | None:
    """Section field names for section names typed by a user (None for all)."""
    if not names:
        return None
    fields = []
    for name in names:
        key = name.strip().lower()
        if key not in SECTION_NAMES:
            choices = [n for n, _ in SECTIONS.values()]
            raise UsageError(
                f"unknown section '{name}'{_did_you_mean(key, list(SECTION_NAMES))} "
                f"(sections: {', '.join(choices)})"
            )
        fields.append(SECTION_NAMES[key])
    return fields


def references(units: list[Unit], search: str | None = None) -> list[dict[str, Any]]:
    """Each unit's reference list, Harvard style, with the items that cite each entry; only
    entries containing every word of ``search`` when it is given."""
    words = search.lower().split() if search else []
    found = []
    for unit in units:
        citing: dict[str, list[str]] = {}
        for _, item in unit.items():
            for ref_id in item.source.refs if item.source else ():
                citing.setdefault(ref_id, []).append(item.id)
        for ref in unit.references:
            line = ref.harvard()
            if all(w in line.lower() for w in words):
                found.append(
                    {
                        "unit": unit.id,
                        "id": ref.id,
                        "reference": line,
                        "cited_by": citing.get(ref.id, []),
                    }
                )
    return found
