"""The quiz in a terminal (Rich panels) or through a pipe (plain lines, one answer per line)."""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any

from cmirev.errors import visible
from cmirev.questions import FORMATS, LETTERS, RATINGS, Question
from cmirev.render import Out, PlainOut, RichOut
from cmirev.session import Answer, Summary

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rich.console import Console

    from cmirev.scheduler import Plan

KEYS = (
    "Keys: type a letter (or number) for a multiple-choice answer, t or f for true or false, "
    "the word for a gap, the letters in order for steps, 1-4 to grade yourself; "
    "! overrules the marking of a typed answer you know was right; "
    "u undoes your last answer and asks its question again (in a drill, and in a quiz "
    "unless --practice); ? shows this help; q quits (answers so far are kept)."
)


def _options(question: Question) -> list[str]:
    if FORMATS[question.format].answering == "true-false":
        return ["t) True", "f) False"]
    return [f"{LETTERS[i]}) {text}" for i, text in enumerate(question.options)]


def _right_answer(question: Question) -> str:
    if FORMATS[question.format].answering == "choice":
        return f"{LETTERS[question.answer]}) {question.model_answer}"
    return question.model_answer


OVERRULE_HINT = "Typed it right after all? Type ! at the next prompt to overrule the marking."


def _verdict(answer: Answer) -> tuple[str, str]:
    """The feedback's first line without its mark, and a line to add (or '')."""
    q = answer.question
    if q.self_graded:
        return f"Graded {answer.mark.rating} ({RATINGS[answer.mark.rating]}).", ""
    if answer.mark.correct:
        note = f" ({answer.mark.note})" if answer.mark.note else ""
        return f"Right{note}.", ""
    detail = f" ({answer.mark.detail})" if answer.mark.detail else ""
    extra = OVERRULE_HINT if FORMATS[q.format].answering == "typed" else ""
    return f"Not quite{detail}. The answer: {_right_answer(q)}", extra


class PlainQuizUI:
    """Plain text: for pipes and scripts. Reads one answer per line and echoes it."""

    def __init__(self, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def _say(self, text: str = "") -> None:
        self.stdout.write(visible(text) + "\n")

    def question(self, question: Question, number: int, total: int) -> None:
        self._say()
        self._say(f"Question {number} of {total} · {FORMATS[question.format].label}")
        self._say(question.prompt)
        for line in _options(question):
            self._say(f"  {line}")

    def read(self, prompt: str) -> str | None:
        self.stdout.write(f"{prompt}: ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self._say()
            return None
        reply = line.rstrip("\n")
        self._say(reply)
        return reply

    def hint(self, text: str) -> None:
        self._say(text)

    def help(self, question: Question) -> None:
        self._say(KEYS)

    def reveal(self, question: Question) -> None:
        self._say(f"Model answer: {question.model_answer}")

    def feedback(self, answer: Answer) -> None:
        q = answer.question
        line, extra = _verdict(answer)
        self._say(line)
        if not q.self_graded:
            self._say(f"Why: {q.explanation}")
        self._say(f"Source: {q.source}")
        if extra:
            self._say(extra)

    def introduce(self, heading: str, lines: list[tuple[str, str]]) -> None:
        """A new item, shown before its first question (no wait: a pipe reads answers only)."""
        self._say()
        self._say(f"New: {heading}")
        for label, text in lines:
            self._say(f"  {label}: {text}" if label else f"  {text}")

    def out(self) -> Out:
        return PlainOut(self.stdout)


class RichQuizUI:
    """Rich panels in a terminal."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(highlight=False)

    def question(self, question: Question, number: int, total: int) -> None:
        from rich.console import Group, RenderableType
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        body: list[RenderableType] = [Text(visible(question.prompt))]
        if question.options:
            options = Table.grid(padding=(0, 1))
            options.add_column(style="bold cyan", no_wrap=True)
            options.add_column()
            for line in _options(question):
                key, text = line.split(") ", 1)
                options.add_row(f"{key})", Text(visible(text)))  # never markup
            body += [Text(), options]
        self.console.print()
        self.console.print(
            Panel(
                Group(*body),
                title=f"Question {number} of {total} · {FORMATS[question.format].label}",
                border_style="cyan",
                title_align="left",
            )
        )

    def read(self, prompt: str) -> str | None:
        try:
            return self.console.input(f"[bold cyan]{prompt}[/] › ")
        except EOFError:
            self.console.print()
            return None

    def hint(self, text: str) -> None:
        self.console.print(visible(text), style="yellow", markup=False)

    def help(self, question: Question) -> None:
        self.console.print(KEYS, style="dim")

    def reveal(self, question: Question) -> None:
        from rich.panel import Panel
        from rich.text import Text

        self.console.print(
            Panel(Text(visible(question.model_answer)), title="Model answer", border_style="green")
        )

    def feedback(self, answer: Answer) -> None:
        q = answer.question
        line, extra = _verdict(answer)
        line, extra = visible(line), visible(extra) if extra else extra
        if q.self_graded:
            self.console.print(line, style="bold", markup=False)
        elif answer.mark.correct:
            self.console.print(f"✓ {line}", style="bold green", markup=False)
        else:
            self.console.print(f"✗ {line}", style="bold red", markup=False)
        if not q.self_graded:
            self.console.print(f"Why: {visible(q.explanation)}", markup=False)
        self.console.print(f"Source: {visible(q.source)}", style="dim", markup=False)
        if extra:
            self.console.print(extra, style="dim", markup=False)

    def introduce(self, heading: str, lines: list[tuple[str, str]]) -> None:
        """A new item in a panel; the learner reads it and presses Enter."""
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        body = [
            Text.assemble((f"{label}: ", "bold"), visible(text)) if label else Text(visible(text))
            for label, text in lines
        ]
        self.console.print()
        self.console.print(
            Panel(
                Group(*body),
                title=Text(f"New · {visible(heading)}"),  # a title string would be markup
                border_style="green",
                title_align="left",
            )
        )
        try:
            self.console.input("[bold green]Press Enter when you have read it[/] › ")
        except EOFError:
            self.console.print()

    def out(self) -> Out:
        return RichOut(self.console)


def make_quiz_ui() -> PlainQuizUI | RichQuizUI:
    """Rich when both ends are a terminal; plain lines when input or output is piped."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return RichQuizUI()
    return PlainQuizUI()


def summary_view(out: Out, summary: Summary) -> None:
    """The end of a quiz: score, breakdowns, every missed question with its answer."""
    asked = len(summary.answers)
    ended = {
        "done": "Quiz complete.",
        "quit": f"Quiz stopped after {asked} of {summary.planned} questions.",
        "end of input": f"Input ended after {asked} of {summary.planned} questions.",
        "interrupted": f"Interrupted after {asked} of {summary.planned} questions.",
    }[summary.ended]
    out.text("")
    out.title("Summary", ended)
    if not asked:
        out.text("No questions answered.")
        out.text(f"Replay this quiz with --seed {summary.seed}.", dim=True)
        return
    pct = round(100 * summary.correct / asked)
    out.text(f"Score: {summary.correct} of {asked} ({pct}%)")
    out.heading("By section")
    out.table(
        ["Section", "Right", "Asked"], [[s, str(r), str(n)] for s, r, n in summary.by_section()]
    )
    outcomes = summary.by_outcome()
    if outcomes:
        out.heading("By learning outcome")
        out.table(["Outcome", "Right", "Asked"], [[s, str(r), str(n)] for s, r, n in outcomes])
    missed = summary.missed()
    if missed:
        out.heading("To work on")
        for answer in missed:
            q = answer.question
            first = q.prompt.splitlines()[-1] if q.prompt.strip() else q.format
            out.entry(
                first,
                [("Answer", _right_answer(q)), ("Why", q.explanation), ("Source", q.source)],
            )
    out.text(f"\nReplay this quiz with --seed {summary.seed}.", dim=True)


def drill_summary_view(out: Out, summary: Summary, report: dict[str, Any], remaining: Plan) -> None:
    """The end of a drill: what was done and saved, what remains, what is due soon."""
    asked = len(summary.answers)
    items = len({a.question.item for a in summary.answers})
    out.text("")
    ended = {
        "done": "Drill complete.",
        "quit": "Drill stopped.",
        "time": "Time's up.",
        "end of input": "Input ended.",
        "interrupted": "Interrupted.",
    }[summary.ended]
    out.title("Drill summary", ended)
    if asked:
        pct = round(100 * summary.correct / asked)
        out.text(f"Saved {asked} answer(s) on {items} item(s); {summary.correct} right ({pct}%).")
    else:
        out.text("No answers given; nothing changed.")
    left = len(remaining.items)
    if left:
        out.text(
            f"{left} item(s) remain for today ({len(remaining.due)} due, {len(remaining.new)} new"
            + (f", {len(remaining.ahead)} ahead of a date" if remaining.ahead else "")
            + "): run 'cmirev drill' again."
        )
    if remaining.later:
        out.text(
            f"{len(remaining.later)} item(s) in a learning step come back later today: "
            "run 'cmirev drill' again then."
        )
    forecast = report["total"]["forecast"]
    out.text(f"Due tomorrow: {forecast[1]}; over the next 7 days: {sum(forecast[1:])}.")
    missed = summary.missed()
    if missed:
        out.heading("To work on")
        for answer in missed:
            q = answer.question
            out.entry(
                q.prompt.splitlines()[-1], [("Answer", _right_answer(q)), ("Source", q.source)]
            )


def cram_summary_view(out: Out, summary: Summary) -> None:
    """The end of a cram session: what was answered; nothing was scheduled."""
    asked = len(summary.answers)
    out.text("")
    out.title("Cram summary", "no schedule changed")
    if asked:
        pct = round(100 * summary.correct / asked)
        out.text(f"{asked} answer(s), {summary.correct} right ({pct}%).")
    else:
        out.text("No answers given.")
    missed = summary.missed()
    if missed:
        out.text("Worth one more look:")
        for answer in missed[:10]:
            out.text(f"  {answer.question.model_answer}")


def fewer_questions(made: int, asked: int) -> str:
    """Why a quiz has fewer questions than -n asked for."""
    return (
        f"{made} question{'s' * (made != 1)}, not {asked}: that is every item these units and "
        "filters leave (one question per idea; prerequisites are not quizzed)."
    )


def plan_notes(plan: Plan, waiting: int, new_off: bool) -> list[str]:
    """Why today's drill asks fewer than 'cmirev due' counts, or no new items, when it does:
    the daily review limit, ideas already asked today from another unit, new items off."""
    notes = []
    if plan.over_limit:
        everything = len(plan.due) - len(plan.steps) + plan.over_limit
        notes.append(
            f"{plan.over_limit} more due today are over today's review limit "
            f"(config max_reviews_per_day, or --max): 'cmirev drill --max {everything}' asks "
            "them all now."
        )
    if waiting:
        notes.append(
            f"{waiting} due item(s) wait for tomorrow: the same idea was asked today from "
            "another unit, and an idea is asked once a day."
        )
    if new_off:
        notes.append(
            "New items are switched off (config new_per_day is 0): 'cmirev drill --new 5' "
            "starts five now."
        )
    return notes


def nothing_due_view(out: Out, report: dict[str, Any], plan: Plan) -> None:
    """Nothing to drill now: when the next item is due, and how to take on new ones."""
    total = report["total"]
    out.text("Nothing is due now.")
    if report["next_due"]:
        out.text(f"Next review due {report['next_due_text']}.")
    unseen = total["new_available"]
    if unseen and not report.get("new_per_day", 1):
        out.text(
            f"New items are switched off (config new_per_day is 0); {unseen} are waiting: "
            "'cmirev drill --new 5' starts five now, 'cmirev config new_per_day 10' switches "
            "them back on."
        )
    elif unseen:
        out.text(
            f"Today's new-item limit is used up, but {unseen} new item(s) are waiting: "
            "'cmirev drill --new 5' starts five more now."
        )
    elif not report["next_due"]:
        out.text("You have seen every item and nothing is scheduled.")
