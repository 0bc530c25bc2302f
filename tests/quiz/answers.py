"""Answers for tests: a wrong answer to a multiple-response item that the form accepts."""

from __future__ import annotations


def wrong_multiple_choice(item) -> list[str]:
    """Exactly `choose` options with at least one wrong among them (some items have fewer wrong options than
    `choose`, so the wrong ones alone would be refused as an incomplete answer)."""
    wrong = [o.key for o in item.options if not o.correct]
    right = [o.key for o in item.options if o.correct]
    return (wrong + right)[: item.choose]
