"""`content/changes.toml`: the "What changed" log, newest first, each entry naming the lessons it changed.

An entry is data, like every other part of the catalog:

    [[changes]]
    date = 2026-12-03
    title = "SQS: a mapping now scales to 1,250 concurrent invokes"
    summary = "Markdown, one or two sentences: what changed and why it matters."
    lessons = ["sqs"]            # source slugs, or "model:async" for an invocation model page
    doc = "https://docs.aws.amazon.com/..."   # optional: the page that changed
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import rendering
from .errors import ContentError
from .reader import Reader
from .types import MODELS


@dataclass(frozen=True)
class Change:
    date: dt.date
    title: str
    summary_html: str
    lessons: tuple[str, ...]  # source slugs
    models: tuple[str, ...]  # invocation model ids
    doc: str = ""


def load_changes(path: Path, file: str, errors: list[ContentError], slugs: set[str]) -> tuple[Change, ...]:
    """Read and validate the log; entries come back newest first (stable for entries of the same date)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        errors.append(ContentError(file, "", f"cannot be read: {error}"))
        return ()
    reader = Reader(data, file, errors)
    entries = []
    for item in reader.tables("changes", required=True):
        targets = item.text_list("lessons")
        lessons, models = [], []
        for target in targets:
            if target.startswith("model:") and target[6:] in MODELS:
                models.append(target[6:])
            elif target in slugs:
                lessons.append(target)
            else:
                item.error("lessons", f"{target!r} is neither a source slug nor model:sync|async|poll")
        if not targets:
            item.error("lessons", "must name at least one lesson it changed")
        entries.append(
            Change(
                date=item.date("date"),
                title=item.text("title"),
                summary_html=rendering.inline_markdown(item.text("summary")),
                lessons=tuple(lessons),
                models=tuple(models),
                doc=item.url("doc", required=False),
            )
        )
        item.close()
    reader.close()
    return tuple(sorted(entries, key=lambda change: change.date, reverse=True))
