"""The learner's own units: start one, add an item to one, and the checks both of these and
``cmirev edit`` (:mod:`cmirev.editing`) make.

Own units are unit files outside the package: in ``units`` in the data folder (where
``new-unit`` writes) or in a ``CMIREV_UNITS`` folder. Built-in units are never changed: a
reinstall would undo the change.

An item is added by inserting its lines into the file's text, not by loading the file and
dumping it again (a YAML dumper drops comments and rewrites quoting and folding): everything
the learner wrote stays byte for byte. The new text is checked whole before it replaces the
file (the unit against its schema, its rules and every other unit), and re-read to prove that
exactly one item was added and nothing else changed; a file that fails either is never written.
Ids are never renumbered, so review history stays with its item.

Nothing here prints or prompts: the CLI asks for what is missing and renders the result.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cmirev.errors import CONTROL, CmirevError, ContentError, Problem, UsageError
from cmirev.models import (
    Catalog,
    Concept,
    Criterion,
    Fact,
    Guidance,
    KeyTerm,
    LearningOutcome,
    Misconception,
    Mistake,
    Prerequisite,
    Unit,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    import yaml

QUALIFICATION: Final = "CMI Level 6 Award in Public Service Leadership"
MAX_ID_LENGTH: Final = 48  # a derived id: the first words of the text, cut at a word


@dataclass(frozen=True)
class Field:
    """One field the learner gives for a kind of item."""

    key: str  # the field in the unit file
    option: str  # the ``cmirev add`` option that gives it, without ``--``
    prompt: str  # what an interactive ``cmirev add`` asks
    required: bool = True


@dataclass(frozen=True)
class Kind:
    """A kind of item ``cmirev add`` can write, and the section of the unit it goes in."""

    name: str
    section: str
    fields: tuple[Field, ...]
    prefix: str | None = None  # ids numbered in sequence (LO1, LO2...) rather than from the text
    links: bool = True  # whether it may serve outcomes

    @property
    def is_criterion(self) -> bool:
        """A criterion names the outcomes it evidences: it needs at least one."""
        return self.section == "assessment_criteria"

    @property
    def options(self) -> str:
        """Its options as help text says them: ``--term and --definition``."""
        names = [f"--{f.option}" + ("" if f.required else " (optional)") for f in self.fields]
        return " and ".join(names) if len(names) < 3 else ", ".join(names)


_TEXT = "text"
KINDS: Final[dict[str, Kind]] = {
    kind.name: kind
    for kind in (
        Kind(
            KeyTerm.kind,
            "key_terms",
            (
                Field("term", "term", "Term (a model, tool or word)"),
                Field("definition", "definition", "Definition"),
            ),
        ),
        Kind(
            Concept.kind,
            "concepts",
            (Field("term", "term", "Concept"), Field("definition", "definition", "What it means")),
        ),
        Kind(
            Misconception.kind,
            "misconceptions",
            (
                Field("claim", "claim", "The wrong belief, stated as its holders put it"),
                Field("correction", "correction", "The correction: why it is wrong"),
            ),
        ),
        Kind(
            Mistake.kind,
            "mistakes",
            (
                Field(_TEXT, _TEXT, "The mistake"),
                Field(
                    "good_practice",
                    "good-practice",
                    "What to do instead, in the same form (Enter to skip; without it the "
                    "mistake is shown but not drilled)",
                    required=False,
                ),
            ),
        ),
        Kind(
            Fact.kind,
            "facts",
            (
                Field("statement", _TEXT, "The fact"),
                Field("attribution", "attribution", "Who says so (a person, report or body)"),
            ),
        ),
        Kind(Guidance.kind, "guidance", (Field(_TEXT, _TEXT, "The tip"),)),
        Kind(Prerequisite.kind, "prerequisites", (Field(_TEXT, _TEXT, "What to know first"),)),
        Kind(
            LearningOutcome.kind,
            "learning_outcomes",
            (Field(_TEXT, _TEXT, "The learning outcome"),),
            prefix="LO",
            links=False,
        ),
        Kind(
            Criterion.kind,
            "assessment_criteria",
            (Field(_TEXT, _TEXT, "What the assessor credits"),),
            prefix="AC",
        ),
    )
}
# Every option that gives a field, in the order help lists them.
FIELD_OPTIONS: Final = tuple(dict.fromkeys(f.option for k in KINDS.values() for f in k.fields))


# -- which unit ------------------------------------------------------------------------------


def is_builtin(path: str | Path) -> bool:
    """Whether a unit file is one of those that ship with cmirev."""
    from cmirev.paths import builtin_units_dir

    return resolved(Path(path)).parent == resolved(builtin_units_dir())


def own_units(catalog: Catalog) -> list[Unit]:
    """The units cmirev may change: every unit whose file is not built in."""
    return [u for u in catalog.units if not is_builtin(catalog.paths[u.id])]


def refuse_builtin(unit_name: str) -> CmirevError:
    return UsageError(
        f"{unit_name} is a built-in unit: cmirev does not change it (a reinstall would undo "
        "the change); start your own with 'cmirev new-unit CODE' and add cards to that"
    )


def owned_unit(catalog: Catalog, name: str | None) -> Unit:
    """The unit a card goes in: the one named (id, code or a unique start), or without a name
    the learner's only own unit. Built-in units are refused with what to do instead."""
    from cmirev import content

    mine = own_units(catalog)
    if name is None:
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise UsageError(
                "you have no units of your own yet: start one with 'cmirev new-unit CODE' "
                "(for example 'cmirev new-unit HR --title \"My HR notes\"')"
            )
        raise UsageError(f"which unit? give --unit ({_listed(mine)})")
    unit = content.find_unit(catalog, name)
    if unit is None:
        names = {n.lower(): n for u in mine for n in (u.id, u.short)}
        close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.5)
        hint = f"; did you mean '{names[close[0]]}'?" if close else ""
        yours = f" (yours: {_listed(mine)})" if mine else " (start one with 'cmirev new-unit CODE')"
        raise UsageError(f"unknown unit '{name}'{hint}{yours}")
    if is_builtin(catalog.paths[unit.id]):
        raise refuse_builtin(f"{unit.short} ({unit.id})")
    return unit


def _listed(units: Sequence[Unit]) -> str:
    return ", ".join(f"{u.short} ({u.id})" for u in units)


# -- text the learner gives ------------------------------------------------------------------

# Characters never written into a unit: control characters (ESC moves the cursor, BEL rings),
# lone surrogates (not text), non-characters and the bidirectional controls that make text
# read differently from how it is stored.
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def bad_character(text: str) -> str | None:
    """``U+001B`` for the first character of ``text`` that may not go into a unit file."""
    found = CONTROL.search(text)
    if found:
        return f"U+{ord(found.group()):04X}"
    for ch in text:
        code = ord(ch)
        if code in _BIDI or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            return f"U+{code:04X}"
    return None


def clean(option: str, value: str) -> str:
    """A value given for ``--option``, stripped, or a UsageError saying why it cannot be used."""
    text = value.strip()
    if not text:
        raise UsageError(f"--{option} is empty: give the text")
    code = bad_character(text)
    if code:
        raise UsageError(f"--{option} contains a control character ({code}): remove it")
    return text


def kind_of(name: str) -> Kind:
    """The kind by name (any case), or a UsageError listing the kinds."""
    key = name.strip().lower()
    aliases = {"key-term": "term", "myth": "misconception", "tip": "guidance", "lo": "outcome"}
    key = aliases.get(key, key)
    if key in KINDS:
        return KINDS[key]
    close = difflib.get_close_matches(key, list(KINDS), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(f"unknown kind '{name}'{hint} (kinds: {', '.join(KINDS)})")


def missing(kind: Kind, values: Mapping[str, str | None]) -> list[Field]:
    """The required fields of this kind that have no value."""
    return [f for f in kind.fields if f.required and not values.get(f.option)]


# Small words an id does not end on ("describing-examples-without-an").
_TRAILING: Final = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "to", "with", "without",
))  # fmt: skip


def slug(text: str) -> str:
    """An id from a text: its first words (up to six, 48 characters), lower case, ASCII,
    joined by ``-``, not starting with an article nor ending on a small word. Apostrophes
    join their word (Kotter's: kotters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", re.sub(r"[\'`]", "", ascii_text.lower()))
    while len(words) > 1 and words[0] in ("a", "an", "the"):
        words.pop(0)
    kept: list[str] = []
    for word in words:
        if len(kept) == 6 or len("-".join([*kept, word])) > MAX_ID_LENGTH:
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1] in _TRAILING:
        kept.pop()
    return "-".join(kept) or (words[0][:MAX_ID_LENGTH] if words else "")


# -- a new unit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewUnit:
    """What ``new-unit`` wrote."""

    path: Path
    unit_id: str
    code: str
    title: str


def new_unit(
    catalog: Catalog,
    code: str,
    title: str | None = None,
    unit_id: str | None = None,
    synopsis: str | None = None,
) -> NewUnit:
    """Write a valid unit with no items yet in the learner's units folder.

    The code is upper-cased; the id comes from the title unless given. A code or id another
    unit already answers to, or a file already there, is refused.
    """
    from cmirev.checks import UNIT_CODE, UNIT_ID
    from cmirev.paths import own_units_dir

    code = clean("code", code).upper()
    if not UNIT_CODE.match(code):
        raise UsageError(
            f"'{code}' is not a unit code: use 2 to 12 letters or digits, starting with a letter "
            "(for example HR)"
        )
    title = clean("title", title) if title is not None else f"My {code} notes"
    if unit_id is None:
        unit_id = slug(title) or code.lower()
    elif not UNIT_ID.match(unit_id):
        raise UsageError(f"'{unit_id}' is not a unit id: use lower-case words joined by '-'")
    _check_free(catalog, code, unit_id)
    folder = own_units_dir()
    path = folder / f"{unit_id}.yaml"
    about = clean("synopsis", synopsis) if synopsis is not None else None
    text = _scaffold(unit_id, code, title, about)
    problems = check_text(path, text)
    if problems:
        raise ContentError(problems)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists: choose another --id, or add to it with 'cmirev add'"
        ) from None
    except OSError as exc:
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None
    return NewUnit(path, unit_id, code, title)


def _check_free(catalog: Catalog, code: str, unit_id: str) -> None:
    """A UsageError when another unit already answers to this code or id."""
    for unit in catalog.units:
        names = {unit.id, unit.short.lower()}
        for wanted, what in ((code.lower(), f"code {code}"), (unit_id, f"id '{unit_id}'")):
            if wanted in names:
                raise UsageError(
                    f"the {what} is taken by {unit.short} ({unit.id}): choose another"
                    + (" --id or --title" if what.startswith("id") else "")
                )


def _scaffold(unit_id: str, code: str, title: str, synopsis: str | None) -> str:
    """The text of a new unit: comments saying what to do next, the required fields, no items."""
    about = synopsis or "My own cards for the award, added with cmirev add."
    overview = (
        "Cards I wrote myself, beside cmirev's built-in units. Say here what they cover and "
        "where they come from."
    )
    head = [
        f"# {title}: your own cards for cmirev.",
        f"# Add a card:      cmirev add --unit {code}",
        f"# Change anything: cmirev edit {code} (checked when you save)",
        "# Ids never change once written: your review history is kept by id.",
        "# The format: docs/unit-format.md in cmirev's source.",
    ]
    fields = {
        "id": unit_id,
        "code": code,
        "title": title,
        "qualification": QUALIFICATION,
        "synopsis": about,
        "overview": overview,
    }
    return "\n".join([*head, *(_dump_mapping(fields))]) + "\n"


# -- YAML text -------------------------------------------------------------------------------


def _dump_mapping(fields: Mapping[str, Any]) -> list[str]:
    """A mapping as block YAML lines: safe quoting by PyYAML, keys in the order given, lists
    in flow style (``outcomes: [LO1]``), long texts folded at 96 columns."""
    import yaml

    class Dumper(yaml.SafeDumper):
        """Lists of ids on one line, as the built-in units write them."""

    def flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    Dumper.add_representer(list, flow_list)
    text = yaml.dump(
        dict(fields),
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )
    return text.splitlines()


def _dump_item(fields: Mapping[str, Any]) -> list[str]:
    """An item as the lines of one block-sequence entry (``- id: ...``), not indented."""
    lines = _dump_mapping(fields)
    return [("- " if n == 0 else "  ") + line for n, line in enumerate(lines)]


def compose(text: str) -> yaml.Node | None:
    import yaml

    loader_class: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.compose(text, Loader=loader_class)


def load_yaml(text: str) -> Any:
    import yaml

    loader_class: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader_class)  # a safe loader, chosen above


def _last_line(node: yaml.Node, lines: Sequence[str]) -> int:
    """The index of the last line holding the node's own text (not the blank lines a block
    scalar swallows, nor a comment after it)."""
    import yaml

    last = node.start_mark.line
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_mark.index < node.start_mark.index:
            continue  # an alias of an anchor earlier in the file: not this node's text
        if isinstance(current, yaml.MappingNode) and not current.flow_style:
            stack.extend(v for pair in current.value for v in pair)
            continue  # a block collection ends where the next token starts: after comments
        if isinstance(current, yaml.SequenceNode) and not current.flow_style:
            stack.extend(current.value)
            continue
        end = current.end_mark
        line = end.line - 1 if end.column == 0 and end.line > current.start_mark.line else end.line
        if isinstance(current, yaml.ScalarNode) and current.style in ("|", ">"):
            header = lines[current.start_mark.line][current.start_mark.column :].split("#")[0]
            if "+" not in header:  # trailing blank lines are not part of its value
                while line > current.start_mark.line and not lines[line].strip():
                    line -= 1
        last = max(last, line)
    return last


def insert_item(text: str, section: str, entry: Sequence[str]) -> tuple[str, int]:
    """The file's text with one item appended to a section (the section added at the end when
    the file has none), and the line (from 1) the item starts on. Every other character of
    the text is kept. A CmirevError when the file's layout gives no safe place for it."""
    import yaml

    newline = "\r\n" if "\r\n" in text else "\n"
    root = compose(text)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise CmirevError("the unit file is not a block mapping: add the item with 'cmirev edit'")
    lines = text.splitlines(keepends=True)
    pair = next((kv for kv in root.value if kv[0].value == section), None)
    if pair is None:
        at = _last_line(root, lines) + 1
        indent = " " * root.start_mark.column
        block = [f"{indent}{section}:", *(f"{indent}  {line}" for line in entry)]
        start = at + 2
    else:
        key, value = pair
        if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
            at = _last_line(value, lines) + 1
            indent = " " * value.start_mark.column
        elif (
            isinstance(value, yaml.SequenceNode)
            and not value.value
            and value.end_mark.line == key.start_mark.line
        ):
            # ``section: []``: the list starts on the next line instead.
            at = key.start_mark.line + 1
            indent = " " * (key.start_mark.column + 2)
            row = lines[key.start_mark.line]
            lines[key.start_mark.line] = (
                row[: value.start_mark.column].rstrip() + row[value.end_mark.column :]
            )
        else:
            line = key.start_mark.line + 1
            raise CmirevError(
                f"'{section}' (line {line}) is not a list of '- id: ...' items that cmirev can "
                "extend: add the item with 'cmirev edit'"
            )
        block = [indent + line for line in entry]
        start = at + 1
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    lines[at:at] = [line + newline for line in block]
    return "".join(lines), start


# -- adding an item --------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """What ``cmirev add`` wrote."""

    global_id: str
    kind: Kind
    path: Path
    line: int
    formats: tuple[str, ...] | None = None  # the question formats it gives (None: not known)


def item_fields(
    catalog: Catalog,
    unit: Unit,
    kind: Kind,
    values: Mapping[str, str | None],
    outcomes: Sequence[str] = (),
    criteria: Sequence[str] = (),
    same_as: Sequence[str] = (),
    distinct_from: Sequence[str] = (),
    item_id: str | None = None,
    keywords: Sequence[str] = (),
) -> dict[str, Any]:
    """The new item's fields in file order, checked: every value clean, no option the kind
    does not take, links to outcomes, criteria and items that exist, an id that is free.
    (That each keyword is in the text is checked with the rest of the unit.)"""
    from cmirev import content
    from cmirev.checks import ITEM_ID

    wanted = {f.option for f in kind.fields}
    stray = [opt for opt, v in values.items() if v is not None and opt not in wanted]
    if stray:
        raise UsageError(f"a {kind.name} takes {kind.options}, not --{stray[0]}")
    lacking = missing(kind, values)
    if lacking:
        needs = " and ".join(f"--{f.option}" for f in lacking)
        raise UsageError(f"a {kind.name} needs {needs} (see 'cmirev add --help')")
    fields: dict[str, Any] = {}
    for f in kind.fields:
        given = values.get(f.option)
        if given is not None and (f.required or given.strip()):
            fields[f.key] = clean(f.option, given)
    serves = _outcomes(unit, kind, outcomes, criteria)
    taken = {i.id for _, i in unit.items()}
    if item_id is not None:
        if not ITEM_ID.match(item_id):
            raise UsageError(f"'{item_id}' is not an id: use letters, digits and '-'")
        if item_id in taken:
            raise UsageError(
                f"'{item_id}' is already an item of {unit.short}: choose another --id "
                "(an id never changes, so that review history stays with its item)"
            )
    else:
        item_id = _free_id(kind, next(iter(fields.values())), taken)
    links = {
        "same_as": [content.find_item(catalog, name) for name in same_as],
        "distinct_from": [content.find_item(catalog, name) for name in distinct_from],
    }
    words = list(dict.fromkeys(clean("keyword", word) for word in keywords))
    return {
        "id": item_id,
        **fields,
        **({"outcomes": serves} if serves else {}),
        **({"keywords": words} if words else {}),
        **{key: list(dict.fromkeys(ids)) for key, ids in links.items() if ids},
    }


def _outcomes(
    unit: Unit, kind: Kind, outcomes: Sequence[str], criteria: Sequence[str]
) -> list[str]:
    """The outcome ids an item serves: those named, and those the criteria named evidence
    (items reach criteria through outcomes). Names are matched in any case."""
    if not kind.links and (outcomes or criteria):
        raise UsageError("a learning outcome links to nothing: leave out --outcome and --criterion")
    if kind.is_criterion and criteria:
        raise UsageError(
            "a criterion names the outcomes it evidences: use --outcome, not --criterion"
        )
    serves: list[str] = []
    for name in outcomes:
        serves.append(_known(unit, "learning_outcomes", name).id)
    for name in criteria:
        found = _known(unit, "assessment_criteria", name)
        serves.extend(found.outcomes)
    if kind.is_criterion and not serves:
        raise UsageError("a criterion needs --outcome: the learning outcome(s) it evidences")
    return list(dict.fromkeys(serves))


def _known(unit: Unit, section: str, name: str) -> Any:
    """The outcome or criterion of this unit named (any case), or a UsageError."""
    items = unit.section(section)
    found = next((i for i in items if i.id.lower() == name.strip().lower()), None)
    if found is not None:
        return found
    option = "outcome" if section == "learning_outcomes" else "criterion"
    what = "learning outcome" if option == "outcome" else "assessment criterion"
    known = ", ".join(i.id for i in items) or "none yet"
    raise UsageError(
        f"no {what} '{name}' in {unit.short} (it has: {known}); add one with "
        f"'cmirev add --unit {unit.short} --kind {option}'"
    )


def _free_id(kind: Kind, text: str, taken: set[str]) -> str:
    """A new id: the next number for outcomes and criteria (LO3), else from the text's first
    words, with -2, -3... when that is taken. Existing ids are never changed."""
    if kind.prefix:
        numbers = [int(m.group(1)) for i in taken if (m := re.fullmatch(kind.prefix + r"(\d+)", i))]
        n = max(numbers, default=0) + 1
        while f"{kind.prefix}{n}" in taken:
            n += 1
        return f"{kind.prefix}{n}"
    base = slug(text) or kind.name
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


def add_item(unit: Unit, path: Path, kind: Kind, fields: Mapping[str, Any]) -> Added:
    """Append the item to the unit's file, keeping the rest of the file exactly.

    The new text must pass every check ``cmirev validate`` makes (against all other units)
    and read back as the old content plus this one item, before it replaces the file; if not,
    the file is untouched and the problems are raised. Once written, the whole catalog is
    loaded again; should that fail, the old text is put back.
    """
    from cmirev import paths
    from cmirev.checks import NEAR_DUPLICATE
    from cmirev.loader import load_catalog

    gid = f"{unit.id}/{fields['id']}"
    here = paths.shown(path)
    original = read_unit(path)
    text, line = insert_item(original, kind.section, _dump_item(fields))
    _same_but_one(original, text, kind.section, fields)
    # The unit loaded, so its only problems before were near-duplicates (which loading allows);
    # those that do not involve the new item were there already and are not this card's fault.
    problems = [
        p
        for p in check_text(path, text)
        if NEAR_DUPLICATE not in p.message or f"'{gid}'" in p.message
    ]
    if problems:
        # A line at or after the new item's is a line of text that was never written.
        listed = [
            replace(p, line=None) if p.path == here and (p.line or 0) >= line else p
            for p in as_shown(path, problems)
        ]
        hint = ""
        if any(NEAR_DUPLICATE in p.message for p in problems):
            hint = (
                " (for a near-duplicate, give --same-as ITEM if it is one idea, or "
                "--distinct-from ITEM if not)"
            )
        raise NotSaved(listed, f"nothing was added, {here} is as it was{hint}")
    write_atomically(path, text.encode("utf-8"))
    try:  # the whole catalog once more, as every command will load it (and cache it)
        catalog = load_catalog()
    except ContentError as exc:  # another file changed meanwhile: this card is not kept
        write_atomically(path, original.encode("utf-8"))
        raise NotSaved(exc.problems, f"nothing was added, {here} is as it was") from None
    return Added(gid, kind, path, line, (catalog.formats or {}).get(gid))


def _same_but_one(before: str, after: str, section: str, item: Mapping[str, Any]) -> None:
    """Prove the edit: the new text reads as the old content with one item appended."""
    old, new = load_yaml(before), load_yaml(after)
    expected = dict(old)
    expected[section] = [*(old.get(section) or []), dict(item)]
    if new != expected:
        raise CmirevError(
            "cmirev could not add the item without changing something else in the file (its "
            "layout is unusual): add it by hand with 'cmirev edit'"
        )


def read_unit(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CmirevError(f"cannot read {path}: {reason or exc}") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file's bytes in one step (a temporary file beside it, renamed over it), so
    an interruption leaves the old file or the new one, never half of one. Its permissions stay,
    and a symlink stays a symlink: the file it points to is the one replaced."""
    import shutil

    path = resolved(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CmirevError(f"cannot write {path}: {exc.strerror or exc}") from None


class NotSaved(ContentError):
    """A change refused because the unit would not be valid: every problem, then what became
    of the file."""

    def __init__(self, problems: list[Problem], outcome: str) -> None:
        super().__init__(problems)
        self.args = (f"{self.args[0]}: {outcome}",)


# -- checking a unit file --------------------------------------------------------------------


def check_text(path: Path, text: str) -> list[Problem]:
    """Every problem ``cmirev validate`` would report if ``path`` held ``text``, checked
    against every other unit cmirev loads, without writing ``path``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cmirev-") as folder:
        trial = Path(folder) / path.name
        trial.write_bytes(text.encode("utf-8"))
        problems = check_file(trial, exclude=path)
    return [replace(p, path=str(path)) if p.path == str(trial) else p for p in problems]


def check_file(path: Path, exclude: Path | None = None) -> list[Problem]:
    """Every problem in one unit file, as ``cmirev validate PATH`` reports them: its schema and
    rules, its links to the other units, and near-duplicates of their items."""
    from cmirev.loader import build_catalog, unit_files
    from cmirev.paths import unit_dirs

    skip = {resolved(path), *([resolved(exclude)] if exclude else [])}
    others = [f for f in unit_files(unit_dirs())[0] if resolved(f) not in skip]
    _, problems = build_catalog([path], context=others, duplicates=True)
    return problems


def resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def as_shown(path: Path, problems: list[Problem]) -> list[Problem]:
    """The problems, with this file named as the learner types it (``~/...``)."""
    from cmirev.paths import shown

    return [replace(p, path=shown(path)) if p.path == str(path) else p for p in problems]
