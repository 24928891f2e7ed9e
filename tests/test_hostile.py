"""Hostile content and input: nothing from a unit file or a reply drives the terminal."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cmirev.cli import app

from .conftest import FIXTURES


def test_control_characters_in_a_unit_are_reported_and_never_printed(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A unit whose texts carry escape sequences (window title, clear screen, a hyperlink) is
    refused by validate, field by field, and no command prints them (reliability review F1)."""
    text = (FIXTURES / "sample-unit.yaml").read_text()
    text = text.replace("title: Sample Unit", 'title: "Sample \\e]0;pwned\\a Unit"')
    text = text.replace(
        "definition: A concept that exists only to be tested.",
        'definition: "A concept \\e[2J that clears the screen."',
    )
    path = tmp_path / "sample-unit.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "title: contains a control character (U+001B)" in result.stderr
    assert "concepts[0].definition: contains a control character (U+001B)" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout


def test_rich_markup_and_escapes_in_content_are_shown_as_typed(tmp_path: Path) -> None:
    """Options, prompts and model answers are text, not Rich markup: '[sic]' stays, '[red]'
    styles nothing, '[/]' cannot crash; a reply's escape sequence is shown as a symbol (F2)."""
    import io

    from rich.console import Console

    from cmirev.questions import Question
    from cmirev.quizui import PlainQuizUI, RichQuizUI

    q = Question(
        format="term",
        item="u/x",
        unit="u",
        section="concepts",
        outcomes=(),
        prompt="Budgets were cut [sic] by councils [citation needed] in 2019.",
        options=("[red]Red[/red] option", "closing [/] tag", "[link=http://evil.example/]x[/link]"),
        answer=0,
        model_answer="[bold]Model[/] answer [sic]",
    )
    buffer = io.StringIO()
    ui = RichQuizUI(Console(file=buffer, force_terminal=True, width=100, color_system="truecolor"))
    ui.question(q, 1, 1)
    ui.reveal(q)
    ui.hint("Undone: your answer '\x1b]0;pwned\x07[/]' was removed")
    shown = buffer.getvalue()
    for literal in (
        "[sic]",
        "[citation needed]",
        "[red]Red[/red] option",
        "closing [/] tag",
        "[link=http://evil.example/]x[/link]",
        "[bold]Model[/] answer",
    ):
        assert literal in shown, literal
    assert "\x1b]8;" not in shown and "\x1b]0;" not in shown  # no hyperlink, no title change
    assert "␛]0;pwned␇" in shown
    plain = io.StringIO()
    PlainQuizUI(io.StringIO(), plain).hint("reply \x1b[2J here")
    assert plain.getvalue() == "reply ␛[2J here\n"


def test_a_bad_config_file_is_one_line_not_a_traceback(runner: CliRunner, isolated: Path) -> None:
    """Not UTF-8, or a number too large to hold: one error line naming the file (F8)."""
    isolated.mkdir(parents=True, exist_ok=True)
    config = isolated / "config.toml"
    for content, message in (
        (b"new_per_day = 1e400\n", "new_per_day must be a whole number, not inf"),
        (b"desired_retention = nan\n", "desired_retention must be a number, not nan"),
        (b"\xff\xfe", "not UTF-8 text"),
        # F24: values named as the file spells them, not as Python prints them
        (b"desired_retention = true\n", "desired_retention must be a number, not true\n"),
        (
            b"new_per_day = 1979-05-27T07:32:00Z\n",
            "new_per_day must be a whole number, not a date (1979-05-27T07:32:00+00:00)\n",
        ),
    ):
        config.write_bytes(content)
        result = runner.invoke(app, ["due"])
        assert result.exit_code == 1, content
        assert message in result.stderr and result.stderr.count("\n") == 1
        assert config.read_bytes() == content  # left as it was


def test_a_config_file_saved_with_a_byte_order_mark_is_read(
    runner: CliRunner, isolated: Path
) -> None:
    """Notepad saves UTF-8 with a BOM: the file is read, not 'Invalid statement' (F24)."""
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_bytes(b"\xef\xbb\xbfnew_per_day = 4\n")
    result = runner.invoke(app, ["config", "new_per_day"])
    assert result.exit_code == 0 and result.stdout.splitlines()[1].split()[:2] == [
        "new_per_day",
        "4",
    ]


def test_all_beside_unit_names_means_every_unit(runner: CliRunner) -> None:
    """`quiz all PSL` is every unit, not 'unknown unit all' (F24)."""
    result = runner.invoke(app, ["quiz", "all", "PSL", "-n", "1", "--seed", "1", "--practice"])
    assert result.exit_code == 0 and "Question 1 of 1" in result.stdout


def test_a_negative_setting_is_a_value_not_an_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["config", "new_per_day", "-1"])
    assert result.exit_code == 1
    assert result.stderr == "Error: new_per_day must be a whole number from 0 to 10000, not -1\n"


def test_an_extreme_cmirev_now_is_a_usage_error(runner: CliRunner) -> None:
    for moment in ("9999-12-31T12:00:00+00:00", "0001-01-01T00:00:00+00:00"):
        result = runner.invoke(app, ["due"], env={"CMIREV_NOW": moment})
        assert result.exit_code == 2 and "is out of range" in result.stderr


def test_a_busy_store_is_called_busy_and_kept(runner: CliRunner, isolated: Path) -> None:
    """Another program holding the store locked is 'busy', never 'damaged, move it aside' (F6)."""
    import sqlite3

    from cmirev.store import Store

    Store(isolated / "reviews.sqlite3").close()  # a healthy store
    holder = sqlite3.connect(isolated / "reviews.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(app, ["due"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "is busy" in result.stderr and "move it aside" not in result.stderr
    assert runner.invoke(app, ["due"]).exit_code == 0


def _answer_at_once(path: str, barrier: object, rounds: int) -> None:
    """A process answering the same item ``rounds`` times, in step with the others."""
    from datetime import UTC, datetime

    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    study = study_at(catalog, Path(path), datetime(2026, 11, 23, 9, tzinfo=UTC))
    for _ in range(rounds):
        barrier.wait()  # type: ignore[attr-defined]
        answer(study, "public-services-leadership/kotter-8-steps", True)


def test_concurrent_answers_to_one_item_each_build_on_the_last(tmp_path: Path) -> None:
    """Four processes answering the same item at the same instant: every review's 'before' is
    the previous review's 'after', and the card counts every review (F7)."""
    import multiprocessing

    from cmirev.store import Store

    path = tmp_path / "r.db"
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=_answer_at_once, args=(str(path), barrier, 5)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store = Store(path)
    log = list(store.reviews())
    assert len(log) == 20
    for previous, review in itertools.pairwise(log):
        assert review.before == previous.after
    (card,) = store.cards().values()  # one card: the idea's, shared by its twins
    assert card.reps == 20


def test_an_answer_the_store_cannot_take_is_kept_and_saved_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk at the moment of an answer: one clear error, the answer kept beside the
    store, and saved, as it was given, by the next run that can write (F4)."""
    import sqlite3
    from datetime import UTC, datetime

    from cmirev.loader import load_catalog
    from cmirev.store import Store, StoreError

    from .helpers import answer, study_at

    catalog = load_catalog()
    path = tmp_path / "r.db"
    moment = datetime(2026, 11, 23, 9, tzinfo=UTC)
    study = study_at(catalog, path, moment)
    gid = study.plan(list(catalog.units)).new[0]
    answer(study, gid, True)

    def full(self: Store, *args: object, **kwargs: object) -> object:
        raise self.write_error(sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(Store, "answer", full)
    later = study_at(catalog, path, moment.replace(hour=10))
    with pytest.raises(StoreError) as failed:
        answer(later, gid, False)
    message = str(failed.value)
    assert "the disk is full" in message and "pending-answers.jsonl" in message
    assert "\n" not in message
    assert Store(path).count_reviews() == 1
    monkeypatch.undo()
    again = study_at(catalog, path, moment.replace(hour=11))
    assert again.saved_pending == 1
    log = list(again.store.reviews())
    assert [r.correct for r in log] == [True, False]
    assert log[1].reviewed_at == moment.replace(hour=10)  # saved as it was given
    assert not again.pending_path.exists()


def test_a_store_that_cannot_be_written_is_said_before_the_first_question(
    runner: CliRunner, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from cmirev.store import Store

    def refuse(self: Store) -> None:
        raise self.write_error(sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(Store, "check_writable", refuse)
    result = runner.invoke(app, ["drill", "--new", "2"], input="a\na\n")
    assert result.exit_code == 1
    assert "Question" not in result.stdout
    assert result.stderr.startswith("Error: cannot save to the review store")
    assert "read-only" in result.stderr and result.stderr.count("\n") == 1


def _store_with_reviews(path: Path, count: int = 120) -> None:
    from datetime import UTC, datetime, timedelta

    from cmirev.loader import load_catalog

    from .helpers import answer, study_at

    catalog = load_catalog()
    study = study_at(catalog, path, datetime(2026, 11, 2, 9, tzinfo=UTC), new_per_day=500)
    items = study.plan(list(catalog.units)).new[: count // 2]
    for day in (0, 3):
        later = study_at(catalog, path, datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=day))
        for gid in items:
            answer(later, gid, True)
    study.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_damaged_store_is_named_checked_and_recovered(runner: CliRunner, isolated: Path) -> None:
    """Pages of the store overwritten: commands say so in one line and write nothing; doctor
    finds the damage; doctor --recover keeps the damaged file and rebuilds a sound store from
    every review it can read (F5)."""
    isolated.mkdir(parents=True, exist_ok=True)
    path = isolated / "reviews.sqlite3"
    _store_with_reviews(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(len(data) // 2 // page * page, len(data) // 2 // page * page + 3 * page):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    size = path.stat().st_size
    for command in (["stats"], ["doctor"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, command
        assert (
            "Traceback" not in result.stderr and "cmirev doctor" in result.stderr.splitlines()[-1]
        )
    assert path.stat().st_size == size  # nothing written to the damaged store
    result = runner.invoke(app, ["doctor", "--recover"])
    assert result.exit_code == 0, result.stderr
    assert "Recovered" in result.stdout and "damaged-" in result.stdout
    kept = list(isolated.glob("reviews.damaged-*.sqlite3"))
    assert len(kept) == 1 and kept[0].stat().st_size == size
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0 and "sound" in result.stdout
    from cmirev.store import Store

    assert Store(path).count_reviews() > 0
    assert runner.invoke(app, ["stats"]).exit_code == 0


@pytest.mark.parametrize("damage", ["pages", "cut"])
def test_damage_is_found_on_open_before_anything_is_written(
    runner: CliRunner, isolated: Path, damage: str
) -> None:
    """Damage where the command would not look (the review log's pages, for `due`), or a file
    cut short, is found when the store is opened, once a day by SQLite's quick_check; the
    command refuses in one line and the file is left as it was (F5)."""
    isolated.mkdir(parents=True, exist_ok=True)
    path = isolated / "reviews.sqlite3"
    _store_with_reviews(path)
    assert runner.invoke(app, ["due"]).exit_code == 0
    checked = isolated / "reviews.sqlite3.checked"
    assert checked.exists()  # today's check passed: not repeated by every command
    checked.unlink()
    data = bytearray(path.read_bytes())
    if damage == "pages":
        page = 4096
        start = len(data) // 2 // page * page
        data[start : start + 2 * page] = b"\x5a" * (2 * page)
    else:
        del data[-3 * 4096 :]
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    err = result.stderr.strip()
    assert (
        err.startswith(f"Error: the review store {path} is damaged") and len(err.splitlines()) == 1
    )
    assert "cmirev doctor --recover" in err
    assert path.read_bytes() == before and not checked.exists()


def test_a_store_missing_its_tables_is_refused_untouched(runner: CliRunner, isolated: Path) -> None:
    import sqlite3

    isolated.mkdir(parents=True, exist_ok=True)
    path = isolated / "reviews.sqlite3"
    _store_with_reviews(path, 20)
    db = sqlite3.connect(path)
    db.execute("DROP TABLE reviews")
    db.commit()
    db.close()
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    assert (
        "damaged (its tables are missing)" in result.stderr and "doctor --recover" in result.stderr
    )


def test_special_files_in_a_unit_folder_are_refused_quickly(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO, a device and a symlink loop are each one problem, not a hang, a memory blow-up
    or a traceback (F10); an upper-case suffix is a unit file; an empty folder is no unit (F17)."""
    import os

    fifo = tmp_path / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / "x.yaml")
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "a.yaml").symlink_to("b.yaml")
    (loop / "b.yaml").symlink_to("a.yaml")
    zero = tmp_path / "zero"
    zero.mkdir()
    (zero / "z.yaml").symlink_to("/dev/zero")
    for folder in (fifo, loop, zero):
        result = runner.invoke(app, ["validate", str(folder)])
        assert result.exit_code == 1, folder
        assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    upper = tmp_path / "upper"
    upper.mkdir()
    (upper / "sample-unit.YAML").write_text((FIXTURES / "sample-unit.yaml").read_text())
    assert runner.invoke(app, ["validate", str(upper)]).stdout.startswith("OK: 1 unit file")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["validate", str(empty)])
    assert result.exit_code == 1 and "no unit files (*.yaml, *.yml) found" in result.stderr
    monkeypatch.setenv("CMIREV_UNITS", str(fifo))
    result = runner.invoke(app, ["units"])
    assert result.exit_code == 1 and "not a regular file" in result.stderr


def test_a_folder_named_twice_is_loaded_once(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CMIREV_UNITS naming the built-in folder (twice) does not make each unit its own
    duplicate (F18)."""
    import os

    from cmirev.paths import builtin_units_dir

    folder = str(builtin_units_dir())
    monkeypatch.setenv("CMIREV_UNITS", os.pathsep.join([folder, folder]))
    result = runner.invoke(app, ["units"])
    assert result.exit_code == 0, result.stderr
    assert "5 units." in result.stdout


def _cmirev() -> str:
    import sys

    return str(Path(sys.executable).parent / "cmirev")


def test_a_reader_that_goes_away_is_not_an_error(isolated: Path) -> None:
    """'cmirev show readings | head -1' exits 0 and says nothing, every time (F14)."""
    import subprocess

    for _ in range(5):
        run = subprocess.run(
            [
                "bash",
                "-c",
                f"'{_cmirev()}' show readings | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout == "0\n" and run.stderr == ""


def test_usage_errors_and_closed_streams_are_one_line(isolated: Path) -> None:
    """A usage error is one line quoting the argument safely (F15); closed standard streams are
    end of input and nowhere to write, not tracebacks (F23)."""
    import subprocess

    bad = subprocess.run(
        [_cmirev(), "quiz", "public-services-leadership", "-n", "0"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("Error: Invalid value for '-n'")
    hostile = subprocess.run(
        [_cmirev(), "quiz", "x\x1b]0;pwned\x07"], capture_output=True, text=True
    )
    assert hostile.returncode == 2 and "\x1b" not in hostile.stderr
    closed = subprocess.run(
        ["bash", "-c", f"'{_cmirev()}' quiz public-services-leadership -n 2 --practice <&-"],
        capture_output=True,
        text=True,
    )
    assert closed.returncode == 0 and "Traceback" not in closed.stderr
    closed = subprocess.run(
        [
            "bash",
            "-c",
            f"printf 'a\\n' | '{_cmirev()}' quiz public-services-leadership -n 1 --practice >&-",
        ],
        capture_output=True,
        text=True,
    )
    assert closed.returncode in (0, 1) and "Traceback" not in closed.stderr


def test_a_terminal_that_is_not_utf8_gets_ascii_and_bad_bytes_are_a_bad_answer(
    isolated: Path,
) -> None:
    """An ASCII or Latin-1 output encoding prints stand-ins for cmirev's glyphs; bytes that do
    not decode in an answer are an answer that is not understood, not a crash (F9)."""
    import os
    import subprocess

    for encoding in ("ascii", "latin-1"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        run = subprocess.run(
            [
                _cmirev(),
                "quiz",
                "public-services-leadership",
                "-n",
                "2",
                "--practice",
                "--seed",
                "3",
            ],
            input=b"\xff\xfe\na\n",
            capture_output=True,
            env=env,
        )
        assert run.returncode == 0, run.stderr
        assert b"Question 1 of 2 - " in run.stdout or b"Question 1 of 2 \xb7 " in run.stdout
        stats = subprocess.run([_cmirev(), "stats"], capture_output=True, env=env)
        assert stats.returncode == 0 and b"Traceback" not in stats.stderr


def test_names_with_accented_letters_are_masked_whole() -> None:
    from cmirev.questions.text import BLANK, distinctive, mask_stems

    masked = mask_stems("Elisabeth Kübler-Ross drew the stages", distinctive("Kübler-Ross curve"))
    assert masked == f"Elisabeth {BLANK} drew the stages"


def test_a_review_row_with_an_unreadable_state_is_named_not_a_traceback(
    runner: CliRunner, isolated: Path
) -> None:
    import sqlite3

    isolated.mkdir(parents=True, exist_ok=True)
    path = isolated / "reviews.sqlite3"
    _store_with_reviews(path, 20)
    db = sqlite3.connect(path)
    db.execute("UPDATE reviews SET after = '{\"state\": 2}' WHERE id = 3")
    db.commit()
    db.close()
    result = runner.invoke(app, ["evaluate"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "review 3 has an unreadable card state" in result.stderr
    assert runner.invoke(app, ["doctor", "--recover"]).exit_code == 0
    assert runner.invoke(app, ["evaluate"]).exit_code == 0


def test_aliases_cannot_expand_a_small_file_into_a_huge_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A 100 KB title aliased by 2,000 outcomes (200 MB once expanded) is refused (F13)."""
    title = "x" * 100_000
    outcomes = "\n".join(f"  - {{id: LO{n}, text: *t}}" for n in range(2000))
    path = tmp_path / "quad.yaml"
    path.write_text(
        f"id: quad\ntitle: &t {title}\nqualification: q\nsynopsis: s\noverview: o\n"
        f"learning_outcomes:\n{outcomes}\n"
    )
    assert path.stat().st_size < 200_000
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "of text once its aliases are expanded: refused" in result.stderr


def test_settings_changed_at_once_all_land(isolated: Path) -> None:
    """Six 'cmirev config' runs at the same moment: every change is in the file (F20)."""
    import subprocess

    from cmirev.config import load_settings

    changes = {
        "new_per_day": "17",
        "max_reviews_per_day": "170",
        "day_start_hour": "5",
        "slow_seconds": "41",
        "desired_retention": "0.85",
        "learning_steps": "2 12",
    }
    runs = [
        subprocess.Popen([_cmirev(), "config", key, value], stdout=subprocess.DEVNULL)
        for key, value in changes.items()
    ]
    assert all(run.wait(60) == 0 for run in runs)
    settings = load_settings(isolated)
    assert (settings.new_per_day, settings.max_reviews_per_day, settings.day_start_hour) == (
        17,
        170,
        5,
    )
    assert (settings.slow_seconds, settings.desired_retention, settings.learning_steps) == (
        41,
        0.85,
        (2, 12),
    )
