"""The rules a unit must follow: its schema (through Pydantic) and the rules types cannot say.

Each function returns problems located by file, line and field path; none raises for bad
content.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmirev.errors import CONTROL, Problem
from cmirev.models import SECTION_FIELDS, Unit

if TYPE_CHECKING:  # pragma: no cover - typing only
    import yaml
    from pydantic import TypeAdapter

# Fields that link an item to others by global id.
LINKS = ("same_as", "confusables", "distinct_from", "exclude")
# Fields whose text a keyword may come from.
_TEXTS = frozenset({"text", "definition", "correction", "statement", "true_form"})

UNIT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
ITEM_ID = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")

_FRIENDLY = {
    "missing": "required field is missing",
    "missing_keyword_only_argument": "required field is missing",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "tuple_type": "should be a list",
    "dataclass_type": "should be a mapping of fields",
    "dataclass_args_type": "should be a mapping of fields",
}


# -- where in a YAML file a problem is (the loader keeps each file's node tree for this)


def locate(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The line (from 1) of the node at ``loc`` or of the nearest enclosing node found."""
    import yaml

    if root is None:
        return None
    node = root
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def field_path(loc: Sequence[str | int]) -> str:
    """``('misconceptions', 3, 'claim')`` -> ``misconceptions[3].claim``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@cache
def _adapter() -> TypeAdapter[Unit]:
    from pydantic import TypeAdapter

    return TypeAdapter(Unit)


@cache
def _all_field_names() -> tuple[str, ...]:
    from cmirev import models

    names: set[str] = set()
    for obj in vars(models).values():
        if dataclasses.is_dataclass(obj):
            names.update(f.name for f in dataclasses.fields(obj))
    return tuple(sorted(names))


def validate_unit(path: str, data: dict[str, Any], root: Any) -> tuple[Unit | None, list[Problem]]:
    """Validate parsed data against the schema: the unit, or every schema problem."""
    from pydantic import ValidationError

    try:
        return _adapter().validate_python(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message = _FRIENDLY.get(error["type"], error["msg"].lower() if error["msg"] else "")
            if error["type"] == "unexpected_keyword_argument" and loc:
                message = f"unknown field '{loc[-1]}'"
                close = difflib.get_close_matches(str(loc[-1]), _all_field_names(), n=1)
                if close:
                    message += f" (did you mean '{close[0]}'?)"
            problems.append(Problem(path, locate(root, loc), field_path(loc), message))
        return None, problems


def _entries(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) for the mapping items of a section; anything else is the schema's to report."""
    raw = data.get(section)
    if not isinstance(raw, list):
        return []
    return [(i, item) for i, item in enumerate(raw) if isinstance(item, dict)]


def _strings(value: Any) -> list[tuple[int, str]]:
    return (
        [(j, v) for j, v in enumerate(value) if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )


def check_unit(path: str, data: dict[str, Any], root: Any) -> list[Problem]:
    """Rules within one unit: ids, links to outcomes, texts, figures, steps.

    Works on the parsed data, not the validated unit, so these problems are found even in a file
    whose schema problems are still to be fixed: one run lists them all.
    """
    problems: list[Problem] = []

    def report(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(path, locate(root, loc), field_path(loc), message))

    unit_id = data.get("id")
    if isinstance(unit_id, str):
        if not UNIT_ID.match(unit_id):
            report(("id",), f"'{unit_id}' is not a unit id: use lower-case words joined by '-'")
        stem = Path(path).stem
        if unit_id != stem:
            report(("id",), f"unit id '{unit_id}' does not match the file name '{stem}'")
    code = data.get("code")
    if isinstance(code, str) and not UNIT_CODE.match(code):
        report(("code",), f"'{code}' is not a unit code: use 2 to 12 capital letters or digits")
    for name in ("title", "qualification", "synopsis", "overview"):
        value = data.get(name)
        if isinstance(value, str) and not value.strip():
            report((name,), "must not be empty")
        if isinstance(value, str) and (code := _control(value)):
            report((name,), f"contains a control character ({code}): remove it")

    outcome_ids = {
        lo["id"] for _, lo in _entries(data, "learning_outcomes") if isinstance(lo.get("id"), str)
    }
    ref_ids: dict[str, int] = {}
    for index, entry in _entries(data, "references"):
        ref_id = entry.get("id")
        if isinstance(ref_id, str):
            if not ITEM_ID.match(ref_id):
                report(
                    ("references", index, "id"),
                    f"'{ref_id}' is not an id: use letters, digits and '-'",
                )
            if ref_id in ref_ids:
                report(("references", index, "id"), f"duplicate reference id '{ref_id}'")
            ref_ids.setdefault(ref_id, index)
        _check_texts(entry, ("references", index), report)
    cited: set[str] = set()
    seen: dict[str, str] = {}
    for section in SECTION_FIELDS:
        for index, item in _entries(data, section):
            at = (section, index)
            item_id = item.get("id")
            if isinstance(item_id, str):
                if not ITEM_ID.match(item_id):
                    report((*at, "id"), f"'{item_id}' is not an id: use letters, digits and '-'")
                if item_id in seen:
                    report((*at, "id"), f"duplicate id '{item_id}' (also in {seen[item_id]})")
                seen.setdefault(item_id, f"{section}[{index}]")
            for j, ref in _strings(item.get("outcomes")):
                if ref not in outcome_ids:
                    known = ", ".join(sorted(outcome_ids)) or "none"
                    report((*at, "outcomes", j), f"no learning outcome '{ref}' (known: {known})")
            for link in LINKS:
                for j, ref in _strings(item.get(link)):
                    if isinstance(unit_id, str) and ref == f"{unit_id}/{item_id}":
                        what = "be the same as" if link == "same_as" else f"name in {link}"
                        report((*at, link, j), f"an item cannot {what} itself")
                    elif ref.count("/") != 1:
                        report((*at, link, j), f"'{ref}' is not a global id 'unit-id/item-id'")
            texts = " ".join(v for k, v in item.items() if isinstance(v, str) and k in _TEXTS)
            for j, word in _strings(item.get("keywords")):
                if word.strip() and not re.search(
                    rf"(?<!\w){re.escape(word)}(?!\w)", texts, re.IGNORECASE
                ):
                    report((*at, "keywords", j), f"'{word}' does not appear in the item's text")
            _check_texts(item, at, report)
            source = item.get("source")
            if isinstance(source, dict):
                refs = _strings(source.get("refs"))
                for j, ref in refs:
                    cited.add(ref)
                    if ref not in ref_ids:
                        close = difflib.get_close_matches(ref, list(ref_ids), n=1)
                        hint = f" (did you mean '{close[0]}'?)" if close else ""
                        report(
                            (*at, "source", "refs", j),
                            f"no reference '{ref}' in the unit's references{hint}",
                        )
                if source.get("section") is None and not refs:
                    report((*at, "source"), "a source needs a seed 'section' or 'refs'")
            for j, pattern in _strings(item.get("signals")):
                _check_signal(item, pattern, (*at, "signals", j), report)
            if section == "assessment_criteria" and item.get("outcomes") in (None, []):
                report((*at, "outcomes"), "a criterion must name the outcome(s) it evidences")
            figure, statement = item.get("figure"), item.get("statement")
            if (
                section == "facts"
                and isinstance(figure, str)
                and isinstance(statement, str)
                and figure
                and figure not in statement
            ):
                report((*at, "figure"), f"'{figure}' does not appear in the statement")
            if section == "key_terms" and len(_strings(item.get("steps"))) == 1:
                report((*at, "steps"), "ordered steps need at least two entries")
    for ref_id, index in ref_ids.items():
        if ref_id not in cited:
            report(("references", index, "id"), f"reference '{ref_id}' is cited by no item")
    return problems


def _check_signal(
    item: dict[str, Any], pattern: str, at: tuple[str | int, ...], report: Any
) -> None:
    """A misconception's signal must compile, find the claim, and not fire on the correction
    or the true form (a draft that states the right view must not be accused)."""
    try:
        signal = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        report(at, f"not a regular expression: {exc}")
        return
    claim = item.get("claim")
    if isinstance(claim, str) and not signal.search(claim):
        report(at, "does not match the misconception's own claim")
    practice = item.get("good_practice")
    if isinstance(practice, str) and signal.search(practice):
        report(at, "also matches the good practice: it would accuse a right answer")
    for field in ("correction", "true_form"):
        text = item.get(field)
        if isinstance(text, str) and signal.search(text):
            report(
                at, f"also matches the {field.replace('_', ' ')}: it would accuse a right answer"
            )


def _control(text: str) -> str | None:
    """'U+001B' for the first control character in the text (tab and newline allowed)."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _check_texts(item: dict[str, Any], at: tuple[str | int, ...], report: Any) -> None:
    for key, value in item.items():
        if isinstance(value, str) and not value.strip():
            report((*at, key), "must not be empty")
        if isinstance(value, str) and (code := _control(value)):
            report((*at, key), f"contains a control character ({code}): remove it")
        for j, entry in _strings(value):
            if not entry.strip():
                report((*at, key, j), "must not be empty")
            elif code := _control(entry):
                report((*at, key, j), f"contains a control character ({code}): remove it")
        if isinstance(value, dict):
            _check_texts(value, (*at, key), report)


def global_ids(data: dict[str, Any]) -> set[str]:
    """The global ids a parsed unit file declares, valid or not (so references to a file with
    schema problems do not cascade into 'no such item' errors elsewhere)."""
    unit_id = data.get("id")
    if not isinstance(unit_id, str):
        return set()
    return {
        f"{unit_id}/{item['id']}"
        for section in SECTION_FIELDS
        for _, item in _entries(data, section)
        if isinstance(item.get("id"), str)
    }


def check_catalog(
    loaded: Sequence[tuple[Path, Unit, Any]],
    context: Sequence[tuple[Path, Unit, Any]] = (),
    declared: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Rules across units: unit ids unique, links (``same_as``...) pointing at items that exist.

    Only problems in ``loaded`` are reported; ``context`` units and ``declared`` global ids (from
    files with schema problems) count as existing.
    """
    problems: list[Problem] = []
    owner: dict[str, Path] = {}
    for path, unit, _ in context:
        owner.setdefault(unit.id, path)
    for path, unit, root in loaded:
        if unit.id in owner:
            msg = f"unit id '{unit.id}' is also used by {owner[unit.id]}: unit ids must be unique"
            problems.append(Problem(str(path), locate(root, ("id",)), "id", msg))
        else:
            owner[unit.id] = path
    # A code names one unit: no other unit's code or id may be the same word.
    names: dict[str, Path] = {}
    for path, unit, _ in context:
        for name in {unit.id, (unit.code or "").lower()} - {""}:
            names.setdefault(name, path)
    for path, unit, root in loaded:
        if unit.code:
            other = names.get(unit.code.lower())
            if other is not None and other != path:
                msg = f"unit code '{unit.code}' is also used by {other}: codes must be unique"
                problems.append(Problem(str(path), locate(root, ("code",)), "code", msg))
        for name in {unit.id, (unit.code or "").lower()} - {""}:
            names.setdefault(name, path)
    known = {
        f"{unit.id}/{item.id}" for _, unit, _ in (*loaded, *context) for _, item in unit.items()
    } | declared
    unit_ids = {unit.id for _, unit, _ in (*loaded, *context)} | {g.split("/")[0] for g in declared}
    for path, unit, root in loaded:
        for section in SECTION_FIELDS:
            for index, item in enumerate(unit.section(section)):
                refs = [
                    (link, j, ref) for link in LINKS for j, ref in enumerate(getattr(item, link))
                ]
                for link, j, ref in refs:
                    if ref.count("/") == 1 and ref not in known:
                        loc = (section, index, link, j)
                        target_unit = ref.split("/", 1)[0]
                        if target_unit not in unit_ids:
                            message = f"no unit '{target_unit}' is loaded (in '{ref}')"
                        else:
                            in_unit = [k for k in known if k.startswith(f"{target_unit}/")]
                            close = difflib.get_close_matches(ref, in_unit, n=1)
                            hint = f" (did you mean '{close[0]}'?)" if close else ""
                            message = f"no item '{ref}'{hint}"
                        problems.append(
                            Problem(str(path), locate(root, loc), field_path(loc), message)
                        )
    return problems


def check_duplicates(
    loaded: Sequence[tuple[Path, Unit, Any]], context: Sequence[tuple[Path, Unit, Any]] = ()
) -> list[Problem]:
    """Pairs of items, within a unit or across units, whose texts say nearly the same thing but
    are neither linked by ``same_as`` nor marked ``distinct_from``: a duplicate idea would be
    asked twice and offered as its own wrong answer. Reported on the item in ``loaded``."""
    from cmirev.models import Catalog
    from cmirev.questions.similarity import near_duplicates

    where = {unit.id: (path, root) for path, unit, root in loaded}
    units = tuple(unit for _, unit, _ in (*loaded, *context))
    index = {
        f"{unit.id}/{item.id}": (section, n)
        for unit in units
        for section in SECTION_FIELDS
        for n, item in enumerate(unit.section(section))
    }
    problems = []
    for score, a, b in near_duplicates(Catalog(units)):
        here, other = (a, b) if a.split("/")[0] in where else (b, a)
        unit_id = here.split("/")[0]
        if unit_id not in where:
            continue
        path, root = where[unit_id]
        loc = (*index[here], "id")
        message = (
            f"'{here}' and '{other}' say nearly the same thing (similarity {score:.2f}): "
            "link them with same_as if they are one idea, or name each other in distinct_from "
            "if they are not"
        )
        problems.append(Problem(str(path), locate(root, loc), field_path(loc), message))
    return problems
