from __future__ import annotations

import datetime as dt

import pytest

from learn.quiz.bank import Item, Option
from learn.quiz.grading import InvalidAnswer, grade, presented_options


def make(kind: str, correct: list[bool], choose: int = 1) -> Item:
    options = tuple(Option("abcdef"[i], f"option {i}", f"option {i}", c, "why", "why") for i, c in enumerate(correct))
    return Item(
        "x",
        kind,
        "stem",
        "<p>stem</p>",
        choose,
        2,
        ("sqs",),
        "poll",
        ("DVA-C02 1.2",),
        (),
        ("https://docs.aws.amazon.com/",),
        dt.date(2026, 11, 22),
        options,
        "f.toml",
    )


def test_single_answer_right_and_wrong():
    item = make("single", [False, True, False, False])
    assert grade(item, ["b"]).correct
    assert not grade(item, ["a"]).correct


def test_multiple_response_is_all_or_nothing():
    item = make("multiple", [True, False, True, False, False], choose=2)
    assert grade(item, ["c", "a"]).correct
    assert not grade(item, ["a", "b"]).correct


def test_multiple_response_needs_the_right_count():
    item = make("multiple", [True, False, True, False, False], choose=2)
    with pytest.raises(InvalidAnswer, match="exactly 2"):
        grade(item, ["a"])
    with pytest.raises(InvalidAnswer, match="exactly 2"):
        grade(item, ["a", "b", "c"])


def test_ordering_must_match_exactly():
    item = make("ordering", [True, True, True])
    assert grade(item, ["a", "b", "c"]).correct
    assert not grade(item, ["b", "a", "c"]).correct
    with pytest.raises(InvalidAnswer, match="every step"):
        grade(item, ["a", "b"])


def test_tampered_answers_are_refused():
    item = make("single", [False, True, False, False])
    with pytest.raises(InvalidAnswer, match="not an option"):
        grade(item, ["z"])
    with pytest.raises(InvalidAnswer, match="twice"):
        grade(make("multiple", [True, True, False, False, False], 2), ["a", "a"])


def test_dont_know_counts_as_wrong():
    result = grade(make("single", [True, False, False, False]), None)
    assert not result.correct and result.dont_know


def test_options_are_shuffled_per_seed_but_stable():
    item = make("single", [True, False, False, False, False])
    first = [o.key for o in presented_options(item, "attempt-1")]
    assert first == [o.key for o in presented_options(item, "attempt-1")]
    orders = {tuple(o.key for o in presented_options(item, f"attempt-{n}")) for n in range(20)}
    assert len(orders) > 1
