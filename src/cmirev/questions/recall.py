"""Recall formats: explain from memory and grade yourself, or put steps in order."""

from __future__ import annotations

from random import Random

from cmirev.models import Concept, Criterion, KeyTerm, Misconception
from cmirev.questions.core import LETTERS, Question
from cmirev.questions.generator import Ask, Generator


def recall(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Say or write the answer, reveal the model answer, grade yourself 1-4."""
    item, unit = ask.item, ask.unit
    if isinstance(item, Concept | KeyTerm):
        prompt = f"Explain: {item.term}. Say or write your answer, then reveal the model answer."
        model = item.definition
        if isinstance(item, KeyTerm) and item.steps:
            model += "\nSteps: " + "; ".join(item.steps)
    elif isinstance(item, Misconception):
        prompt = f"Why is this a misconception?\n\n{item.claim}"
        model = item.correction
    elif isinstance(item, Criterion):
        by_id = {lo.id: lo.text for lo in unit.learning_outcomes}
        aims = " ".join(f"{lo}: {by_id.get(lo, '')}" for lo in item.outcomes)
        prompt = (
            f"{unit.title}, criterion {item.id}. It evidences this outcome:\n{aims}\n\n"
            "What does the assessor credit? Recall it, then reveal the model answer."
        )
        model = item.text
    else:
        return None
    return Question(
        **gen.base("recall", ask),  # type: ignore[arg-type]
        prompt=prompt,
        model_answer=model,
        explanation=model,
    )


def order(gen: Generator, ask: Ask, rng: Random, truth: bool | None) -> Question | None:
    """Put the steps in order."""
    item = ask.item
    if not isinstance(item, KeyTerm) or len(item.steps) < 3:
        return None
    steps = list(item.steps)
    shuffled = list(range(len(steps)))
    while shuffled == sorted(shuffled):
        rng.shuffle(shuffled)
    right = tuple(shuffled.index(i) for i in range(len(steps)))
    return Question(
        **gen.base("order", ask),  # type: ignore[arg-type]
        prompt=f"{item.term}: put these steps in order. Type the letters, first step first.",
        options=tuple(steps[i] for i in shuffled),
        order=right,
        model_answer=" ".join(LETTERS[i] for i in right),
        explanation="; ".join(f"{n}. {s}" for n, s in enumerate(steps, 1)),
    )
