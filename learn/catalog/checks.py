"""`manage.py check` validates content/, so bad content fails the check (and the test run) by name."""

from __future__ import annotations

from django.core import checks

from . import CatalogInvalid, load
from .freshness import WARN_AFTER_DAYS, future_dates, stale_sources


@checks.register("content")
def check_content(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    load.cache_clear()
    try:
        load()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="catalog.E001") for error in invalid.errors]
    from learn.playground import resources

    resources.specs.cache_clear()
    try:
        resources.specs()
    except resources.SpecError as error:
        return [checks.Error(str(error), id="catalog.E002")]
    return freshness_warnings()


def freshness_warnings(today=None) -> list[checks.CheckMessage]:
    """A warning (never an error: the site still works) for each source not checked against the docs for a
    year, and for a `last_verified` date in the future."""
    cat = load()
    found = [
        checks.Warning(
            f"content/sources/{stale.source.slug}: facts last verified {stale.source.last_verified.isoformat()}, "
            f"{stale.age_days} days ago",
            hint="Re-check them against the AWS documentation (`manage.py facts --stale 365` lists them), "
            "then update last_verified.",
            id="catalog.W001",
        )
        for stale in stale_sources(cat, WARN_AFTER_DAYS, today)
    ]
    found += [
        checks.Warning(
            f"content/sources/{source.slug}: last_verified {source.last_verified.isoformat()} is in the future",
            hint="Use the date the facts were checked.",
            id="catalog.W002",
        )
        for source in future_dates(cat, today)
    ]
    return found
