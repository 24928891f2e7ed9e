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


# Whole modules that drive the installed cmirev in pseudo-terminals, kill it, or simulate
# long histories: `pytest -m "not slow"` leaves them out for a quick local run; CI runs all.
SLOW_MODULES = frozenset(
    {
        "test_terminal",  # the installed cmirev in pseudo-terminals
        "test_reliability",  # kill -9, two drills at once
        "test_guesser",  # a guesser over thousands of questions
        "test_questions",  # question properties over 1,000 seeds
        "test_optimize",  # fitting FSRS on the shared log
        "test_calibration",  # simulated learners
        "test_sync",  # random merges of two computers
        "test_yaml_suite",  # 333 YAML documents
    }
)
# Single tests elsewhere that replay real or simulated histories.
SLOW_TESTS = frozenset(
    {
        "test_replaying_a_real_history_gives_exactly_what_fsrs_computes",
        "test_figures_after_three_weeks",
        "test_a_card_round_trips_through_the_store_unchanged",
        "test_a_busy_store_is_called_busy_and_kept",
        "test_the_draft_corpus_is_judged_as_an_assessor_would",
        "test_an_edited_item_updates_its_note_and_plain_text_survives_anki",
        "test_anki_package_imports_with_decks_note_types_fields_and_tags",
        "test_every_item_is_introduced_before_the_date_even_over_the_daily_limit",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if item.path.stem in SLOW_MODULES or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


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
