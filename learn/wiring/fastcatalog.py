"""The engine's catalog without the lessons' prose, for the command line.

`manage.py wiring check` needs the catalog only for the engine's knobs, retry rules and defaults. Loading it the
usual way renders the Markdown and Pygments of every lesson (about 4 s of a 4.5 s load on a quiet machine), so the
command loads it once with rendering replaced by plain escaping, and points the engine's `default_catalog` at it.
The web server never calls `install()`: its pages need the rendered prose.
"""

from __future__ import annotations

import functools
import html
import importlib
import json
from contextlib import contextmanager
from unittest import mock

from learn.catalog import loader, rendering
from learn.catalog.types import Catalog


def _plain(text: str) -> str:
    return html.escape(text)


def _plain_json(data: object) -> tuple[str, str]:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text, html.escape(text)


@contextmanager
def _without_rendering():
    with (
        mock.patch.object(rendering, "markdown_to_html", _plain),
        mock.patch.object(rendering, "inline_markdown", _plain),
        mock.patch.object(rendering, "highlight_json", _plain_json),
        mock.patch.object(rendering, "highlight_python", _plain),
    ):
        yield


@functools.cache
def prose_free_catalog() -> Catalog:
    """The catalog with every rendered field left as escaped source text (same sources, knobs and rules)."""
    from learn.engine.simulate import DEFAULT_CONTENT

    with _without_rendering():
        return loader.load(DEFAULT_CONTENT)


def install() -> None:
    """Make the engine use prose_free_catalog() in this process (the command line only)."""
    simulate = importlib.import_module("learn.engine.simulate")  # the module (learn.engine.simulate is also a function)
    simulate.default_catalog = prose_free_catalog
