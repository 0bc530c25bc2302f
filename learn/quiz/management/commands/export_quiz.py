"""Dump the question bank (items, keys, rationales, tags, misconceptions)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from learn.quiz import audit, questions


class Command(BaseCommand):
    help = "Export the question bank, including engine-computed variants, as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="JSON output (the only format; kept for clarity).")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument(
            "--stats",
            action="store_true",
            help="Print the bank's figures instead: items by type, scenario share, longest-correct share, median stem"
            " words, per-domain and per-source counts, cue counts and unmet goals (add --json for JSON).",
        )

    def handle(self, *args, output: str | None = None, stats: bool = False, **options) -> None:
        bank = questions.load()
        if stats:
            figures = audit.stats(bank, questions.blueprint())
            if options.get("json"):
                self.stdout.write(json.dumps(figures, indent=2))
            else:
                self.stdout.write(format_stats(figures))
            return
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


def format_stats(figures: dict) -> str:
    """The figures as a short plain-text report."""
    lines = [
        f"Items: {figures['items']} ({figures['authored']} authored, {figures['engine_variants']} engine variants)",
        "By type: " + ", ".join(f"{k} {v}" for k, v in sorted(figures["by_type"].items())),
        f"Scenario share (authored): {figures['scenario_share']:.0%}"
        + "  ["
        + ", ".join(f"{k} {v}" for k, v in sorted(figures["scenarios_by_constraint"].items()))
        + "]",
        f"Correct option is the longest: {figures['longest_correct_share']:.0%} of single-answer items"
        f" ({figures['longest_correct_share_authored']:.0%} of authored ones)",
        f"Median stem words: {figures['median_stem_words']} (scenarios: {figures['median_stem_words_scenarios']})",
    ]
    for exam, domains in figures["by_domain"].items():
        lines.append(f"{exam} primary domains: " + "; ".join(f"{name} {n}" for name, n in domains.items()))
    lines.append("By source: " + ", ".join(f"{k} {v}" for k, v in figures["by_source"].items()))
    lines.append("Cues left: " + ", ".join(f"{k} {v}" for k, v in figures["cues"].items()))
    lines += [f"GOAL unmet: {g}" for g in figures["goals_missing"]] or ["Every bank goal is met."]
    return "\n".join(lines)
