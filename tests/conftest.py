"""Fixtures shared by every test: an isolated home, a pinned terminal, sample units."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own CMIREV_HOME, no extra unit folders, no colour, 100 columns."""
    home = tmp_path / "home"
    monkeypatch.setenv("CMIREV_HOME", str(home))
    monkeypatch.delenv("CMIREV_UNITS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture
def runner() -> CliRunner:
    """A CliRunner; stdout and stderr are read separately."""
    return CliRunner()


@pytest.fixture
def units_dir(tmp_path: Path) -> Path:
    """An empty folder to put unit files in."""
    folder = tmp_path / "units"
    folder.mkdir()
    return folder


@pytest.fixture
def write_unit(units_dir: Path) -> Callable[[str, str], Path]:
    """Write a unit file (dedented) into ``units_dir`` and return its path."""

    def write(name: str, text: str) -> Path:
        path = units_dir / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample_unit(units_dir: Path) -> Path:
    """A small valid unit, copied into ``units_dir``."""
    return Path(shutil.copy(FIXTURES / "sample-unit.yaml", units_dir))


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test when it is not beside the checkout."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
