"""`cmirev plan` and `cmirev check`: an outline from the criteria, and a draft checked against them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cmirev.cli import app

from .conftest import FIXTURES

PSL = "public-services-leadership"


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def draft(tmp_path: Path, text: str, name: str = "draft.md") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def findings(runner: CliRunner, path: Path, unit: str = PSL) -> dict:  # type: ignore[type-arg]
    code, out, err = run(runner, "check", str(path), "--unit", unit, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def codes(report: dict, kind: str) -> list[str]:  # type: ignore[type-arg]
    return [f["code"] for f in report["findings"] if f["kind"] == kind]


def test_plan_has_a_section_per_criterion_with_its_verb_budget_and_models(
    runner: CliRunner,
) -> None:
    code, out, _ = run(runner, "plan", PSL, "--json")
    assert code == 0
    plan = json.loads(out)
    assert [s["id"] for s in plan["sections"]] == ["AC1", "AC2", "AC3"]
    ac1 = plan["sections"][0]
    assert ac1["verb"] == "Critically evaluate" and "judgement" in ac1["depth"]
    names = [m["name"] for m in ac1["models"]]
    assert "Situational leadership" in names and "Transformational leadership" in names
    fails = {m["name"]: m["fails"] for m in ac1["models"]}
    assert "Graeff" in fails["Situational leadership"]  # a published critique, cited
    assert any("action plan" in c for c in ac1["checklist"])
    budget = sum(s["words"] for s in plan["sections"])
    assert abs(budget + plan["introduction_words"] + plan["conclusion_words"] - 2750) <= 3
    assert ac1["words"] > plan["sections"][2]["words"]  # more demands, more words
    code, out, _ = run(runner, "plan", PSL, "--words", "3000", "--json")
    assert json.loads(out)["words"] == 3000
    code, out, _ = run(runner, "plan", PSL)
    assert code == 0 and "## AC2:" in out and "- [ ] A heading that names AC2" in out


def test_plan_writes_a_word_document_with_real_headings_that_check_reads_back(
    runner: CliRunner, tmp_path: Path
) -> None:
    import docx

    path = tmp_path / "outline.docx"
    code, out, _ = run(runner, "plan", PSL, "--out", str(path))
    assert code == 0 and "Wrote the outline" in out
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0].startswith("Introduction") and headings[-1] == "References"
    assert [h.split(":")[0] for h in headings[1:4]] == ["AC1", "AC2", "AC3"]
    report = findings(runner, path)
    assert all(c["line"] is not None for c in report["criteria"])  # each one signposted
    # The outline's facts cite their sources, and it has no reference list yet.
    assert set(codes(report, "reference")) == {"missing-entry"}
    md = tmp_path / "outline.md"
    assert run(runner, "plan", PSL, "--out", str(md))[0] == 0
    assert md.read_text().startswith("# Public Services Leadership: assignment outline")


def test_plan_refuses_what_it_cannot_do(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = run(runner, "plan", "leadership-in-practice")
    assert code == 1 and out == "" and "has no assessment criteria" in err
    code, _, err = run(runner, "plan", PSL, "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "--out must end in .md or .docx" in err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"  \n", "the draft is empty"),
        ("binary.md", b"\x00\x01\x02 not text", "binary file, not text"),
        ("latin.txt", "caf\xe9 society".encode("latin-1"), "not UTF-8 text"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "encrypted"),
        ("draft.pdf", b"%PDF-1.4", "must be .md, .txt or .docx"),
    ],
)
def test_an_unreadable_draft_is_one_line_and_exit_1(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    path = folder / name
    path.write_bytes(content)
    code, out, err = run(runner, "check", str(path), "--unit", PSL)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert [p.name for p in folder.iterdir()] == [name]  # nothing written beside it
    assert not (tmp_path / "home" / "reviews.sqlite3").exists()  # nor stored


def test_references_are_matched_between_text_and_list(runner: CliRunner, tmp_path: Path) -> None:
    path = draft(
        tmp_path,
        """
        # AC1: Leadership models

        Burns (1978) contrasted two kinds of leadership, and later work built on it (Bass and Avolio, 1990; Kotter, 1996).

        ## References

        Bass, B.M. and Avolio, B.J. (1990) Developing transformational leadership. Journal of European Industrial Training.
        Burns, J.M. (1978) Leadership. New York: Harper & Row.
        Northouse, P.G. (2019) Leadership: Theory and Practice. London: Sage.
        """,
    )
    report = findings(runner, path)
    refs = {(f["code"], f["reference"]) for f in report["findings"] if f["kind"] == "reference"}
    assert refs == {("missing-entry", "Kotter 1996"), ("uncited-entry", "Northouse 2019")}
    bare = draft(tmp_path, "# AC1\n\nI lead a team at the council.\n", "bare.md")
    assert codes(findings(runner, bare), "reference") == ["no-references"]


def test_signs_of_common_mistakes(runner: CliRunner, tmp_path: Path) -> None:
    path = draft(
        tmp_path,
        """
        # AC1: Leadership models and my development

        Situational leadership matches the leader's style to a follower's readiness for a task.

        Leadership, or management as it is also called, is about getting results through people.

        ## Conclusion

        Tuckman's stages explain why new groups struggle (Tuckman, 1965).
        """,
    )
    report = findings(runner, path)
    mistakes = {(f["code"], f["line"]) for f in report["findings"] if f["kind"] == "mistake"}
    assert ("model-not-evaluated", 3) in mistakes
    assert ("leadership-as-management", 5) in mistakes
    assert ("conclusion-new-material", 9) in mistakes
    assert ("no-workplace-evidence", None) in mistakes


def test_near_misses_are_not_accused(runner: CliRunner, tmp_path: Path) -> None:
    """Leadership and management named together, and a model evaluated, are not mistakes; a
    refuted myth is not a misconception."""
    path = draft(
        tmp_path,
        """
        # AC1: Leadership models

        People in leadership or management roles in my council team need both skills. Situational leadership suits new starters, however its evidence base is weak. The claim that 93% of communication is non-verbal is a misreading of Mehrabian's experiments.
        """,
    )
    report = findings(runner, path)
    assert codes(report, "mistake") == []
    assert codes(report, "misconception") == []


def test_check_works_on_a_users_own_unit(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = tmp_path / "units"
    units.mkdir()
    (units / "sample-unit.yaml").write_text((FIXTURES / "sample-unit.yaml").read_text())
    monkeypatch.setenv("CMIREV_UNITS", str(units))
    path = draft(tmp_path, "# AC1: a unit file that validates\n\nMy team wrote one.\n")
    report = findings(runner, path, "sample-unit")
    assert report["unit"] == "sample-unit" and [c["id"] for c in report["criteria"]] == ["AC1"]
    code, out, _ = run(runner, "plan", "sample-unit", "--json")
    assert code == 0 and json.loads(out)["sections"][0]["id"] == "AC1"


def test_check_json_has_the_documented_shape(runner: CliRunner, tmp_path: Path) -> None:
    path = draft(tmp_path, "# Intro\n\nSome words here.\n")
    report = findings(runner, path)
    assert {"unit", "words", "word_range", "criteria", "findings"} <= set(report)
    assert isinstance(report["words"], int) and report["word_range"] == [2250, 3300]
    assert all(c["status"] in ("addressed", "thin", "missing") for c in report["criteria"])
    kinds = {"length", "criterion", "misconception", "mistake", "reference"}
    for f in report["findings"]:
        assert f["kind"] in kinds and {"line", "item", "message", "reference"} <= set(f)
    code, out, _ = run(runner, "check", str(path), "--unit", PSL)
    assert code == 0 and "AC1: MISSING" in out


def test_the_draft_corpus_is_judged_as_an_assessor_would() -> None:
    """tests/drafts: sixteen drafts with expected findings written before the checker. No false
    accusation (precision 1.0 for misconceptions and mistakes), at least 80% of planted
    misconceptions found, criterion status right for 90% of criterion-draft pairs, nothing but
    length on the clean drafts."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from check_corpus import evaluate

    result = evaluate()
    kinds = result["kinds"]
    assert result["drafts"] >= 12
    assert kinds["misconception"]["precision"] in (1.0, None)
    assert kinds["misconception"]["recall"] >= 0.8
    assert kinds["mistake"]["precision"] == 1.0 and kinds["mistake"]["recall"] >= 0.8
    assert kinds["reference"]["precision"] == 1.0 and kinds["reference"]["recall"] == 1.0
    assert kinds["length"]["precision"] == 1.0 and kinds["length"]["recall"] == 1.0
    assert result["criteria_agreement"] >= 0.9
    assert result["clean_extra"] == []


def test_a_users_unit_without_signals_still_gets_a_careful_match_and_its_own_mistakes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no signals, a sentence all but restating the claim is found (similarity fallback)
    and its correction is not; a unit's mistake with a signal is reported with the item."""
    units = tmp_path / "units"
    units.mkdir()
    text = (FIXTURES / "sample-unit.yaml").read_text()
    text = text.replace(
        "  - id: mistake-one\n    text: Writing vague examples.\n",
        "  - id: mistake-one\n    text: Writing vague examples.\n"
        "    signals: ['\\bsomething like\\b']\n",
    )
    (units / "sample-unit.yaml").write_text(text)
    monkeypatch.setenv("CMIREV_UNITS", str(units))
    path = draft(
        tmp_path,
        """
        # AC1: a unit file that validates

        Tests are optional in my team.

        Every behaviour a user notices needs a test, so my team writes them.

        We did something like a review of the unit file.
        """,
    )
    report = findings(runner, path, "sample-unit")
    found = {(f["code"], f["line"], f["item"]) for f in report["findings"]}
    assert ("states-misconception", 3, "sample-unit/tests-are-optional") in found
    assert not any(f[0] == "states-misconception" and f[1] == 5 for f in found)
    assert ("unit-mistake", 7, "sample-unit/mistake-one") in found
