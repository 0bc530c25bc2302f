"""`find()`: what the search page shows for a query — hits with safe highlights, counts per kind, a spelling
suggestion, and the fallbacks a learner expects (every word, else any word; a misspelling shows the corrected
search's results)."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from learn import catalog

from . import engines, index
from . import query as q
from .glossary import glossary
from .models import Entry, Word

KIND_LABELS = dict(Entry.Kind.choices)
_COMPOUND = re.compile(r"[a-z][A-Z]|[_\d]")
KIND_PLURALS = {"glossary": "Glossary terms"}
KIND_ORDER = [k for k, _ in Entry.Kind.choices]


@dataclass(frozen=True)
class Result:
    kind: str
    kind_label: str
    title: SafeString
    snippet: SafeString
    context: str
    url: str
    source: str
    fields: tuple[str, ...] = ()  # a lesson's event fields that match the query


@dataclass
class Results:
    query: str
    kind: str = ""
    trimmed: bool = False
    hits: list[Result] = field(default_factory=list)
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, plural label, count) in kind order
    total: int = 0
    suggestion: str = ""  # "Did you mean …?"
    corrected: bool = False  # nothing matched as typed: the hits are the suggestion's
    any_word: bool = False  # nothing had every word: the hits have some of them


def highlighted(text: str) -> SafeString:
    """Escape everything, then turn the engine's \\x02…\\x03 markers into <mark>…</mark>."""
    safe = str(escape(text)).replace(engines.START, "<mark>").replace(engines.STOP, "</mark>")
    return mark_safe(safe)  # escaped above: the only markup is our own <mark> pair


def find(text: str, kind: str = "", limit: int = 25) -> Results:
    text = " ".join(text.split())
    results = Results(query=text[: q.MAX_QUERY], kind=kind if kind in KIND_LABELS else "")
    results.trimmed = len(text) > q.MAX_QUERY
    parsed = q.parse(results.query, glossary())
    if not parsed:
        return results
    index.ensure()
    hits, counts = engines.search(parsed, results.kind, limit)
    results.suggestion = suggest(parsed)
    if not counts and results.suggestion:
        parsed = q.parse(results.suggestion, glossary())
        hits, counts = engines.search(parsed, results.kind, limit)
        results.corrected = bool(counts)
    if not counts and len(parsed.groups) > 1:
        hits, counts = engines.search(parsed, results.kind, limit, any_word=True)
        results.any_word = bool(counts)
    hits = lessons_about_first(hits, parsed)
    words = q.tokens(" ".join(" ".join(g.typed) for g in parsed.groups))
    results.hits = [
        Result(
            h.kind,
            KIND_LABELS[h.kind],
            highlighted(h.title),
            highlighted(h.snippet),
            h.context,
            h.url,
            h.source,
            matching_fields(h.extra, words),
        )
        for h in hits
    ]
    results.counts = [(k, KIND_PLURALS.get(k, f"{KIND_LABELS[k]}s"), counts[k]) for k in KIND_ORDER if counts.get(k)]
    results.total = sum(counts.values())
    return results


def matching_fields(field_names: str, words: list[str]) -> tuple[str, ...]:
    """The event field names (of a lesson's sample events) that a query word names, or is a part of when the name is
    a compound ("handle" in receiptHandle; but "record" does not pick out Records)."""
    return tuple(
        name
        for name in field_names.split()
        if any(
            word == name.lower() or (len(word) >= 4 and word in name.lower() and _COMPOUND.search(name))
            for word in words
        )
    )[:6]


def lessons_about_first(hits: list[engines.Hit], parsed: q.Query) -> list[engines.Hit]:
    """When the query names a glossary concept, the lessons built around it (its `home` in content/glossary.toml)
    come first, whatever their rank: "dlq" opens with the SQS lesson. Everything else keeps the engine's order."""
    gloss = glossary()
    homes = {slug for term_id in parsed.concepts if (term := gloss.get(term_id)) for slug in term.home}
    if not homes:
        return hits
    first = [h for h in hits if h.kind == "lesson" and h.source in homes and "#" not in h.url]
    return first + [h for h in hits if h not in first]


def suggest(parsed: q.Query) -> str:
    """The query with each word the index has never seen replaced by the closest word it has ("" if none)."""
    words = _vocabulary(catalog.version())
    known = set(words)
    changed = False
    out = []
    for group in parsed.groups:
        phrase = []
        for word in group.typed:
            if len(word) < 4 or word in known or word.isdigit() or word in q.STOPWORDS:
                phrase.append(word)
                continue
            if group.prefix and any(w.startswith(word) for w in words):
                phrase.append(word)  # an unfinished word in live search, not a typo
                continue
            close = difflib.get_close_matches(word, words, n=1, cutoff=0.75)
            phrase.append(close[0] if close else word)
            changed = changed or bool(close)
        out.append(" ".join(phrase))
    return " ".join(out) if changed else ""


@functools.lru_cache(maxsize=2)
def _vocabulary(version: str) -> list[str]:
    """The index's words, most frequent first (so a tie goes to the common word); cached per content version."""
    return list(Word.objects.order_by("-count", "word").values_list("word", flat=True))
