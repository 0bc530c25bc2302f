from __future__ import annotations

from django.core.management.base import BaseCommand

from learn import catalog
from learn.search import index


class Command(BaseCommand):
    help = "Rebuild the full-text search index from content/ (search also rebuilds it by itself when content changes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-stale", action="store_true", help="only rebuild when the content version changed")
        parser.add_argument("--database", default="default")

    def handle(self, *args, if_stale: bool = False, database: str = "default", **options) -> None:
        if if_stale and index.is_current(database):
            self.stdout.write(f"Search index is current (content {catalog.version()}).")
            return
        count = index.build(database)
        self.stdout.write(self.style.SUCCESS(f"Search index built: {count} entries (content {catalog.version()})."))
