from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from learn import catalog as catalog_module
from learn.catalog import loader

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"

MINIMAL_SOURCE = """
slug = "{slug}"
name = "Example Source"
short_name = "Example"
category = "messaging"
models = ["async"]
summary = "An example source."
main_risk = "Losing events."
last_verified = 2026-11-22

[wiring]
kind = "trigger"
summary = "A trigger"
facts = [{{ text = "The service invokes the function.", doc = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html" }}]

[batching]
supported = false
summary = "One event per invocation"

[ordering]
guarantee = "none"
summary = "No ordering"

[retries]
rules = ["async"]
summary = "Lambda retries twice"

[failure]
summary = "DLQ or destination"
dlq = "function-dlq"

[response]
contract = "ignored"
summary = "Ignored"

[limits]
[pitfalls]
[best_practices]

[when]
use = ["Background work."]
avoid = ["Callers that wait."]

[[events]]
file = "event.json"
title = "An event"
description = "A sample."

[[handlers]]
file = "handler.py"
title = "A handler"
description = "Does nothing."

[[fields]]
path = "detail"
meaning = "The payload."

[[docs]]
title = "Lambda services"
url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html"
"""


class ContentTree:
    """A small, valid content/ tree in tmp_path that a test can break one piece at a time."""

    def __init__(self, root: Path):
        self.root = root / "content"
        (self.root / "sources").mkdir(parents=True)
        shutil.copytree(CONTENT / "rules", self.root / "rules")
        shutil.copytree(CONTENT / "models", self.root / "models")

    def add_source(self, slug: str = "example", toml: str | None = None) -> Path:
        folder = self.root / "sources" / slug
        (folder / "events").mkdir(parents=True)
        (folder / "handlers").mkdir()
        (folder / "source.toml").write_text(toml if toml is not None else MINIMAL_SOURCE.format(slug=slug))
        (folder / "lesson.md").write_text("Some prose about the source.\n")
        (folder / "events" / "event.json").write_text('{"detail": {"id": 1}}')
        (folder / "handlers" / "handler.py").write_text(
            textwrap.dedent("""
                def handler(event, context):
                    return None
            """)
        )
        return folder

    def edit(self, slug: str, old: str, new: str) -> None:
        path = self.root / "sources" / slug / "source.toml"
        text = path.read_text()
        assert old in text, f"{old!r} not in the fixture"
        path.write_text(text.replace(old, new, 1))

    def load(self):
        return loader.load(self.root)

    def errors(self) -> list[str]:
        try:
            self.load()
        except catalog_module.CatalogInvalid as invalid:
            return [str(e) for e in invalid.errors]
        return []


@pytest.fixture
def tree(tmp_path: Path) -> ContentTree:
    return ContentTree(tmp_path)


@pytest.fixture(scope="session")
def real_catalog():
    return loader.load(CONTENT)


@pytest.fixture(autouse=True)
def reset_mail_sent_inline(monkeypatch):
    """Reset mails go out on a thread after the answer (learn/progress/resetmail.py); tests that read
    mail.outbox right away get them sent inline. The timing test switches the thread back on."""
    from learn.progress import resetmail

    monkeypatch.setattr(resetmail, "BACKGROUND", False)


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_collection_modifyitems(config, items):
    """With DB_TESTS_ONLY=1 (the Makefile's second run, on PostgreSQL) keep only the tests that reach the database:
    a test without database access runs the same code on either engine, and it already ran in the first pass."""
    import os

    if os.environ.get("DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or _DB_FIXTURES & set(item.fixturenames)
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def empty_public_page_store():
    """Public pages are kept in process memory (learn.pagecache): each test starts with none kept, so a page a
    test renders after changing settings or content is rendered again, not taken from an earlier test."""
    from learn import pagecache

    pagecache.store.clear()
    yield
    pagecache.store.clear()
