"""Validate the question bank without Django: `python -m learn.quiz [content/quiz] [--file items/x.toml]`.

Prints schema errors, then the audit's problems (cues, duplicates, blueprint tags), then the bank's unmet goals
and its figures. Exit status 1 when anything must be fixed. `--file` shows only one file's problems (and still
the bank-wide goals), so an author can work on one file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from learn.catalog import loader
from learn.catalog.errors import CatalogInvalid

from . import audit, bank, blueprint, factrows, predict


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m learn.quiz")
    parser.add_argument("quiz_dir", nargs="?", default="content/quiz")
    parser.add_argument("--file", help="show only problems in this file (e.g. items/sync.toml)")
    parser.add_argument("--stats", action="store_true", help="print the bank's figures as JSON")
    args = parser.parse_args(argv)
    quiz_dir = Path(args.quiz_dir).resolve()
    catalog = loader.load(quiz_dir.parent)
    try:
        loaded = bank.load(quiz_dir, set(catalog.sources))
        variants = predict.load(quiz_dir / "predict.toml", catalog=catalog)
        plan = blueprint.load(quiz_dir / "blueprint.toml")
    except CatalogInvalid as invalid:
        for error in invalid.errors:
            print(error)
        print(f"{len(invalid.errors)} problem(s)")
        return 1
    full = bank.Bank(items={**loaded.items, **{v.id: v for v in variants}}, misconceptions=loaded.misconceptions)
    found = audit.problems(full, plan)
    if args.file:
        found = [e for e in found if e.file.endswith(args.file)]
    for error in found:
        print(error)
    missing = audit.goals(full, plan)
    for goal in missing:
        print(f"GOAL {goal}")
    by_type: dict[str, int] = {}
    for item in full.items.values():
        by_type[item.type] = by_type.get(item.type, 0) + 1
    print(f"{len(full.items)} items {by_type}, {len(full.misconceptions)} misconceptions")
    if args.stats:
        print(json.dumps(audit.stats(full, plan), indent=2))
    flagged = factrows.flagged_in(quiz_dir, loaded.items.values())
    for item_id, rows in sorted(flagged.items()):
        print(f"FLAGGED {item_id}: cites {', '.join(rows)}, changed since the item was last reviewed")
    if flagged:
        print(f"{len(flagged)} item(s) flagged: review them, then `python -m learn.quiz.factrows --reviewed ROW`")
    print(f"{len(found)} problem(s), {len(missing)} goal(s) unmet" if found or missing else "OK")
    return 1 if found or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
