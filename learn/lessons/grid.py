"""The comparison grid: which sources to show for the filters a learner picked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from learn.catalog.types import CATEGORIES, CATEGORY_LABELS, MODELS, Catalog, Source


@dataclass(frozen=True)
class Filters:
    model: str = ""
    category: str = ""
    notices: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.model or self.category)

    def query(self) -> str:
        parts = [f"model={self.model}"] if self.model else []
        parts += [f"category={self.category}"] if self.category else []
        return "&".join(parts)


def parse_filters(params: Mapping[str, str]) -> Filters:
    """Read ?model= and ?category=; values we do not know are dropped with a notice, never an error."""
    notices = []
    model = params.get("model", "").strip()
    if model and model not in MODELS:
        notices.append(f"Ignored unknown invocation model {model[:40]!r}; choose sync, async or poll.")
        model = ""
    category = params.get("category", "").strip()
    if category and category not in CATEGORIES:
        notices.append(f"Ignored unknown category {category[:40]!r}.")
        category = ""
    return Filters(model=model, category=category, notices=tuple(notices))


def filter_sources(catalog: Catalog, filters: Filters) -> list[Source]:
    return [
        source
        for source in catalog.ordered_sources()
        if (not filters.model or filters.model in source.models)
        and (not filters.category or source.category == filters.category)
    ]


def category_choices(catalog: Catalog) -> list[tuple[str, str]]:
    """Only categories that have at least one source, in catalog order."""
    used = {s.category for s in catalog.sources.values()}
    return [(c, CATEGORY_LABELS[c]) for c in CATEGORIES if c in used]
