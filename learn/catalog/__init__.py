"""The catalog: every source, invocation model and retry rule, loaded once from content/.

`catalog.load()` is the one entry point for views, commands and other apps; it is cached for the life of
the process (content changes need a restart, or `load.cache_clear()`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import CatalogInvalid, ContentError
from .types import Catalog, Source

__all__ = ["CatalogInvalid", "ContentError", "Catalog", "Source", "load", "content_dir", "version", "reload"]


def content_dir() -> Path:
    from django.conf import settings

    return Path(settings.CONTENT_DIR)


@functools.cache
def load() -> Catalog:
    from . import loader

    return loader.load(content_dir())


@functools.cache
def version() -> str:
    """A digest of every file under content/ (path and bytes): part of every cached page's key and of every public
    page's ETag, so nothing cached is served for content that has since changed. Contents, not modification
    times: two servers with the same content agree (a CDN in front of both keeps its 304s)."""
    import hashlib

    root = content_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root)}|{path.stat().st_size}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# Caches built from content/ beside the catalog (the quiz bank, exercises, paths, the glossary): reload() forgets
# them too, so nothing keeps a view of content that the catalog no longer has.
_DEPENDENT_CACHES = (
    "learn.quiz.questions.load",
    "learn.exercises.service.exercises",
    "learn.course.paths.all_paths",
    "learn.search.glossary.glossary",
    "learn.playground.resources.specs",
    "learn.quiz.questions.blueprint",
)


def reload() -> None:
    """Forget the loaded catalog and its version (after content changes, in a long-running process), and every
    cache built from the same content."""
    import importlib

    load.cache_clear()
    version.cache_clear()
    for dotted in _DEPENDENT_CACHES:
        module, name = dotted.rsplit(".", 1)
        getattr(importlib.import_module(module), name).cache_clear()
