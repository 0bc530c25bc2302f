"""`manage.py check` validates the question bank too, naming the file and the item."""

from __future__ import annotations

from django.core import checks

from learn.catalog import CatalogInvalid

from . import questions


@checks.register("content")
def check_bank(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    questions.load.cache_clear()
    try:
        questions.load()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="quiz.E001") for error in invalid.errors]
    return []
