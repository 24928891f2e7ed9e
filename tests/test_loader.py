"""Loading unit files: valid content loads; every problem is found and located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cmirev.errors import ContentError
from cmirev.loader import build_catalog, load_catalog

from .conftest import FIXTURES

WriteUnit = Callable[[str, str], Path]


def problems_in(folder: Path) -> list[str]:
    """Every problem line for a folder of unit files."""
    _, problems = build_catalog([folder])
    return [str(p) for p in problems]


def test_sample_unit_loads_with_every_section(sample_unit: Path) -> None:
    """A valid unit loads into frozen models with each section's items in file order."""
    catalog = load_catalog([sample_unit.parent], use_cache=False)
    unit = catalog.units[0]
    assert unit.id == "sample-unit"
    assert [lo.id for lo in unit.learning_outcomes] == ["LO1", "LO2"]
    assert unit.key_terms[0].steps == ("Plan", "Do", "Review")
    assert unit.assessment_criteria[0].outcomes == ("LO1", "LO2")
    assert len(unit.items()) == 10
    with pytest.raises(AttributeError):
        unit.title = "changed"  # type: ignore[misc]


def test_schema_errors_name_file_line_and_field(write_unit: WriteUnit, units_dir: Path) -> None:
    """A missing field, a wrong type and an unknown field are each reported with their line."""
    write_unit(
        "bad.yaml",
        """
        id: bad
        title: 12
        qualification: q
        synopsis: s
        overview: o
        misconceptions:
          - id: m1
            claim: A claim with no correction.
          - id: m2
            claim: c
            corection: typo
        """,
    )
    lines = problems_in(units_dir)
    path = units_dir / "bad.yaml"
    assert f"{path}:2: title: should be text" in lines
    assert f"{path}:7: misconceptions[0].correction: required field is missing" in lines
    assert (
        f"{path}:11: misconceptions[1].corection: unknown field 'corection' "
        "(did you mean 'correction'?)" in lines
    )


def test_problems_in_every_file_are_reported_together(
    write_unit: WriteUnit, units_dir: Path
) -> None:
    """Two broken files give problems for both, in one error."""
    write_unit("one.yaml", "id: one\ntitle: [unclosed\n")
    write_unit("two.yaml", "id: two\n")
    with pytest.raises(ContentError) as caught:
        load_catalog([units_dir], use_cache=False)
    paths = {Path(p.path).name for p in caught.value.problems}
    assert paths == {"one.yaml", "two.yaml"}
    syntax = next(p for p in caught.value.problems if p.path.endswith("one.yaml"))
    assert syntax.line == 3
    assert "YAML syntax error" in syntax.message


def test_cross_references_are_checked(write_unit: WriteUnit, units_dir: Path) -> None:
    """Unknown outcomes, criteria without outcomes, duplicate ids and bad figures are errors."""
    write_unit(
        "refs.yaml",
        """
        id: refs
        title: t
        qualification: q
        synopsis: s
        overview: o
        learning_outcomes:
          - {id: LO1, text: one}
          - {id: LO2, text: two}
          - {id: LO3, text: three}
        assessment_criteria:
          - {id: AC1, outcomes: [LO4], text: names an outcome that does not exist}
          - {id: AC2, text: names no outcome}
        guidance:
          - {id: AC1, text: reuses an id}
        facts:
          - {id: f1, statement: It rose by a tenth., figure: 10%, attribution: someone}
        key_terms:
          - {id: k1, term: K, definition: d, steps: [only one]}
        misconceptions:
          - {id: m1, claim: c, correction: d, same_as: [refs/m1, nowhere/m2, refs/zz]}
        """,
    )
    text = "\n".join(problems_in(units_dir))
    assert (
        ":11: assessment_criteria[0].outcomes[0]: no learning outcome 'LO4' (known: LO1, LO2, LO3)"
        in text
    )
    assert (
        "assessment_criteria[1].outcomes: a criterion must name the outcome(s) it evidences" in text
    )
    assert "guidance[0].id: duplicate id 'AC1' (also in assessment_criteria[0])" in text
    assert "facts[0].figure: '10%' does not appear in the statement" in text
    assert "key_terms[0].steps: ordered steps need at least two entries" in text
    assert "misconceptions[0].same_as[0]: an item cannot be the same as itself" in text
    assert "misconceptions[0].same_as[1]: no unit 'nowhere' is loaded" in text
    assert "misconceptions[0].same_as[2]: no item 'refs/zz'" in text


def test_unit_id_must_match_file_name(write_unit: WriteUnit, units_dir: Path) -> None:
    """A unit whose id differs from its file name is refused, naming both."""
    text = (FIXTURES / "sample-unit.yaml").read_text()
    write_unit("other-name.yaml", text)
    assert any(
        "unit id 'sample-unit' does not match the file name 'other-name'" in p
        for p in problems_in(units_dir)
    )


def test_duplicate_keys_are_errors(write_unit: WriteUnit, units_dir: Path) -> None:
    """YAML would silently keep the last of two equal keys; we report the duplicate instead."""
    write_unit("dup.yaml", "id: dup\ntitle: a\ntitle: b\n")
    assert f"{units_dir / 'dup.yaml'}:3: duplicate key 'title'" in problems_in(units_dir)


def test_python_tags_are_refused_and_never_run(
    write_unit: WriteUnit, units_dir: Path, tmp_path: Path
) -> None:
    """A tag that would build a Python object is an error, and nothing in it executes."""
    marker = tmp_path / "ran"
    write_unit(
        "evil.yaml",
        f'id: !!python/object/apply:os.system ["touch {marker}"]\ntitle: x\n',
    )
    lines = problems_in(units_dir)
    assert len(lines) == 1
    assert "evil.yaml:1:" in lines[0]
    assert "python/object/apply" in lines[0]
    assert not marker.exists()


def test_alias_bombs_and_recursive_aliases_are_refused(
    write_unit: WriteUnit, units_dir: Path
) -> None:
    """A billion-laughs document and a self-referencing alias fail fast with a clear message."""
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        rows.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    write_unit("bomb.yaml", "\n".join(rows) + "\n")
    write_unit("loop.yaml", "&a [*a]\n")
    text = "\n".join(problems_in(units_dir))
    assert "bomb.yaml: more than 500,000 YAML nodes: refused" in text
    assert "loop.yaml" in text


def test_empty_and_non_mapping_files(write_unit: WriteUnit, units_dir: Path) -> None:
    """An empty file and a file holding a list get their own plain messages."""
    write_unit("empty.yaml", "")
    write_unit("list.yaml", "- a\n- b\n")
    text = "\n".join(problems_in(units_dir))
    assert "empty.yaml: the file is empty" in text
    assert "list.yaml:1: a unit file must be a mapping, not list" in text


def test_non_utf8_file(units_dir: Path) -> None:
    """Bytes that are not UTF-8 give an error, not a crash."""
    (units_dir / "latin.yaml").write_bytes(b"id: caf\xe9\n")
    assert any("not UTF-8 text" in p for p in problems_in(units_dir))


def test_cache_is_used_and_invalidated_by_an_edit(sample_unit: Path) -> None:
    """A second load reads the cache; editing the file is seen straight away."""
    first = load_catalog([sample_unit.parent])
    assert first.units[0].title == "Sample Unit"
    text = sample_unit.read_text().replace("title: Sample Unit", "title: Edited Unit")
    sample_unit.write_text(text)
    second = load_catalog([sample_unit.parent])
    assert second.units[0].title == "Edited Unit"
    sample_unit.write_text(text.replace("title: Edited Unit", "title: [broken"))
    with pytest.raises(ContentError):
        load_catalog([sample_unit.parent])


def test_a_same_size_edit_with_the_old_time_is_still_seen(sample_unit: Path) -> None:
    """The cache is keyed on the files' contents, not their size and modification time."""
    import os

    load_catalog([sample_unit.parent])
    stat = sample_unit.stat()
    text = sample_unit.read_text()
    sample_unit.write_text(text.replace("title: Sample Unit", "title: Simple Unit"))
    os.utime(sample_unit, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert sample_unit.stat().st_size == stat.st_size
    assert load_catalog([sample_unit.parent]).units[0].title == "Simple Unit"


@pytest.mark.parametrize("right_key", [False, True])
def test_a_planted_cache_never_runs_code(
    sample_unit: Path, tmp_path: Path, right_key: bool
) -> None:
    """A pickle that would run a command, with or without the right key line in front, is a
    cache miss: the catalog is rebuilt and nothing runs (reliability review F3)."""
    import pickle

    from cmirev import loader, paths

    marker = tmp_path / "PWNED"

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (open, (str(marker), "w"))

    load_catalog([sample_unit.parent])  # a genuine cache first
    cache = paths.cache_dir() / "catalog.pickle"
    files, _ = loader.unit_files([sample_unit.parent])
    key = loader._cache_key(files) if right_key else "0" * 40
    cache.write_bytes(key.encode() + b"\n" + pickle.dumps(Payload()))
    catalog = load_catalog([sample_unit.parent])
    assert catalog.units[0].title == "Sample Unit"
    assert not marker.exists()


def test_a_failed_cache_write_leaves_no_temporary_file(
    sample_unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cmirev import paths

    def full(self: Path, data: bytes) -> int:
        with open(self, "wb") as fh:  # part written, then the disk is full
            fh.write(data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    assert load_catalog([sample_unit.parent]).units[0].id == "sample-unit"
    monkeypatch.undo()
    assert list(paths.cache_dir().glob("*.tmp")) == []


def test_siblings_follow_links_both_ways_and_transitively(
    write_unit: WriteUnit, units_dir: Path
) -> None:
    """Marking an overlap once is enough: a->b and b->c put a, b and c in one group."""
    base = "title: t\nqualification: q\nsynopsis: s\noverview: o\n"
    write_unit("a.yaml", "id: a\n" + base + "mistakes: [{id: x, text: t, same_as: [b/x]}]\n")
    write_unit("b.yaml", "id: b\n" + base + "mistakes: [{id: x, text: t, same_as: [c/x]}]\n")
    write_unit("c.yaml", "id: c\n" + base + "mistakes: [{id: x, text: t}]\n")
    catalog = load_catalog([units_dir], use_cache=False)
    assert catalog.siblings()["c/x"] == frozenset({"a/x", "b/x", "c/x"})


def test_schema_and_reference_problems_are_listed_in_one_run(
    write_unit: WriteUnit, units_dir: Path
) -> None:
    """A file with a missing field and a bad outcome link reports both at once, and a link
    into that broken file from another unit is not reported as missing."""
    write_unit(
        "broken.yaml",
        """
        id: broken
        title: t
        qualification: q
        synopsis: s
        overview: o
        learning_outcomes:
          - {id: LO1, text: one}
        assessment_criteria:
          - {id: AC1, outcomes: [LO9], text: credits something}
        misconceptions:
          - {id: m1, claim: no correction here}
        """,
    )
    base = "title: t\nqualification: q\nsynopsis: s\noverview: o\n"
    write_unit(
        "other.yaml", "id: other\n" + base + "mistakes: [{id: x, text: t, same_as: [broken/m1]}]\n"
    )
    lines = problems_in(units_dir)
    assert any(
        "broken.yaml:9: assessment_criteria[0].outcomes[0]: no learning outcome 'LO9'" in p
        for p in lines
    )
    assert any(
        "broken.yaml:11: misconceptions[0].correction: required field is missing" in p
        for p in lines
    )
    assert not any("other.yaml" in p for p in lines)
