"""`manage.py check` validates the question bank too, naming the file and the item."""

from __future__ import annotations

from django.core import checks

from learn import catalog
from learn.catalog import CatalogInvalid

from . import factrows, questions


@checks.register("content")
def check_bank(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    questions.load.cache_clear()
    try:
        loaded = questions.load()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="quiz.E001") for error in invalid.errors]
    flagged = factrows.flagged_in(catalog.content_dir() / "quiz", loaded.items.values())
    return [
        checks.Warning(
            f"quiz item {item_id} cites {', '.join(rows)}, which changed in aws-facts.md since the item was reviewed",
            hint="Check the item against the row, then: python -m learn.quiz.factrows --reviewed 'ROW'",
            id="quiz.W001",
        )
        for item_id, rows in sorted(flagged.items())
    ]
