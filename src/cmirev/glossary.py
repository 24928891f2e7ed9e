"""The words cmirev uses, in plain English: the topics of `cmirev help TOPIC`, and the few lines
a learner reads the first time they study.

Each topic is a short paragraph written for a manager who has never used a flashcard program,
ending with the command to type. Pure data and lookups; the CLI renders them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cmirev.errors import UsageError


@dataclass(frozen=True)
class Topic:
    """One entry of the glossary: its name, other words that find it, a one-line summary,
    the explanation, and the commands to try."""

    name: str
    aliases: tuple[str, ...]
    summary: str
    text: str
    commands: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "quiz",
        ("drill", "quiz-or-drill", "practice", "session"),
        "a quiz or the daily drill: which to use when",
        "The drill is your daily session: it asks what is due today, the items you are most "
        "likely to have forgotten first, then a few new ones, across every unit. A quiz asks "
        "about the units you name whenever you like, for example before writing an "
        "assignment. Both save every answer as a review, so a quiz also moves your schedule; "
        "add --practice to a quiz to leave the schedule alone.",
        ("cmirev drill", "cmirev quiz psl -n 10", "cmirev quiz psl --practice"),
    ),
    Topic(
        "fsrs",
        ("spaced-repetition", "srs", "scheduling", "schedule", "memory", "due"),
        "spaced repetition: why an item comes back when it does",
        "Spaced repetition brings each item back just before you would forget it. Every answer "
        "tells the scheduler (FSRS, a model of memory fitted to millions of reviews) how well "
        "you know the item, and it sets the next review further away each time you remember "
        "it, sooner when you forget. A few minutes a day keeps hundreds of items fresh.",
        ("cmirev due", "cmirev stats"),
    ),
    Topic(
        "item",
        ("items", "id", "ids", "card", "cards"),
        "an item, and how to name one",
        "An item is one thing to learn: a key term, a concept, a misconception with its "
        "correction, a common mistake, a learning outcome, an assessment criterion, a fact. "
        "Each has an id, written unit/item (public-services-leadership/thomas-kilmann); the "
        "unit's code will do for its id (PSL/thomas-kilmann), and an item id that only one "
        "unit has will do alone.",
        ("cmirev show terms --search kotter", "cmirev show psl --json"),
    ),
    Topic(
        "ratings",
        ("again", "hard", "good", "easy", "rating", "grade", "grades", "grading"),
        "Again, Hard, Good and Easy: how an answer is rated",
        "Each answer becomes one of four ratings. Again: you did not know it (a wrong answer). "
        "Hard: you got there, but with effort (a slow typed answer, or picking the right "
        "option for an item you should be able to recall). Good: you knew it. Easy: you knew "
        "it at once. When you grade yourself on a recall question you type 1 to 4 for Again "
        "to Easy. Again brings an item back soon; Easy sends it furthest away.",
        ("cmirev quiz psl -f recall",),
    ),
    Topic(
        "steps",
        ("learning-steps", "learning-step", "step", "learning"),
        "learning steps: the first few returns of a new item",
        "A new item, or one you have just forgotten, is not trusted to memory straight away: it "
        "comes back after a few minutes, then again later in the day ({steps} minutes by "
        "default), before the scheduler starts spacing it out over days. The drill waits for "
        "these steps within a session, and tells you when one comes back later today.",
        ("cmirev config learning_steps '1 10'",),
    ),
    Topic(
        "retention",
        ("desired-retention", "recall", "target"),
        "desired retention: how sure you want to be of remembering",
        "Desired retention is the chance of remembering an item that the scheduler aims for "
        "when it comes due: {retention:.2f} ({retention:.0%}) by default. Higher means more reviews and fewer "
        "surprises; lower means fewer reviews and more forgetting. True retention, in stats, "
        "is the share of due reviews you actually got right.",
        ("cmirev config desired_retention 0.85", "cmirev stats"),
    ),
    Topic(
        "limits",
        ("new", "new-per-day", "new-items", "max-reviews-per-day", "max-reviews", "limit"),
        "how many new items and reviews a day",
        "The drill introduces at most new_per_day new items a day ({new_per_day} by default) "
        "and asks at most max_reviews_per_day reviews ({max_reviews_per_day}). Setting new_per_day to 0 switches new items "
        "off; --new asks for more today without changing the setting.",
        ("cmirev config new_per_day 5", "cmirev drill --new 5"),
    ),
    Topic(
        "day",
        ("study-day", "day-start-hour", "days", "tomorrow"),
        "a study day, and why it starts in the small hours",
        "cmirev counts days as study days, which start at {day_start:02d}:00 local time by "
        "default, so a "
        "session after midnight still counts as the evening before. Daily limits, what is due "
        "today and buried items all follow the study day.",
        ("cmirev config day_start_hour 5",),
    ),
    Topic(
        "leech",
        ("leeches", "lapse", "lapses", "forgotten"),
        "a leech: an item you keep forgetting",
        "A lapse is forgetting an item you had learned (a wrong answer once it was in review; "
        "wrong answers while still learning it do not count). An item that lapses "
        "{leech_fails} times is "
        "a leech: drilling it again is not working, so it is left out of drills until you "
        "reset it. Read it again, perhaps reword it in your own notes, then put it back.",
        ("cmirev leeches", "cmirev leeches --reset PSL/thomas-kilmann"),
    ),
    Topic(
        "suspend",
        ("bury", "unsuspend", "suspended", "buried", "skip"),
        "suspend or bury: leaving items out of your drills",
        "Suspending an item leaves it out of drills and due counts until you bring it back, "
        "for an item you already know well or that your centre's brief does not cover. "
        "Burying hides it only until the next study day. Neither deletes anything: the "
        "history is kept and a quiz can still ask it.",
        (
            "cmirev suspend PSL/thomas-kilmann",
            "cmirev bury PSL/thomas-kilmann",
            "cmirev suspend --list",
            "cmirev unsuspend PSL/thomas-kilmann",
        ),
    ),
    Topic(
        "outcome",
        ("outcomes", "lo", "learning-outcome", "learning-outcomes"),
        "a learning outcome (LO1, LO2...)",
        "A learning outcome says what a unit expects you to understand or be able to do, for "
        "example LO2, 'Understand communication strategies to support employee commitment "
        "and trust'. Items link to the outcomes they serve, and your assignment must show "
        "each outcome has been met.",
        ("cmirev show outcomes --unit psl", "cmirev drill --unit psl --outcome LO2"),
    ),
    Topic(
        "criterion",
        ("criteria", "ac", "assessment-criterion", "assessment-criteria", "pass", "refer"),
        "an assessment criterion (AC1, AC2...)",
        "An assessment criterion is what an assessor checks your assignment against to mark "
        "it Pass or Refer, and each evidences one or more learning outcomes. cmirev's criteria "
        "restate each unit as a study aid, not CMI's wording: your centre's assignment brief "
        "is what counts.",
        ("cmirev show criteria --unit psl", "cmirev drill --unit psl --criterion AC2"),
    ),
    Topic(
        "readiness",
        ("ready", "predicted-recall", "weakest"),
        "readiness: how ready you are for a unit, outcome or criterion",
        "Readiness is the average chance that you would recall the items linked to a unit, "
        "outcome or criterion right now, with items you have not seen yet counting as 0. It "
        "rises as you learn and falls as time passes; stats lists the weakest first, and an "
        "assignment date shows the readiness projected for the day.",
        ("cmirev stats", "cmirev drill --weakest 10"),
    ),
    Topic(
        "codes",
        ("code", "unit", "units", "unit-code", "unit-codes", "psl"),
        "unit codes: short names for units",
        "Every unit has a short code (PSL, CPSP, PMPSCR, HAJ, LIP) that works, in any case, "
        "wherever its long id does, as does the start of an id or code that only one unit "
        "has: 'cmirev quiz psl' and 'cmirev quiz public-services-leadership' are the same.",
        ("cmirev units",),
    ),
    Topic(
        "prerequisites",
        ("prerequisite", "background", "before-you-start"),
        "prerequisites: background to read, not drilled",
        "Each unit lists a few things to know before you start. They are background to read, "
        "so they are shown with the unit but never drilled or quizzed, which is why a unit's "
        "drill holds a few items fewer than 'cmirev units' counts.",
        ("cmirev show prerequisites",),
    ),
    Topic(
        "keys",
        ("undo", "u", "q", "quit", "overrule", "!", "?"),
        "the keys in a quiz or drill",
        "Type a letter for a multiple-choice answer, t or f for true or false, the word for a "
        "gap, the letters in order for steps, 1-4 to grade yourself. u undoes your last answer "
        "and asks it again (not in a --practice quiz); ! says a typed answer marked wrong was "
        "right; ? shows the keys; q stops, keeping every answer given.",
        ("cmirev drill",),
    ),
)

WELCOME = (
    "Welcome to cmirev. How it works, in brief:",
    "- 'cmirev drill' is your daily session. Spaced repetition brings each item back just "
    "before you would forget it, so a few minutes a day keeps every unit fresh.",
    "- 'cmirev quiz UNIT' tests you on a unit whenever you like (add --practice to leave your "
    "schedule alone); 'cmirev units' lists the units and their short codes.",
    "- Every answer is saved as you give it: ? shows the keys, u undoes, q stops.",
    "- 'cmirev help' explains the words cmirev uses: leech, retention, Again/Hard/Good/Easy...",
)


def explain(topic: Topic) -> str:
    """The topic's paragraph, with the defaults it quotes taken from where they are set."""
    from cmirev.cards import LEECH_FAILS
    from cmirev.scheduler import Settings

    defaults = Settings()
    return topic.text.format(
        steps=" and ".join(str(s) for s in defaults.learning_steps),
        retention=defaults.desired_retention,
        new_per_day=defaults.new_per_day,
        max_reviews_per_day=defaults.max_reviews_per_day,
        day_start=defaults.day_start_hour,
        leech_fails=LEECH_FAILS,
    )


def _key(word: str) -> str:
    return "-".join(word.strip().lower().replace("_", " ").replace("/", " ").split())


def find(word: str) -> Topic:
    """The topic a learner means: its name or another word for it (any case; spaces or
    underscores for hyphens), or the start of exactly one name. A UsageError suggesting the
    closest topic otherwise."""
    key = _key(word)
    names = {t.name: t for t in TOPICS} | {a: t for t in TOPICS for a in t.aliases}
    if key in names:
        return names[key]
    fits = {t.name for name, t in names.items() if key and name.startswith(key)}
    if len(fits) == 1:
        return names[fits.pop()]
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    hint = f"; did you mean '{names[close[0]].name}'?" if close else ""
    raise UsageError(f"no help topic '{word}'{hint} ('cmirev help' lists the topics)")
