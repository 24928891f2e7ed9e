"""The quiz on screen: Rich panels in a terminal, plain lines in plain mode or through a pipe.

In a terminal (either style) a question never takes more rows than the terminal has (long
texts are trimmed with '...' and shown whole with the feedback), a one-letter answer is taken
as soon as its key is pressed, and the feedback stays on screen until the learner presses a
key. Through a pipe, one answer is read per line, echoed, and nothing waits.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from cmirev.errors import visible
from cmirev.keys import END, ENTER, read_key
from cmirev.questions import FORMATS, LETTERS, RATINGS, Question
from cmirev.questions.marking import chosen
from cmirev.questions.text import BLANK
from cmirev.render import Out, PlainOut, RichOut, plain_mode, terminal_size, words, wrapped
from cmirev.session import Answer, Summary

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rich.console import Console, RenderableType

    from cmirev.scheduler import Plan
    from cmirev.workload import Estimate

KEYS = (
    "Keys: type a letter (or number) for a multiple-choice answer, t or f for true or false, "
    "the word for a gap, the letters in order for steps, 1-4 to grade yourself; in a terminal "
    "a letter or grade is taken as soon as you type it, and after the feedback Enter (or any "
    "key) goes on; "
    "! overrules the marking of a typed answer you know was right; "
    "u undoes your last answer and asks its question again (in a drill, and in a quiz "
    "unless --practice); ? shows this help; q quits (answers so far are kept)."
)
TRIMMED = "trimmed to fit: the full text follows your answer"
OVERRULE_HINT = "Typed it right after all? Type ! at the next prompt to overrule the marking."
QUICK_ENTER = 0.5  # seconds: an Enter this soon after a one-key answer was typed with it


def _options(question: Question) -> list[tuple[str, str]]:
    """(key, text) for each option the learner picks from."""
    if FORMATS[question.format].answering == "true-false":
        return [("t", "True"), ("f", "False")]
    return [(LETTERS[i], text) for i, text in enumerate(question.options)]


def _right_answer(question: Question) -> str:
    if FORMATS[question.format].answering == "choice":
        return f"{LETTERS[question.answer]}) {question.model_answer}"
    return question.model_answer


def _said(question: Question, index: int, cap: int | None) -> str:
    """An option as feedback names it: 'b: its text' (cut to ``cap`` characters), or 'true' /
    'false'."""
    if FORMATS[question.format].answering == "true-false":
        return ("true", "false")[index]
    text = question.options[index]
    return f"{LETTERS[index]}: {shorten(text, cap) if cap else text}"


def _sentence(text: str) -> str:
    """The text ended as a sentence (a full stop added unless it has one)."""
    return text if text.endswith((".", "!", "?")) else text + "."


VERDICT_OPTION = 90  # characters of each option a wrong answer's verdict repeats in a terminal


def _verdict(answer: Answer, cap: int | None = None) -> tuple[str, str]:
    """The feedback's first line without its mark, and a line to add (or ''). A wrong answer
    names what was chosen or typed, then the right answer (options cut to ``cap`` characters,
    so that in a terminal the verdict stays a few lines long)."""
    q = answer.question
    if q.self_graded:
        return f"Graded {answer.mark.rating} ({RATINGS[answer.mark.rating]}).", ""
    if answer.mark.correct:
        note = f" ({answer.mark.note})" if answer.mark.note else ""
        return f"Right{note}.", ""
    detail = f" ({answer.mark.detail})" if answer.mark.detail else ""
    answering = FORMATS[q.format].answering
    if answering in ("choice", "true-false"):
        pick = chosen(q, answer.reply)
        mine = f" You chose {_sentence(_said(q, pick, cap))}" if pick is not None else ""
        return f"Not quite{detail}.{mine} The answer is {_sentence(_said(q, q.answer, cap))}", ""
    extra = OVERRULE_HINT if answering == "typed" else ""
    return (
        f"Not quite{detail}. You typed '{answer.reply.strip()}'. The answer: {q.model_answer}",
        extra,
    )


# -- fitting a question to the terminal


MIN_OPTION = 40  # characters an option is never trimmed below
MIN_PARAGRAPH = 60  # ... nor a paragraph of the question


def shorten(text: str, cap: int) -> str:
    """At most about ``cap`` characters of ``text``, cut between words and marked '...'. A
    gap to fill stays in view: the words around it are kept instead of the start."""
    if len(text) <= cap:
        return text
    gap = text.find(BLANK)
    if gap < 0 or gap + len(BLANK) <= cap - 4:
        cut = text.rfind(" ", 0, cap - 3)
        cut = cut if cut > cap // 2 else cap - 3
        return text[:cut].rstrip(" ,;:") + "..."
    start = text.find(" ", max(0, gap - (cap - len(BLANK)) // 2))
    if start <= 0 or start >= gap:
        start = max(0, gap - 1)
    return "..." + shorten(text[start:].lstrip(), cap - 3)


def fit(
    prompt: str, options: list[str], rows: Callable[[str, list[str], bool], int], limit: int
) -> tuple[str, list[str], bool]:
    """The prompt and options trimmed so that ``rows(prompt, options, trimmed)`` is at most
    ``limit``, and whether anything was trimmed. Long options are trimmed first, all to one
    length (so trimming picks out none of them), then the question's longest paragraphs."""
    if rows(prompt, options, False) <= limit:
        return prompt, options, False
    shown_options = options
    cap = max((len(o) for o in options), default=0)
    while cap > MIN_OPTION:
        cap = max(MIN_OPTION, cap * 4 // 5)
        shown_options = [shorten(o, cap) for o in options]
        if rows(prompt, shown_options, True) <= limit:
            return prompt, shown_options, True
    paragraphs = prompt.split("\n")
    cap = max(len(p) for p in paragraphs)
    shown = prompt
    while cap > MIN_PARAGRAPH:
        cap = max(MIN_PARAGRAPH, cap * 4 // 5)
        shown = "\n".join(shorten(p, cap) for p in paragraphs)
        if rows(shown, shown_options, True) <= limit:
            break
    return shown, shown_options, True


# -- reading keys


class _KeyReader:
    """One-key answers and the wait after feedback, for a UI in a terminal."""

    waits = True  # the session waits for a key after each feedback

    def __init__(self, key: Callable[[], str] | None) -> None:
        self._key = key or read_key
        self._answered_at = 0.0

    def _show_prompt(self, prompt: str) -> None:
        raise NotImplementedError

    def _echo(self, text: str) -> None:
        raise NotImplementedError

    def read_key(self, prompt: str) -> str | None:
        """A one-key answer (a letter, t/f, a grade): taken as soon as it is typed."""
        self._show_prompt(prompt)
        key = self._key()
        if key == END:
            self._echo("")
            return None
        self._echo(key if key.isprintable() else "")
        if key != ENTER:
            self._answered_at = time.monotonic()
        return "" if key == ENTER else key

    def _wait(self, prompt: str) -> str | None:
        """Any key after ``prompt``; an Enter typed with the one-key answer just before (out of
        the habit of pressing Enter) is not taken for it."""
        self._show_prompt(prompt)
        while True:
            key = self._key()
            if key == ENTER and time.monotonic() - self._answered_at < QUICK_ENTER:
                self._answered_at = 0.0
                continue
            break
        self._answered_at = 0.0
        if key == END:
            self._echo("")
            return None
        self._echo(key if key.isprintable() else "")
        return "" if key == ENTER else key

    def proceed(self, prompt: str) -> str | None:
        """After the feedback: wait for a key (q, u, ! or ? mean what they mean at a prompt)."""
        return self._wait(prompt)


# -- plain lines


class PlainQuizUI(_KeyReader):
    """Plain text. Through a pipe (``interactive`` False): one answer per line, echoed, no
    waiting, for scripts. In a terminal (plain mode, for screen readers): lines wrapped between
    words, one-key answers, a wait after feedback, and symbols said in words."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        *,
        interactive: bool = False,
        size: tuple[int, int] | None = None,
        key: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(key)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = interactive
        self.waits = interactive
        self.size = size if size is not None else (terminal_size() if interactive else None)
        self._full: Question | None = None  # the question shown trimmed

    def _lines(self, text: str = "") -> list[str]:
        text = visible(text)
        if not self.interactive:
            return [text]
        text = words(text)
        return wrapped(text, self.size[0]) if self.size else [text]

    def _say(self, text: str = "") -> None:
        self.stdout.write("\n".join(self._lines(text)) + "\n")

    def _question_lines(
        self,
        question: Question,
        number: int,
        total: int,
        prompt: str,
        options: list[str],
        cut: bool,
    ) -> list[str]:
        lines = ["", f"Question {number} of {total} · {FORMATS[question.format].label}"]
        if cut:
            lines.append(f"({TRIMMED[0].upper()}{TRIMMED[1:]}.)")
        lines.append(prompt)
        lines += [
            f"  {key}) {text}" for (key, _), text in zip(_options(question), options, strict=True)
        ]
        return lines

    def question(self, question: Question, number: int, total: int) -> None:
        texts = [text for _, text in _options(question)]
        prompt, options, cut = question.prompt, texts, False
        if self.interactive and self.size:

            def rows(shown: str, opts: list[str], trimmed: bool) -> int:
                lines = self._question_lines(question, number, total, shown, opts, trimmed)
                return sum(len(self._lines(line)) for line in lines) + 1  # and the prompt

            prompt, options, cut = fit(prompt, texts, rows, self.size[1])
        self._full = question if cut else None
        for line in self._question_lines(question, number, total, prompt, options, cut):
            self._say(line)

    def _show_prompt(self, prompt: str) -> None:
        self.stdout.write(f"{prompt}: ")
        self.stdout.flush()

    def _echo(self, text: str) -> None:
        self._say(text)

    def read(self, prompt: str) -> str | None:
        self._show_prompt(prompt)
        line = self.stdin.readline()
        if not line:
            self._say()
            return None
        reply = line.rstrip("\n")
        if not self.interactive:  # a terminal echoes what is typed; a pipe does not
            self._say(reply)
        return reply

    def read_key(self, prompt: str) -> str | None:
        return super().read_key(prompt) if self.interactive else self.read(prompt)

    def proceed(self, prompt: str) -> str | None:
        return super().proceed(prompt) if self.interactive else ""

    def hint(self, text: str) -> None:
        self._say(text)

    def help(self, question: Question) -> None:
        self._say(KEYS)

    def reveal(self, question: Question) -> None:
        self._say(f"Model answer: {question.model_answer}")

    def feedback(self, answer: Answer) -> None:
        q = answer.question
        if self._full is q:
            self._say("The question in full:")
            self._say(q.prompt)
            for key, text in _options(q):
                self._say(f"  {key}) {text}")
        line, extra = _verdict(answer, VERDICT_OPTION if self.interactive else None)
        self._say(line)
        if not q.self_graded:
            self._say(f"Why: {q.explanation}")
        self._say(f"Source: {q.source}")
        if extra:
            self._say(extra)

    def introduce(self, heading: str, lines: list[tuple[str, str]]) -> None:
        """A new item, shown before its first question; in a terminal, read until a key."""
        self._say()
        self._say(f"New: {heading}")
        for label, text in lines:
            self._say(f"  {label}: {text}" if label else f"  {text}")
        if self.interactive:
            self._wait("Press Enter when you have read it")

    def out(self) -> Out:
        if self.interactive and self.size:
            return PlainOut(self.stdout, plain=True, wrap=self.size[0])
        return PlainOut(self.stdout, plain=plain_mode())


# -- Rich panels


class RichQuizUI(_KeyReader):
    """Rich panels in a terminal."""

    def __init__(
        self, console: Console | None = None, key: Callable[[], str] | None = None
    ) -> None:
        from rich.console import Console

        super().__init__(key)
        self.console = console or Console(highlight=False)
        self._full: Question | None = None

    def _panel(
        self, question: Question, number: int, total: int, prompt: str, texts: list[str], cut: bool
    ) -> RenderableType:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        body: list[RenderableType] = [Text(visible(prompt))]
        if question.options:
            options = Table.grid(padding=(0, 1))
            options.add_column(style="bold cyan", no_wrap=True)
            options.add_column()
            for (key, _), text in zip(_options(question), texts, strict=True):
                options.add_row(f"{key})", Text(visible(text)))  # never markup
            body += [Text(), options]
        return Panel(
            Group(*body),
            title=f"Question {number} of {total} · {FORMATS[question.format].label}",
            subtitle=Text(TRIMMED) if cut else None,
            border_style="cyan",
            title_align="left",
            subtitle_align="right",
        )

    def question(self, question: Question, number: int, total: int) -> None:
        texts = [text for _, text in _options(question)]

        def rows(shown: str, opts: list[str], trimmed: bool) -> int:
            panel = self._panel(question, number, total, shown, opts, trimmed)
            return len(self.console.render_lines(panel, self.console.options)) + 2

        prompt, options, cut = fit(question.prompt, texts, rows, self.console.height)
        self._full = question if cut else None
        self.console.print()
        self.console.print(self._panel(question, number, total, prompt, options, cut))

    def _show_prompt(self, prompt: str) -> None:
        from rich.text import Text

        self.console.print(Text.assemble((prompt, "bold cyan"), " › "), end="")
        self.console.file.flush()

    def _echo(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)

    def read(self, prompt: str) -> str | None:
        try:
            return self.console.input(f"[bold cyan]{prompt}[/] › ")
        except EOFError:
            self.console.print()
            return None

    def hint(self, text: str) -> None:
        self.console.print(visible(text), style="yellow", markup=False)

    def help(self, question: Question) -> None:
        self.console.print(KEYS, markup=False)

    def reveal(self, question: Question) -> None:
        from rich.panel import Panel
        from rich.text import Text

        self.console.print(
            Panel(Text(visible(question.model_answer)), title="Model answer", border_style="green")
        )

    def feedback(self, answer: Answer) -> None:
        from rich.text import Text

        q = answer.question
        if self._full is q:
            self.console.print("The question in full:", style="bold", markup=False)
            self.console.print(Text(visible(q.prompt)))
            for key, text in _options(q):
                self.console.print(Text.assemble((f"{key}) ", "bold cyan"), visible(text)))
        line, extra = _verdict(answer, VERDICT_OPTION)
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
            self.console.print(extra, style="yellow", markup=False)

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
        self._wait("Press Enter when you have read it")

    def out(self) -> Out:
        return RichOut(self.console)


def make_quiz_ui() -> PlainQuizUI | RichQuizUI:
    """Rich when both ends are a terminal, plain lines in plain mode (still one-key answers and
    a wait after feedback); plain lines, one answer per line, when input or output is piped."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        if plain_mode():
            return PlainQuizUI(interactive=True)
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


def drill_start_view(out: Out, plan: Plan, estimate: Estimate, minutes: float | None) -> None:
    """Before a drill: what it holds and how long it should take at the learner's pace."""
    ahead = f", {len(plan.ahead)} reviewed ahead of the date" if plan.ahead else ""
    pace = " at your pace" if estimate.own_pace else ""
    line = (
        f"Today's drill: {len(plan.due)} due, {len(plan.new)} new{ahead}; {estimate.text()}{pace}."
    )
    if minutes:
        line += f" Time box: {minutes:g} min"
        line += (
            ": it stops there, and the rest waits for your next drill."
            if estimate.seconds > minutes * 60
            else "."
        )
    out.text(line + " u undoes, q stops.")


def drill_summary_view(
    out: Out,
    summary: Summary,
    report: dict[str, Any],
    remaining: Plan,
    back: Sequence[str] = (),
) -> None:
    """The end of a drill: what was done and saved, what remains, when the items in a learning
    step come back today (``back``: when each does, soonest first), and when reviews fall due."""
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
        out.text(_later_text(len(back) or len(remaining.later), list(back)))
    following = _next_reviews_text(report)
    if following or not remaining.later:
        out.text(following or "No reviews are scheduled yet.")
    missed = summary.missed()
    if missed:
        out.heading("To work on")
        for answer in missed:
            q = answer.question
            out.entry(
                q.prompt.splitlines()[-1], [("Answer", _right_answer(q)), ("Source", q.source)]
            )


def _later_text(count: int, back: list[str]) -> str:
    """'3 items in a learning step come back at 19:40 (in 10 min) ...'."""
    items = (
        "1 item in a learning step comes"
        if count == 1
        else f"{count} items in a learning step come"
    )
    if not back:
        when = "later today"
    elif back[0] == back[-1]:
        when = back[0]
    else:
        when = f"later today, the first {back[0]}, the last {back[-1]}"
    return f"{items} back {when}: run 'cmirev drill' again then."


def _next_reviews_text(report: dict[str, Any]) -> str:
    """When the next reviews are due: the first study day with any, and how many fall due in
    the week; or the moment of the next one beyond the forecast ('' when only today's learning
    steps are to come)."""
    from datetime import date

    forecast = report["total"]["forecast"]
    week = f"{sum(forecast[1:])} over the next {len(forecast) - 1} days"
    for offset, count in enumerate(forecast[1:], 1):
        if count:
            day = date.fromisoformat(report["forecast_days"][offset])
            name = "tomorrow" if offset == 1 else f"on {day:%a} {day.day} {day:%b}"
            return f"Next reviews: {count} due {name}; {week}."
    if report.get("next_due_text") and not forecast[0]:
        return f"Next review due {report['next_due_text']}."
    return ""


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
