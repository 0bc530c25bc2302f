"""Small wording helpers for the engine's captions."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """'1 message', '3 messages', '2 more receives': the count and the noun (its last word pluralised)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
