"""What the fuzz tests share."""

from __future__ import annotations

from hypothesis import HealthCheck
from hypothesis import settings as hsettings


def fuzz(examples: int):
    """Hypothesis settings for a bounded, repeatable run: a fixed number of examples, derandomised (CI sees the
    same inputs every time), no example database, no deadline (real views and sandboxes are slow)."""
    return hsettings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
