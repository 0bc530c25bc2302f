"""`manage.py check` validates content/glossary.toml against the lessons, models and exercises."""

from __future__ import annotations

from django.core import checks

from learn.catalog import CatalogInvalid

from . import glossary


@checks.register("content")
def check_glossary(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    glossary.glossary.cache_clear()
    try:
        glossary.glossary()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="search.E001") for error in invalid.errors]
    return []
