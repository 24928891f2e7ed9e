"""The screen a learner lives with (issue 13): in a real 80x24 terminal the verdict waits for a
key, a letter is one key, a question never outgrows the terminal, stats fits one screen with
the rest in a pager, plain mode for screen readers, and a drill that says how long it takes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pexpect
import pytest
from rich.console import Console
from typer.testing import CliRunner

from cmirev.cli import app
from cmirev.loader import load_catalog
from cmirev.questions import LETTERS, Generator, Mark, Question
from cmirev.quizui import PlainQuizUI, RichQuizUI
from cmirev.render import month_labels
from cmirev.scheduler import Settings
from cmirev.session import Answer, build_quiz

from .helpers import study_at
from .test_stats import simulate
from .test_terminal import ANSI

CMIREV = Path(sys.executable).parent / "cmirev"
BLOCKS = set("█▓▒░▁▂▃▄▅▆▇·›•✓✗╭╮╰╯│─")


def pty(*args: str, home: Path, rows: int = 24, env: dict[str, str] | None = None) -> pexpect.spawn:
    """The installed cmirev in an 80-column pseudo-terminal of ``rows`` rows, no colour."""
    full = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "CMIREV_PLAIN")}
    full.update(CMIREV_HOME=str(home), NO_COLOR="1", TERM="xterm")
    full.update(env or {})
    return pexpect.spawn(
        str(CMIREV), list(args), env=full, dimensions=(rows, 80), encoding="utf-8", timeout=30
    )


def text_of(child: pexpect.spawn) -> str:
    """What the child wrote so far (before the last match), styles and carriage returns gone."""
    return ANSI.sub("", child.before or "").replace("\r", "")


def quiz(seed: int, count: int, formats: list[str]) -> list[Question]:
    """The quiz the CLI builds for public-services-leadership with these arguments."""
    catalog = load_catalog()
    unit = catalog.get("public-services-leadership")
    assert unit is not None
    return build_quiz(Generator(catalog), [unit], count, Random(seed), formats)


def quiz_args(seed: int, count: int, formats: list[str]) -> list[str]:
    fmts = [arg for f in formats for arg in ("-f", f)]
    return ["quiz", "psl", "-n", str(count), "--seed", str(seed), *fmts]


# -- the verdict stays, one key answers


def test_one_key_answers_and_the_verdict_waits_for_a_key(isolated: Path) -> None:
    """A letter is taken without Enter; the verdict stays until a key is pressed (the next
    question does not appear by itself), and q at that pause stops the quiz."""
    questions = quiz(5, 3, ["term"])
    child = pty(*quiz_args(5, 3, ["term"]), home=isolated)
    child.expect("Answer \\(a-d\\)\\S* ›")
    child.send(LETTERS[questions[0].answer])  # no Enter
    child.expect("Right")
    child.expect("Enter for the next question \\(q quits, u undoes\\)")  # a quiz that records
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Question 2 of 3", timeout=1.5)
    child.send(" ")
    child.expect("Question 2 of 3")
    child.expect("›")
    child.send(LETTERS[(questions[1].answer + 1) % 4])
    child.expect("Not quite. You chose")
    child.expect("Enter for the next question")
    child.send("q")
    child.expect("Quiz stopped after 2 of 3 questions")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_an_enter_typed_with_a_one_key_answer_does_not_skip_the_verdict(isolated: Path) -> None:
    """Out of habit a learner types 'b' and Enter: the letter answers, the Enter is not taken
    as the key that goes on."""
    child = pty(*quiz_args(5, 2, ["term"]), home=isolated)
    child.expect("›")
    child.sendline("b")
    child.expect("Enter for the next question")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Question 2 of 2", timeout=1.5)
    child.send("\r")
    child.expect("Question 2 of 2")
    child.sendintr()
    child.expect(pexpect.EOF)


def test_u_at_the_pause_undoes_the_answer_in_a_drill(isolated: Path) -> None:
    """In a drill, u after the feedback takes the answer back and asks the question again;
    q then stops with nothing saved."""
    child = pty("drill", "--unit", "psl", "--new", "2", "--seed", "3", home=isolated)
    child.expect("Press Enter when you have read it")
    child.send("\r")
    which = child.expect([r"Answer \(a-[a-j]\)\S* ›", r"True or false \(t/f\)\S* ›"])
    child.send("a" if which == 0 else "t")
    child.expect(r"(Right|Not quite)")
    child.expect(r"Enter for the next question \(q quits, u undoes\)")
    child.send("u")
    child.expect("Undone: your answer 'a'|Undone: your answer 't'")
    child.expect("Question 1 of")
    child.expect("›")
    child.send("q")
    child.expect("No answers given; nothing changed.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_piped_quiz_never_waits(runner: CliRunner) -> None:
    """Through a pipe answers are lines and the next question follows the feedback at once."""
    questions = quiz(5, 2, ["term"])
    replies = "".join(LETTERS[q.answer] + "\n" for q in questions)
    result = runner.invoke(app, quiz_args(5, 2, ["term"]), input=replies)
    assert result.exit_code == 0
    assert "Score: 2 of 2 (100%)" in result.stdout
    assert "Enter for the next question" not in result.stdout


# -- a question fits the terminal


def rich_rows(question: Question, rows: int = 24, columns: int = 80) -> tuple[int, str]:
    """Rows a question takes in a terminal (the blank line, its panel, the prompt), and its
    text."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=columns, height=rows, color_system=None)
    RichQuizUI(console).question(question, 1, 10)
    return buffer.getvalue().count("\n") + 1, buffer.getvalue()


def plain_rows(question: Question, rows: int = 24, columns: int = 80) -> int:
    buffer = io.StringIO()
    PlainQuizUI(io.StringIO(), buffer, interactive=True, size=(columns, rows)).question(
        question, 1, 10
    )
    return buffer.getvalue().count("\n") + 1


def test_no_question_screen_is_taller_than_80x24() -> None:
    """Over 1,500 seeded questions of every unit (about 6 % used to overflow), none takes
    more than 24 rows, drawn by Rich or in plain mode; the long ones say they were trimmed."""
    catalog = load_catalog()
    generator = Generator(catalog)
    trimmed = 0
    for seed in range(150):
        for q in build_quiz(generator, list(catalog.units), 10, Random(seed)):
            rows, shown = rich_rows(q)
            assert rows <= 24, (seed, q.format, q.item)
            assert plain_rows(q) <= 24, (seed, q.format, q.item)
            trimmed += "trimmed to fit" in shown
    assert trimmed > 20


def test_a_tall_question_is_trimmed_and_shown_whole_after_the_answer(isolated: Path) -> None:
    """In a real 80x24 terminal the tallest kind of question (four long definitions) fits the
    screen with '...', and after the answer the question is shown in full."""
    question = quiz(5, 1, ["definition"])[0]
    assert rich_rows(question, rows=1000)[0] > 24  # too tall untrimmed
    child = pty(*quiz_args(5, 1, ["definition"]), home=isolated)
    child.expect("Answer \\(a-d\\)\\S* ›")
    screen = text_of(child).splitlines()
    top = max(i for i, line in enumerate(screen) if "Question 1 of 1" in line)
    assert len(screen) - top + 2 <= 24  # the blank line above, the panel, the prompt row
    assert "..." in "\n".join(screen[top:])
    assert "trimmed to fit" in screen[-1]
    child.send(LETTERS[(question.answer + 1) % 4])
    child.expect("Enter to finish")
    after = " ".join(text_of(child).split())
    assert "The question in full:" in after
    for option in question.options:
        assert " ".join(option.split()) in after
    child.send(" ")
    child.expect(pexpect.EOF)


def test_wrong_answers_name_what_was_chosen(runner: CliRunner) -> None:
    """A wrong true-or-false answer says which was chosen; a wrong typed one what was typed."""
    tf = quiz(9, 1, ["true-false"])[0]
    wrong = "f" if tf.answer == 0 else "t"
    result = runner.invoke(app, quiz_args(9, 1, ["true-false"]), input=wrong + "\n")
    said = ("true", "false")
    assert (
        f"Not quite. You chose {said[1 - tf.answer]}. The answer is {said[tf.answer]}."
        in result.stdout
    )
    result = runner.invoke(app, quiz_args(2, 1, ["cloze"]), input="zebra\n\n")
    assert "Not quite. You typed 'zebra'. The answer: " in result.stdout


# -- stats on one screen, the rest in a pager


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A home with three weeks of daily drills, and the moment after the last."""
    home = tmp_path_factory.mktemp("history")
    last = simulate(load_catalog(), home / "reviews.sqlite3", 21)
    return home, (last + timedelta(hours=1)).isoformat()


def test_stats_fits_one_80x24_screen_and_full_opens_in_the_pager(
    history: tuple[Path, str], tmp_path: Path
) -> None:
    """In an 80x24 terminal stats is at most 22 rows (the command and the next prompt fit
    too) and is not paged; --full is taller than the screen and goes to $PAGER."""
    home, now = history
    paged = tmp_path / "paged.txt"
    env = {"CMIREV_NOW": now, "PAGER": f"cat > {paged}"}
    child = pty("stats", home=home, env=env)
    child.expect(pexpect.EOF)
    child.close()
    shown = ANSI.sub("", child.before).replace("\r", "").rstrip("\n").splitlines()
    assert child.exitstatus == 0
    assert len(shown) <= 22, "\n".join(shown)
    assert max(len(line) for line in shown) <= 80
    assert "Readiness (predicted recall now" in "\n".join(shown)
    assert "Weakest now" in "\n".join(shown)
    assert "streak 21 days" in "\n".join(shown)
    assert not paged.exists()
    child = pty("stats", "--full", home=home, env=env)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = ANSI.sub("", paged.read_text(encoding="utf-8"))
    assert "Reviews per day, last 20 weeks" in text
    assert "Readiness by assessment criterion, weakest first" in text
    assert "Reviews per day" not in ANSI.sub("", child.before)


def test_piped_stats_is_never_paged(
    runner: CliRunner, history: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped or redirected, --full is written out whole and no pager runs."""
    home, now = history
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("CMIREV_HOME", str(home))
    result = runner.invoke(
        app, ["stats", "--full"], env={"CMIREV_NOW": now, "PAGER": f"cat > {paged}"}
    )
    assert result.exit_code == 0
    assert "Reviews per day, last 20 weeks" in result.stdout
    assert "Misconceptions you have fallen for most" in result.stdout
    assert not paged.exists()


def test_month_labels_never_run_together() -> None:
    """A calendar starting on the last Monday of July names August, not 'JuAug'."""
    from datetime import date

    mondays = [date(2026, 7, 27) + timedelta(weeks=w) for w in range(20)]
    line = month_labels(mondays)
    assert "JuAug" not in line and "JulAug" not in line
    assert line.split() == ["Aug", "Sep", "Oct", "Nov", "Dec"]
    assert line.index("Aug") == 2  # over its first week
    mondays = [date(2026, 7, 20) + timedelta(weeks=w) for w in range(20)]
    assert month_labels(mondays).split() == ["Jul", "Aug", "Sep", "Oct", "Nov"]


def test_the_calendar_in_stats_names_each_month_apart(runner: CliRunner, isolated: Path) -> None:
    """With today on 7 December 2026 the 20-week calendar starts on 27 July: the month line
    reads Aug Sep Oct Nov Dec, each name apart."""
    catalog = load_catalog()
    moment = datetime(2026, 12, 7, 12, tzinfo=UTC)
    study = study_at(catalog, isolated / "reviews.sqlite3", moment)
    gid = study.plan(list(catalog.units)).new[0]
    q = study.question(gid)
    assert q is not None
    study.record(Answer(q, "x", Mark(True, True, 3), 4.0))
    study.store.close()
    result = runner.invoke(app, ["stats", "--full"], env={"CMIREV_NOW": moment.isoformat()})
    lines = result.stdout.splitlines()
    months = lines[lines.index("Reviews per day, last 20 weeks") + 2]
    assert months.split() == ["Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize("full", [[], ["--full"]])
def test_stats_redirected_as_cp1252_does_not_crash(
    history: tuple[Path, str], tmp_path: Path, full: list[str]
) -> None:
    """PYTHONIOENCODING=cp1252 cmirev stats > f.txt (Windows' redirect) exits 0 with the
    shades and bars in ASCII, no traceback."""
    home, now = history
    target = tmp_path / "f.txt"
    env = {k: v for k, v in os.environ.items() if k != "CMIREV_PLAIN"}
    env.update(CMIREV_HOME=str(home), CMIREV_NOW=now, PYTHONIOENCODING="cp1252")
    with target.open("wb") as out:
        done = subprocess.run(
            [str(CMIREV), "stats", *full], stdout=out, stderr=subprocess.PIPE, env=env, check=False
        )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    text = target.read_bytes().decode("cp1252")
    assert "Readiness" in text


# -- plain mode


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--plain"], {}), ([], {"CMIREV_PLAIN": "1"}), ([], {"TERM": "dumb"})],
    ids=["--plain", "CMIREV_PLAIN=1", "TERM=dumb"],
)
def test_plain_stats_has_no_bars_or_blocks(
    runner: CliRunner,
    history: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
) -> None:
    """In plain mode stats carries percentages and words: no bars, shades, dots or
    underlines a screen reader would read out."""
    home, now = history
    monkeypatch.setenv("CMIREV_HOME", str(home))
    result = runner.invoke(app, [*args, "stats", "--full"], env={"CMIREV_NOW": now, **env})
    assert result.exit_code == 0
    out = result.stdout
    assert not BLOCKS & set(out), BLOCKS & set(out)
    assert "=====" not in out and "-----" not in out
    assert re.search(r"^ *\d+%  PSL ", out, re.MULTILINE)  # readiness as a percentage
    assert "Reviews per week, last 20 weeks" in out
    assert "Week of" in out
    plain = runner.invoke(app, ["stats", "--full"], env={"CMIREV_NOW": now})
    assert BLOCKS & set(plain.stdout)  # not in plain mode: the bars are drawn


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--plain"], {}), ([], {"CMIREV_PLAIN": "1"}), ([], {"TERM": "dumb"})],
    ids=["--plain", "CMIREV_PLAIN=1", "TERM=dumb"],
)
def test_a_plain_quiz_in_a_terminal_reads_as_words(
    isolated: Path, args: list[str], env: dict[str, str]
) -> None:
    """In a terminal in plain mode a quiz has no boxes or marks: plain lines wrapped between
    words, 'Not quite' and 'Right' as words, still one key per answer and a wait after."""
    questions = quiz(5, 2, ["term"])
    child = pty(*args, *quiz_args(5, 2, ["term"]), home=isolated, env=env)
    child.expect("Answer \\(a-d\\): ")
    child.send(LETTERS[(questions[0].answer + 1) % 4])
    child.expect("Enter for the next question")
    child.send(" ")
    child.expect("Answer \\(a-d\\): ")
    child.send(LETTERS[questions[1].answer])
    child.expect("Enter to finish")
    child.send(" ")
    child.expect(pexpect.EOF)
    child.close()
    out = ANSI.sub("", child.before).replace("\r", "")
    everything = text_of(child) + out
    assert child.exitstatus == 0
    assert "\x1b[" not in (child.before or "")  # no styles at all
    assert not BLOCKS & set(everything), BLOCKS & set(everything)
    assert "Score: 1 of 2 (50%)" in out


def test_plain_show_in_a_terminal_wraps_between_words(isolated: Path) -> None:
    """Plain mode in a terminal: no bullets, no underlines, lines within 80 columns, and no
    word broken across lines."""
    child = pty(
        "--plain", "show", "misconceptions", "--unit", "psl", home=isolated, env={"PAGER": "cat"}
    )
    child.expect(pexpect.EOF)
    out = ANSI.sub("", child.before).replace("\r", "")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "•" not in out and "=====" not in out
    assert "* Myth: " in out
    words = set(re.findall(r"[A-Za-z]+", " ".join(lines)))
    assert "Correction" in words


def test_a_whole_unit_in_a_terminal_opens_in_the_pager(isolated: Path, tmp_path: Path) -> None:
    """'cmirev show UNIT' (hundreds of lines) goes to $PAGER in a terminal, not past the
    screen; what fits one screen is printed as it is."""
    paged = tmp_path / "paged.txt"
    child = pty("show", "psl", home=isolated, env={"PAGER": f"cat > {paged}"})
    child.expect(pexpect.EOF)
    assert "Public Services Leadership" in paged.read_text(encoding="utf-8")
    paged.unlink()
    child = pty(
        "show", "misconceptions", "-s", "mehrabian", home=isolated, env={"PAGER": f"cat > {paged}"}
    )
    child.expect(pexpect.EOF)
    assert "Mehrabian" in ANSI.sub("", child.before) and not paged.exists()


# -- a session a manager can keep


def test_the_daily_default_is_about_ten_minutes_and_said_before_the_drill(
    runner: CliRunner,
) -> None:
    """A new learner's first drill has 4 new items and says how long it should take."""
    assert (Settings().new_per_day, Settings().max_reviews_per_day) == (4, 100)
    result = runner.invoke(app, ["drill", "--seed", "1"], input="q\n")
    match = re.search(r"Today's drill: 0 due, 4 new; about (\d+) minutes\.", result.stdout)
    assert match, result.stdout[:300]
    assert 5 <= int(match.group(1)) <= 12


def test_the_estimate_follows_the_learners_own_pace(isolated: Path) -> None:
    """A learner who takes two minutes an answer is told a longer drill, at their pace."""
    from cmirev import workload

    catalog = load_catalog()
    moment = datetime(2026, 11, 30, 19, tzinfo=UTC)
    study = study_at(catalog, isolated / "reviews.sqlite3", moment)
    plan = study.plan(list(catalog.units), new_limit=4)
    before = workload.estimate(study, plan)
    assert not before.own_pace
    for gid in study.plan(list(catalog.units), new_limit=40).new[4:40]:
        q = study.question(gid)
        assert q is not None
        study.record(Answer(q, "x", Mark(True, True, 3), 120.0))
    after = workload.estimate(study, study.plan(list(catalog.units), new_limit=4))
    assert after.own_pace
    assert after.minutes > 2 * before.minutes


def test_minutes_time_box_is_said_before_the_drill(runner: CliRunner) -> None:
    """--minutes shorter than the estimate: the drill says it stops there and the rest waits."""
    result = runner.invoke(app, ["drill", "--new", "12", "--minutes", "2"], input="q\n")
    assert "Time box: 2 min: it stops there, and the rest waits for your next drill." in (
        result.stdout
    )


def test_drill_complete_says_when_learning_steps_come_back(
    runner: CliRunner, isolated: Path
) -> None:
    """After a drill, the items in a learning step come back later today at a local time the
    summary names."""
    replies = "a\nt\n" * 30
    result = runner.invoke(
        app,
        ["drill", "--new", "2", "--unit", "psl", "--seed", "4"],
        input=replies,
        env={"CMIREV_NOW": "2026-11-30T19:30:00+00:00", "TZ": "Europe/London"},
    )
    assert result.exit_code == 0
    assert re.search(
        r"\d items? in a learning step comes? back (at 19:[34]\d \(in \d+ min\)|later today, "
        r"the first at 19:\d\d)",
        result.stdout,
    ), result.stdout[-800:]
