"""The two full-text engines behind one call: SQLite FTS5 (MATCH, bm25, snippet/highlight) and PostgreSQL
(SearchQuery, SearchRank, SearchHeadline over the stored, GIN-indexed `vector`).

Ranking is the engine's own (bm25 / ts_rank) with column weights (a thing's name and keywords count most, then
the concepts it teaches, then its prose) times a prior per document (documents.KIND_BOOST), so that the lesson
teaching a concept outranks a quiz question that mentions it. Highlights come back wrapped in \\x02…\\x03, which
`learn.search.service` turns into <mark> after escaping everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from . import query as q
from .models import Entry

START, STOP = "\x02", "\x03"

#: FTS5 bm25 weights, in the virtual table's column order: title, keywords, concepts, body, extra.
FTS5_WEIGHTS = (10.0, 10.0, 4.0, 1.0, 0.5)
#: PostgreSQL weight classes per column; SearchRank's weights are given D, C, B, A.
PG_CONFIG = "english"
PG_WEIGHTS = (("title", "A"), ("keywords", "A"), ("concepts", "B"), ("body", "C"), ("extra", "D"))
PG_RANK_WEIGHTS = [0.05, 0.1, 0.4, 1.0]


@dataclass(frozen=True)
class Hit:
    id: int
    kind: str
    title: str  # with \x02…\x03 around matches
    snippet: str  # with \x02…\x03 around matches
    context: str
    url: str
    source: str
    extra: str = ""  # a lesson's event field names (the others' extra text is never shown)


def search(query: q.Query, kind: str = "", limit: int = 40, any_word: bool = False, using: str = DEFAULT_DB_ALIAS):
    """(hits, counts per kind) for a parsed query; `kind` narrows the hits (not the counts). Snippets come from the
    prose when it matches, else from the column that did; a glossary term's always from its definition, a question's
    always from its stem (never from its options)."""
    if not query:
        return [], {}
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return _sqlite(query, kind, limit, any_word, using)
    if vendor == "postgresql":
        return _postgres(query, kind, limit, any_word, using)
    raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {vendor}")


def _sqlite(query: q.Query, kind: str, limit: int, any_word: bool, using: str):
    match = q.fts5(query, any_word)
    weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
    only_kind = "AND e.kind = %s" if kind else ""
    sql = f"""
        SELECT e.id, e.kind,
               highlight(search_entry_fts, 0, char(2), char(3)),
               CASE WHEN e.kind IN ('question', 'glossary')
                         OR instr(snippet(search_entry_fts, 3, char(2), char(3), '', 1), char(2))
                    THEN snippet(search_entry_fts, 3, char(2), char(3), '…', 28)
                    ELSE snippet(search_entry_fts, -1, char(2), char(3), '…', 28) END,
               e.context, e.url, e.source, CASE e.kind WHEN 'lesson' THEN e.extra ELSE '' END
        FROM search_entry_fts JOIN search_entry e ON e.id = search_entry_fts.rowid
        WHERE search_entry_fts MATCH %s {only_kind}
        ORDER BY bm25(search_entry_fts, {weights}) * e.boost, e.position
        LIMIT %s
    """
    counts_sql = """
        SELECT e.kind, count(*) FROM search_entry_fts JOIN search_entry e ON e.id = search_entry_fts.rowid
        WHERE search_entry_fts MATCH %s GROUP BY e.kind
    """
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [match, kind, limit] if kind else [match, limit])
        hits = [Hit(*row) for row in cursor.fetchall()]
        cursor.execute(counts_sql, [match])
        counts = dict(cursor.fetchall())
    return hits, counts


def _postgres(query: q.Query, kind: str, limit: int, any_word: bool, using: str):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
    from django.db.models import Case, Count, F, TextField, Value, When

    search_query = SearchQuery(q.tsquery(query, any_word), search_type="raw", config=PG_CONFIG)
    matching = Entry.objects.using(using).filter(vector=search_query)
    counts = dict(matching.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    rows = (
        (matching.filter(kind=kind) if kind else matching)
        .annotate(
            rank=SearchRank(F("vector"), search_query, weights=PG_RANK_WEIGHTS, normalization=1) * F("boost"),
            title_hl=SearchHeadline(
                "title", search_query, config=PG_CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
            ),
            snip=SearchHeadline(
                "body",
                search_query,
                config=PG_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=32,
                min_words=16,
                short_word=2,
                max_fragments=1,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "position")
        .annotate(lesson_fields=Case(When(kind="lesson", then=F("extra")), default=Value(""), output_field=TextField()))
        .values_list("id", "kind", "title_hl", "snip", "context", "url", "source", "lesson_fields")[:limit]
    )
    return [Hit(*row) for row in rows], counts
