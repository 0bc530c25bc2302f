"""The "What changed" page and each lesson's last-verified badge and recent changes."""

from __future__ import annotations

import shutil

import pytest

from learn import catalog

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db

LOG = """
[[changes]]
date = 2026-11-02
title = "Kinesis: older entry"
summary = "Older."
lessons = ["kinesis"]

[[changes]]
date = 2026-12-03
title = "SQS: newest entry"
summary = "Teaches `the new figure`."
lessons = ["sqs", "model:poll"]
doc = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"
"""


@pytest.fixture
def content_with_log(tmp_path, settings):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "changes.toml").write_text(LOG)
    settings.CONTENT_DIR = str(content)
    catalog.reload()
    yield content
    settings.CONTENT_DIR = str(CONTENT)
    catalog.reload()


def test_changes_page_lists_entries_newest_first_with_links(client, content_with_log):
    html = client.get("/changes/").content.decode()
    assert html.index("SQS: newest entry") < html.index("Kinesis: older entry")
    assert 'href="/sources/sqs/"' in html and 'href="/models/poll/"' in html and 'href="/sources/kinesis/"' in html
    assert "<code>the new figure</code>" in html
    assert 'datetime="2026-12-03"' in html
    assert "services-sqs-scaling.html" in html


def test_a_lesson_shows_its_badge_and_its_recent_changes(client, content_with_log):
    html = client.get("/sources/sqs/").content.decode()
    sqs = catalog.load().sources["sqs"]
    assert "Checked against the AWS docs" in html
    assert f'datetime="{sqs.last_verified.isoformat()}"' in html
    assert "Updated 3 Dec 2026: SQS: newest entry" in html
    assert "Recent changes to this lesson" in html
    assert "Kinesis: older entry" not in html  # another lesson's change


def test_every_lesson_has_a_last_verified_badge(client):
    for source in catalog.load().ordered_sources():
        html = client.get(f"/sources/{source.slug}/").content.decode()
        assert "verified-badge" in html and f'datetime="{source.last_verified.isoformat()}"' in html, source.slug


def test_changes_page_is_linked_from_every_page(client):
    assert 'href="/changes/"' in client.get("/").content.decode()
    assert client.get("/changes/").status_code == 200
