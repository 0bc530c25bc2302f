"""`manage.py check` validates the question bank too, naming the file and the item."""

from __future__ import annotations

from django.core import checks

from learn import catalog
from learn.catalog import CatalogInvalid

from . import audit, factrows, questions


@checks.register("content")
def check_bank(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    questions.load.cache_clear()
    questions.blueprint.cache_clear()
    try:
        loaded = questions.load()
    except CatalogInvalid as invalid:
        return [checks.Error(str(error), id="quiz.E001") for error in invalid.errors]
    # A content tree without exam blueprints (a test's partial copy) has nothing to audit against.
    has_plan = (catalog.content_dir() / "quiz" / "blueprint.toml").exists()
    plan = questions.blueprint() if has_plan else None
    found: list[checks.CheckMessage] = []
    if plan is not None:
        hint = "See content/quiz/README.md, 'No cue gives the answer'."
        found += [checks.Error(str(p), hint=hint, id="quiz.E002") for p in audit.problems(loaded, plan)]
        found += [checks.Warning(f"question bank goal unmet: {g}", id="quiz.W002") for g in audit.goals(loaded, plan)]
    flagged = factrows.flagged_in(catalog.content_dir() / "quiz", loaded.items.values())
    return found + [
        checks.Warning(
            f"quiz item {item_id} cites {', '.join(rows)}, which changed in aws-facts.md since the item was reviewed",
            hint="Check the item against the row, then: python -m learn.quiz.factrows --reviewed 'ROW'",
            id="quiz.W001",
        )
        for item_id, rows in sorted(flagged.items())
    ]
