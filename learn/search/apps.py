"""Full-text search over the whole catalog (SQLite FTS5 or PostgreSQL), and the glossary."""

from __future__ import annotations

import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate

log = logging.getLogger(__name__)


class SearchConfig(AppConfig):
    name = "learn.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the glossary check)

        post_migrate.connect(build_index_after_migrate, sender=self)


def build_index_after_migrate(sender, using: str, plan=None, **kwargs) -> None:
    """`migrate` (so `make run`, and the test database) ends with a current index. Bad content must not break
    migrate: `manage.py check` reports it, and the next search retries the build.

    `flush` sends post_migrate too, without a plan (after every transactional test): the index is not rebuilt
    then, the next search does it when it finds the index empty."""
    from django.db import connections

    from learn.catalog import CatalogInvalid

    from . import index

    if plan is None or "search_indexstate" not in connections[using].introspection.table_names():
        return  # a flush, or search migrated back to zero
    try:
        index.ensure(using)
    except CatalogInvalid as invalid:
        log.warning("search index not built: the content does not validate (%s)", invalid)
