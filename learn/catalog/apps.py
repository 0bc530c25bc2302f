from __future__ import annotations

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "learn.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the content check)
