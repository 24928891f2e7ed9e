"""Own cards without YAML by hand: `cmirev new-unit`, `cmirev add` and `cmirev edit`, as a
learner drives them, and the folder of own units they write to."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest
import yaml
from typer.testing import CliRunner

from cmirev import authoring, editing
from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.paths import builtin_units_dir, own_units_dir, shown, unit_dirs

from .helpers import answer, study_at

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CMIREV = Path(sys.executable).parent / "cmirev"
TERM = [
    "--kind",
    "term",
    "--term",
    "Psychological safety",
    "--definition",
    "A shared belief in a team that it is safe to take interpersonal risks, such as "
    "admitting a mistake, without fear of being punished.",
]


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run cmirev with these arguments: (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hr(runner: CliRunner, isolated: Path) -> Path:
    """A new own unit, HR, made with new-unit; its file."""
    code, _, err = run(runner, "new-unit", "hr", "--title", "My HR notes")
    assert (code, err) == (0, ""), err
    return isolated / "units" / "my-hr-notes.yaml"


HAND_WRITTEN = """\
# My notes, typed by hand.  Keep this comment!
id: hand-notes
code: HN
title: Hand notes
qualification: CMI Level 6 Award in Public Service Leadership
synopsis: Notes I wrote myself.   # a comment after a value
overview: >-
  A longer description, folded
  over two lines.

learning_outcomes:
  - id: LO1
    text: "Understand the Johari window."   # quoted on purpose
assessment_criteria:
  - id: AC1
    outcomes: [LO1]
    text: Explains feedback with an example.
key_terms:
  # The first term.
  - id: johari-window
    term: Johari window
    definition: >-
      A four-pane model of what a person knows about themselves and what others know
      about them.

  # A commented-out term, kept as it is:
  # - id: draft
  #   term: Draft

# The end of the file.
"""


@pytest.fixture
def hand(isolated: Path) -> Path:
    """An own unit written by hand, with comments, blank lines and a folded last item."""
    folder = isolated / "units"
    folder.mkdir(parents=True)
    path = folder / "hand-notes.yaml"
    path.write_bytes(HAND_WRITTEN.encode())
    return path


# -- the own units folder


def test_a_missing_own_folder_changes_nothing(runner: CliRunner, isolated: Path) -> None:
    """Without a units folder in the data folder, cmirev loads the built-in units alone and
    says how to start one."""
    assert unit_dirs() == [builtin_units_dir()]
    code, out, _ = run(runner, "units")
    assert code == 0 and "5 units." in out
    _, out, _ = run(runner, "where")
    assert out.splitlines()[-1] == (
        "No units of your own yet: 'cmirev new-unit CODE' starts one in that folder."
    )


def test_own_units_load_everywhere_with_no_setting(
    runner: CliRunner, hr: Path, isolated: Path
) -> None:
    """A unit in the data folder's units/ is loaded by every command, without CMIREV_UNITS,
    and 'where' shows the folder."""
    assert "CMIREV_UNITS" not in os.environ
    assert own_units_dir() == isolated / "units" and hr.parent == own_units_dir()
    _, out, _ = run(runner, "units", "--json")
    assert {"id": "my-hr-notes", "code": "HR"}.items() <= json.loads(out)[-1].items()
    code, out, _ = run(runner, "validate")
    assert (code, out) == (0, "OK: 6 unit files, 353 items, no problems.\n")
    _, out, _ = run(runner, "where", "--json")
    own = next(row for row in json.loads(out) if row["key"] == "own_units")
    assert own == {
        "key": "own_units",
        "what": "Your units (new-unit, add)",
        "path": str(isolated / "units"),
        "exists": True,
    }


# -- new-unit


def test_new_unit_writes_a_valid_unit_and_says_what_next(runner: CliRunner, isolated: Path) -> None:
    """new-unit writes a unit that validates, with the code upper-cased and the id from the
    title, and says where it is and what to type next."""
    code, out, err = run(runner, "new-unit", "hr", "--title", "My HR notes")
    path = isolated / "units" / "my-hr-notes.yaml"
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f'Started your unit HR (my-hr-notes), "My HR notes", in {path}.',
        "Next: 'cmirev add --unit HR' adds a card (in a terminal it asks for each field; "
        "'cmirev add --help' lists them).",
        "Its synopsis and overview are placeholders: change them with 'cmirev edit HR'.",
    ]
    data = yaml.safe_load(path.read_text())
    assert {k: data[k] for k in ("id", "code", "title")} == {
        "id": "my-hr-notes",
        "code": "HR",
        "title": "My HR notes",
    }
    assert not any(isinstance(v, list) for v in data.values())  # no items, no placeholders
    assert run(runner, "validate", str(path))[0] == 0
    assert run(runner, "show", "hr")[:2] == (0, "Nothing to show.\n")  # no cards yet


def test_new_unit_defaults_and_id(runner: CliRunner, isolated: Path) -> None:
    """Without --title the unit is 'My CODE notes'; --id and --synopsis are used as given."""
    assert run(runner, "new-unit", "ops")[0] == 0
    assert yaml.safe_load((isolated / "units" / "my-ops-notes.yaml").read_text())["title"] == (
        "My OPS notes"
    )
    code, out, _ = run(runner, "new-unit", "QI", "--id", "quality", "--synopsis", "Quality tools.")
    assert code == 0 and "placeholders" not in out
    data = yaml.safe_load((isolated / "units" / "quality.yaml").read_text())
    assert (data["code"], data["synopsis"]) == ("QI", "Quality tools.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["PSL"], "the code PSL is taken by PSL (public-services-leadership): choose another"),
        (["hr"], "the code HR is taken by HR (my-hr-notes): choose another"),
        (
            ["XY", "--id", "leadership-in-practice"],
            "the id 'leadership-in-practice' is taken by LIP (leadership-in-practice): choose "
            "another --id or --title",
        ),
        (["XY", "--title", "My HR notes"], "the id 'my-hr-notes' is taken by HR (my-hr-notes)"),
        (["H"], "'H' is not a unit code: use 2 to 12 letters or digits, starting with a letter"),
        (["9AB"], "'9AB' is not a unit code"),
        (["XY", "--id", "Not An Id"], "'Not An Id' is not a unit id"),
        (["XY", "--title", "Bad\x1b[2Jtitle"], "--title contains a control character (U+001B)"),
    ],
)
def test_new_unit_refuses_a_code_or_id_in_use_and_bad_names(
    runner: CliRunner, hr: Path, args: list[str], message: str
) -> None:
    """A code or id another unit answers to, or a malformed one, is one error line (exit 2)
    and nothing is written."""
    files = sorted(hr.parent.iterdir())
    code, out, err = run(runner, "new-unit", *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"Error: {message}")
    assert sorted(hr.parent.iterdir()) == files


# -- add


def test_add_writes_the_item_and_it_can_be_shown_and_drilled(
    runner: CliRunner, hr: Path, isolated: Path
) -> None:
    """An added term is in 'cmirev show', gives questions, and the drill asks and records it."""
    code, out, err = run(runner, "add", "--unit", "HR", *TERM)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Added term HR/psychological-safety at line 14 of {hr}.",
        "Questions it gives: pick the term for a definition; pick the definition for a term; "
        "recall the answer, then grade yourself; true or false. It joins your drill as a new "
        "card.",
        "Change it with 'cmirev edit HR/psychological-safety'.",
    ]
    assert hr.read_text().splitlines()[13] == "  - id: psychological-safety"
    _, out, _ = run(runner, "show", "terms", "--unit", "hr")
    assert "* Psychological safety\n    A shared belief in a team" in out
    catalog = load_catalog()
    gid = "my-hr-notes/psychological-safety"
    study = study_at(catalog, isolated / "reviews.sqlite3", NOW)
    assert study.plan([catalog.units[-1]]).new == [gid]
    answer(study, gid, True)
    card = study_at(catalog, isolated / "reviews.sqlite3", NOW).card(gid)
    assert card is not None and card.due > NOW


def test_add_keeps_every_byte_of_the_file_and_its_comments(runner: CliRunner, hand: Path) -> None:
    """Adding to a hand-written unit changes nothing but the new lines: comments, quoting,
    folding and blank lines stay, and the item lands after the section's last item."""
    code, out, err = run(runner, "add", *TERM)  # the only own unit: the default
    assert (code, err) == (0, ""), err
    new = hand.read_text()
    lines = new.splitlines(keepends=True)
    added = [n for n, line in enumerate(lines) if line not in HAND_WRITTEN.splitlines(True)]
    assert "".join(line for n, line in enumerate(lines) if n not in added) == HAND_WRITTEN
    assert lines[added[0]] == "  - id: psychological-safety\n"
    assert lines[added[0] - 1] == "      about them.\n"  # right after the folded definition
    assert lines[added[-1] + 1] == "\n"  # the blank line and comments follow it
    assert f"at line {added[0] + 1} of" in out
    data = yaml.safe_load(new)
    assert [t["id"] for t in data["key_terms"]] == ["johari-window", "psychological-safety"]
    assert data["overview"] == "A longer description, folded over two lines."


SMALL = """\
id: hand-notes
code: HN
title: Hand notes
qualification: CMI Level 6 Award in Public Service Leadership
synopsis: Notes I wrote myself.
{layout}key_terms:
  - id: johari-window
    term: Johari window
    definition: A four-pane model of what a person and others know about that person.
overview: Last key.
"""


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("learning_outcomes: []   # none yet\n", "learning_outcomes:   # none yet\n  - id: LO1\n"),
        ("learning_outcomes:\n- id: LO1\n  text: Old.\n", "  text: Old.\n- id: LO2\n"),
        ("", "overview: Last key.\nlearning_outcomes:\n  - id: LO1\n"),
    ],
)
def test_add_fits_the_section_as_it_is_written(
    runner: CliRunner, hand: Path, layout: str, expected: str
) -> None:
    """An empty list, an unindented list or no section at all: the outcome is
    added in place and the rest of the file reads as before."""
    base = SMALL.format(layout=layout)
    hand.write_text(base)
    before = yaml.safe_load(base)
    code, _, err = run(runner, "add", "--kind", "outcome", "--text", "Understand coaching.")
    assert (code, err) == (0, ""), err
    text = hand.read_text()
    assert expected in text
    after = yaml.safe_load(text)
    assert after.pop("learning_outcomes")[-1] == {
        "id": expected.split()[-1],
        "text": "Understand coaching.",
    }
    before.pop("learning_outcomes", None)
    assert after == before


def test_add_keeps_windows_line_endings(runner: CliRunner, hand: Path) -> None:
    """A file with CRLF line endings gets CRLF lines."""
    hand.write_bytes(HAND_WRITTEN.replace("\n", "\r\n").encode())
    assert run(runner, "add", *TERM)[0] == 0
    raw = hand.read_bytes()
    assert b"\r\n  - id: psychological-safety\r\n" in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_add_puts_the_file_back_if_the_catalog_then_fails_to_load(
    runner: CliRunner, hand: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the whole catalog not load once the card is written (another file changed
    meanwhile), the file gets its old text back and the problems are shown."""
    from cmirev import loader
    from cmirev.errors import ContentError, Problem

    real = loader.load_catalog
    calls: list[int] = []

    def second_fails(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise ContentError([Problem("other.yaml", 3, "id", "changed meanwhile")])
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "load_catalog", second_fails)
    code, out, err = run(runner, "add", *TERM)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Error: other.yaml:3: id: changed meanwhile",
        f"Error: 1 problem in 1 file: nothing was added, {hand} is as it was",
    ]
    assert hand.read_bytes() == HAND_WRITTEN.encode()


def test_add_writes_through_a_symlink(runner: CliRunner, hand: Path, tmp_path: Path) -> None:
    """A unit file that is a symlink (to a synced folder, say) stays a link, and the file it
    points to gets the card."""
    real = tmp_path / "synced" / "hand-notes.yaml"
    real.parent.mkdir()
    hand.rename(real)
    hand.symlink_to(real)
    assert run(runner, "add", *TERM)[0] == 0
    assert hand.is_symlink()
    assert "  - id: psychological-safety\n" in real.read_text()


def test_add_links_outcomes_and_criteria_that_exist(runner: CliRunner, hand: Path) -> None:
    """--outcome names an outcome of the unit (any case); --criterion links the outcomes that
    criterion evidences; outcomes and criteria are numbered on from the highest."""
    assert run(runner, "add", "--kind", "outcome", "--text", "Understand coaching.")[0] == 0
    code, _, err = run(
        runner,
        "add",
        "--kind",
        "misconception",
        "--claim",
        "Feedback should always be kept positive.",
        "--correction",
        "Useful feedback names what to change as well as what went well, with an example.",
        "--outcome",
        "lo2",
        "--criterion",
        "AC1",
    )
    assert (code, err) == (0, ""), err
    _, _, _ = run(
        runner, "add", "--kind", "criterion", "--text", "Plans coaching.", "--outcome", "LO2"
    )
    data = yaml.safe_load(hand.read_text())
    assert data["misconceptions"][0]["outcomes"] == ["LO2", "LO1"]
    assert [c["id"] for c in data["assessment_criteria"]] == ["AC1", "AC2"]
    assert [o["id"] for o in data["learning_outcomes"]] == ["LO1", "LO2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "PSL", *TERM],
            "PSL (public-services-leadership) is a built-in unit: cmirev "
            "does not change it (a reinstall would undo the change); start your own with 'cmirev "
            "new-unit CODE' and add cards to that",
        ),
        (
            ["--unit", "hnn", *TERM],
            "unknown unit 'hnn'; did you mean 'HN'? (yours: HN (hand-notes))",
        ),
        (
            ["--kind", "term", "--term", "Coaching"],
            "a term needs --definition (see 'cmirev add --help')",
        ),
        (["--kind", "misconception"], "a misconception needs --claim and --correction"),
        (
            ["--term", "X", "--definition", "Y"],
            "give --kind: term, concept, misconception, mistake, "
            "fact, guidance, prerequisite, outcome, criterion",
        ),
        (["--kind", "terms", "--text", "x"], "unknown kind 'terms'; did you mean 'term'?"),
        ([*TERM, "--claim", "x"], "a term takes --term and --definition, not --claim"),
        (
            [*TERM, "--id", "johari-window"],
            "'johari-window' is already an item of HN: choose "
            "another --id (an id never changes, so that review history stays with its item)",
        ),
        ([*TERM, "--id", "no spaces"], "'no spaces' is not an id"),
        (
            [*TERM, "--outcome", "LO7"],
            "no learning outcome 'LO7' in HN (it has: LO1); add one "
            "with 'cmirev add --unit HN --kind outcome'",
        ),
        ([*TERM, "--criterion", "AC9"], "no assessment criterion 'AC9' in HN (it has: AC1)"),
        (["--kind", "criterion", "--text", "Credits x."], "a criterion needs --outcome"),
        (
            ["--kind", "outcome", "--text", "x", "--outcome", "LO1"],
            "a learning outcome links to nothing",
        ),
        ([*TERM, "--same-as", "PSL/nope"], "no item 'PSL/nope'"),
        (["--kind", "guidance", "--text", "   "], "--text is empty: give the text"),
        (
            ["--kind", "guidance", "--text", "Bell\x07 and \x1b]0;title\x07"],
            "--text contains a control character (U+0007): remove it",
        ),
        (
            ["--kind", "fact", "--text", "A fact.", "--attribution", "Me\u202egnp.exe"],
            "--attribution contains a control character (U+202E): remove it",
        ),
        (
            ["--kind", "term", "--term", "T\x9b31m", "--definition", "d"],
            "--term contains a control character (U+009B): remove it",
        ),
    ],
)
def test_add_refuses_bad_input_with_one_line_and_writes_nothing(
    runner: CliRunner, hand: Path, args: list[str], message: str
) -> None:
    """Every refusal is one error line on stderr, exit 2, and the file is untouched."""
    code, out, err = run(runner, "add", *args)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"Error: {message}"), err
    assert hand.read_bytes() == HAND_WRITTEN.encode()
    assert sorted(p.name for p in hand.parent.iterdir()) == ["hand-notes.yaml"]


def test_add_needs_an_own_unit_and_asks_which_of_several(
    runner: CliRunner, isolated: Path, hand: Path
) -> None:
    """With no own unit, add points to new-unit; with two, --unit must say which."""
    shutil.rmtree(isolated / "units")
    code, _, err = run(runner, "add", *TERM)
    assert code == 2
    assert err == (
        "Error: you have no units of your own yet: start one with 'cmirev new-unit CODE' (for "
        "example 'cmirev new-unit HR --title \"My HR notes\"')\n"
    )
    assert run(runner, "new-unit", "HR")[0] == 0
    assert run(runner, "new-unit", "QI")[0] == 0
    code, _, err = run(runner, "add", *TERM)
    assert (code, err) == (
        2,
        "Error: which unit? give --unit (HR (my-hr-notes), QI (my-qi-notes))\n",
    )


def test_add_refuses_a_near_duplicate_unless_linked(runner: CliRunner, hr: Path) -> None:
    """A card saying what a built-in card says is refused, with every problem on its own line
    and how to link the two; with --same-as it is added and shares that card's memory."""
    before = hr.read_bytes()
    kotter = [
        "--kind",
        "term",
        "--term",
        "Kotter's 8-step change model",
        "--definition",
        "A model of leading change in eight steps: create urgency, build a guiding coalition, "
        "form a vision, communicate it, remove obstacles, create short-term wins, build on the "
        "change, and anchor it in culture.",
    ]
    code, out, err = run(runner, "add", *kotter)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"Error: {hr}: key_terms[0].id: 'my-hr-notes/kotters-8-step-change-model' and "
        "'collaborative-public-services-project/kotter-8-steps' say nearly the same thing "
        "(similarity 0.62): link them with same_as if they are one idea, or name each other in "
        "distinct_from if they are not",
        f"Error: 1 problem in 1 file: nothing was added, {shown(hr)} is as it was (for a "
        "near-duplicate, give --same-as ITEM if it is one idea, or --distinct-from ITEM if not)",
    ]
    assert hr.read_bytes() == before
    code, out, err = run(runner, "add", *kotter, "--same-as", "cpsp/kotter-8-steps")
    assert (code, err) == (0, "")
    data = yaml.safe_load(hr.read_text())
    assert data["key_terms"][0]["same_as"] == [
        "collaborative-public-services-project/kotter-8-steps"
    ]
    groups = load_catalog().group_of()
    assert (
        groups["my-hr-notes/kotters-8-step-change-model"]
        == groups["collaborative-public-services-project/kotter-8-steps"]
    )


def test_add_derives_stable_unique_ids(runner: CliRunner, hand: Path) -> None:
    """Ids come from the text's first words; a taken one gets -2; existing ids never change."""
    for text in (
        "Plan the structure of your answer before you write a word of it.",
        "Plan the structure of your answer around the assessment criteria, one section for each.",
    ):
        assert run(runner, "add", "--kind", "guidance", "--text", text)[0] == 0
    data = yaml.safe_load(hand.read_text())
    assert [m["id"] for m in data["guidance"]] == [
        "plan-the-structure-of-your-answer",
        "plan-the-structure-of-your-answer-2",
    ]
    assert data["key_terms"][0]["id"] == "johari-window"
    assert authoring.slug("Kotter’s 8-step model — a “classic”") == "kotters-8-step-model-a-classic"
    assert authoring.slug("A safe team never disagrees.") == "safe-team-never-disagrees"
    assert authoring.slug("Naming a model without applying it") == "naming-a-model-without-applying"


def test_add_is_not_blocked_by_a_near_duplicate_already_there(
    runner: CliRunner, hand: Path
) -> None:
    """A near-duplicate the file already had (loading allows it) does not stop a new card."""
    hand.write_text(HAND_WRITTEN.replace("Understand the Johari window.", "Understand feedback."))
    assert "say nearly the same thing" in run(runner, "validate")[2]
    code, _, err = run(runner, "add", *TERM)
    assert (code, err) == (0, "")


def test_add_says_when_a_card_gives_no_question(runner: CliRunner, hand: Path) -> None:
    """A mistake without good practice, or a prerequisite, is added but the learner is told
    the drill will not ask it, and why."""
    _, out, _ = run(runner, "add", "--kind", "mistake", "--text", "Citing no sources at all.")
    assert "The drill asks a mistake beside its good practice (what to do instead)" in out
    _, out, _ = run(runner, "add", "--kind", "prerequisite", "--text", "Some years of managing.")
    assert "the drill will not ask it: prerequisites are shown, never drilled." in out
    _, out, _ = run(
        runner,
        "add",
        "--kind",
        "mistake",
        "--text",
        "Describing a model without applying it.",
        "--good-practice",
        "Applying a model to a real case at work.",
    )
    assert "Questions it gives: spot the mistake among good practice" in out


def test_add_keywords_make_a_missing_word_question(runner: CliRunner, hand: Path) -> None:
    """A tip with no name cmirev knows gives no question, and says how to get one; with
    --keyword it is asked as a missing word. A keyword not in the text is refused."""
    tip = "Quote the criterion you answer at the top of a section."
    _, out, _ = run(runner, "add", "--kind", "guidance", "--text", tip)
    assert "but the drill will not ask it: cmirev finds no fair question for it; list the " in out
    hand.write_bytes(HAND_WRITTEN.encode())
    code, out, _ = run(runner, "add", "--kind", "guidance", "--text", tip, "--keyword", "criterion")
    assert code == 0
    assert "Questions it gives: type the missing key word." in out
    assert yaml.safe_load(hand.read_text())["guidance"][0]["keywords"] == ["criterion"]
    hand.write_bytes(HAND_WRITTEN.encode())
    code, _, err = run(runner, "add", "--kind", "guidance", "--text", tip, "--keyword", "heading")
    assert code == 1
    assert "guidance[0].keywords[0]: 'heading' does not appear in the item's text" in err
    assert hand.read_bytes() == HAND_WRITTEN.encode()


def test_add_help_lists_every_kind(runner: CliRunner) -> None:
    """--kind's help names every kind add can write."""
    _, out, _ = run(runner, "add", "--help")
    flat = " ".join(out.split())
    for kind in authoring.KINDS:
        assert kind in flat
    for option in authoring.FIELD_OPTIONS:
        assert f"--{option}" in flat


# -- edit


def _editor(tmp_path: Path, name: str, script: str) -> Path:
    """A small shell script standing in for an editor: it gets the editor's arguments, the
    file last."""
    path = tmp_path / "bin" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


needs_sh = pytest.mark.skipif(os.name == "nt", reason="editor stand-ins are shell scripts")


@needs_sh
def test_edit_opens_the_editor_at_the_item_and_saves_a_valid_change(
    runner: CliRunner, hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vi-like editor gets +LINE of the item; a valid change is kept and said so."""
    log = tmp_path / "args"
    vi = _editor(
        tmp_path,
        "vi",
        f"""\
        echo "$@" > {log}
        for f; do :; done
        sed -i 's/term: Johari window/term: The Johari window/' "$f"
        """,
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(vi))
    code, out, err = run(runner, "edit", "HN/johari-window")
    assert (code, err) == (0, "")
    assert log.read_text().split() == ["+20", str(hand)]
    assert HAND_WRITTEN.splitlines()[19] == "  - id: johari-window"
    assert out == f"Saved {hand}: no problems, 3 item(s).\n"
    assert "term: The Johari window" in hand.read_text()
    _, out, _ = run(runner, "show", "terms", "--unit", "HN")
    assert "The Johari window" in out


@needs_sh
def test_edit_with_problems_restores_the_file_exactly(
    runner: CliRunner, hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in a terminal (or with --no-retry), an invalid save is reported one problem a line,
    and the file gets back every byte it had."""
    broken = _editor(
        tmp_path,
        "myeditor",
        """\
        for f; do :; done
        sed -i 's/    term: Johari window/    trem: Johari window/' "$f"
        """,
    )
    monkeypatch.setenv("VISUAL", str(broken))
    for extra in ([], ["--no-retry"]):
        code, out, err = run(runner, "edit", "johari-window", *extra)
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            f"Error: {hand}:20: key_terms[0].term: required field is missing",
            f"Error: {hand}:21: key_terms[0].trem: unknown field 'trem' (did you mean 'term'?)",
            f"Error: 2 problems in 1 file: {hand} is back as it was before the edit",
        ]
        assert hand.read_bytes() == HAND_WRITTEN.encode()


@needs_sh
def test_edit_is_not_blocked_by_a_near_duplicate_already_there_but_by_a_new_one(
    runner: CliRunner, hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit elsewhere in a file that already had a near-duplicate is saved; an edit that
    makes a new one, or puts a control character in a text, is refused and undone."""
    had = HAND_WRITTEN.replace("Understand the Johari window.", "Understand feedback.")
    hand.write_text(had)
    reword = _editor(
        tmp_path,
        "ed1",
        """\
        for f; do :; done
        sed -i 's/term: Johari window/term: The Johari window/' "$f"
        """,
    )
    monkeypatch.setenv("VISUAL", str(reword))
    assert run(runner, "edit", "HN/johari-window")[:2] == (
        0,
        f"Saved {hand}: no problems, 3 item(s).\n",
    )
    hostile = _editor(
        tmp_path,
        "ed2",
        """\
        for f; do :; done
        sed -i 's/term: The Johari window/term: The \\x1b[2JJohari window/' "$f"
        """,
    )
    monkeypatch.setenv("VISUAL", str(hostile))
    saved = hand.read_bytes()
    code, _, err = run(runner, "edit", "HN/johari-window")
    assert code == 1
    assert err.splitlines()[0].startswith(
        f"Error: {hand}: YAML error: unacceptable character #x001b: control characters are not "
        "allowed"
    )
    assert len(err.splitlines()) == 2
    assert hand.read_bytes() == saved


@needs_sh
def test_edit_that_changes_an_id_warns_that_history_no_longer_matches(
    runner: CliRunner, hand: Path, tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renaming a reviewed item keeps the file, warns with the review count, and 'validate'
    lists the history as orphaned; renaming it back reconnects it."""
    catalog = load_catalog()
    answer(study_at(catalog, isolated / "reviews.sqlite3", NOW), "hand-notes/johari-window", True)
    rename = _editor(
        tmp_path,
        "ed1",
        """\
        for f; do :; done
        sed -i 's/id: johari-window/id: johari/' "$f"
        """,
    )
    monkeypatch.setenv("VISUAL", str(rename))
    code, out, _ = run(runner, "edit", "HN/johari-window")
    assert code == 0
    assert out.splitlines()[1] == (
        "Warning: hand-notes/johari-window is no longer in the unit (its id changed, or it was "
        "removed): its 1 review(s) are kept but match no card now. Put the id back to reconnect "
        "them; 'cmirev validate' lists such orphaned history."
    )
    _, out, _ = run(runner, "validate")
    assert (
        "Orphaned history: hand-notes/johari-window (1 review) is no longer in the content." in out
    )
    back = _editor(
        tmp_path,
        "ed2",
        """\
        for f; do :; done
        sed -i 's/id: johari$/id: johari-window/' "$f"
        """,
    )
    monkeypatch.setenv("VISUAL", str(back))
    code, out, _ = run(runner, "edit", "HN/johari")
    assert code == 0
    assert out.splitlines() == [
        f"Saved {hand}: no problems, 3 item(s).",
        "Note: hand-notes/johari is no longer in the unit; it had no reviews, so no history is "
        "lost.",
    ]
    assert hand.read_bytes() == HAND_WRITTEN.encode()
    _, out, _ = run(runner, "validate")
    assert "Orphaned" not in out


@needs_sh
def test_edit_a_unit_and_no_change(
    runner: CliRunner, hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit's code opens its file at the top; closing the editor without a change says so."""
    log = tmp_path / "args"
    nano = _editor(tmp_path, "nano", f'echo "$@" > {log}\n')
    monkeypatch.setenv("VISUAL", f"{nano} --nowrap")
    code, out, _ = run(runner, "edit", "hn")
    assert (code, out) == (0, f"No change to {hand}.\n")
    assert log.read_text().split() == ["--nowrap", "+1", str(hand)]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("PSL/public-equals-private", "PSL (public-services-leadership) is a built-in unit"),
        ("psl", "PSL (public-services-leadership) is a built-in unit"),
        ("johari-windw", "no item 'johari-windw'; did you mean 'hand-notes/johari-window'?"),
    ],
)
def test_edit_refuses_built_in_units_and_unknown_items(
    runner: CliRunner, hand: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    """Built-in units are not opened (they live in the package); a typo gets a suggestion."""
    monkeypatch.setenv("VISUAL", "false-editor-never-run")
    code, out, err = run(runner, "edit", name)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith(f"Error: {message}")


def test_edit_without_an_editor_says_how_to_set_one(
    runner: CliRunner, hand: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor that cannot be started is one error line, and the file is untouched."""
    monkeypatch.setenv("VISUAL", "/no/such/editor")
    code, _, err = run(runner, "edit", "HN/johari-window")
    assert code == 1
    assert err == (
        "Error: cannot start the editor '/no/such/editor': No such file or directory (set "
        "EDITOR to an editor you have, for example 'export EDITOR=nano')\n"
    )
    assert hand.read_bytes() == HAND_WRITTEN.encode()


@needs_sh
def test_edit_opens_a_broken_unit_at_its_first_problem(
    runner: CliRunner, hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit broken by hand stops every command, but 'cmirev edit' still opens it by its name
    or code, at the first problem, so it can be fixed."""
    hand.write_text(HAND_WRITTEN.replace("    term: Johari window\n", ""))
    assert run(runner, "units")[0] == 1
    log = tmp_path / "args"
    vi = _editor(tmp_path, "vim", f'echo "$@" > {log}\n')
    monkeypatch.setenv("VISUAL", str(vi))
    code, out, _ = run(runner, "edit", "HN")
    assert log.read_text().split() == ["+20", str(hand)]
    assert (code, out) == (0, f"No change to {hand}.\n")


def test_editor_command_follows_visual_then_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """$VISUAL wins over $EDITOR; arguments are kept; line styles follow the editor."""
    file = Path("/u/x.yaml")
    monkeypatch.setenv("EDITOR", "emacs -nw")
    monkeypatch.delenv("VISUAL", raising=False)
    assert editing.editor_command(file, 7) == ["emacs", "-nw", "+7", "/u/x.yaml"]
    monkeypatch.setenv("VISUAL", "code --wait")
    assert editing.editor_command(file, 7) == ["code", "--wait", "-g", "/u/x.yaml:7"]
    monkeypatch.setenv("VISUAL", "gedit")
    assert editing.editor_command(file, 7) == ["gedit", "/u/x.yaml"]


# -- in a real terminal


def _spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    """The installed cmirev in a pseudo-terminal, no colour, wide enough for long paths."""
    if not CMIREV.exists():
        pytest.fail(f"{CMIREV} is not installed: run pip install -e '.[test]'")
    full = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    full.update({"NO_COLOR": "1", "TERM": "xterm", **(env or {})})
    return pexpect.spawn(
        str(CMIREV),
        list(args),
        env=full,
        dimensions=(24, 250),
        encoding="utf-8",
        timeout=60,  # the machine may be busy: each save is checked against every unit
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    """Ctrl-C interrupts the child even when the suite runs as a background job (a shell starts
    those with SIGINT ignored, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_add_in_a_terminal_asks_for_what_is_missing(hand: Path) -> None:
    """In a terminal, add asks for the kind (again after a wrong one), each field and the
    outcomes, then writes the card."""
    child = _spawn("add")
    child.expect(
        r"Kind \(term, concept, misconception, mistake, fact, guidance, prerequisite, "
        r"outcome, criterion\):"
    )
    child.sendline("myht")
    child.expect("unknown kind 'myht'")
    child.expect("Kind")
    child.sendline("Myth")
    child.expect("The wrong belief, stated as its holders put it:")
    child.sendline("Feedback is only for poor performers.")
    child.expect("The correction: why it is wrong:")
    child.sendline("Everyone improves with specific feedback, the strongest performers included.")
    child.expect(r"Learning outcomes it serves \(LO1; Enter for none\):")
    child.sendline("LO1")
    child.expect("Added misconception HN/feedback-is-only-for-poor-performers at line")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    item = yaml.safe_load(hand.read_text())["misconceptions"][0]
    assert item == {
        "id": "feedback-is-only-for-poor-performers",
        "claim": "Feedback is only for poor performers.",
        "correction": "Everyone improves with specific feedback, the strongest performers included.",
        "outcomes": ["LO1"],
    }


@needs_sh
def test_edit_in_a_terminal_offers_to_reopen_at_the_problem(hand: Path, tmp_path: Path) -> None:
    """In a terminal, an invalid save shows its problems and offers to reopen the file at the
    first one; fixing it there saves the fix. Saying no, or Ctrl-C, puts the old text back."""
    count = tmp_path / "count"
    log = tmp_path / "args"
    script = _editor(
        tmp_path,
        "vi",
        f"""\
        echo "$@" >> {log}
        for f; do :; done
        if [ ! -e {count} ]; then
          touch {count}
          sed -i 's/    definition: >-/    definitio: >-/' "$f"
        else
          sed -i 's/    definitio: >-/    definition: >-/; s/term: Johari window/term: Johari/' "$f"
        fi
        """,
    )
    child = _spawn("edit", "HN/johari-window", env={"VISUAL": str(script)})
    child.expect("key_terms\\[0\\].definition: required field is missing")
    child.expect(r"Open the file again to fix it\? \[Y/n\]:")
    child.sendline("")
    child.expect(f"Saved {hand}: no problems, 3 item\\(s\\).")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [line.split()[0] for line in log.read_text().splitlines()] == ["+20", "+20"]
    assert "term: Johari\n" in hand.read_text()

    hand.write_bytes(HAND_WRITTEN.encode())
    count.unlink()
    child = _spawn("edit", "HN/johari-window", env={"VISUAL": str(script)})
    child.expect(r"Open the file again to fix it\? \[Y/n\]:")
    child.sendline("n")
    child.expect(f"Error: {hand} is back as it was before the edit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert hand.read_bytes() == HAND_WRITTEN.encode()

    count.unlink()
    child = _spawn("edit", "HN/johari-window", env={"VISUAL": str(script)})
    child.expect(r"Open the file again to fix it\? \[Y/n\]:")
    child.sendintr()  # Ctrl-C at the question: the broken text must not stay
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert hand.read_bytes() == HAND_WRITTEN.encode()
