"""How fresh the catalog's facts are: which sources were last checked against the AWS docs too long ago.

Every fact of a source carries its source's `last_verified` date (a re-audit re-checks the whole source).
`manage.py facts --stale DAYS` lists them; `manage.py check` warns once a source is a year old.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .types import Catalog, Fact, Source

WARN_AFTER_DAYS = 365


@dataclass(frozen=True)
class StaleSource:
    source: Source
    age_days: int

    @property
    def facts(self) -> tuple[Fact, ...]:
        return self.source.all_facts()


def stale_sources(cat: Catalog, days: int, today: dt.date | None = None) -> list[StaleSource]:
    """Sources whose facts were last verified more than `days` days before `today`, oldest first."""
    today = today or dt.date.today()
    found = [
        StaleSource(source, (today - source.last_verified).days)
        for source in cat.sources.values()
        if (today - source.last_verified).days > days
    ]
    return sorted(found, key=lambda stale: (-stale.age_days, stale.source.slug))


def future_dates(cat: Catalog, today: dt.date | None = None) -> list[Source]:
    """Sources claiming to be verified on a day that has not come yet (a typo in `last_verified`)."""
    today = today or dt.date.today()
    return [source for source in cat.ordered_sources() if source.last_verified > today]
