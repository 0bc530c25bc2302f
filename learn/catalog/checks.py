"""`manage.py check` validates content/, so bad content fails the check (and the test run) by name."""

from __future__ import annotations

from django.core import checks

from . import CatalogInvalid, load


@checks.register("content")
def check_content(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    load.cache_clear()
    try:
        load()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="catalog.E001") for error in invalid.errors]
    return []
