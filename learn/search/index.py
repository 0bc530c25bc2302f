"""Build the search index from the content, and keep it in step with the content version.

`ensure()` is cheap (one small query) and runs before every search and after every `migrate`; it rebuilds only when
the index is empty or was built from another content version (`learn.catalog.version()`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from learn import catalog
from learn.catalog import CatalogInvalid

from . import documents
from .glossary import glossary
from .models import Entry, IndexState, Word

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WORD = re.compile(r"[^\W\d_]{3,40}", re.UNICODE)
_BUILD_LOCK = 4_231_377  # PostgreSQL advisory lock id: one builder at a time across processes


def all_documents() -> list[documents.Document]:
    from learn.quiz import questions

    return documents.build(catalog.load(), glossary(), loaded_exercises(), questions.load().items.values())


def loaded_exercises() -> list:
    """The exercises, or none while they do not validate (their own check reports it; search still works)."""
    from learn.exercises import service as exercises

    try:
        return exercises.ordered()
    except CatalogInvalid as invalid:
        log.warning("search index without exercises: they do not validate (%s)", invalid)
        return []


def is_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    state = IndexState.objects.using(using).first()
    return state is not None and state.content_version == catalog.version()


def ensure(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Build the index if it is missing or stale. Returns True when it (re)built."""
    if is_current(using):
        return False
    build(using)
    return True


def build(using: str = DEFAULT_DB_ALIAS) -> int:
    """Rebuild every row of the index from the content; returns the number of entries."""
    docs = all_documents()
    version = catalog.version()
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BUILD_LOCK])
        Entry.objects.using(using).all().delete()
        Word.objects.using(using).all().delete()
        IndexState.objects.using(using).all().delete()
        Entry.objects.using(using).bulk_create(
            [
                Entry(
                    kind=d.kind,
                    title=_plain(d.title)[:300],
                    keywords=_plain(d.keywords),
                    concepts=_plain(d.concepts),
                    body=_plain(d.body),
                    extra=_plain(d.extra),
                    context=_plain(d.context)[:200],
                    url=d.url,
                    source=d.source,
                    position=position,
                    boost=d.prior,
                )
                for position, d in enumerate(docs)
            ],
            batch_size=500,
        )
        _fill_fulltext(using)
        Word.objects.using(using).bulk_create(
            [Word(word=word, count=count) for word, count in vocabulary(docs).items()], batch_size=1000
        )
        IndexState.objects.using(using).create(content_version=version, entries=len(docs))
    log.info("search index built: %d entries for content %s", len(docs), version)
    return len(docs)


def _plain(text: str) -> str:
    """No control characters in the index: the engines' highlight markers are control characters, so content can
    never forge a highlight (documents.clean() already does this; the index does not rely on it)."""
    return _CONTROL.sub(" ", text)


def _fill_fulltext(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')")
    elif connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        from .engines import PG_CONFIG, PG_WEIGHTS

        vector = None
        for column, weight in PG_WEIGHTS:
            part = SearchVector(column, weight=weight, config=PG_CONFIG)
            vector = part if vector is None else vector + part
        Entry.objects.using(using).update(vector=vector)
    else:
        raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {connection.vendor}")


def vocabulary(docs: list[documents.Document]) -> Counter:
    """Every word of the index (letters only, 3–40 long, lower-cased) with how often it occurs."""
    words: Counter = Counter()
    for d in docs:
        for text in (d.title, d.keywords, d.concepts, d.body):
            words.update(w.lower() for w in _WORD.findall(text))
    return words
