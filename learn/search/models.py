"""The search index: one row per findable thing, plus the content version it was built from.

The full-text side lives next to these rows: on SQLite an FTS5 virtual table over `search_entry` (external content,
created in migration 0002), on PostgreSQL the `vector` column with a GIN index. Rows are rebuilt from the catalog by
`learn.search.index.build()`; nothing here is edited by hand.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Entry(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        GLOSSARY = "glossary", "Glossary"
        MODEL = "model", "Model"
        RULE = "rule", "Rule"
        FIELD = "field", "Field"
        FACT = "fact", "Fact"
        EXERCISE = "exercise", "Exercise"
        QUESTION = "question", "Question"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    # Column weights, strongest first: title, keywords (authored keywords, synonyms, API names), concepts (glossary
    # terms taught here), body (the prose the snippet comes from), extra (matched, never shown: quiz options).
    keywords = models.TextField(blank=True)
    concepts = models.TextField(blank=True)
    body = models.TextField(blank=True)
    extra = models.TextField(blank=True)
    context = models.CharField(max_length=200, blank=True)  # "Amazon SQS · Retries": where the thing lives
    url = models.CharField(max_length=300)
    source = models.CharField(max_length=64, blank=True)  # the source slug it belongs to, if any
    position = models.PositiveIntegerField(default=0)  # build order: the tie-break between equal ranks
    boost = models.FloatField(default=1.0)  # a prior per document, multiplies the engine's rank (documents.py)
    vector = SearchVectorField(null=True)  # PostgreSQL only; stays empty on SQLite

    class Meta:
        db_table = "search_entry"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class IndexState(models.Model):
    """One row: the content version the index was built from (learn.catalog.version())."""

    content_version = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "search_indexstate"

    def __str__(self) -> str:
        return f"search index for content {self.content_version} ({self.entries} entries)"


class Word(models.Model):
    """The vocabulary of the index (every word of every entry, lower-cased), for "Did you mean…?" suggestions."""

    word = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "search_word"

    def __str__(self) -> str:
        return self.word
