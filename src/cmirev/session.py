"""Running a quiz or a drill: choosing a quiz's questions, asking them through an injected UI,
keeping score, requeueing and undoing answers in a drill.

Knows nothing of Typer or Rich: the CLI passes a :class:`QuizUI` (terminal or plain text) and a
``record`` callable that is called once per answer, as soon as it is marked, before feedback is
shown. That call is the one place where the review store plugs in.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from random import Random
from typing import Protocol, TypeVar

from cmirev.models import SECTIONS, Item, Unit
from cmirev.questions import FORMATS, LETTERS, Generator, Mark, Question, mark, mark_grade

# Sections a quiz draws on (prerequisites are background, not assessed).
QUIZ_SECTIONS = tuple(s for s in SECTIONS if s != "prerequisites")


def build_quiz(
    generator: Generator,
    units: Sequence[Unit],
    count: int,
    rng: Random,
    formats: Sequence[str] | None = None,
    sections: Sequence[str] | None = None,
) -> list[Question]:
    """Up to ``count`` questions, sections taken in turn, formats varied, one per idea.

    Two items linked by ``same_as`` never both appear, true-or-false statements are kept near
    half true within every section, and each item gets the format used least so far among those
    it allows.
    """
    wanted_sections = [s for s in QUIZ_SECTIONS if sections is None or s in sections]
    pools: dict[str, list[tuple[Unit, str, Item]]] = {}
    for section in wanted_sections:
        pool = [(unit, section, item) for unit in units for item in unit.section(section)]
        rng.shuffle(pool)
        if pool:
            pools[section] = pool
    order = list(pools)
    rng.shuffle(order)
    used_groups: set[str] = set()
    used_formats: Counter[str] = Counter()
    truths: dict[str, Counter[bool]] = {}
    questions: list[Question] = []
    while len(questions) < count and any(pools.values()):
        for section in order:
            if len(questions) >= count or not pools[section]:
                continue
            unit, _, item = pools[section].pop()
            gid = f"{unit.id}/{item.id}"
            group = generator.group.get(gid, gid)
            if group in used_groups:
                continue
            allowed = [
                f
                for f in generator.formats_for(unit, section, item)
                if formats is None or f in formats
            ]
            allowed.sort(key=lambda f: (used_formats[f], rng.random()))
            for fmt in allowed:
                tally = truths.setdefault(section, Counter())
                truth = _balance(tally, rng) if fmt == "true-false" else None
                question = generator.make(fmt, unit, section, item, rng, truth)
                if question is not None:
                    questions.append(question)
                    used_groups.add(group)
                    used_formats[fmt] += 1
                    if fmt == "true-false":
                        tally[question.answer == 0] += 1
                    break
    return questions


def _balance(truths: Counter[bool], rng: Random) -> bool:
    """Ask for whichever of true or false has been asked less; toss a coin when level."""
    if truths[True] == truths[False]:
        return rng.random() < 0.5
    return truths[True] < truths[False]


@dataclass(frozen=True)
class Answer:
    """One answered question: the reply, how it was marked, how long it took."""

    question: Question
    reply: str
    mark: Mark
    seconds: float


@dataclass
class Summary:
    """What a quiz did so far; filled in as it runs, so an interrupted quiz still has one."""

    seed: int
    planned: int
    answers: list[Answer] = field(default_factory=list)
    ended: str = "done"  # done, quit, end of input, interrupted

    @property
    def correct(self) -> int:
        return sum(1 for a in self.answers if a.mark.correct)

    def by_section(self) -> list[tuple[str, int, int]]:
        """(section heading, right, asked), in section order."""
        tally: dict[str, list[int]] = {}
        for a in self.answers:
            row = tally.setdefault(a.question.section, [0, 0])
            row[0] += a.mark.correct
            row[1] += 1
        return [(SECTIONS[s][1], *tally[s]) for s in SECTIONS if s in tally]  # type: ignore[misc]

    def by_outcome(self) -> list[tuple[str, int, int]]:
        """('unit-id LO2', right, asked) for every outcome the answered items link to."""
        tally: dict[str, list[int]] = {}
        for a in self.answers:
            for lo in a.question.outcomes:
                row = tally.setdefault(f"{a.question.unit} {lo}", [0, 0])
                row[0] += a.mark.correct
                row[1] += 1
        return [(key, right, asked) for key, (right, asked) in sorted(tally.items())]

    def missed(self) -> list[Answer]:
        return [a for a in self.answers if not a.mark.correct]


class QuizUI(Protocol):
    """What a session needs from a terminal (or a pipe).

    A UI may also offer ``read_key(prompt)``, which takes a one-key answer (a letter, t or f,
    a grade) as soon as it is typed, and, with ``waits`` true, ``proceed(prompt)``, which keeps
    the feedback on screen until a key is pressed and returns it (None at end of input). A UI
    without them (a pipe, a simulated learner) reads lines and goes straight on.
    """

    def question(self, question: Question, number: int, total: int) -> None: ...
    def read(self, prompt: str) -> str | None: ...
    def hint(self, text: str) -> None: ...
    def help(self, question: Question) -> None: ...
    def reveal(self, question: Question) -> None: ...
    def feedback(self, answer: Answer) -> None: ...


T = TypeVar("T")

QUIT_WORDS = frozenset({"q", "quit", ":q"})
UNDO_WORDS = frozenset({"u", "undo"})
OVERRULE_WORDS = frozenset({"!", "overrule"})


def prompt_for(question: Question) -> str:
    """The short prompt shown where the learner types."""
    answering = FORMATS[question.format].answering
    if answering == "true-false":
        return "True or false (t/f)"
    if answering == "choice":
        return f"Answer (a-{LETTERS[len(question.options) - 1]})"
    if answering == "typed":
        return "Missing word" if len(question.model_answer.split()) == 1 else "Missing words"
    if answering == "order":
        return "Order (letters, first step first)"
    return "Grade yourself: 1 Again, 2 Hard, 3 Good, 4 Easy"


def one_key(question: Question) -> bool:
    """Whether one key answers the question: a letter, t or f, or a self-grade."""
    return FORMATS[question.format].answering in ("choice", "true-false", "self-graded")


def waits(ui: QuizUI) -> bool:
    """Whether the UI keeps the feedback on screen until a key is pressed (a terminal)."""
    return bool(getattr(ui, "waits", False))


def pause(
    ui: QuizUI,
    question: Question,
    *,
    final: bool,
    can_undo: bool = False,
    can_overrule: bool = False,
) -> str:
    """After the feedback, in a UI that waits: what the learner wants next. 'next' (any other
    key), 'quit', 'undo', 'overrule', or 'end of input'. A UI that does not wait: 'next'."""
    if not waits(ui):
        return "next"
    if final:
        prompt = "Enter to finish" + (", or ! to overrule" if can_overrule else "")
    else:
        keys = ["q quits"] + ["u undoes"] * can_undo + ["! overrules"] * can_overrule
        prompt = f"Enter for the next question ({', '.join(keys)})"
    while True:
        reply = getattr(ui, "proceed")(prompt)  # noqa: B009 - an optional part of a QuizUI
        if reply is None:
            return "end of input"
        key = reply.strip().lower()
        if key == "?":
            ui.help(question)
            continue
        if key in QUIT_WORDS and not final:
            return "quit"
        if can_undo and key in UNDO_WORDS:
            return "undo"
        if can_overrule and key in OVERRULE_WORDS:
            return "overrule"
        return "next"


def overrulable(answer: Answer) -> bool:
    """A typed answer marked wrong: the learner may say it was right."""
    return FORMATS[answer.question.format].answering == "typed" and not answer.mark.correct


def overruled(answer: Answer) -> Answer:
    """The answer as the learner says it should have been marked."""
    return replace(answer, mark=Mark(True, True, 3, note="overruled"))


def run_quiz(
    questions: Sequence[Question],
    ui: QuizUI,
    summary: Summary,
    record: Callable[[Answer], object] = lambda answer: None,
    clock: Callable[[], float] = time.monotonic,
    overrule: Callable[[Answer, object], object] = lambda answer, recorded: recorded,
    undo: Callable[[object], object] | None = None,
) -> Summary:
    """Ask each question until it is answered validly; stop on q or at end of input.

    ``record`` is called with each answer as soon as it is marked. After a typed answer marked
    wrong, ``!`` at the next prompt overrules the marking: ``overrule`` is called with the
    answer as marked right and what ``record`` returned for it. With ``undo`` (a quiz whose
    answers are recorded), ``u`` undoes the last answer, as in the drill: ``undo`` is called
    with what ``record`` returned for it, and its question is asked again.
    """
    done: list[tuple[int, Answer, object]] = []  # (question index, answer, what record gave)
    last: tuple[Answer, object] | None = None
    index = 0

    def undo_last() -> int:
        """Take back the last answer; the index of its question, to ask again."""
        nonlocal last
        assert undo is not None
        at, answer, recorded = done.pop()
        undo(recorded)
        summary.answers.remove(answer)
        last = None
        ui.hint(f"Undone: your answer {answer.reply!r} was removed; here is the question again.")
        return at

    def overrule_last() -> None:
        """The last answer, a typed one marked wrong, counts as right at the learner's word."""
        nonlocal last
        assert last is not None
        answer, recorded = last
        fixed, saved = _overrule(summary, answer, partial(_swap, overrule, recorded), ui.hint)
        done[-1] = (done[-1][0], fixed, saved)
        last = None

    while index < len(questions):
        question = questions[index]
        ui.question(question, index + 1, len(questions))
        while True:
            got = ask(ui, question, clock, can_undo=undo is not None, can_overrule=last is not None)
            if got == "undo" and not done:
                ui.hint("Nothing to undo yet.")
                continue
            if got != "overrule" or last is None:
                break
            overrule_last()
        if got == "undo":
            index = undo_last()
            continue
        if isinstance(got, str):
            return _stop(summary, got)
        recorded = record(got)
        summary.answers.append(got)
        done.append((index, got, recorded))
        ui.feedback(got)
        last = (got, recorded) if overrulable(got) else None
        final = index + 1 == len(questions)
        while True:
            then = pause(
                ui, question, final=final, can_undo=undo is not None, can_overrule=last is not None
            )
            if then != "overrule" or last is None:
                break
            overrule_last()
        if then == "undo":
            index = undo_last()
            continue
        if not final and then in ("quit", "end of input"):
            return _stop(summary, then)
        index += 1
    if last is not None and not waits(ui) and _last_chance(ui):
        _overrule(summary, last[0], partial(_swap, overrule, last[1]), ui.hint)
    return summary


def _swap(save: Callable[[Answer, object], object], recorded: object, fixed: Answer) -> object:
    """``save(fixed, recorded)``, the argument order run_quiz's callback takes."""
    return save(fixed, recorded)


def _overrule(
    summary: Summary, answer: Answer, save: Callable[[Answer], T], tell: Callable[[str], None]
) -> tuple[Answer, T]:
    """Mark an answer right at the learner's word: saved, put in the summary, said."""
    fixed = overruled(answer)
    saved = save(fixed)
    summary.answers[summary.answers.index(answer)] = fixed
    tell(f"Overruled: your answer {answer.reply!r} now counts as right (saved).")
    return fixed, saved


def _last_chance(ui: QuizUI) -> bool:
    """After a last answer that may be overruled: whether the learner overrules it."""
    reply = ui.read("Enter to finish, or ! to overrule")
    return reply is not None and reply.strip().lower() in OVERRULE_WORDS


def _stop(summary: Summary, why: str) -> Summary:
    summary.ended = why
    return summary


def _read(
    ui: QuizUI,
    question: Question,
    prompt: str,
    marker: Callable[[str], Mark | None],
    can_undo: bool = False,
    can_overrule: bool = False,
) -> tuple[str, Mark] | str:
    """Read until the reply is valid, or why not: 'quit', 'end of input', 'undo', 'overrule'.
    A question one key answers is read a key at a time where the UI can."""
    read = getattr(ui, "read_key", ui.read) if one_key(question) else ui.read
    while True:
        reply = read(prompt)
        if reply is None:
            return "end of input"
        if reply.strip().lower() in QUIT_WORDS:
            return "quit"
        if can_undo and reply.strip().lower() in UNDO_WORDS:
            return "undo"
        if can_overrule and reply.strip().lower() in OVERRULE_WORDS:
            return "overrule"
        if reply.strip() == "?":
            ui.help(question)
            continue
        verdict = marker(reply)
        if verdict is None:
            return reply, Mark(True)
        if not verdict.valid:
            ui.hint(verdict.hint)
            continue
        return reply, verdict


def ask(
    ui: QuizUI,
    question: Question,
    clock: Callable[[], float],
    can_undo: bool = False,
    can_overrule: bool = False,
) -> Answer | str:
    """Ask one question: the answer, or why there is none ('quit', 'end of input', 'undo',
    'overrule'). A typed near miss may be retyped once."""
    start = clock()
    if question.self_graded:
        got = _read(
            ui,
            question,
            "Press Enter to reveal the model answer",
            lambda _: None,
            can_undo,
            can_overrule,
        )
        if isinstance(got, str):
            return got
        ui.reveal(question)
        got = _read(ui, question, prompt_for(question), mark_grade, can_undo)
    else:
        retried = False

        def marker(reply: str) -> Mark:
            nonlocal retried
            verdict = mark(question, reply, retried=retried)
            retried = retried or verdict.retry
            return verdict

        got = _read(ui, question, prompt_for(question), marker, can_undo, can_overrule)
    if isinstance(got, str):
        return got
    reply, verdict = got
    return Answer(question, reply, verdict, clock() - start)


REQUEUE_GAP = 3  # a wrongly answered item comes back after this many others
MAX_ATTEMPTS = 3  # ...at most this many times in one session


def run_drill(
    items: Sequence[str],
    make_question: Callable[[str], Question | None],
    ui: QuizUI,
    summary: Summary,
    record: Callable[[Answer], int],
    undo: Callable[[int], bool],
    notify: Callable[[str], None] = lambda text: None,
    clock: Callable[[], float] = time.monotonic,
    overrule: Callable[[int, Answer], int] | None = None,
    time_box: float | None = None,
    introduce: Callable[[str], object] = lambda item: None,
    step_wait: Callable[[str], float | None] | None = None,
) -> Summary:
    """Drill these items in order; a wrong answer brings its item back later in the session.

    With ``step_wait`` (seconds until an answered item's next learning step, or None when it
    has none soon), an item comes back when its step is due, and once nothing else is left,
    the soonest waiting item is asked early; without it, a wrong answer's item comes back after
    a few others.

    Each answer is recorded (``record`` returns its review id) before feedback is shown. ``u``
    undoes the last answer: its review is removed and its question asked again. After a typed
    answer marked wrong, ``!`` overrules the marking: ``overrule`` replaces its review with one
    marked right, and the item no longer comes back. With ``time_box`` (seconds), no question
    is started once that much time has passed. ``introduce`` is called once for each item
    before its first question: a new item is shown before it is tested.
    """
    queue = deque(items)
    attempts: Counter[str] = Counter()
    done: list[tuple[str, int, Answer]] = []
    number = 0
    started = clock()
    introduced: set[str] = set()
    waiting: list[tuple[float, str]] = []  # (when its step is due, item)

    def undo_last() -> None:
        """Take back the last answer: its review removed, its item asked again next."""
        nonlocal waiting, number
        last_item, review_id, last = done.pop()
        undo(review_id)
        summary.answers.remove(last)
        attempts[last_item] -= 1
        if not last.mark.correct and last_item in queue:
            # The wrong answer had brought the item back later: that return is undone too.
            _remove_last(queue, last_item)
        waiting = [w for w in waiting if w[1] != last_item]
        queue.appendleft(last_item)
        number -= 1
        notify(f"Undone: your answer {last.reply!r} was removed; here is the question again.")

    def overrule_last(current: str | None) -> None:
        """The last answer, a typed one marked wrong, counts as right at the learner's word:
        its item no longer comes back for being wrong."""
        nonlocal waiting
        assert overrule is not None
        last_item, review_id, last = done.pop()
        fixed, new_id = _overrule(summary, last, partial(overrule, review_id), notify)
        done.append((last_item, new_id, fixed))
        if last_item in queue and last_item != current:
            _remove_last(queue, last_item)
        waiting = [w for w in waiting if w[1] != last_item]
        if step_wait is not None and (wait := step_wait(last_item)) is not None:
            waiting.append((clock() + wait, last_item))

    def can_overrule() -> bool:
        return overrule is not None and bool(done) and overrulable(done[-1][2])

    while queue or waiting:
        if time_box is not None and clock() - started >= time_box:
            return _stop(summary, "time")
        waiting.sort()
        while waiting and (waiting[0][0] <= clock() or not queue):
            queue.appendleft(waiting.pop(0)[1])  # its step has come, or nothing else is left
        item = queue.popleft()
        if item not in introduced:
            introduced.add(item)
            introduce(item)
        question = make_question(item)
        if question is None:
            continue
        number += 1
        ui.question(question, number, number + len(queue))
        while True:
            got = ask(ui, question, clock, can_undo=True, can_overrule=can_overrule())
            if got != "overrule" or overrule is None:
                break
            overrule_last(item)
        if got == "undo":
            number -= 1
            queue.appendleft(item)
            if not done:
                notify("Nothing to undo yet.")
                continue
            undo_last()
            continue
        if isinstance(got, str):
            return _stop(summary, got)
        review_id = record(got)
        summary.answers.append(got)
        done.append((item, review_id, got))
        attempts[item] += 1
        ui.feedback(got)
        if attempts[item] < MAX_ATTEMPTS:
            if step_wait is not None:
                wait = step_wait(item)
                if wait is not None:
                    waiting.append((clock() + wait, item))
            elif not got.mark.correct:
                queue.insert(min(REQUEUE_GAP, len(queue)), item)
        while True:
            final = not queue and not waiting
            then = pause(ui, question, final=final, can_undo=True, can_overrule=can_overrule())
            if then != "overrule":
                break
            overrule_last(None)
        if then == "undo":
            undo_last()
        elif not final and then in ("quit", "end of input"):
            return _stop(summary, then)
    if overrule is not None and can_overrule() and not waits(ui) and _last_chance(ui):
        _, review_id, last = done[-1]
        _overrule(summary, last, partial(overrule, review_id), notify)
    return summary


def _remove_last(queue: deque[str], item: str) -> None:
    """Remove the last occurrence of ``item`` from the queue."""
    items = list(queue)
    del items[len(items) - 1 - items[::-1].index(item)]
    queue.clear()
    queue.extend(items)
