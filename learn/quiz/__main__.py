"""Validate the question bank without Django: `python -m learn.quiz [content/quiz]`."""

from __future__ import annotations

import sys
from pathlib import Path

from learn.catalog import loader
from learn.catalog.errors import CatalogInvalid

from . import bank, factrows


def main(argv: list[str]) -> int:
    quiz_dir = Path(argv[0] if argv else "content/quiz").resolve()
    slugs = set(loader.load(quiz_dir.parent).sources)
    try:
        loaded = bank.load(quiz_dir, slugs)
    except CatalogInvalid as invalid:
        for error in invalid.errors:
            print(error)
        print(f"{len(invalid.errors)} problem(s)")
        return 1
    by_type: dict[str, int] = {}
    for item in loaded.items.values():
        by_type[item.type] = by_type.get(item.type, 0) + 1
    print(f"OK: {len(loaded.items)} items {by_type}, {len(loaded.misconceptions)} misconceptions")
    flagged = factrows.flagged_in(quiz_dir, loaded.items.values())
    for item_id, rows in sorted(flagged.items()):
        print(f"FLAGGED {item_id}: cites {', '.join(rows)}, changed since the item was last reviewed")
    if flagged:
        print(f"{len(flagged)} item(s) flagged: review them, then `python -m learn.quiz.factrows --reviewed ROW`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
