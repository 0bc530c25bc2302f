"""List the facts that are due for a re-check against the AWS documentation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from learn import catalog
from learn.catalog.freshness import stale_sources


class Command(BaseCommand):
    help = "List facts whose last_verified date is older than DAYS days, per source (oldest first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--stale",
            type=int,
            metavar="DAYS",
            required=True,
            help="List the facts of every source last verified more than DAYS days ago.",
        )
        parser.add_argument("--brief", action="store_true", help="One line per source, without the facts.")

    def handle(self, *args, stale: int, brief: bool = False, **options) -> None:
        if stale < 0:
            raise CommandError("--stale needs a number of days, 0 or more.")
        found = stale_sources(catalog.load(), stale)
        if not found:
            self.stdout.write(self.style.SUCCESS(f"No source was last verified more than {stale} days ago."))
            return
        total = 0
        for item in found:
            source, facts = item.source, item.facts
            total += len(facts)
            self.stdout.write(
                self.style.WARNING(
                    f"{source.slug}: last verified {source.last_verified.isoformat()} ({item.age_days} days ago), "
                    f"{len(facts)} facts — content/sources/{source.slug}/source.toml"
                )
            )
            if not brief:
                for fact in facts:
                    self.stdout.write(f"  - {fact.text}\n    {fact.doc}")
        self.stdout.write(f"{len(found)} source(s), {total} fact(s) to re-check against the AWS documentation.")
