"""333 real YAML documents (78 malformed) dropped into a units folder: clear errors, no crash."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from cmirev.cli import app
from cmirev.loader import build_catalog

from .conftest import shared_path


def suite_files() -> list[Path]:
    files = sorted(shared_path("yaml-test-suite").glob("*.yaml"))
    assert len(files) >= 300
    return files


def test_every_suite_document_gives_a_located_error(tmp_path: Path) -> None:
    """Each document, as a unit file, yields at least one problem naming that file."""
    folder = tmp_path / "units"
    folder.mkdir()
    files = suite_files()
    for src in files:
        shutil.copy(src, folder / src.name)
    catalog, problems = build_catalog([folder])
    assert catalog.units == ()
    named = {Path(p.path).name for p in problems}
    assert named == {f.name for f in files}
    malformed = [f.name for f in files if f.name.endswith(".error.yaml")]
    assert len(malformed) >= 70
    for name in malformed:
        mine = [p for p in problems if Path(p.path).name == name]
        assert any(p.line is not None for p in mine), f"{name}: no line number"


def test_validate_on_the_suite_prints_one_line_per_problem(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`cmirev validate FOLDER` exits 1 and prints only `Error: path...` lines, no traceback."""
    folder = tmp_path / "units"
    folder.mkdir()
    for src in suite_files():
        shutil.copy(src, folder / src.name)
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith("Error: ") for line in lines)
    assert all(str(folder) in line for line in lines[:-1])
    assert "Traceback" not in result.stderr
