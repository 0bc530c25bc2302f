"""`manage.py check` validates content/paths, naming the file and the step, like the catalog's own check."""

from __future__ import annotations

from django.core import checks

from learn.catalog import CatalogInvalid

from . import paths


@checks.register("content")
def check_paths(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    paths.all_paths.cache_clear()
    try:
        paths.all_paths()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="course.E001") for error in invalid.errors]
    return []
