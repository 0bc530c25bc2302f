"""The catalog: every source, invocation model and retry rule, loaded once from content/.

`catalog.load()` is the one entry point for views, commands and other apps; it is cached for the life of
the process (content changes need a restart, or `load.cache_clear()`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import CatalogInvalid, ContentError
from .types import Catalog, Source

__all__ = ["CatalogInvalid", "ContentError", "Catalog", "Source", "load", "content_dir"]


def content_dir() -> Path:
    from django.conf import settings

    return Path(settings.CONTENT_DIR)


@functools.cache
def load() -> Catalog:
    from . import loader

    return loader.load(content_dir())
