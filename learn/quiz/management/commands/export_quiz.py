"""Dump the question bank (items, keys, rationales, tags, misconceptions)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from learn.quiz import questions


class Command(BaseCommand):
    help = "Export the question bank, including engine-computed variants, as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="JSON output (the only format; kept for clarity).")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, output: str | None = None, **options) -> None:
        bank = questions.load()
        data = {
            "misconceptions": [vars(m) for m in bank.misconceptions.values()],
            "items": [
                {
                    "id": item.id,
                    "type": item.type,
                    "stem": item.stem,
                    "choose": item.choose,
                    "difficulty": item.difficulty,
                    "sources": list(item.sources),
                    "model": item.model,
                    "exam": list(item.exam),
                    "misconceptions": list(item.misconceptions),
                    "docs": list(item.docs),
                    "last_verified": item.last_verified.isoformat(),
                    "key": list(item.correct_keys),
                    "computed_by_engine": item.id.startswith("predict-"),
                    "options": [
                        {
                            "key": o.key,
                            "text": o.text,
                            "correct": o.correct,
                            "rationale": o.rationale,
                            "misconception": o.misconception,
                        }
                        for o in item.options
                    ],
                }
                for item in bank.items.values()
            ],
        }
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(data['items'])} items to {output}"))
        else:
            self.stdout.write(text)
