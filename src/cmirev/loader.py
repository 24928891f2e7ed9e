"""Find unit files, parse them safely, validate them and report every problem at once.

Parsing uses PyYAML's safe loader (the C one where it is built), keeping the node tree so that
every problem, whether from the YAML parser, the schema or a cross-reference, can name the file
and line it is on. Nothing here prints: problems are collected and raised as one
:class:`~cmirev.errors.ContentError`.

Validated catalogs are cached so that the commands that only read content do not pay for
Pydantic and YAML at every start: a pickle behind a first line holding a digest of the unit
files' contents, of the loading code and of cmirev's version. The digest is compared before
anything is unpickled, and the unpickler accepts cmirev's content classes only, so a cache
file planted by someone else is a miss, never code that runs. ``cmirev validate`` never uses
the cache.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmirev import __version__
from cmirev.errors import ContentError, Problem
from cmirev.models import Catalog, Unit

if TYPE_CHECKING:  # pragma: no cover - typing only
    import yaml

UNIT_SUFFIXES = (".yaml", ".yml")
# A file whose node tree, with aliases expanded, is larger than this is refused: it is either
# not a unit file or a "billion laughs" document built to exhaust memory.
MAX_NODES = 500_000


MAX_UNIT_BYTES = 5_000_000  # the shipped units are 30-120 KB; a unit file is never this big
# An alias repeats its anchor's text: a small file can expand to a huge one (a 150 KB file to
# 200 MB, the reliability review found). Text once expanded is capped at this many characters.
MAX_EXPANDED = 20_000_000


def unit_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The unit files in these files and folders (folders are not searched recursively; the
    suffix may be in any case). A FIFO, a device or a symlink loop is a problem, not a file
    to read: reading it could hang or never end."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            if path.is_dir():
                found = sorted(p for p in path.iterdir() if p.suffix.lower() in UNIT_SUFFIXES)
            elif path.exists() or path.is_symlink():
                found = [path]
            else:
                problems.append(Problem(str(path), None, "", "no such file or folder"))
                continue
        except OSError as exc:
            problems.append(Problem(str(path), None, "", f"cannot read: {exc.strerror or exc}"))
            continue
        for candidate in found:
            if candidate.is_file():
                files.append(candidate)
            else:
                problems.append(
                    Problem(
                        str(candidate),
                        None,
                        "",
                        "not a regular file (a device, a pipe, a folder or a symlink loop)",
                    )
                )
    return files, problems


def parse_file(path: Path) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """Parse one YAML file: (data, root node, problems). Data is None when it cannot be used."""
    import yaml

    loader_class: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    name = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_UNIT_BYTES + 1)
        if len(raw) > MAX_UNIT_BYTES:
            return None, None, [Problem(name, None, "", "too large for a unit file (over 5 MB)")]
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, [Problem(name, None, "", f"not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return None, None, [Problem(name, None, "", f"cannot read: {exc.strerror or exc}")]
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return (
                None,
                None,
                [Problem(name, None, "", "the file is empty: a unit needs id, title...")],
            )
        problems = _check_tree(name, node)
        if problems:
            return None, node, problems
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, None, [_yaml_problem(name, exc)]
    except yaml.YAMLError as exc:
        return None, None, [Problem(name, None, "", f"YAML error: {exc}")]
    except RecursionError:
        return None, None, [Problem(name, None, "", "YAML nested too deeply")]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        line = node.start_mark.line + 1
        return None, node, [Problem(name, line, "", f"a unit file must be a mapping, not {kind}")]
    return data, node, []


def _yaml_problem(name: str, exc: Any) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
    return Problem(name, line, "", f"YAML syntax error: {what or exc}")


def _check_tree(name: str, root: yaml.Node) -> list[Problem]:
    """Duplicate keys, recursive aliases and alias bombs, found before construction."""
    import yaml

    problems: list[Problem] = []
    seen = 0
    text = 0  # characters of text once aliases are expanded
    stack: list[tuple[yaml.Node, frozenset[int]]] = [(root, frozenset())]
    while stack:
        node, ancestors = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return [Problem(name, None, "", f"more than {MAX_NODES:,} YAML nodes: refused")]
        if isinstance(node, yaml.ScalarNode):
            text += len(node.value)
            if text > MAX_EXPANDED:
                return [
                    Problem(
                        name,
                        None,
                        "",
                        f"more than {MAX_EXPANDED // 1_000_000} MB of text once its aliases are "
                        "expanded: refused",
                    )
                ]
        if id(node) in ancestors:
            line = node.start_mark.line + 1
            return [Problem(name, line, "", "recursive YAML alias: refused")]
        if isinstance(node, yaml.MappingNode):
            inner = ancestors | {id(node)}
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        msg = f"duplicate key '{key.value}'"
                        problems.append(Problem(name, key.start_mark.line + 1, "", msg))
                    keys.add(key.value)
                stack.append((key, inner))
                stack.append((value, inner))
        elif isinstance(node, yaml.SequenceNode):
            inner = ancestors | {id(node)}
            stack.extend((child, inner) for child in node.value)
    return problems


def load_units(
    paths: Iterable[Path],
) -> tuple[list[tuple[Path, Unit, Any]], list[Problem], frozenset[str]]:
    """Parse and validate each unit file on its own.

    Returns (path, unit, root node) for valid files, every problem, and the global ids every
    parsed file declares (valid or not).
    """
    from cmirev.checks import check_unit, global_ids, validate_unit

    files, problems = unit_files(paths)
    loaded: list[tuple[Path, Unit, Any]] = []
    declared: set[str] = set()
    for path in files:
        data, root, found = parse_file(path)
        if data is None:
            problems.extend(found)
            continue
        unit, found = validate_unit(str(path), data, root)
        problems.extend(found)
        problems.extend(check_unit(str(path), data, root))
        declared |= global_ids(data)
        if unit is not None:
            loaded.append((path, unit, root))
    return loaded, problems, frozenset(declared)


def _resolved(path: Path) -> Path:
    """The path with symlinks resolved, or made absolute when it cannot be (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def build_catalog(
    paths: Iterable[Path], context: Iterable[Path] = (), *, duplicates: bool = False
) -> tuple[Catalog, list[Problem]]:
    """Load, validate and cross-check the units in ``paths``.

    Units in ``context`` (already-installed units, say) are loaded too, so that references to
    them resolve, but only problems in ``paths`` are reported. ``duplicates`` also reports
    near-duplicate items (``cmirev validate`` does; loading for a quiz does not refuse them).
    """
    from cmirev.checks import check_catalog, check_duplicates

    # Parsing builds many small objects that all stay alive (the node trees are kept to locate
    # problems); the cyclic GC would rescan them again and again for nothing: bench/load.py
    # measured loading 2.4 times faster with it paused.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        loaded, problems, declared = load_units(paths)
        wanted = {_resolved(p) for p, _, _ in loaded} | {_resolved(Path(p.path)) for p in problems}
        context_loaded, _, _ = load_units(context)
    finally:
        if was_enabled:
            gc.enable()
    extra = [entry for entry in context_loaded if _resolved(entry[0]) not in wanted]
    problems.extend(check_catalog(loaded, extra, declared))
    if duplicates:
        problems.extend(check_duplicates(loaded, extra))
    # Units from seeds first, in seed order (the award's own order), then the rest by id;
    # the folders keep their order (built-in, then CMIREV_UNITS).
    folders = {d: n for n, d in enumerate(dict.fromkeys(p.parent for p, _, _ in loaded))}
    loaded.sort(key=lambda e: (folders[e[0].parent], e[1].seed is None, e[1].seed or "", e[1].id))
    catalog = Catalog(
        units=tuple(unit for _, unit, _ in loaded),
        paths={unit.id: str(path) for path, unit, _ in loaded},
    )
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return catalog, problems


def _cache_key(files: list[Path]) -> str:
    """A digest of the unit files' contents and of the code that builds a catalog (so a
    same-size edit that keeps its modification time still misses)."""
    import hashlib

    here = Path(__file__).parent
    # The catalog caches which formats each item can be asked in (derive): the question
    # code decides that too.
    code = [here / "models.py", here / "loader.py", here / "checks.py"]
    code += sorted((here / "questions").glob("*.py"))
    digest = hashlib.blake2b(f"{__version__} {sys.version_info[:2]}".encode(), digest_size=20)
    for path in [*code, *files]:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class _CatalogUnpickler(pickle.Unpickler):
    """Unpickles a catalog and nothing else: only cmirev's own content classes may be named,
    so a planted pickle cannot run code (the pickle module's own advice for untrusted data)."""

    def find_class(self, module: str, name: str) -> Any:
        from cmirev import models

        if module == "cmirev.models" and name in models.PICKLABLE:
            return getattr(models, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a catalog")


def load_catalog(dirs: Sequence[Path] | None = None, *, use_cache: bool = True) -> Catalog:
    """Every unit cmirev would load (built-in and ``CMIREV_UNITS``), validated.

    Raises ContentError listing every problem when any file is unusable.
    """
    from cmirev import paths as cmirev_paths

    if dirs is None:
        dirs = cmirev_paths.unit_dirs()
    missing = [d for d in dirs if not d.is_dir()]
    if missing:
        raise ContentError(
            [
                Problem(str(d), None, "", "unit folder not found (check CMIREV_UNITS)")
                for d in missing
            ]
        )
    files, _ = unit_files(dirs)
    if not files:
        raise ContentError([Problem(str(dirs[0]), None, "", "no unit files (*.yaml) found")])
    cache_file = cmirev_paths.cache_dir() / "catalog.pickle"
    try:
        key = _cache_key(files) if use_cache else None
    except OSError:
        key = None  # a file that cannot be read is reported by the build below
    if key is not None:
        cached = _read_cache(cache_file, key)
        if cached is not None:
            return cached
    catalog, problems = build_catalog(dirs)
    if problems:
        raise ContentError(problems)
    if key is not None:
        catalog = derive(catalog)
        _write_cache(cache_file, key, catalog)
    return catalog


def derive(catalog: Catalog) -> Catalog:
    """The catalog with what follows from its content alone worked out once, to be cached
    with it: the formats each item can be asked in, and the same_as groups. Without them every
    command would index the whole catalog's wording to find which items can be drilled
    (seconds at 100,000 items; bench/scale.py)."""
    from dataclasses import replace

    from cmirev.questions import Generator

    generator = Generator(catalog)
    formats = {
        f"{unit.id}/{item.id}": tuple(generator.formats_for(unit, section, item))
        for unit in catalog.units
        for section, item in unit.items()
    }
    return replace(
        catalog,
        formats=formats,
        groups=catalog.group_of(),
        idf=(generator.sim.idf, generator.sim.count),
        vocabulary=generator.vocabulary,
    )


def _read_cache(cache_file: Path, key: str) -> Catalog | None:
    """The cached catalog when the file's first line is this key, else None. The key is
    compared before anything is unpickled, and the unpickler accepts content classes only."""
    try:
        with cache_file.open("rb") as fh:
            if fh.readline().rstrip(b"\n") != key.encode():
                return None
            # Unpickling makes an object per field of every item, all long-lived: the cyclic GC
            # would scan them again and again (1.6x slower at 100,000 items), and later
            # collections need not scan them at all (freeze).
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                catalog = _CatalogUnpickler(fh).load()
            finally:
                if was_enabled:
                    gc.enable()
            gc.freeze()
    except Exception:  # noqa: BLE001 - any unreadable or refused cache is just a miss
        return None
    return catalog if isinstance(catalog, Catalog) else None


def _write_cache(cache_file: Path, key: str, catalog: Catalog) -> None:
    tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.write_bytes(key.encode() + b"\n" + data)
        os.replace(tmp, cache_file)
    except OSError:
        # The cache is only a speed-up: a read-only or full home still works, and no
        # half-written temporary file is left behind.
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
