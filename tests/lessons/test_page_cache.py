"""Lesson, model and grid fragments are cached, vary on HX-Request, and are invalidated by a content change."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from learn import catalog
from learn.lessons import views


@pytest.fixture
def flow_renders(monkeypatch):
    cache.clear()
    calls = []
    real = views.render_flow
    monkeypatch.setattr(views, "render_flow", lambda *a, **kw: calls.append(a[1]) or real(*a, **kw))
    yield calls
    cache.clear()


@pytest.fixture
def lesson_renders(monkeypatch):
    calls = []
    real = views.outline.build
    monkeypatch.setattr(views.outline, "build", lambda cat, source: calls.append(source.slug) or real(cat, source))
    cache.clear()
    yield calls
    cache.clear()


@pytest.mark.django_db
def test_a_lesson_is_rendered_once_then_served_from_the_cache(client, lesson_renders):
    first = client.get("/sources/sqs/")
    second = client.get("/sources/sqs/")
    assert lesson_renders == ["sqs"] and "What happens when it fails" in second.content.decode()
    assert first.content == second.content and second["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_htmx_requests_get_their_own_cache_entry(client):
    page = client.get("/sources/?model=poll")
    partial = client.get("/sources/?model=poll", headers={"HX-Request": "true"})
    again = client.get("/sources/?model=poll", headers={"HX-Request": "true"})
    assert b"<html" in page.content and b"<html" not in partial.content and again.content == partial.content
    assert partial["ETag"] != page["ETag"] and again["X-Page-Cache"] == "hit"
    assert "no-store" in partial["Cache-Control"] and "public" in page["Cache-Control"]


@pytest.mark.django_db
def test_a_content_change_invalidates_cached_pages(client, flow_renders, monkeypatch):
    client.get("/models/async/")
    monkeypatch.setattr(catalog, "version", lambda: "changed")
    client.get("/models/async/")
    assert len(flow_renders) == 6  # three diagrams, rendered again for the new content version


@pytest.mark.django_db
def test_grid_filters_are_cached_per_filter_and_bad_input_notices_are_not(client, flow_renders):
    first = client.get("/sources/?model=zzz").content.decode()
    assert "Ignored unknown invocation model" in first and "zzz" in first
    html = client.get("/sources/?model=yyy").content.decode()
    assert "yyy" in html and "zzz" not in html  # notices sit outside the cached fragment
    poll = client.get("/sources/?model=poll", headers={"HX-Request": "true"}).content.decode()
    assert "(filtered)" in poll and 'data-slug="sqs"' in poll and 'data-slug="s3"' not in poll


def test_content_version_is_a_digest_of_the_content_files():
    version = catalog.version()
    assert len(version) == 16 and version == catalog.version()
