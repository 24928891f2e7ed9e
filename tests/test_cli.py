"""The command line as a user drives it: output, exit codes and error lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cmirev.cli import app

from .conftest import FIXTURES, REPO, shared_path

BUILTIN = [
    "public-services-leadership",
    "collaborative-public-services-project",
    "planning-to-meet-public-services-customer-requirements",
    "how-assignments-are-judged",
    "leadership-in-practice",
]


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run cmirev with these arguments: (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version(runner: CliRunner) -> None:
    """--version prints the package version."""
    code, out, _ = run(runner, "--version")
    assert code == 0
    assert re.fullmatch(r"cmirev \d+\.\d+\.\d+\n", out)


def test_units_table_lists_every_builtin_unit_with_counts(runner: CliRunner) -> None:
    """`cmirev units` shows each built-in unit with its section counts and total."""
    code, out, _ = run(runner, "units")
    assert code == 0
    for unit_id in BUILTIN:
        assert unit_id in out
    header = out.splitlines()[0].split()
    assert header[:4] == ["Code", "Unit", "LO", "Con"]
    assert header[-1] == "All"


def test_units_json_counts_match_show_json(runner: CliRunner) -> None:
    """The counts in `units --json` agree with the items `show --json` lists."""
    _, out, _ = run(runner, "units", "--json")
    units = {u["id"]: u for u in json.loads(out)}
    assert set(units) == set(BUILTIN)
    _, out, _ = run(runner, "show", "misconceptions", "--json")
    shown = json.loads(out)
    for unit_id, unit in units.items():
        assert unit["counts"]["misconceptions"] == sum(1 for e in shown if e["unit"] == unit_id)


def test_show_misconceptions_groups_by_unit_and_marks_shared(runner: CliRunner) -> None:
    """Every misconception appears with its correction, under its unit, shared ones tagged."""
    code, out, _ = run(runner, "show", "misconceptions")
    assert code == 0
    assert out.count("Myth: ") == out.count("Correction: ")
    assert "Misconceptions: Public Services Leadership" in out
    shared_lines = [line for line in out.splitlines() if "shared: also in" in line]
    assert len(shared_lines) >= 3
    assert any("collaborative-public-services-project" in line for line in shared_lines)


def test_show_json_records_have_global_ids_and_siblings(runner: CliRunner) -> None:
    """JSON records carry the unit, global id, fields and the units sharing the idea."""
    _, out, _ = run(runner, "show", "misconceptions", "--json")
    records = {r["global_id"]: r for r in json.loads(out)}
    rec = records["public-services-leadership/public-equals-private"]
    assert rec["claim"]
    assert rec["correction"]
    assert rec["section"] == "misconceptions"
    assert "collaborative-public-services-project" in rec["shared_with"]


def test_show_unit_prints_a_revision_sheet(runner: CliRunner) -> None:
    """`cmirev show UNIT` prints the synopsis and every non-empty section."""
    code, out, _ = run(runner, "show", "public-services-leadership")
    assert code == 0
    for heading in (
        "Synopsis",
        "Learning outcomes",
        "Assessment criteria",
        "Key terms",
        "Misconceptions",
    ):
        assert f"\n{heading}\n" in out
    assert "Create a sense of urgency" in out or "urgency" in out


def test_show_search_and_unit_filters(runner: CliRunner) -> None:
    """--search keeps items containing every word; --unit limits to one unit."""
    _, out, _ = run(runner, "show", "terms", "--search", "kotter", "--json")
    records = json.loads(out)
    assert records
    assert all("kotter" in json.dumps(r).lower() for r in records)
    _, out, _ = run(runner, "show", "terms", "--unit", "public-services-leadership", "--json")
    assert {r["unit"] for r in json.loads(out)} == {"public-services-leadership"}
    code, out, _ = run(runner, "show", "terms", "--search", "zzzqqq")
    assert code == 0
    assert "Nothing matches 'zzzqqq'." in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["show", "misconception"],
            "Error: unknown section or unit 'misconception'; did you mean 'misconceptions'?",
        ),
        (
            ["show", "terms", "--unit", "public-service-leadership"],
            "Error: unknown unit 'public-service-leadership'; did you mean 'public-services-leadership'?",
        ),
    ],
)
def test_unknown_names_get_did_you_mean_and_exit_2(
    runner: CliRunner, args: list[str], expected: str
) -> None:
    """A mistyped section or unit is a usage error (exit 2) with a suggestion on stderr."""
    code, out, err = run(runner, *args)
    assert code == 2
    assert out == ""
    assert err.splitlines()[0].startswith(expected)


def test_validate_builtin_units_is_clean(runner: CliRunner) -> None:
    """`cmirev validate` with no paths checks every loaded unit and says so in one line."""
    code, out, _ = run(runner, "validate")
    assert code == 0
    assert re.fullmatch(rf"OK: {len(BUILTIN)} unit files, \d+ items, no problems\.\n", out)


def test_validate_reports_every_problem_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    """Each problem is one `path:line: field: message` line on stderr, then a summary."""
    bad = tmp_path / "bad-unit.yaml"
    bad.write_text("id: bad-unit\ntitle: t\nsynopsis: 3\n")
    code, out, err = run(runner, "validate", str(bad))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert f"Error: {bad}:1: qualification: required field is missing" in lines
    assert f"Error: {bad}:3: synopsis: should be text" in lines
    assert lines[-1].startswith("Error: 3 problems in 1 file")
    assert "Traceback" not in err


def test_validate_resolves_references_to_builtin_units(runner: CliRunner, tmp_path: Path) -> None:
    """A tutor's unit may point same_as at a built-in item; validating it alone works."""
    text = (
        (FIXTURES / "sample-unit.yaml")
        .read_text()
        .replace(
            "    outcomes: [LO2]\n",
            "    outcomes: [LO2]\n    same_as: [public-services-leadership/public-equals-private]\n",
        )
    )
    path = tmp_path / "sample-unit.yaml"
    path.write_text(text)
    code, out, err = run(runner, "validate", str(path))
    assert (code, err) == (0, "")
    assert out == "OK: 1 unit file, 10 items, no problems.\n"


def test_validate_flags_an_unlinked_near_duplicate(runner: CliRunner, tmp_path: Path) -> None:
    """A misconception restating a built-in one is reported with both ids, exit 1, until it is
    linked by same_as or marked distinct_from."""
    twin = """
  - id: wicked-is-evil
    claim: A wicked problem is an evil problem, or just a very difficult one.
    correction: >-
      Wicked means highly resistant to resolution: the problem has no definitive formulation,
      no final solution, and each attempt to solve it changes it.
"""
    base = (FIXTURES / "sample-unit.yaml").read_text()
    text = base.replace(
        "prerequisites:", twin.lstrip("\n").replace("  - id", "  - id", 1) + "prerequisites:"
    )
    text = text.replace("misconceptions:\n", "misconceptions:\n" + twin.lstrip("\n"), 1)
    text = text.replace(twin.lstrip("\n") + "prerequisites:", "prerequisites:")
    path = tmp_path / "sample-unit.yaml"
    path.write_text(text)
    code, out, err = run(runner, "validate", str(path))
    assert code == 1
    assert out == ""
    assert (
        "misconceptions[0].id: 'sample-unit/wicked-is-evil' and 'leadership-in-practice/wicked-means-evil'"
        in err
    )
    assert "link them with same_as" in err
    for link in ("same_as", "distinct_from"):
        fixed = text.replace(
            "  - id: wicked-is-evil\n",
            f"  - id: wicked-is-evil\n    {link}: [leadership-in-practice/wicked-means-evil]\n",
        )
        path.write_text(fixed)
        code, out, err = run(runner, "validate", str(path))
        assert (code, err) == (0, ""), link


def test_extra_unit_folder_loads_beside_builtin(
    runner: CliRunner, sample_unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder in CMIREV_UNITS adds its units to every command."""
    monkeypatch.setenv("CMIREV_UNITS", str(sample_unit.parent))
    _, out, _ = run(runner, "units", "--json")
    assert "sample-unit" in {u["id"] for u in json.loads(out)}
    code, out, _ = run(runner, "show", "sample-unit")
    assert code == 0
    assert "Tests are optional." in out


def test_unit_id_clash_names_both_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit in CMIREV_UNITS reusing a built-in id is an error naming both files."""
    folder = tmp_path / "extra"
    folder.mkdir()
    clash = folder / "public-services-leadership.yaml"
    clash.write_text(
        (FIXTURES / "sample-unit.yaml")
        .read_text()
        .replace("id: sample-unit", "id: public-services-leadership")
    )
    monkeypatch.setenv("CMIREV_UNITS", str(folder))
    code, out, err = run(runner, "units")
    assert code == 1
    assert out == ""
    assert f"{clash}:1: id: unit id 'public-services-leadership' is also used by" in err
    assert "data/units/public-services-leadership.yaml" in err


def test_missing_extra_folder_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CMIREV_UNITS naming a folder that does not exist fails with exit 1 and says which."""
    monkeypatch.setenv("CMIREV_UNITS", str(tmp_path / "nope"))
    code, _, err = run(runner, "show", "misconceptions")
    assert code == 1
    assert f"Error: {tmp_path / 'nope'}: unit folder not found (check CMIREV_UNITS)" in err


def test_every_command_has_help_with_an_example_and_a_readme_section(runner: CliRunner) -> None:
    """Each command's --help shows an example, and the README documents the command."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = list(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"units", "show", "validate"} <= set(names)
    for name in names:
        code, out, _ = run(runner, name, "--help")
        assert code == 0
        assert "Example" in out
        assert f"cmirev {name}" in out
        assert f"### `cmirev {name}" in readme, f"README has no section for {name}"


def test_usage_error_exits_2(runner: CliRunner) -> None:
    """An unknown option is a usage error with exit code 2."""
    code, _, err = run(runner, "units", "--nope")
    assert code == 2
    assert "No such option" in err


def test_output_that_cannot_be_written_is_one_error_line(tmp_path: Path) -> None:
    """Writing to a full device gives one error line and exit 1, not a traceback."""
    import subprocess
    import sys

    cmirev = Path(sys.executable).parent / "cmirev"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(cmirev), "show", "readings"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write the output: No space left on device\n"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`cmirev show ... | head -1`: when the reader goes away, no traceback on stderr."""
    import subprocess
    import sys

    cmirev = Path(sys.executable).parent / "cmirev"
    proc = subprocess.Popen(
        [str(cmirev), "show", "readings"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    proc.wait()
    assert b"Traceback" not in err


def test_evaluate_scores_an_exported_review_log(runner: CliRunner, tmp_path: Path) -> None:
    """`cmirev evaluate --revlog FILE --json` replays the log and prints the scores as JSON."""
    source = shared_path("review-logs", "anki-review-log-1.csv").read_text().splitlines()
    part = tmp_path / "part.csv"
    part.write_text("\n".join(source[:2001]) + "\n")
    code, out, err = run(runner, "evaluate", "--revlog", str(part), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["reviews"] == 2000
    assert 0 < report["scored"] < 2000
    assert 0.2 < report["log_loss"] < 0.8 and 0.5 < report["auc"] <= 1
    code, out, _ = run(runner, "evaluate", "--revlog", str(part))
    assert code == 0 and "Log loss" in out and "RMSE(bins)" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "not a review log: no column card_id, review_rating, review_time"),
        ("card_id,review_rating,review_time\n1,7,2024-01-01T00:00:00Z\n", ":2: review_rating 7"),
        ("card_id,review_rating,review_time\n1,3,yesterday\n", ":2: a rating 1-4 and an ISO"),
        ("card_id,review_rating,review_time\n", "no reviews in it"),
    ],
)
def test_evaluate_refuses_a_bad_review_log(
    runner: CliRunner, tmp_path: Path, text: str, message: str
) -> None:
    """A file that is not a review log is one error line and exit 1, never a traceback."""
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    code, out, err = run(runner, "evaluate", "--revlog", str(bad))
    assert code == 1 and out == ""
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_evaluate_without_history_says_what_to_do(runner: CliRunner) -> None:
    """With no reviews yet, evaluate says to drill first or pass a log."""
    code, _, err = run(runner, "evaluate")
    assert code == 1
    assert err == "Error: no review history yet: drill or quiz first, or pass --revlog FILE.csv\n"


def test_references_are_checked_and_listed_in_harvard_style(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item cites the unit's reference list by id; an unknown id, an uncited entry and a
    source with neither a seed section nor refs are problems; show references lists them."""
    base = (FIXTURES / "sample-unit.yaml").read_text()
    refs = (
        "references:\n"
        "  - id: moore-1995\n"
        "    author: Moore, M.H.\n"
        "    year: 1995\n"
        "    title: 'Creating Public Value: Strategic Management in Government'\n"
        "    publisher: 'Cambridge, MA: Harvard University Press'\n"
        "  - id: unused-2020\n"
        "    author: Nobody\n"
        "    title: Never cited\n"
    )
    text = base.replace("learning_outcomes:", refs + "learning_outcomes:", 1)
    first_id = "  - id: LO1\n"
    assert first_id in text
    text = text.replace(first_id, first_id + "    source: {refs: [moore-1995, moor-1995]}\n", 1)
    path = tmp_path / "sample-unit.yaml"
    path.write_text(text)
    code, _, err = run(runner, "validate", str(path))
    assert code == 1
    assert (
        "source.refs[1]: no reference 'moor-1995' in the unit's references (did you mean 'moore-1995'?)"
        in err
    )
    assert "references[1].id: reference 'unused-2020' is cited by no item" in err
    fixed = text.replace(", moor-1995]", "]").replace(
        "  - id: unused-2020\n    author: Nobody\n    title: Never cited\n", ""
    )
    path.write_text(fixed)
    assert run(runner, "validate", str(path))[0] == 0
    path.write_text(fixed.replace("source: {refs: [moore-1995]}", "source: {position: 2}"))
    code, _, err = run(runner, "validate", str(path))
    assert code == 1 and "a source needs a seed 'section' or 'refs'" in err
    path.write_text(fixed)
    monkeypatch.setenv("CMIREV_UNITS", str(tmp_path))
    code, out, _ = run(runner, "show", "references", "--unit", "sample-unit")
    assert code == 0
    assert (
        "Moore, M.H. (1995) Creating Public Value: Strategic Management in Government. "
        "Cambridge, MA: Harvard University Press." in out
    )
    assert "Cited by: LO1" in out
    code, out, _ = run(runner, "show", "references", "--unit", "sample-unit", "--json")
    assert json.loads(out)[0]["cited_by"] == ["LO1"]


def test_criteria_are_shown_as_a_study_aid_not_cmis_wording(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "criteria")
    assert code == 0
    assert "not CMI's own wording" in out and "assignment brief" in out


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("PSL", "public-services-leadership"),
        ("psl", "public-services-leadership"),
        ("pmpscr", "planning-to-meet-public-services-customer-requirements"),
        ("planning", "planning-to-meet-public-services-customer-requirements"),
        ("LI", "leadership-in-practice"),
        ("how", "how-assignments-are-judged"),
    ],
)
def test_a_unit_answers_to_its_code_and_a_unique_start(
    runner: CliRunner, name: str, unit: str
) -> None:
    """Codes (any case) and a start of one unit's id or code work wherever a unit id does."""
    code, out, err = run(runner, "show", name, "--json")
    assert (code, err) == (0, "")
    assert {r["unit"] for r in json.loads(out)} == {unit}
    code, out, _ = run(runner, "quiz", name, "-n", "1", "--seed", "1", "--practice")
    assert code == 0 and "Question 1 of 1" in out


def test_an_ambiguous_start_lists_the_units_it_could_be(runner: CliRunner) -> None:
    """'p' starts three units' ids or codes: the error names them and asks for more."""
    code, out, err = run(runner, "quiz", "p", "-n", "1")
    assert (code, out) == (2, "")
    assert err.startswith("Error: 'p' could be any of PSL (public-services-leadership), ")
    assert err.strip().endswith(": type more of it")


def test_units_lists_codes_and_stats_uses_them(runner: CliRunner) -> None:
    """`cmirev units --json` gives each unit's code; a unit without one gets its initials."""
    _, out, _ = run(runner, "units", "--json")
    assert {u["id"]: u["code"] for u in json.loads(out)} == {
        "public-services-leadership": "PSL",
        "collaborative-public-services-project": "CPSP",
        "planning-to-meet-public-services-customer-requirements": "PMPSCR",
        "how-assignments-are-judged": "HAJ",
        "leadership-in-practice": "LIP",
    }


def test_a_unit_code_must_be_unique_and_well_formed(
    runner: CliRunner, units_dir: Path, sample_unit: Path
) -> None:
    """validate refuses a code another unit has, or one that is not capitals and digits."""
    text = sample_unit.read_text()
    sample_unit.write_text(text.replace("id: sample-unit", "id: sample-unit\ncode: PSL", 1))
    code, _, err = run(runner, "validate", str(units_dir))
    assert code == 1
    assert "code: unit code 'PSL' is also used by" in err
    sample_unit.write_text(text.replace("id: sample-unit", "id: sample-unit\ncode: my unit", 1))
    code, _, err = run(runner, "validate", str(units_dir))
    assert code == 1 and "'my unit' is not a unit code" in err


@pytest.mark.parametrize(
    ("shell", "env", "expected"),
    [
        ("bash", {"COMP_WORDS": "cmirev quiz p", "COMP_CWORD": "2"}, "psl"),
        ("zsh", {"_TYPER_COMPLETE_ARGS": "cmirev drill --unit PS"}, '"PSL":"Public Services'),
        (
            "fish",
            {"_TYPER_COMPLETE_ARGS": "cmirev quiz ps", "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
            "psl\tPublic Services Leadership",
        ),
        (
            "powershell",
            {"_TYPER_COMPLETE_ARGS": "cmirev show ps", "_TYPER_COMPLETE_WORD_TO_COMPLETE": "ps"},
            "psl:::Public Services Leadership",
        ),
    ],
)
def test_shells_complete_unit_ids_and_codes(
    isolated: Path, shell: str, env: dict[str, str], expected: str
) -> None:
    """With completion installed (cmirev --install-completion), Tab offers units by id and
    code, in bash, zsh, fish and PowerShell, read from the content the learner has."""
    import os
    import subprocess

    from .drive import CMIREV

    done = subprocess.run(
        [str(CMIREV)],
        env={
            **os.environ,
            "CMIREV_HOME": str(isolated),
            "_CMIREV_COMPLETE": f"complete_{shell}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert expected in done.stdout
    if shell == "bash":
        assert done.stdout.split() == [
            "public-services-leadership",
            "psl",
            "planning-to-meet-public-services-customer-requirements",
            "pmpscr",
        ]
