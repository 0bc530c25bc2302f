"""The whole bank (authored items plus engine-computed variants), loaded once per process."""

from __future__ import annotations

import functools

from learn import catalog

from . import bank, predict
from . import blueprint as blueprints


@functools.cache
def load() -> bank.Bank:
    cat = catalog.load()
    quiz_dir = catalog.content_dir() / "quiz"
    authored = bank.load(quiz_dir, set(cat.sources))
    items = dict(authored.items)
    for item in predict.load(quiz_dir / "predict.toml", catalog=cat):
        items[item.id] = item
    return bank.Bank(items=items, misconceptions=authored.misconceptions)


@functools.cache
def blueprint() -> blueprints.Blueprint:
    """The exam blueprints (domains, weights, task statements) of content/quiz/blueprint.toml."""
    return blueprints.load(catalog.content_dir() / "quiz" / "blueprint.toml")
