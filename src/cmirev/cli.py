"""The ``cmirev`` command line: parse, call the library, render.

Expected failures are :class:`~cmirev.errors.CmirevError`; they are caught in one place
(:class:`_Group`) and become ``Error: ...`` lines on stderr with exit 1 (content or store) or 2
(usage). Ctrl-C exits 130.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from cmirev import __version__
from cmirev.errors import CmirevError, ContentError, UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datetime import tzinfo

    from cmirev.models import Catalog
    from cmirev.scheduler import Plan, Settings
    from cmirev.session import Answer, Summary
    from cmirev.study import Study


class _Group(TyperGroup):
    """Turns every CmirevError into an error line and an exit code, once, for every command."""

    def invoke(self, ctx: Any) -> Any:
        from cmirev import render

        try:
            return super().invoke(ctx)
        except ContentError as exc:
            for line in exc.lines():
                render.error(line)
            render.error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except CmirevError as exc:
            render.error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("\nInterrupted.\n")
            raise typer.Exit(130) from None
        except Exception as exc:
            import sqlite3  # only here: importing it costs start-up time on every command

            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            # A read that failed on damage inside the store (its header was fine when opened).
            from cmirev.errors import one_line

            render.error(
                f"the review store could not be read ({one_line(str(exc))}): cmirev stopped "
                "there; run 'cmirev doctor' to check it and 'cmirev doctor --recover' to save "
                "what can be read into a new store"
            )
            raise typer.Exit(1) from None


# Typer's help states a range as code ('x>=1', '5<=x<=240'): said in words instead.
_RANGES = (
    (re.compile(r"(-?[\d.]+)<=x<=(-?[\d.]+)"), r"\1 to \2"),
    (re.compile(r"x>=(-?[\d.]+)"), r"at least \1"),
    (re.compile(r"x<=(-?[\d.]+)"), r"at most \1"),
)


class _Command(TyperCommand):
    """A command whose --help reads as words, not Python types: an argument is shown by its
    metavar alone (Typer adds '<str>' or '<list[str]>' after it), a repeatable one with
    '...', an optional one in brackets, and a number's range in words. Lines are never broken
    at a hyphen, so a unit id or a format name in the help can be copied whole."""

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        import inspect

        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            indent = formatter.current_indent + formatter.indent_increment
            for line in _wrap(text, formatter.width - indent):
                formatter.write(f"{' ' * indent}{line}\n" if line else "\n")

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces += param.get_usage_pieces(ctx)
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, text = record
            for pattern, words in _RANGES:
                text = pattern.sub(words, text)
            for placeholder, values in _VALUES.items():
                if placeholder in text:
                    text = text.replace(placeholder, values())
            if param.param_type_name == "argument":
                args.append((_argument_name(param), text))
            else:
                opts.append((name, text))
        for heading, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(heading):
                    _write_dl(formatter, rows)


def _wrap(text: str, width: int) -> list[str]:
    """Paragraphs wrapped to ``width`` (blank lines between), never at a hyphen; a paragraph
    whose first line is Click's no-rewrap mark (a backspace) stays as written."""
    import textwrap

    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        if paragraph.startswith("\b"):
            lines += paragraph[1:].strip("\n").splitlines()
        else:
            lines += textwrap.wrap(
                re.sub(
                    r"[ \t\r\n]+", " ", paragraph.strip()
                ),  # not str.split: no-break spaces stay
                max(width, 20),
                break_on_hyphens=False,
                break_long_words=False,
            )
        lines.append("")
    return lines[:-1]


def _write_dl(formatter: Any, rows: list[tuple[str, str]]) -> None:
    """Click's two-column list of options or commands, wrapped by :func:`_wrap`."""
    indent = " " * formatter.current_indent
    first = min(max(len(name) for name, _ in rows), 30) + 2
    width = max(formatter.width - formatter.current_indent - first - 2, 20)
    for name, text in rows:
        # '[default: 10; at least 1]' is kept on one line (textwrap breaks at spaces only).
        text = re.sub(r"\[[^]]{1,40}\]$", lambda m: m.group().replace(" ", "\xa0"), text)
        lines = [line.replace("\xa0", " ") for line in _wrap(text, width)] or [""]
        if len(name) <= first - 2:
            formatter.write(f"{indent}{name:<{first}}{lines[0]}".rstrip() + "\n")
        else:
            formatter.write(f"{indent}{name}\n{indent}{'':<{first}}{lines[0]}\n")
        for line in lines[1:]:
            formatter.write(f"{indent}{'':<{first}}{line}".rstrip() + "\n")


def _formats() -> str:
    from cmirev.questions.formats import FORMATS  # the question machinery: only for --help

    return ", ".join(FORMATS)


def _sections() -> str:
    from cmirev.models import SECTIONS

    return ", ".join(name for field, (name, _) in SECTIONS.items() if field != "prerequisites")


# Values an option's help lists, filled in when --help is shown, from where they are defined.
_VALUES = {"{formats}": _formats, "{sections}": _sections}


def _argument_name(param: Any) -> str:
    """How help shows an argument: its metavar (or name), '...' when it takes several."""
    name = str(param.metavar or param.name.upper())
    return name + ("..." if param.nargs != 1 and not name.endswith("...") else "")


_F = TypeVar("_F", bound=Callable[..., Any])


class _App(typer.Typer):
    """A Typer app whose commands are :class:`_Command` unless told otherwise."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[_F], _F]:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _App(
    cls=_Group,
    help="Revise the CMI Level 6 Award in Public Service Leadership in a terminal.\n\n"
    "Examples: cmirev drill (today's reviews); cmirev quiz psl; cmirev show misconceptions;"
    " cmirev stats. New here? 'cmirev help' explains the words cmirev uses.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# -- shell completion (cmirev --install-completion): names read from the cached catalog


def _complete_units(incomplete: str) -> list[tuple[str, str]]:
    """Unit ids and codes starting with what is typed, each with its title."""
    try:
        from cmirev.loader import load_catalog

        units = load_catalog().units
    except Exception:  # noqa: BLE001 - completion must never print an error into the shell
        return []
    typed = incomplete.lower()
    # Codes are offered in the case being typed (psl or PSL): shells keep only completions that
    # start with the word as typed.
    lower = not incomplete or incomplete.islower()
    return [
        (name, unit.title)
        for unit in units
        for name in (unit.id, unit.short.lower() if lower else unit.short)
        if name.lower().startswith(typed)
    ]


def _complete_sections(incomplete: str) -> list[str]:
    from cmirev.models import SECTIONS

    return [name for name, _ in SECTIONS.values() if name.startswith(incomplete.lower())]


def _complete_targets(incomplete: str) -> list[tuple[str, str] | str]:
    """`cmirev show`: sections, references, and units."""
    found: list[tuple[str, str] | str] = [*_complete_sections(incomplete)]
    if "references".startswith(incomplete.lower()):
        found.append("references")
    return found + list(_complete_units(incomplete))


def _complete_formats(incomplete: str) -> list[str]:
    from cmirev.questions import FORMATS

    return [name for name in FORMATS if name.startswith(incomplete.lower())]


# The --unit option, as drill, due, stats and show take it.
UnitsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="Only this unit, by id or code (repeatable).",
        autocompletion=_complete_units,
    ),
]


def _version(value: bool) -> None:
    if value:
        print(f"cmirev {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="Screen-reader-friendly output: plain lines, no boxes or bars, words for every "
            "mark (also CMIREV_PLAIN=1, or TERM=dumb).",
        ),
    ] = False,
) -> None:
    """Revise the CMI Level 6 Award in Public Service Leadership in a terminal.

    Examples: cmirev drill (today's reviews); cmirev quiz psl; cmirev show misconceptions;
    cmirev stats. New here? 'cmirev help' explains the words cmirev uses.
    """
    from cmirev import render

    render.set_plain(plain)


@app.command()
def units(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the units with how many items each section holds.

    Example: cmirev units
    """
    from cmirev import content, render
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    if as_json:
        render.print_json(
            [
                {
                    "id": u.id,
                    "code": u.short,
                    "title": u.title,
                    "path": catalog.paths.get(u.id),
                    "counts": content.counts(u),
                }
                for u in catalog.units
            ]
        )
        return
    render.units_view(render.make_out(), catalog)


@app.command()
def show(
    target: Annotated[
        str,
        typer.Argument(
            autocompletion=_complete_targets,
            metavar="SECTION|UNIT",
            help="A section (concepts, outcomes, criteria, guidance, mistakes, misconceptions, "
            "prerequisites, terms, readings), references (each unit's reference list), or a "
            "unit id.",
            show_default=False,
        ),
    ],
    unit: UnitsOption = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", metavar="TEXT", help="Only items containing every word of TEXT."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print a section across units, or a unit as a revision sheet.

    \b
    Examples: cmirev show misconceptions
              cmirev show terms --search kotter
              cmirev show psl
              cmirev show references --unit lip
    """
    from cmirev import content, render
    from cmirev.loader import load_catalog
    from cmirev.models import SECTION_FIELDS

    catalog = load_catalog()
    if target.strip().lower() in ("references", "refs", "reference-list"):
        listed = content.references(content.resolve_units(catalog, unit), search)
        if as_json:
            render.print_json(listed)
        else:
            render.references_view(render.make_out(), listed, search)
        return
    section, whole_unit = content.resolve_target(catalog, target)
    chosen = [whole_unit] if whole_unit else content.resolve_units(catalog, unit)
    sections = [section] if section else list(SECTION_FIELDS)
    found = content.entries(catalog, chosen, sections, search)
    if as_json:
        render.print_json([e.record() for e in found])
        return
    with render.paged_out() as out:  # a whole unit is hundreds of lines
        if not found:
            out.text(f"Nothing matches '{search}'." if search else "Nothing to show.")
        elif whole_unit:
            render.unit_view(out, whole_unit, found, show_intro=not search)
        else:
            render.section_view(out, found, section)


@app.command()
def quiz(
    units: Annotated[
        list[str],
        typer.Argument(
            metavar="UNIT",
            help="Units by id or code ('cmirev units' lists them), or 'all'.",
            show_default=False,
            autocompletion=_complete_units,
        ),
    ],
    count: Annotated[
        int,
        typer.Option(
            "-n",
            "--questions",
            min=1,
            metavar="N",
            help="How many questions (fewer when the units and filters hold fewer items).",
        ),
    ] = 10,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Only this format (repeatable): {formats}.",
            autocompletion=_complete_formats,
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            metavar="SECTION",
            help="Only this section (repeatable): {sections}.",
            autocompletion=_complete_sections,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="N", help="Replay the quiz that had this seed."),
    ] = None,
    practice: Annotated[
        bool, typer.Option("--practice", help="Leave the review schedule untouched.")
    ] = False,
) -> None:
    """Quiz yourself on units; the end shows what to work on.

    Type a letter for multiple choice, t/f, the word for a gap, letters in order for steps,
    1-4 to grade a recall question; ? for help, u to undo your last answer, q to stop. Piped,
    it reads one answer per line. Answers count as reviews for the daily drill unless
    --practice is given (then there is nothing to undo).

    Example: cmirev quiz public-services-leadership -n 5
    """
    import random

    from cmirev import content, quizui
    from cmirev.loader import load_catalog
    from cmirev.questions import Generator
    from cmirev.session import Summary, build_quiz, run_quiz

    catalog = load_catalog()
    chosen = list(catalog.units) if units == ["all"] else content.resolve_units(catalog, units)
    formats = content.resolve_formats(fmt)
    sections = content.resolve_sections(section)
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    questions = build_quiz(
        Generator(catalog), chosen, count, random.Random(seed), formats, sections
    )
    if not questions:
        raise UsageError(
            "no questions match those units, formats and sections: leave out a --format or "
            "--section ('cmirev quiz --help' lists the values)"
        )
    study = None if practice else _open_study(catalog, seed)
    if study is not None:
        study.store.check_writable()  # say so now, not after the first answer
    _welcome(gap=False)
    ui = quizui.make_quiz_ui()
    if len(questions) < count:
        ui.out().text(quizui.fewer_questions(len(questions), count))
    summary = Summary(seed=seed, planned=len(questions))

    def record(answer: Answer) -> int | None:
        return study.record(answer) if study else None

    def overrule(answer: Answer, review_id: object) -> object:
        if study and isinstance(review_id, int):
            return study.overrule(review_id, answer)
        return review_id

    def undo(review_id: object) -> object:
        return study.undo(review_id) if study and isinstance(review_id, int) else None

    try:
        run_quiz(questions, ui, summary, record, overrule=overrule, undo=None if practice else undo)
    except KeyboardInterrupt:
        summary.ended = "interrupted"
        quizui.summary_view(ui.out(), summary)
        raise typer.Exit(130) from None
    quizui.summary_view(ui.out(), summary)


def _focus(
    study: Study,
    units: list[Any],
    sections: list[str] | None,
    outcome: str | None,
    criterion: str | None,
) -> list[str] | None:
    """The items a focused drill draws on, or None when it is not focused."""
    from cmirev import content

    if not (sections or outcome or criterion):
        return None
    fields = content.resolve_sections(sections)
    chosen: list[str | None] = []
    for wanted, kind in ((outcome, "learning_outcomes"), (criterion, "assessment_criteria")):
        known = sorted({i.id for u in units for i in u.section(kind)})
        match = next((k for k in known if wanted and k.lower() == wanted.strip().lower()), None)
        if wanted and match is None:
            option = "--outcome" if kind == "learning_outcomes" else "--criterion"
            raise UsageError(
                f"no {'learning outcome' if kind == 'learning_outcomes' else 'criterion'} "
                f"'{wanted}' in the units chosen: {option} takes one of "
                f"{', '.join(known) or 'none'} ('cmirev show "
                f"{'outcomes' if kind == 'learning_outcomes' else 'criteria'}' shows them)"
            )
        chosen.append(match)
    found = study.focus(units, fields, chosen[0], chosen[1])
    if not found:
        raise UsageError(
            "no drilled items match that focus: leave out --section, --outcome or --criterion, "
            "or choose another --unit ('cmirev show UNIT' shows what each item links to)"
        )
    return found


def _open_study(catalog: Catalog, seed: int | None = None) -> Study:
    """The catalog with the learner's review store and settings."""
    import random

    from cmirev.config import load_settings
    from cmirev.paths import ensure_home, store_path
    from cmirev.store import Store
    from cmirev.study import Study, env_clock

    settings = load_settings(ensure_home())
    clock = env_clock()
    return Study(catalog, Store(store_path()), settings, clock=clock, rng=random.Random(seed))


@app.command()
def drill(
    unit: UnitsOption = None,
    new: Annotated[
        int | None,
        typer.Option(
            "--new",
            min=0,
            metavar="N",
            help="New items this time (default: what is left of today's limit).",
        ),
    ] = None,
    most: Annotated[
        int | None,
        typer.Option(
            "--max", min=0, metavar="N", help="Most due reviews this time (default: today's limit)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="N", help="Seed the question choices.")
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            metavar="SECTION",
            help="Only this section (repeatable): {sections}.",
            autocompletion=_complete_sections,
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", metavar="LO", help="Only items serving this learning outcome."),
    ] = None,
    criterion: Annotated[
        str | None,
        typer.Option(
            "--criterion", metavar="AC", help="Only this criterion and the items it draws on."
        ),
    ] = None,
    weakest: Annotated[
        int | None,
        typer.Option(
            "--weakest", min=1, metavar="N", help="The N seen items you are likeliest to forget."
        ),
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option("--minutes", min=0.5, metavar="M", help="Stop asking after M minutes."),
    ] = None,
    cram: Annotated[
        bool,
        typer.Option(
            "--cram",
            help="Last days before an assignment date: the weakest items, due or not; "
            "answers leave the schedule unchanged.",
        ),
    ] = False,
) -> None:
    """Today's drill: due reviews first, then new items.

    Every answer is saved as it is given ('cmirev help fsrs' explains the scheduling); u undoes the last one, q stops (saved answers stay).
    Focus it with --section, --outcome, --criterion (today's work among those items),
    --weakest N (practise the N items you are likeliest to forget, due or not) and --minutes.
    A unit with an assignment date ('cmirev deadline') is drilled toward it: its new items are
    spread so that all are seen in time, items that would be weak on the day are reviewed
    ahead, and the minutes a day you gave are the time box. --cram, for the last days, asks
    the items weakest on the day first, due or not, and changes no schedule. Items you
    suspended or buried ('cmirev suspend --list') are left out.

    \b
    Example: cmirev drill --unit psl --new 5
    Example: cmirev drill --unit psl --criterion AC2 --minutes 10
    Example: cmirev drill --unit psl --cram --minutes 20
    """
    from cmirev import content, deadline, quizui, render, workload
    from cmirev.loader import load_catalog
    from cmirev.scheduler import Plan
    from cmirev.session import Summary, run_drill
    from cmirev.store import LEECH_FAILS

    catalog = load_catalog()
    chosen = content.resolve_units(catalog, unit)
    study = _open_study(catalog, seed)
    study.store.check_writable()  # say so now, not after the first answer
    only = _focus(study, chosen, section, outcome, criterion)
    _welcome(gap=False)
    dated = deadline.active(study, chosen)
    if minutes is None and dated and any(d.minutes for d in dated):
        minutes = min(d.minutes for d in dated if d.minutes)
    if cram:
        if weakest or new is not None or most is not None:
            raise UsageError("--cram chooses its own items: leave out --weakest, --new and --max")
        _cram(study, chosen, only, minutes)
        return
    if weakest:
        plan = Plan(due=study.weakest(only or study.items(chosen), weakest))
    else:
        plan = study.plan(chosen, new, most, only)
    ui = quizui.make_quiz_ui()
    out = ui.out()
    for d in dated:
        out.text(
            f"Working toward {d.unit} on {d.day:%a} {d.day.day} {d.day:%b} "
            f"({deadline.days_left(study, d)} study day(s) left).",
        )
    if plan.leeches:
        out.text(
            f"{len(plan.leeches)} leech(es) left out after {LEECH_FAILS} lapses: see 'cmirev leeches'.",
            dim=True,
        )
    if study.held_keys:
        for line in render.held_lines({k: len(v) for k, v in study.held_in(chosen).items()}):
            out.text(line, dim=True)
    new_off = new is None and not weakest and not dated and not study.settings.new_per_day
    notes = quizui.plan_notes(plan, study.waiting(plan), new_off)
    if not plan.items:
        quizui.nothing_due_view(out, study.due_report(chosen), plan)
        for line in notes[:-1] if new_off else notes:  # nothing_due_view says it too
            out.text(line, dim=True)
        return
    if study.saved_pending:
        out.text(
            f"Saved {study.saved_pending} answer(s) that could not be written last time.",
        )
    quizui.drill_start_view(out, plan, workload.estimate(study, plan), minutes)
    for line in notes:
        out.text(line, dim=True)
    summary = Summary(seed=seed or 0, planned=len(plan.items))

    def record(answer: Answer) -> int:
        review_id = study.record(answer)
        if study.new_leech:
            ui.hint(
                f"{answer.question.item} has now been forgotten {LEECH_FAILS} times after it was "
                "learned: it is a leech "
                "and will be left out of drills until you reset it ('cmirev leeches')."
            )
        return review_id

    try:
        run_drill(
            plan.items,
            study.question,
            ui,
            summary,
            record,
            study.undo,
            ui.hint,
            overrule=study.overrule,
            time_box=minutes * 60 if minutes else None,
            introduce=lambda item: (card := study.introduction(item)) and ui.introduce(*card),
            step_wait=study.step_wait,
        )
    except KeyboardInterrupt:
        summary.ended = "interrupted"
        _drill_summary(study, chosen, out, summary, plan)
        raise typer.Exit(130) from None
    _drill_summary(study, chosen, out, summary, plan)


def _drill_summary(study: Study, units: list[Any], out: Any, summary: Summary, plan: Plan) -> None:
    """The end of a drill: what was saved, what remains, and when the rest comes back. What
    remains is planned again after answers (they change what is due), and is the same plan
    when none were given."""
    from cmirev import quizui, workload

    remaining = study.plan(units) if summary.answers else plan
    now = study.now()
    back = [workload.clock_text(m, now, study.tz) for m in workload.comes_back(study, remaining)]
    quizui.drill_summary_view(out, summary, study.due_report(units), remaining, back)


def _cram(study: Study, units: list[Any], only: list[str] | None, minutes: float | None) -> None:
    """``drill --cram``: the weakest items on the day first, logged apart from the reviews."""
    from cmirev import deadline, quizui
    from cmirev.session import Summary, run_drill

    items = deadline.cram_items(study, units, set(only) if only is not None else None)
    ui = quizui.make_quiz_ui()
    out = ui.out()
    out.text(
        f"Cramming {len(items)} item(s), weakest on the day first. These answers change no "
        "schedule: your reviews stay as they were. u undoes, q stops."
    )
    summary = Summary(seed=0, planned=len(items))
    try:
        run_drill(
            items,
            study.question,
            ui,
            summary,
            study.record_cram,
            study.undo_cram,
            ui.hint,
            time_box=minutes * 60 if minutes else None,
            introduce=lambda item: (card := study.cram_introduction(item)) and ui.introduce(*card),
        )
    except KeyboardInterrupt:
        summary.ended = "interrupted"
        quizui.cram_summary_view(out, summary)
        raise typer.Exit(130) from None
    quizui.cram_summary_view(out, summary)


@app.command()
def deadline(
    unit: Annotated[
        str | None,
        typer.Argument(
            metavar="UNIT",
            help="The unit the assignment is for (id or code).",
            show_default=False,
            autocompletion=_complete_units,
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Argument(metavar="DATE", help="The assignment date, YYYY-MM-DD.", show_default=False),
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            "--minutes",
            min=1,
            max=600,
            metavar="M",
            help="Minutes a day you can study for it (the drill's time box; checks the plan fits).",
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the unit's date.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Set or show an assignment date; the drill works toward it.

    Sets, changes, shows or clears a unit's date; until then the unit's drill works toward it.
    With no arguments, lists every date with the plan toward it: the new items a day that get
    every item seen in time, whether that fits the minutes you have, and the recall projected
    on the day. Dates stay until cleared; after the date the unit is drilled as usual.

    \b
    Example: cmirev deadline psl 2026-12-05 --minutes 30
    Example: cmirev deadline psl --clear
    """
    from datetime import date

    from cmirev import content, render
    from cmirev import deadline as toward
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    study = _open_study(catalog)
    out = render.make_out()
    if unit is None:
        if clear or day or minutes:
            raise UsageError("name the unit: cmirev deadline UNIT [DATE] [--minutes M] [--clear]")
        found = list(study.store.deadlines().values())
        outlooks = [toward.outlook(study, d) for d in found]
        if as_json:
            render.print_json({"today": study.today().isoformat(), "deadlines": outlooks})
        elif not found:
            out.text(
                "No assignment dates. Set one with 'cmirev deadline UNIT YYYY-MM-DD --minutes 30'."
            )
        else:
            render.deadlines_view(out, outlooks)
        return
    chosen = content.resolve_units(catalog, [unit])[0]
    current = study.store.deadlines().get(chosen.id)
    if clear:
        if day or minutes:
            raise UsageError(f"--clear takes only the unit: cmirev deadline {chosen.id} --clear")
        if not study.store.clear_deadline(chosen.id):
            raise UsageError(f"{chosen.id} has no assignment date (see 'cmirev deadline')")
        out.text(f"Cleared the assignment date of {chosen.id}: it is drilled as usual.")
        return
    if day is None:
        if current is None:
            raise UsageError(
                f"{chosen.id} has no assignment date: cmirev deadline {chosen.id} YYYY-MM-DD"
            )
        if minutes is not None:
            study.store.set_deadline(chosen.id, current.day, minutes)
            current = study.store.deadlines()[chosen.id]
        report = toward.outlook(study, current)
        if as_json:
            render.print_json(report)
        else:
            render.deadlines_view(out, [report])
        return
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"'{day}' is not a date: give it as YYYY-MM-DD, e.g. 2026-12-05") from None
    if when < study.today():
        raise UsageError(
            f"{when.isoformat()} has passed (today is {study.today().isoformat()}): give a "
            f"date from today on, or clear it with 'cmirev deadline {chosen.id} --clear'"
        )
    keep = current.minutes if current is not None and minutes is None else minutes
    study.store.set_deadline(chosen.id, when, keep)
    report = toward.outlook(study, study.store.deadlines()[chosen.id])
    if as_json:
        render.print_json(report)
        return
    render.deadline_set_view(out, report, changed=current is not None)


@app.command()
def plan(
    unit: Annotated[
        str,
        typer.Argument(
            metavar="UNIT",
            help="The unit the assignment is for (id or code).",
            show_default=False,
            autocompletion=_complete_units,
        ),
    ],
    words: Annotated[
        int | None,
        typer.Option(
            "--words",
            min=500,
            max=20000,
            metavar="N",
            help="Your word limit (default: 2,750, mid-guide).",
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE.md|FILE.docx",
            help="Write the outline to a file.",
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outline as JSON.")] = False,
) -> None:
    """Outline an assignment: a section per assessment criterion.

    Each section has the criterion's command verb and the depth it demands, a word budget, the
    models to use and where each falls short, the evidence to gather, facts to cite and what
    to avoid; a checklist ends it. --out FILE.docx writes a Word document with real headings
    to write under; FILE.md Markdown.

    Example: cmirev plan psl --out my-assignment.docx
    """
    from cmirev import content, outline, render
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    chosen = content.resolve_units(catalog, [unit])[0]
    built = outline.outline(chosen, catalog, words)
    if as_json:
        render.print_json(built)
        return
    if out_file is None:
        render.markdown_view(render.make_out(), outline.markdown(built))
        return
    suffix = out_file.suffix.lower()
    if suffix == ".docx":
        outline.write_docx(built, out_file)
    elif suffix in (".md", ".markdown", ".txt"):
        try:
            out_file.write_text(outline.markdown(built), encoding="utf-8")
        except OSError as exc:
            raise CmirevError(f"cannot write {out_file}: {exc.strerror or exc}") from None
    else:
        raise UsageError(
            f"--out must end in .md or .docx, not '{suffix or out_file.name}': for example "
            f"--out {out_file.stem or 'my-assignment'}.docx"
        )
    render.make_out().text(f"Wrote the outline for {chosen.id} to {out_file}.")


@app.command()
def check(
    draft: Annotated[
        Path,
        typer.Argument(metavar="DRAFT", help="Your draft: .md, .txt or .docx.", show_default=False),
    ],
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            help="The unit the assignment is for.",
            autocompletion=_complete_units,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check an assignment draft against a unit's criteria.

    Reports the length, each criterion (addressed, thin or missing), misconceptions stated,
    signs of common mistakes, and reference-list faults, each with its line (a paragraph's
    number in a .docx). The draft is read in memory and never stored. Exit 0 whether or not
    there are findings.

    Example: cmirev check my-assignment.docx --unit psl
    """
    from cmirev import assess, content, drafts, render
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    chosen = content.resolve_units(catalog, [unit])[0]
    report = assess.check(drafts.read(draft), chosen, catalog)
    if as_json:
        render.print_json(report)
        return
    render.check_view(render.make_out(), report)


@app.command()
def due(
    unit: UnitsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What is due now, what is new, and a 7-day forecast, per unit.

    Items you suspended or buried are not counted ('cmirev suspend --list').

    Example: cmirev due
    """
    from cmirev import content, render
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    chosen = content.resolve_units(catalog, unit)
    study = _open_study(catalog)
    _welcome(as_json)
    report = study.due_report(chosen)
    if as_json:
        render.print_json(report)
        return
    render.due_view(render.make_out(), report)


@app.command()
def stats(
    unit: UnitsOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Everything: the review calendar, the month's workload, readiness per outcome "
            "and criterion, the misconceptions you fell for.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON.")] = False,
) -> None:
    """Your progress: retention, workload and readiness.

    One screen: items (and how many you set aside), reviews and streak, retention, what falls
    due, readiness per unit and what is weakest now. --full adds a review calendar, the
    month's workload, readiness per learning outcome and assessment criterion ('cmirev help
    readiness') and why the drill holds fewer items than the units; in a terminal, output
    taller than the screen opens in a pager ($PAGER, else less).

    \b
    Example: cmirev stats --unit psl
    Example: cmirev stats --full
    """
    from cmirev import content, render
    from cmirev import stats as figures
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    chosen = content.resolve_units(catalog, unit)
    study = _open_study(catalog)
    _welcome(as_json)
    report = figures.compute(study, chosen)
    if as_json:
        render.print_json(report)
        return
    with render.paged_out() as out:
        if not report["reviews_total"]:
            render.no_history_view(out)
            if report["deadlines"]:
                render.deadlines_view(out, report["deadlines"])
            return
        render.stats_view(out, report, full)


@app.command(context_settings={"ignore_unknown_options": True})  # 'new_per_day -1' is a value
def config(
    key: Annotated[
        str | None, typer.Argument(metavar="KEY", help="A setting.", show_default=False)
    ] = None,
    value: Annotated[
        str | None, typer.Argument(metavar="VALUE", help="Its new value.", show_default=False)
    ] = None,
) -> None:
    """Show or change your settings.

    The settings: desired_retention, new_per_day, max_reviews_per_day, day_start_hour,
    learning_steps, slow_seconds (and which FSRS parameters are in use). 'cmirev help
    retention', 'cmirev help steps' and 'cmirev help day' explain them.

    \b
    Examples: cmirev config
              cmirev config desired_retention 0.85
    """
    from cmirev import render
    from cmirev.config import load_settings, normalise_key, save_setting, show_settings
    from cmirev.paths import home_dir

    home = home_dir()
    if key is not None and value is not None:
        settings = save_setting(home, key, value)
    else:
        settings = load_settings(home)
    rows = show_settings(settings)
    if key is not None:
        rows = [r for r in rows if r[0] == normalise_key(key)]
    render.make_out().table(["Setting", "Value", "Meaning"], [list(r) for r in rows])


RevlogOption = Annotated[
    Path | None,
    typer.Option(
        "--revlog",
        metavar="FILE.csv",
        help="Use an exported review log instead of your own history.",
        dir_okay=False,
    ),
]


def _history(revlog: Path | None) -> tuple[list[Any], Settings, tzinfo]:
    """The reviews to score or fit, with the settings and timezone that cut their days."""
    import dataclasses
    from datetime import UTC

    from cmirev import evaluate as scoring
    from cmirev.scheduler import Settings

    if revlog is not None:
        return scoring.read_revlog(revlog), Settings(fuzz=False), UTC
    from cmirev.loader import load_catalog

    study = _open_study(load_catalog())
    events = [
        scoring.Event(r.item, r.rating, r.reviewed_at, r.format) for r in study.store.reviews()
    ]
    if not events:
        raise CmirevError("no review history yet: drill or quiz first, or pass --revlog FILE.csv")
    return events, dataclasses.replace(study.settings, fuzz=False), study.tz


@app.command()
def evaluate(
    revlog: RevlogOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """How well the scheduler predicts your recall.

    Log loss, RMSE(bins) and AUC on every review that came a study day or more after the
    item's last one. Your own history by default; --revlog reads a CSV with card_id, review_rating and
    review_time columns (an Anki export; days cut at 04:00 UTC). Then, on a time-ordered split
    (each of five later stretches predicted from the reviews before it), the defaults against
    parameters fitted to the earlier reviews (needs pip install 'cmirev[optimize]').

    Example: cmirev evaluate --revlog my-anki-reviews.csv --json
    """
    import dataclasses

    from cmirev import evaluate as scoring
    from cmirev import optimize, render

    events, settings, tz = _history(revlog)
    report = scoring.evaluate(events, dataclasses.replace(settings, parameters=()), tz)
    report["in_use"] = "personal" if settings.parameters else "FSRS-6 defaults"
    report["held_out"] = optimize.held_out(events, settings, tz, with_calibration=True)
    if as_json:
        render.print_json(report)
        return
    render.evaluate_view(render.make_out(), report)


@app.command()
def optimize(
    revlog: RevlogOption = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget personal parameters: use the defaults.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and check, but save nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit the memory model (FSRS-6) to your own review history.

    The new parameters are used only if, fitted on your earlier reviews, they predict your
    later ones better than the defaults (log loss and RMSE(bins)), and only once 1,000
    reviews came a study day or more after the item's last one. Needs the optional optimiser:
    pip install 'cmirev[optimize]'. With --revlog, fits an exported log and saves nothing.

    Example: cmirev optimize --dry-run
    """
    from cmirev import optimize as fitting
    from cmirev import render
    from cmirev.paths import ensure_home

    home = ensure_home()
    if reset:
        gone = fitting.clear_parameters(home)
        render.make_out().text(
            "Personal parameters removed: the defaults are in use."
            if gone
            else "No personal parameters: the defaults are already in use."
        )
        return
    events, settings, tz = _history(revlog)
    result = fitting.optimize(events, settings, tz)
    saved = None
    if result["adopt"] is not None and revlog is None and not dry_run:
        saved = fitting.save_parameters(home, result["adopt"], result)
    result["saved"] = str(saved) if saved else None
    if as_json:
        render.print_json(result)
        return
    render.optimize_view(render.make_out(), result)


@app.command()
def doctor(
    recover: Annotated[
        bool,
        typer.Option(
            "--recover",
            help="Copy every readable review into a new store; keep the damaged one beside it.",
        ),
    ] = False,
) -> None:
    """Check the review store for damage, and recover from it.

    The check is SQLite's full integrity check. --recover moves the damaged store aside (reviews.damaged-TIME.sqlite3), builds a new one
    from every review that can still be read, replaying each item's answers to rebuild its
    schedule, and copies assignment dates, leech resets and cram answers where readable.

    Example: cmirev doctor --recover
    """
    from cmirev import render
    from cmirev.paths import store_path
    from cmirev.repair import check, recover_store

    path = store_path()
    out = render.make_out()
    if not path.exists():
        out.text(f"No review store yet at {path}: nothing to check.")
        return
    problems = check(path)
    if not recover:
        if not problems:
            out.text(f"The review store {path} is sound (integrity check: ok).")
            return
        for line in problems[:10]:
            out.text(f"  {line}")
        raise CmirevError(
            f"the review store {path} is damaged ({len(problems)} problem(s) above): "
            "'cmirev doctor --recover' saves what can be read into a new store"
        )
    report = recover_store(path)
    out.text(
        f"Recovered {report['reviews']} review(s) of {report['items']} item(s) into a new store "
        f"at {path}; {report['lost']} row(s) could not be read. The damaged store is kept as "
        f"{report['kept']}."
    )


@app.command()
def leeches(
    reset: Annotated[
        list[str] | None,
        typer.Option(
            "--reset",
            metavar="ITEM",
            help="Put a leech back into drills (repeatable): unit/item, the unit by id or code "
            "(PSL/thomas-kilmann), or an item id that only one unit has.",
        ),
    ] = None,
) -> None:
    """List leeches (items forgotten 8 times), or reset them.

    A leech was forgotten 8 times after it was learned and is left out of drills until reset
    ('cmirev help leech').

    Example: cmirev leeches --reset thomas-kilmann
    """
    from cmirev import content, render
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    study = _open_study(catalog)
    out = render.make_out()
    for name in reset or []:
        item = name if study.store.card(name) is not None else content.find_item(catalog, name)
        if not study.store.reset_leech(study.key(item), study.now()):
            leeches = study.store.leeches()
            now = f"; the leeches now are: {', '.join(leeches)}" if leeches else "; there are none"
            raise UsageError(f"'{item}' is not a leech{now}")
        out.text(f"Reset {item}: it is back in your drills.")
    if reset:
        return
    found = study.store.leeches()
    if not found:
        out.text("No leeches: no item has been forgotten 8 times after it was learned.")
        return
    for item in found:
        entry = study.entries.get(item)
        out.entry(
            item, [("", entry.item.heading)] if entry else [("", "(no longer in the content)")]
        )


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Unit files or folders (default: every unit cmirev loads).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check unit files and report every problem with its line.

    Each problem is one line, path:line: field: message. Exit 0 when every file is valid, 1
    otherwise.

    \b
    Examples: cmirev validate
              cmirev validate my-units/
    """
    from cmirev import render
    from cmirev.loader import build_catalog
    from cmirev.paths import unit_dirs

    defaults = unit_dirs()
    catalog, problems = build_catalog(
        paths or defaults, context=defaults if paths else (), duplicates=True
    )
    if problems:
        raise ContentError(problems)
    if not catalog.units:
        where = ", ".join(str(p) for p in paths or defaults)
        raise CmirevError(f"{where}: no unit files (*.yaml, *.yml) found")
    items = sum(len(u.items()) for u in catalog.units)
    files = len(catalog.units)
    if not paths:
        _report_orphans(catalog)
    render.make_out().text(
        f"OK: {files} unit file{'s' * (files != 1)}, {items} items, no problems."
    )


def _report_orphans(catalog: Catalog) -> None:
    """Review history of items whose ids are gone: kept, and listed so it can be mapped back."""
    from cmirev import render
    from cmirev.paths import store_path

    if not store_path().exists():
        return
    orphans = _open_study(catalog).orphans()
    out = render.make_out()
    for item, count in orphans:
        out.text(
            f"Orphaned history: {item} ({count} review{'s' * (count != 1)}) is no longer in the content."
        )
    if orphans:
        out.text(f"{len(orphans)} item(s) with history not in the content; their history is kept.")


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Argument(metavar="FORMAT", help="anki, md, csv or json.", show_default=False),
    ],
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="Where to write; - for standard output (not for anki). An existing file is "
            "replaced only once the new one is complete.",
            show_default=False,
        ),
    ],
    units: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="UNIT", help="Unit ids, or 'all' (the default).", show_default=False
        ),
    ] = None,
) -> None:
    """Export units for Anki, print, a spreadsheet or a script.

    anki (phone or desktop): an .apkg with a deck per unit and a sub-deck per section; notes for terms (asked
    both ways where fair), key-word clozes, and misconceptions, tagged by unit, outcome and
    criterion; importing a later export updates the same notes. md: a printable revision sheet
    per unit, with your readiness (predicted recall now) on each item once you have reviews.
    csv: one row per item (unit, section, id, kind, front, back, outcomes, criteria, readiness).
    json: every item with all its fields.

    \b
    Examples: cmirev export anki cmi-level6.apkg
              cmirev export md revision.md psl
              cmirev export csv - | head
    """
    from cmirev import content, render
    from cmirev import export as exporting
    from cmirev.loader import load_catalog
    from cmirev.paths import store_path

    fmt = exporting.resolve_format(fmt)
    path = exporting.check_target(fmt, target)
    catalog = load_catalog()
    chosen = content.resolve_units(catalog, None if units == ["all"] else units)
    recall = None
    if fmt != "anki" and store_path().exists():  # no store: no history, and none is created
        recall = exporting.readiness(_open_study(catalog), chosen)
    done = exporting.export(fmt, path, catalog, chosen, recall)
    if path is not None:
        render.make_out().text(done)


# -- Beyond one terminal: progress between computers, where files live, backups, reminders

progress_app = _App(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Carry your review history between computers.\n\n'export' writes it to a file on "
    "one, 'import' merges that file into the other.\n\n"
    "Example: cmirev progress export ~/OneDrive/cmirev/laptop.json",
)
app.add_typer(progress_app, name="progress")


@progress_app.command("export")
def progress_export(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The file to write (JSON).", show_default=False),
    ],
) -> None:
    """Write your review history to a file for another computer.

    Your whole history: reviews, cram answers, leech resets and assignment dates. The file is written whole or not
    at all, so a sync folder never carries half of one. Export at the end of a session.

    Example: cmirev progress export ~/OneDrive/cmirev/laptop.json
    """
    from cmirev import render, sync
    from cmirev.paths import ensure_home, shown, store_path
    from cmirev.store import Store
    from cmirev.study import env_clock

    ensure_home()
    with Store(store_path()) as store:
        done = sync.export_progress(store, file, env_clock()())
    render.make_out().text(
        f"Exported {done['reviews']} review(s) of {done['items']} item(s), {done['cram']} cram "
        f"answer(s) and {done['deadlines']} assignment date(s) to {shown(file)}."
    )


@progress_app.command("import")
def progress_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Files written by 'cmirev progress export'.",
            show_default=False,
        ),
    ],
) -> None:
    """Merge another computer's review history into this one's.

    A review already here is never added twice, so importing a file again changes nothing,
    and your own file can be imported with the others. Every item with new answers has its
    schedule rebuilt from its whole history in time order, as if every answer had been given
    on one computer; for assignment dates the latest date set (or cleared) wins. Each file is
    checked whole first, and the import is one transaction: a damaged or foreign file is
    refused and your history stays as it was. Import at the start of a session.

    Example: cmirev progress import ~/OneDrive/cmirev/desktop.json
    """
    from cmirev import render, sync
    from cmirev.loader import load_catalog

    study = _open_study(load_catalog())
    study.store.check_writable()
    progress = [sync.read_progress(file, study.now()) for file in files]
    done = sync.import_progress(study.store, progress, study.settings, study.tz)
    study.merge_twins()
    render.make_out().text(sync.import_summary(files, progress, done))


@app.command()
def where(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show where cmirev keeps your data and finds units.

    Each place is listed with whether it exists yet. The data folder holds the review store,
    settings, backups and your own units (made with 'cmirev new-unit'); CMIREV_HOME moves it,
    and CMIREV_UNITS adds more folders of units.

    Example: cmirev where
    """
    from cmirev import paths, render

    found = paths.locations()
    if as_json:
        render.print_json(
            [
                {"key": key, "what": what, "path": str(path), "exists": path.exists()}
                for key, what, path in found
            ]
        )
        return
    rows = [
        [what, paths.shown(path), "yes" if path.exists() else "not yet"] for _, what, path in found
    ]
    out = render.make_out()
    out.table(["", "Where", "Exists"], rows)
    if not paths.own_units_dir().is_dir():
        out.text("No units of your own yet: 'cmirev new-unit CODE' starts one in that folder.")


@app.command()
def backup(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE",
            help="Where to write the copy (default: backups/ in the data folder, dated).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Back up the review store to a file (safe mid-drill).

    The copy is a consistent snapshot, safe while a drill runs in another terminal (SQLite's
    backup API). To restore one: close every cmirev, delete the store's -wal and -shm files if they are
    there, and copy the backup over the store ('cmirev where' shows where it is).

    \b
    Examples: cmirev backup
              cmirev backup ~/Documents/cmirev-copy.sqlite3
    """
    from cmirev import paths, render
    from cmirev.store import Store
    from cmirev.study import env_clock, local_tz

    live = paths.store_path()
    if not live.exists():
        raise CmirevError(
            f"no review store yet at {paths.shown(live)}: nothing to back up (your first "
            "'cmirev drill' or 'cmirev quiz' makes it)"
        )
    target = file or paths.backup_path(env_clock()().astimezone(local_tz()))
    with Store(live) as store:
        store.backup(target)
        reviews = store.count_reviews()
    size = target.stat().st_size / 1024
    render.make_out().text(
        f"Backed up {reviews} review(s) to {paths.shown(target)} ({size:,.0f} KB)."
    )


@app.command()
def remind(
    ics: Annotated[
        Path,
        typer.Option(
            "--ics", metavar="FILE.ics", help="The calendar file to write.", dir_okay=False
        ),
    ],
    at: Annotated[
        str, typer.Option("--time", metavar="HH:MM", help="When the daily study slot starts.")
    ] = "19:00",
    minutes: Annotated[
        int | None,
        typer.Option(
            "--minutes",
            min=5,
            max=240,
            metavar="M",
            help="How long the slot is (default: the minutes a day given with an assignment "
            "date, else 15).",
        ),
    ] = None,
) -> None:
    """Write a calendar file of study slots and assignment dates.

    For Outlook or Google Calendar: a daily study slot with a reminder, and each assignment
    date set with 'cmirev deadline' (a week's reminder before). The slot is in local time. Write the file again after changing a date: importing it
    updates the events rather than adding copies.

    Example: cmirev remind --ics cmirev.ics --time 07:30 --minutes 15
    """
    from cmirev import paths, render
    from cmirev import remind as calendar
    from cmirev.loader import load_catalog

    try:
        slot = calendar.parse_time(at)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    catalog = load_catalog()
    study = _open_study(catalog)
    today = study.now().astimezone(study.tz).date()
    titles = {u.id: u.title for u in catalog.units}
    dates = [
        calendar.DueDate(d.unit, titles.get(d.unit, d.unit), d.day)
        for d in study.store.deadlines().values()
        if d.day >= today
    ]
    given = [d.minutes for d in study.store.deadlines().values() if d.minutes and d.day >= today]
    length = minutes or (round(max(given)) if given else calendar.DEFAULT_MINUTES)
    text = calendar.calendar(
        slot, length, dates, today, study.now(), getattr(study.tz, "key", None)
    )
    try:
        ics.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise CmirevError(f"cannot write {ics}: {exc.strerror or exc}") from None
    out = render.make_out()
    out.text(calendar.summary(paths.shown(ics), slot, length, sorted(dates, key=lambda d: d.day)))
    if slot.hour < study.settings.day_start_hour:
        out.text(
            f"Note: {slot:%H:%M} is before your study day starts "
            f"({study.settings.day_start_hour:02d}:00), so a drill then counts for the day before."
        )


# -- Words a learner knows: the glossary, and a few lines the first time


@app.command("help")
def help_(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Argument(
            metavar="TOPIC",
            help="A word cmirev uses (leech, retention, again...), or a command's name.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Explain a word cmirev uses, such as leech or retention.

    With no TOPIC, lists the topics. Each is a short paragraph in plain English with the
    command to use. A command's name shows that command's --help.

    \b
    Examples: cmirev help
              cmirev help leech
              cmirev help again
    """
    from cmirev import glossary, render

    out = render.make_out()
    if topic is None:
        render.topics_view(out, [(t.name, t.summary) for t in glossary.TOPICS])
        return
    try:
        found = glossary.find(topic)
    except UsageError:
        group: Any = ctx.parent.command if ctx.parent else None
        command = group.get_command(ctx, topic) if group is not None else None
        if command is None or topic in ("help",):
            raise
        with typer.Context(command, info_name=topic, parent=ctx.parent) as sub:
            sys.stdout.write(command.get_help(sub) + "\n")
        return
    render.topic_view(out, found.summary, glossary.explain(found), found.commands)


def _welcome(as_json: bool = False, *, gap: bool = True) -> None:
    """The first time a study command runs before any answer is saved: a few lines on how
    cmirev works, once (a marker in the data folder remembers; a learner who already has
    answers is marked without being told), never inside JSON output."""
    from cmirev import paths

    marker = paths.home_dir() / WELCOMED
    if marker.exists():
        return
    new = True
    if paths.store_path().exists():
        from cmirev.store import Store

        try:
            with Store(paths.store_path()) as store:
                new = not store.count_reviews()
        except CmirevError:
            return  # the command itself says what is wrong with the store
    if new and as_json:
        return  # next time, in words
    if new:
        from cmirev import glossary, render

        out = render.make_out()
        for line in glossary.WELCOME:
            out.text(line)
        if gap:  # a quiz or drill starts its first question with a blank line of its own
            out.text("")
    try:
        paths.ensure_home()
        marker.touch()
    except (OSError, CmirevError):
        pass  # a read-only data folder: the note may show again, nothing worse


WELCOMED = ".welcomed"  # in the data folder: the first-run note has been shown


# -- Items set aside: suspend, unsuspend, bury

ItemsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ITEM",
        help="Items as unit/item, the unit by id or code (PSL/thomas-kilmann), or an item id "
        "only one unit has.",
        show_default=False,
    ),
]
SectionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--section",
        "-s",
        metavar="SECTION",
        help="Every item of this section (repeatable; of every unit unless --unit): {sections}.",
        autocompletion=_complete_sections,
    ),
]


# --unit for suspend, unsuspend and bury: every item of the unit, not a filter.
HoldUnitsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="Every item of this unit (repeatable).",
        autocompletion=_complete_units,
    ),
]


@app.command()
def suspend(
    items: ItemsArgument = None,
    unit: HoldUnitsOption = None,
    section: SectionsOption = None,
    listing: Annotated[
        bool, typer.Option("--list", help="List the items suspended or buried now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
) -> None:
    """Leave items out of drills until you unsuspend them.

    A suspended item is left out of drills, due counts and readiness until 'cmirev unsuspend'
    brings it back; its history is kept, and a quiz can still ask it. An idea stated in
    several units is one memory, so its copies are suspended together. --list shows what is
    suspended or buried ('cmirev stats' counts them).

    \b
    Examples: cmirev suspend PSL/thomas-kilmann
              cmirev suspend --unit lip --section readings
              cmirev suspend --list
    """
    from cmirev import holds, render
    from cmirev.loader import load_catalog

    study = _open_study(load_catalog())
    if listing or as_json:
        if items or unit or section:
            raise UsageError("--list shows every item set aside: leave out ITEM, --unit, --section")
        found = holds.listing(study)
        if as_json:
            render.print_json(found)
        else:
            render.holds_view(render.make_out(), found)
        return
    done = holds.suspend(study, holds.select(study, items, unit, section, "suspend"))
    for line in holds.summary(done, "suspend", study):
        render.make_out().text(line)


@app.command()
def unsuspend(
    items: ItemsArgument = None,
    unit: HoldUnitsOption = None,
    section: SectionsOption = None,
    every: Annotated[bool, typer.Option("--all", help="Every item suspended or buried.")] = False,
) -> None:
    """Bring suspended or buried items back into drills.

    Name the items as you suspended them (any copy of an idea stated in several units will
    do), or choose them with --unit and --section; --all brings back everything set aside.

    \b
    Examples: cmirev unsuspend PSL/thomas-kilmann
              cmirev unsuspend --unit lip
              cmirev unsuspend --all
    """
    from cmirev import holds, render
    from cmirev.loader import load_catalog

    study = _open_study(load_catalog())
    if every:
        if items or unit or section:
            raise UsageError("--all brings back every item: leave out ITEM, --unit, --section")
        chosen = sorted(study.store.holds(study.now()))
        if not chosen:
            render.make_out().text("Nothing is suspended or buried.")
            return
    else:
        chosen = holds.select(study, items, unit, section, "unsuspend")
        if unit or section:  # of a whole unit or section, only what is set aside is news
            keys = {study.key(g) for g in study.store.holds(study.now())}
            chosen = [g for g in chosen if study.key(g) in keys]
            if not chosen:
                render.make_out().text(
                    "Nothing there is suspended or buried (see 'cmirev suspend --list')."
                )
                return
    for line in holds.summary(holds.unsuspend(study, chosen), "unsuspend", study):
        render.make_out().text(line)


@app.command()
def bury(
    items: ItemsArgument = None,
    unit: HoldUnitsOption = None,
    section: SectionsOption = None,
) -> None:
    """Hide items from drills until the next study day.

    A buried item comes back by itself when the next study day starts ('cmirev help day');
    'cmirev unsuspend' brings it back sooner. Its history and schedule are kept.

    \b
    Examples: cmirev bury PSL/thomas-kilmann
              cmirev bury --unit cpsp --section criteria
    """
    from cmirev import holds, render
    from cmirev.loader import load_catalog

    study = _open_study(load_catalog())
    done = holds.bury(study, holds.select(study, items, unit, section, "bury"))
    for line in holds.summary(done, "bury", study):
        render.make_out().text(line)


# -- Your own cards: new-unit, add, edit


def _interactive() -> bool:
    """Whether cmirev may ask for what is missing: standard input is a terminal."""
    return sys.stdin.isatty()


@app.command("new-unit")
def new_unit(
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE",
            help="Its short name: 2 to 12 letters or digits, any case (HR).",
            show_default=False,
        ),
    ],
    title: Annotated[
        str | None,
        typer.Option("--title", metavar="TEXT", help="Its title (default: My CODE notes)."),
    ] = None,
    unit_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            metavar="ID",
            help="Its id: lower-case words joined by '-' (default: from the title).",
        ),
    ] = None,
    synopsis: Annotated[
        str | None,
        typer.Option("--synopsis", metavar="TEXT", help="A sentence or two on what it covers."),
    ] = None,
) -> None:
    """Start a unit of your own cards, ready for 'cmirev add'.

    Every command loads it beside the built-in units, with no setting to change, and its code
    works wherever a unit id does (cmirev show HR, cmirev drill --unit HR). A code or id
    another unit already uses is refused.

    Example: cmirev new-unit HR --title "My HR notes"
    """
    from cmirev import authoring, render
    from cmirev.loader import load_catalog
    from cmirev.paths import shown

    made = authoring.new_unit(load_catalog(), code, title, unit_id, synopsis)
    out = render.make_out()
    out.text(
        f'Started your unit {made.code} ({made.unit_id}), "{made.title}", in {shown(made.path)}.'
    )
    out.text(
        f"Next: 'cmirev add --unit {made.code}' adds a card (in a terminal it asks for each "
        "field; 'cmirev add --help' lists them)."
    )
    if synopsis is None:
        out.text(
            f"Its synopsis and overview are placeholders: change them with 'cmirev edit {made.code}'."
        )


@app.command()
def add(
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            help="Your unit, by code or id (default: your only one).",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="What to add: term, concept, misconception, mistake, fact, guidance, "
            "prerequisite, outcome or criterion.",
        ),
    ] = None,
    text: Annotated[
        str | None,
        typer.Option(
            "--text",
            metavar="TEXT",
            help="A mistake, fact, tip, prerequisite, outcome or criterion: its text.",
        ),
    ] = None,
    term: Annotated[
        str | None, typer.Option("--term", metavar="TEXT", help="A term or concept: its name.")
    ] = None,
    definition: Annotated[
        str | None,
        typer.Option("--definition", metavar="TEXT", help="A term or concept: what it means."),
    ] = None,
    claim: Annotated[
        str | None,
        typer.Option("--claim", metavar="TEXT", help="A misconception: the wrong belief."),
    ] = None,
    correction: Annotated[
        str | None,
        typer.Option(
            "--correction", metavar="TEXT", help="A misconception: why it is wrong, the right view."
        ),
    ] = None,
    good_practice: Annotated[
        str | None,
        typer.Option(
            "--good-practice",
            metavar="TEXT",
            help="A mistake: what to do instead, in the same form (drilled only with it).",
        ),
    ] = None,
    attribution: Annotated[
        str | None, typer.Option("--attribution", metavar="TEXT", help="A fact: who says so.")
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome", metavar="LO", help="A learning outcome of the unit it serves (repeatable)."
        ),
    ] = None,
    criterion: Annotated[
        list[str] | None,
        typer.Option(
            "--criterion",
            metavar="AC",
            help="Serve the outcomes this criterion of the unit evidences (repeatable).",
        ),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--keyword",
            metavar="WORD",
            help="A word or phrase of the text that carries its meaning: a missing-word "
            "question blanks it (repeatable).",
        ),
    ] = None,
    same_as: Annotated[
        list[str] | None,
        typer.Option(
            "--same-as", metavar="ITEM", help="An item stating the same idea: one memory for both."
        ),
    ] = None,
    distinct_from: Annotated[
        list[str] | None,
        typer.Option(
            "--distinct-from", metavar="ITEM", help="An item that looks alike but is another idea."
        ),
    ] = None,
    item_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            metavar="ID",
            help="Its id (default: from its text; LO3, AC2 for outcomes, criteria).",
        ),
    ] = None,
) -> None:
    """Add a card to one of your own units, without writing YAML.

    A term or concept takes --term and --definition; a misconception --claim and --correction;
    a mistake --text and --good-practice; a fact --text and --attribution; guidance, a
    prerequisite, an outcome or a criterion --text (a criterion also --outcome). In a terminal
    it asks for whatever you leave out. The card is checked with every unit, as 'cmirev
    validate' checks, before the file is written; the rest of the file, comments and all,
    stays as it was, and no id ever changes, so review history stays with its card.

    Example: cmirev add --unit HR --kind term --term "Psychological safety" --definition "..."
    """
    from cmirev import authoring
    from cmirev.loader import load_catalog

    catalog = load_catalog()
    ask = _interactive()
    chosen = _which_unit(catalog, unit, ask)
    if kind is None and not ask:
        raise UsageError(f"give --kind: {', '.join(authoring.KINDS)}")
    what = authoring.kind_of(kind if kind is not None else _ask_kind())
    values = {
        "text": text,
        "term": term,
        "definition": definition,
        "claim": claim,
        "correction": correction,
        "good-practice": good_practice,
        "attribution": attribution,
    }
    outcomes, criteria = list(outcome or []), list(criterion or [])
    if ask:
        _ask_fields(what, values)
        if (
            what.links
            and not (outcomes or criteria)
            and (chosen.learning_outcomes or what.is_criterion)
        ):
            outcomes = _ask_outcomes(chosen, required=what.is_criterion)
    fields = authoring.item_fields(
        catalog,
        chosen,
        what,
        values,
        outcomes,
        criteria,
        same_as or [],
        distinct_from or [],
        item_id,
        keyword or [],
    )
    added = authoring.add_item(chosen, Path(catalog.paths[chosen.id]), what, fields)
    _added_view(added, chosen.short)


def _which_unit(catalog: Catalog, name: str | None, ask: bool) -> Any:
    """The unit ``add`` writes to: named, the learner's only one, or asked for."""
    from cmirev import authoring

    mine = authoring.own_units(catalog)
    if name is None and ask and len(mine) > 1:
        name = typer.prompt(f"Which of your units ({', '.join(u.short for u in mine)})")
    return authoring.owned_unit(catalog, name)


def _ask_kind() -> str:
    """Ask, in a terminal, what kind of card to add, until the answer is one."""
    from cmirev import authoring, render

    while True:
        answer = str(typer.prompt(f"Kind ({', '.join(authoring.KINDS)})"))
        try:
            return authoring.kind_of(answer).name
        except UsageError as exc:
            render.error(str(exc))


def _ask_fields(kind: Any, values: dict[str, str | None]) -> None:
    """Ask, in a terminal, for each field of the kind not given as an option."""
    for field in kind.fields:
        if values.get(field.option) is None:
            values[field.option] = (
                typer.prompt(field.prompt)
                if field.required
                else typer.prompt(field.prompt, default="", show_default=False)
            )


def _ask_outcomes(unit: Any, required: bool) -> list[str]:
    """Ask which of the unit's learning outcomes a card serves."""
    known = ", ".join(lo.id for lo in unit.learning_outcomes) or "none yet"
    if required:
        answer = typer.prompt(f"Learning outcomes it evidences ({known})")
    else:
        answer = typer.prompt(
            f"Learning outcomes it serves ({known}; Enter for none)", default="", show_default=False
        )
    return str(answer).replace(",", " ").split()


def _added_view(added: Any, code: str) -> None:
    """What ``add`` says: where the card went, how it will be asked, what next."""
    from cmirev import render
    from cmirev.paths import shown
    from cmirev.questions.formats import FORMATS

    out = render.make_out()
    item_id = added.global_id.split("/", 1)[1]
    out.text(
        f"Added {added.kind.name} {code}/{item_id} at line {added.line} of {shown(added.path)}."
    )
    formats = added.formats
    change = f"'cmirev edit {code}/{item_id}'"
    if formats:
        asked = "; ".join(FORMATS[f].label.lower() for f in formats)
        out.text(f"Questions it gives: {asked}. It joins your drill as a new card.")
    elif added.kind.name == "mistake":
        out.text(
            f"The drill asks a mistake beside its good practice (what to do instead): add that "
            f"with {change}, or give --good-practice next time. Until then it shows in "
            f"'cmirev show {code}'."
        )
        return
    elif formats is not None:
        why = (
            "prerequisites are shown, never drilled"
            if added.kind.name == "prerequisite"
            else "cmirev finds no fair question for it; list the words that carry its meaning "
            f"as keywords (with {change}, or --keyword next time) and it can be asked as a "
            "missing word"
        )
        out.text(f"It shows in 'cmirev show {code}', but the drill will not ask it: {why}.")
    out.text(f"Change it with {change}.")


@app.command()
def edit(
    name: Annotated[
        str,
        typer.Argument(
            metavar="ITEM",
            help="One of your cards (CODE/item, unit/item, or an id only one unit has), or one "
            "of your units.",
            show_default=False,
        ),
    ],
    no_retry: Annotated[
        bool,
        typer.Option(
            "--no-retry",
            help="If the saved file has problems, put the old text back at once rather than "
            "offer to reopen it.",
        ),
    ] = False,
) -> None:
    """Edit one of your own cards in your editor; checked when you save.

    The editor is $VISUAL or $EDITOR (else nano or vi; notepad on Windows). When it closes,
    the file is checked as 'cmirev validate' checks it. With problems, each is shown with its
    line and, in a terminal, cmirev offers to reopen the file there; otherwise (or with
    --no-retry) the text you started from is put back. Built-in units are not edited: start
    your own with 'cmirev new-unit'. Changing a card's id parts it from its review history
    (kept, and listed by 'cmirev validate'): cmirev warns when that happens.

    Example: cmirev edit HR/psychological-safety
    """
    from cmirev import authoring, editing, render
    from cmirev.errors import Problem
    from cmirev.paths import shown

    target = editing.edit_target(name)
    editing.editor_command(target.path, target.line)  # no editor: say so before anything
    ask = _interactive() and not no_retry

    def again(problems: list[Problem]) -> bool:
        for problem in problems:
            render.error(str(problem))
        return typer.confirm("Open the file again to fix it?", default=True)

    done = editing.edit_file(
        target,
        lambda path, line: editing.run_editor(editing.editor_command(path, line)),
        again if ask else None,
    )
    back = f"{shown(target.path)} is back as it was before the edit"
    if done.restored and ask:
        raise CmirevError(back)
    if done.restored:
        raise authoring.NotSaved(list(done.restored), back)
    out = render.make_out()
    if not done.changed:
        out.text(f"No change to {shown(target.path)}.")
        return
    out.text(f"Saved {shown(target.path)}: no problems, {done.items} item(s).")
    _warn_gone(target.path.stem, done.gone)


def _warn_gone(unit_id: str, gone: tuple[str, ...]) -> None:
    """Item ids an edit removed or renamed: their history stays, under the old id."""
    from cmirev import render
    from cmirev.loader import load_catalog
    from cmirev.paths import store_path

    if not gone:
        return
    reviews: dict[str, int] = {}
    if store_path().exists():
        try:
            reviews = dict(_open_study(load_catalog()).orphans())
        except ContentError:  # another unit's problem: the counts are not worth failing for
            reviews = {}
    out = render.make_out()
    for item_id in gone:
        gid = f"{unit_id}/{item_id}"
        count = reviews.get(gid, 0)
        if count:
            out.text(
                f"Warning: {gid} is no longer in the unit (its id changed, or it was removed): "
                f"its {count} review(s) are kept but match no card now. Put the id back to "
                "reconnect them; 'cmirev validate' lists such orphaned history."
            )
        else:
            out.text(
                f"Note: {gid} is no longer in the unit; it had no reviews, so no history is lost."
            )


_ASCII = {
    "·": "-", "›": ">", "…": "...", "—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "✓": "v", "✗": "x", "█": "#", "▓": "#", "▒": "+", "░": ".", "•": "*", "×": "x", "£": "GBP ",
    "±": "+/-", "→": "->", "≥": ">=", "≤": "<=", "é": "e", "ü": "u",
}  # fmt: skip


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: the nearest ASCII for cmirev's own glyphs, '?' otherwise."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_ASCII.get(ch, "?") for ch in bad), error.end


def _degrade_gracefully() -> None:
    """A terminal that is not UTF-8 gets ASCII stand-ins instead of an UnicodeEncodeError, and
    bytes that do not decode in an answer become an answer that is not understood."""
    import codecs

    codecs.register_error("cmirev-ascii", _ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="cmirev-ascii")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")


def main() -> int:
    """The console entry point."""
    import os

    # A closed standard stream (cmirev <&- or >&-) is read as end of input or written to
    # nowhere, not an AttributeError on None.
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    _degrade_gracefully()
    try:
        result = app(standalone_mode=False)
    except typer.Exit as exc:  # pragma: no cover - defensive: standalone_mode returns the code
        return exc.exit_code
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            # Typer met a closed pipe (``cmirev show ... | head``) and exits 1: the reader
            # went away, which is not an error. Point stdout at nothing so that the final
            # flush cannot fail either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            return 0
        raise
    except typer.Abort:
        sys.stderr.write("\nInterrupted.\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``cmirev show ... | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # output that cannot be written: a full disk, a closed terminal
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"Error: cannot write the output: {exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # click's usage errors carry their own exit code
        from cmirev import render

        message = getattr(exc, "format_message", None)
        code = getattr(exc, "exit_code", None)
        if callable(message) and isinstance(code, int):
            context = getattr(exc, "ctx", None)
            where = context.command_path if context is not None else "cmirev"
            render.error(f"{message()} (see '{where} --help')")  # one line, as every error
            return code
        raise
    return result if isinstance(result, int) else 0
