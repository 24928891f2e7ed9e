"""`cmirev export`: an Anki package Anki itself imports (twice, without copies), a Markdown
revision sheet with the learner's readiness, CSV, JSON, and files written whole or not at all."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cmirev.cli import app
from cmirev.export import CSV_COLUMNS
from cmirev.loader import load_catalog
from cmirev.paths import store_path

from .conftest import FIXTURES
from .helpers import answer, study_at

PSL = "public-services-leadership"
PSL_TITLE = "Public Services Leadership"
NOTE_TYPES = {"cmirev term", "cmirev cloze", "cmirev misconception", "cmirev basic"}
# A unit whose text holds HTML, an entity, template braces and a cloze marker: all plain text.
HOSTILE_DEFINITION = "Cost <b>cutting</b> & R&D; {{c1::not a cloze}} {{Term}} a::b"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run cmirev with these arguments: (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def unit_items(unit_id: str) -> list[tuple[str, Any]]:
    """(section, item) for every item of a built-in unit."""
    unit = load_catalog().get(unit_id)
    assert unit is not None
    return unit.items()


# --- Anki ----------------------------------------------------------------------------------------


def anki_collection(path: Path) -> Any:
    """A fresh Anki collection at ``path``, or skip when the anki package cannot be imported."""
    module = pytest.importorskip(
        "anki.collection",
        reason="the anki package is not installed (it is in the test extra: pip install -e '.[test]')",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    return module.Collection(str(path))


def import_package(col: Any, package: Path) -> Any:
    """Import an .apkg the way Anki's import dialog does, with its default options."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()
    )
    return col.import_anki_package(request)


def note_by_item(col: Any, gid: str) -> Any:
    """The imported note of one cmirev item, found by its Item field."""
    found = col.find_notes(f'"Item:{gid}"')
    assert len(found) == 1, f"{gid}: {len(found)} notes"
    return col.get_note(found[0])


def plain(field: str) -> str:
    """An Anki field as the text a learner reads: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_anki_package_imports_with_decks_note_types_fields_and_tags(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Anki imports the package: a deck per unit with a sub-deck per section, one note per
    drillable item in cmirev's own note types, fields filled and tags naming unit, outcome and
    criterion; importing a second export adds nothing."""
    col = anki_collection(tmp_path / "anki" / "collection.anki2")
    package = tmp_path / "psl.apkg"
    code, out, err = run(runner, "export", "anki", str(package), PSL)
    assert (code, err) == (0, "")
    items = [(s, i) for s, i in unit_items(PSL) if s != "prerequisites"]
    assert out.startswith(f"Wrote {len(items)} notes (")
    log = import_package(col, package).log
    assert len(log.new) == len(items)

    sections = {
        "learning_outcomes": "Learning outcomes",
        "concepts": "Key concepts",
        "assessment_criteria": "Assessment criteria",
        "guidance": "Assignment guidance",
        "mistakes": "Common mistakes",
        "misconceptions": "Misconceptions",
        "key_terms": "Key terms",
        "facts": "Facts and findings",
    }
    expected_decks = {PSL_TITLE} | {f"{PSL_TITLE}::{sections[s]}" for s in {s for s, _ in items}}
    decks = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    assert decks == expected_decks
    assert col.note_count() == len(items)
    used = {col.get_note(n).note_type()["name"] for n in col.find_notes("")}
    assert used == NOTE_TYPES

    kotter = note_by_item(col, f"{PSL}/kotter-8-steps")
    assert kotter.note_type()["name"] == "cmirev term"
    assert kotter["Term"] == "Kotter's 8-step change model"
    assert "Establish a sense of urgency" in kotter["Steps"]
    assert "Leading Change" in kotter["Source"]
    assert {f"cmirev::unit::{PSL}", "cmirev::outcome::LO2", "cmirev::criterion::AC2"} <= set(
        kotter.tags
    )
    assert col.decks.name(kotter.cards()[0].did) == f"{PSL_TITLE}::Key terms"

    myth = note_by_item(col, f"{PSL}/public-equals-private")
    assert myth.note_type()["name"] == "cmirev misconception"
    card = myth.cards()[0]
    assert "no different from leading in the private sector" in plain(card.question())
    assert "statutory obligations" not in plain(card.question())
    assert "statutory obligations" in plain(card.answer())

    criterion = note_by_item(col, f"{PSL}/AC1")
    assert criterion.note_type()["name"] == "cmirev cloze"
    assert "{{c1::transformational}}" in criterion["Text"]
    assert len(criterion.cards()) == 2  # one card per key word
    assert "transformational" not in plain(criterion.cards()[0].question())
    assert "cmirev::criterion::AC1" in criterion.tags

    mistake = note_by_item(col, f"{PSL}/leadership-vs-management")
    assert mistake.note_type()["name"] == "cmirev basic"
    assert "separate terms" in mistake["Back"]

    cards = col.card_count()
    again = tmp_path / "psl-again.apkg"
    assert run(runner, "export", "anki", str(again), PSL)[0] == 0
    import_package(col, again)
    assert col.note_count() == len(items)
    assert col.card_count() == cards
    col.close()


def test_a_term_is_asked_both_ways_only_when_its_definition_does_not_name_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A definition that does not give its term away gets a reverse card; Kotter's, which
    names Kotter, does not."""
    col = anki_collection(tmp_path / "anki" / "collection.anki2")
    package = tmp_path / "psl.apkg"
    assert run(runner, "export", "anki", str(package), PSL)[0] == 0
    import_package(col, package)
    strategic = note_by_item(col, f"{PSL}/strategic-leadership")
    assert len(strategic.cards()) == 2
    reverse = plain(strategic.cards()[1].question())
    assert "Setting long-term direction" in reverse
    assert "Strategic leadership" not in reverse
    assert len(note_by_item(col, f"{PSL}/kotter-8-steps").cards()) == 1
    col.close()


def test_an_edited_item_updates_its_note_and_plain_text_survives_anki(
    runner: CliRunner, tmp_path: Path, units_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text with '<', '&' and braces reaches Anki as the same text (no markup, no cloze), and
    a later export of an edited item updates that note instead of adding another."""
    source = (FIXTURES / "sample-unit.yaml").read_text(encoding="utf-8")
    unit_file = units_dir / "sample-unit.yaml"
    definition = "A concept that exists only to be tested."
    hostile = source.replace(definition, json.dumps(HOSTILE_DEFINITION))
    unit_file.write_text(hostile, encoding="utf-8")
    monkeypatch.setenv("CMIREV_UNITS", str(units_dir))
    col = anki_collection(tmp_path / "anki" / "collection.anki2")
    first = tmp_path / "first.apkg"
    code, _, err = run(runner, "export", "anki", str(first), "sample-unit")
    assert (code, err) == (0, "")
    import_package(col, first)
    notes = col.note_count()
    note = note_by_item(col, "sample-unit/test-concept")
    assert plain(note["Definition"]) == HOSTILE_DEFINITION
    answer_side = note.cards()[0].answer()
    assert "<b>cutting</b>" not in answer_side
    assert "{{c1::not a cloze}}" in plain(answer_side)

    unit_file.write_text(source.replace(definition, "A concept, now edited."), encoding="utf-8")
    time.sleep(1.1)  # Anki updates a note from a package only when the package's is newer
    second = tmp_path / "second.apkg"
    assert run(runner, "export", "anki", str(second), "sample-unit")[0] == 0
    log = import_package(col, second).log
    assert len(log.new) == 0
    assert col.note_count() == notes
    assert note_by_item(col, "sample-unit/test-concept")["Definition"] == "A concept, now edited."
    col.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["export", "anki", "-"],
            2,
            "Error: an Anki package is a file: give a name ending in .apkg, not '-'",
        ),
        (
            ["export", "anki", "deck.zip"],
            2,
            "Error: 'deck.zip' does not end in .apkg: Anki imports packages only by that name",
        ),
        (
            ["export", "anky", "deck.apkg"],
            2,
            "Error: unknown export format 'anky'; did you mean 'anki'? (formats: anki, md, csv, json)",
        ),
        (
            ["export", "md", "-", "public-service-leadership"],
            2,
            "Error: unknown unit 'public-service-leadership'; did you mean "
            "'public-services-leadership'? (see 'cmirev units' for ids and codes)",
        ),
    ],
)
def test_bad_arguments_are_one_error_line(
    runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    """A wrong format, file name or unit is one line on stderr with exit 2, and nothing else."""
    got, out, err = run(runner, *args)
    assert (got, out, err) == (code, "", message + "\n")


def test_a_missing_folder_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    """Writing into a folder that does not exist fails with one line and exit 1."""
    target = tmp_path / "nope" / "sheet.md"
    code, out, err = run(runner, "export", "md", str(target))
    assert (code, out) == (1, "")
    assert err == f"Error: cannot write {target}: the folder {target.parent} does not exist\n"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_debris(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writing the package fails half-way, the file it would replace is untouched and no
    temporary file is left beside it."""
    from cmirev import apkg

    target = tmp_path / "deck.apkg"
    target.write_bytes(b"the previous export")

    def fail(decks: object, path: Path) -> None:
        path.write_bytes(b"half a pack")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apkg, "_write_apkg", fail)
    code, _, err = run(runner, "export", "anki", str(target), PSL)
    assert code == 1
    assert err == f"Error: cannot write {target}: No space left on device\n"
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["deck.apkg"]


def test_a_read_only_file_is_not_replaced(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the learner made read-only is refused with one line, not renamed over."""
    target = tmp_path / "sheet.md"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root may write anything: answer as a user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == target else real(p, m))
    code, _, err = run(runner, "export", "md", str(target), PSL)
    assert (code, err) == (1, f"Error: cannot write {target}: it is read-only\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_an_existing_file_is_replaced_whole(runner: CliRunner, tmp_path: Path) -> None:
    """Exporting over a longer file leaves exactly the new sheet, nothing of the old one."""
    target = tmp_path / "sheet.md"
    target.write_text("old line\n" * 100_000, encoding="utf-8")
    code, out, _ = run(runner, "export", "md", str(target), "sample-unit-missing")
    assert code == 2  # an unknown unit: the old file stays
    assert target.read_text(encoding="utf-8").startswith("old line")
    code, out, _ = run(runner, "export", "md", str(target), PSL)
    assert code == 0
    assert out == f"Wrote {len(unit_items(PSL))} items of 1 unit(s) to {target}.\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# {PSL_TITLE}\n")
    assert "old line" not in text


# --- Markdown, CSV, JSON --------------------------------------------------------------------------


def test_markdown_sheet_has_sections_items_misconceptions_and_criteria(runner: CliRunner) -> None:
    """The sheet on standard output shows every section, each misconception with its
    correction and each criterion with the outcome it evidences; no history, no readiness."""
    code, out, err = run(runner, "export", "md", "-", PSL)
    assert (code, err) == (0, "")
    assert out.startswith(f"# {PSL_TITLE}\n")
    for heading in ("Learning outcomes", "Assessment criteria", "Misconceptions", "Key terms"):
        assert f"\n## {heading}\n" in out
    assert out.count("**Myth:**") == out.count("**Correction:**") > 3
    assert "- **AC2** (evidences LO2): A detailed analysis of how communication" in out
    assert "  1. Establish a sense of urgency" in out
    assert "recall now" not in out
    assert "No review history yet" in out
    assert not store_path().exists()  # exporting never creates a review store


def test_markdown_escapes_plain_text(runner: CliRunner, units_dir: Path, monkeypatch: Any) -> None:
    """Characters Markdown reads as markup are escaped, so the sheet shows the text as written."""
    source = (FIXTURES / "sample-unit.yaml").read_text(encoding="utf-8")
    definition = "A concept that exists only to be tested."
    (units_dir / "sample-unit.yaml").write_text(
        source.replace(definition, json.dumps("Use *stars* and <tags> as_is.")), encoding="utf-8"
    )
    monkeypatch.setenv("CMIREV_UNITS", str(units_dir))
    _, out, _ = run(runner, "export", "md", "-", "sample-unit")
    assert r"- **Test concept**: Use \*stars\* and \<tags\> as\_is." in out


@pytest.fixture
def studied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A store where three items of the unit were answered (two right, one wrong), and the
    CMIREV_NOW a day later to export at."""
    catalog = load_catalog()
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    study = study_at(catalog, path, start)
    answer(study, f"{PSL}/strategic-leadership", True)
    answer(study, f"{PSL}/public-equals-private", True)
    answer(study, f"{PSL}/AC1", False)
    study.store.close()
    return {"CMIREV_NOW": (start + timedelta(days=1)).isoformat()}


def test_markdown_shows_readiness_after_answers(runner: CliRunner, studied: dict[str, str]) -> None:
    """With history, each answered item shows its predicted recall now, unseen ones say they
    are not studied yet, and the unit has a mean."""
    code, out, _ = run(runner, "export", "md", "-", PSL, env=studied)
    assert code == 0
    lines = out.splitlines()

    def note(start: str) -> str:
        line = next(line for line in lines if line.startswith(start))
        found = re.search(r"\*\((recall now: \d+%|not studied yet)\)\*", line)
        assert found, line
        return found.group(1)

    strategic = note("- **Strategic leadership**")
    myth = note("- **Myth:** Leading in the public sector")
    criterion = note("- **AC1**")
    assert strategic.startswith("recall now:") and myth.startswith("recall now:")
    assert criterion.startswith("recall now:")
    percent = {
        name: int(re.sub(r"\D", "", text)) for name, text in (("ac1", criterion), ("sl", strategic))
    }
    assert percent["ac1"] < percent["sl"]  # the item answered wrongly is the weaker
    assert note("- **Change management**") == "not studied yet"
    mean = re.search(r"\*\*Readiness:\*\* (\d+)% mean predicted recall now \(3 of \d+ items", out)
    assert mean, out[:800]
    _, stats, _ = run(runner, "stats", "--json", "--unit", PSL, env=studied)
    assert int(mean.group(1)) == round(json.loads(stats)["units"][0]["readiness"] * 100)
    before = out.split("## Before you start\n")[1].split("\n## ")[0]
    assert before.count("\n- ") >= 1 and "*(" not in before  # never drilled: no readiness
    assert "No review history yet" not in out


def test_csv_has_a_row_per_item_with_links_and_readiness(
    runner: CliRunner, tmp_path: Path, studied: dict[str, str]
) -> None:
    """The CSV file (UTF-8 with a byte-order mark, for Excel) has the documented columns and one
    row per item; answered items carry a readiness between 0 and 1, others none."""
    target = tmp_path / "items.csv"
    code, _, _ = run(runner, "export", "csv", str(target), PSL, env=studied)
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == CSV_COLUMNS
    assert len(table) == len(unit_items(PSL))
    rows = {r["id"]: r for r in table}
    myth = rows["public-equals-private"]
    assert myth["section"] == "misconceptions" and myth["kind"] == "misconception"
    assert myth["front"].startswith("Leading in the public sector is no different")
    assert myth["back"].startswith("Public sector leaders work under statutory obligations")
    kotter = rows["kotter-8-steps"]
    assert (kotter["outcomes"], kotter["criteria"]) == ("LO2", "AC2")
    assert rows["AC1"]["outcomes"] == "LO1" and rows["AC1"]["criteria"] == "AC1"
    assert rows["LO3"]["criteria"] == "AC3"
    assert 0 < float(myth["readiness"]) <= 1
    assert kotter["readiness"] == ""


def test_csv_on_standard_output_has_no_byte_order_mark(runner: CliRunner) -> None:
    """'-' writes the CSV alone to standard output, without a BOM or a summary line."""
    code, out, _ = run(runner, "export", "csv", "-", PSL)
    assert code == 0
    assert out.startswith(",".join(CSV_COLUMNS) + "\n")
    assert len(list(csv.reader(io.StringIO(out)))) == len(unit_items(PSL)) + 1


def test_json_holds_every_unit_and_item_with_its_fields(
    runner: CliRunner, studied: dict[str, str]
) -> None:
    """JSON for all units has each item with its columns, its own fields and its readiness."""
    code, out, _ = run(runner, "export", "json", "-", "all", env=studied)
    assert code == 0
    data = json.loads(out)
    assert data["history"] is True
    catalog = load_catalog()
    assert [u["id"] for u in data["units"]] == [u.id for u in catalog.units]
    assert sum(len(u["items"]) for u in data["units"]) == sum(len(u.items()) for u in catalog.units)
    psl = next(u for u in data["units"] if u["id"] == PSL)
    items = {i["global_id"]: i for i in psl["items"]}
    fact = next(i for i in items.values() if i["kind"] == "fact")
    assert fact["source"] and fact["fields"]["attribution"] in fact["source"]
    assert items[f"{PSL}/public-equals-private"]["fields"]["claim"].startswith("Leading")
    assert items[f"{PSL}/public-equals-private"]["readiness"] > 0
    assert items[f"{PSL}/kotter-8-steps"]["readiness"] is None
    assert (
        "collaborative-public-services-project"
        in (items[f"{PSL}/public-equals-private"]["shared_with"])
    )
