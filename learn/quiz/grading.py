"""Grading: check an answer's shape (tampered answers are refused) and score it all-or-nothing."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .bank import Item, Option


class InvalidAnswer(ValueError):
    """The answer cannot belong to this item (an unknown option, the wrong count, a repeated step)."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    given: tuple[str, ...]
    expected: tuple[str, ...]
    dont_know: bool = False


def validate(item: Item, keys: Sequence[str]) -> tuple[str, ...]:
    """Return the answer as a tuple of option keys, or raise InvalidAnswer saying what is wrong."""
    keys = tuple(str(k) for k in keys)
    known = {o.key for o in item.options}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InvalidAnswer(f"{', '.join(unknown)} is not an option of this question.")
    if len(set(keys)) != len(keys):
        raise InvalidAnswer("The same option was given twice.")
    if item.type == "single" and len(keys) != 1:
        raise InvalidAnswer("Choose exactly one option.")
    if item.type == "multiple" and len(keys) != item.choose:
        raise InvalidAnswer(f"Choose exactly {item.choose} options.")
    if item.type == "ordering" and len(keys) != len(item.options):
        raise InvalidAnswer("Put every step in order.")
    return keys if item.type == "ordering" else tuple(sorted(keys))


def grade(item: Item, keys: Sequence[str] | None) -> Grade:
    """Score one answer. None means "I don't know", which counts as wrong and is scheduled for review."""
    expected = item.correct_keys
    if keys is None:
        return Grade(False, (), expected, dont_know=True)
    given = validate(item, keys)
    return Grade(given == expected, given, expected)


def presented_options(item: Item, seed: str) -> list[Option]:
    """Options in the order this learner sees them: shuffled per attempt so letters can't be memorised."""
    options = list(item.options)
    shuffler = random.Random(f"{seed}:{item.id}")
    shuffler.shuffle(options)
    while item.type == "ordering" and len(options) > 1 and [o.key for o in options] == list(item.correct_keys):
        shuffler.shuffle(options)  # steps shown already in order would give the answer away
    return options
