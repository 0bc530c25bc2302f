"""Search over sources, their keywords and the field names of their sample events."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from learn.catalog.types import Catalog, Source

MAX_QUERY = 100
_WORD = re.compile(r"[\w:@.-]+")


@dataclass
class Hit:
    source: Source
    score: int = 0
    matched_fields: set[str] = field(default_factory=set)
    matched_keywords: set[str] = field(default_factory=set)


def terms(query: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(query[:MAX_QUERY])][:10]


def search(catalog: Catalog, query: str) -> list[Hit]:
    """Rank sources for a query. Every term must match somewhere in a source for it to appear."""
    words = terms(query)
    if not words:
        return []
    hits = []
    for source in catalog.ordered_sources():
        hit = Hit(source)
        names = f"{source.slug} {source.name} {source.short_name}".lower()
        prose = f"{source.summary} {source.main_risk} {source.category_label}".lower()
        event_fields = {name for event in source.events for name in event.field_names}
        field_paths = [f.path for f in source.fields]
        for word in words:
            score = 0
            if word in names:
                score += 10
            for keyword in source.keywords:
                if word in keyword.lower():
                    score += 5
                    hit.matched_keywords.add(keyword)
            for name in event_fields:
                if word == name.lower():
                    score += 6
                    hit.matched_fields.add(name)
                elif len(word) >= 4 and word in name.lower():
                    score += 2
                    hit.matched_fields.add(name)
            if any(word in path.lower() for path in field_paths):
                score += 2
            if word in prose or word in source.models:
                score += 2
            if not score:
                break
            hit.score += score
        else:
            hits.append(hit)
    return sorted(hits, key=lambda h: (-h.score, h.source.order))
