"""Print (or write) the whole catalog as JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from learn import catalog
from learn.catalog.export import catalog_to_dict


class Command(BaseCommand):
    help = "Export the catalog (sources, models, retry rules and knobs, doc URLs) as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args, output: str | None = None, indent: int = 2, **options) -> None:
        text = json.dumps(catalog_to_dict(catalog.load()), indent=indent, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
        else:
            self.stdout.write(text)
