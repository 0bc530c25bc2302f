"""The comparison grid (sorting, filter counts, compact cells, the empty state) and the what-if error copy."""

from __future__ import annotations

import re

import pytest

from learn.lessons import grid

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _slugs(html: str) -> list[str]:
    return re.findall(r'<tr data-slug="([^"]+)"', html)


def _header(html: str, key: str) -> str:
    return re.search(rf'<th scope="col"[^>]*class="col-{key}">', html).group(0)


def test_sort_by_batch_size_descending_puts_batching_sources_first(client):
    html = client.get("/sources/?sort=-batch").content.decode()
    slugs = _slugs(html)
    assert len(slugs) >= 32
    poll = {"sqs", "mq", "kinesis", "dynamodb-streams", "msk", "kafka", "documentdb"}
    assert set(slugs[: len(poll)]) == poll  # every poll source batches up to 10,000
    assert 'aria-sort="descending"' in _header(html, "batch")
    assert "aria-sort" not in _header(html, "name")


def test_sort_by_name_orders_rows_alphabetically_and_header_offers_the_reverse(client, real_catalog):
    html = client.get("/sources/?sort=name").content.decode()
    names = [real_catalog.sources[s].name.casefold() for s in _slugs(html)]
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in _header(html, "name")
    assert 'href="?sort=-name"' in html


def test_sort_links_keep_the_filters_and_filters_keep_the_sort(client):
    html = client.get("/sources/?model=poll&sort=-batch").content.decode()
    assert 'href="?model=poll&amp;sort=name"' in html
    assert '<input type="hidden" name="sort" value="-batch">' in html


def test_unknown_sort_is_ignored_with_a_notice(client):
    response = client.get("/sources/?sort=%3Cx%3E")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ignored unknown sort" in html and "<x>" not in html
    assert "aria-sort=" not in html


def test_htmx_sort_returns_the_grid_partial_sorted(client):
    html = client.get("/sources/?sort=-name", headers=HTMX).content.decode()
    assert html.lstrip().startswith('<div id="grid"') and "<nav" not in html
    assert 'aria-sort="descending"' in _header(html, "name")


def test_filter_options_show_counts_for_the_other_filter(client, real_catalog):
    streams = [s for s in real_catalog.sources.values() if s.category == "streams"]
    html = client.get("/sources/?category=streams").content.decode()
    assert f'<option value="poll">Poll-based ({sum("poll" in s.models for s in streams)})</option>' in html
    assert '<option value="sync">Synchronous (0)</option>' in html
    poll_messaging = [s for s in real_catalog.sources.values() if s.category == "messaging" and "poll" in s.models]
    html = client.get("/sources/?model=poll").content.decode()
    assert f'<option value="messaging">Messaging ({len(poll_messaging)})</option>' in html
    assert re.search(r'<option value="" selected>All models \(\d+\)</option>', client.get("/sources/").content.decode())


def test_empty_combination_offers_ways_back_with_counts(client):
    html = client.get("/sources/?model=sync&category=streams").content.decode()
    assert "No source matches both filters" in html
    assert re.search(r'href="\?model=sync"[^>]*>Show every synchronous source \(\d+\)</a>', html)
    assert re.search(
        r'href="\?category=streams"[^>]*>Show every source in Streams and change data \([1-9]\d*\)</a>', html
    )


def test_cells_are_compact_values_from_the_catalog(client):
    html = client.get("/sources/?model=poll").content.decode()
    sqs = html.split('data-slug="sqs"')[1].split("</tr>")[0]
    assert "10 · ≤ 10,000" in sqs and "window ≤ 300 s" in sqs
    assert "The queue&#x27;s DLQ (redrive)" in sqs
    s3 = client.get("/sources/?category=storage").content.decode().split('data-slug="s3"')[1].split("</tr>")[0]
    assert "Lambda, 2 retries" in s3 and "DLQ ✓ · destination ✓" in s3


def test_compact_labels_follow_the_rule_defaults(real_catalog):
    rows = {r.slug: r for r in grid.filter_sources(real_catalog, grid.Filters())}
    assert rows["api-gateway-rest"].failure == "Back to the caller"
    assert rows["kinesis"].failure == "Destination ✓ (SQS, SNS, S3)"
    assert rows["sdk-invoke"].retries == "The caller / Lambda, 2 retries"
    assert rows["mq"].retries == "The broker (ActiveMQ: 6 redeliveries)"
    assert rows["sqs"].ordering == "FIFO: per group"


def test_a_bad_what_if_setting_is_a_sentence_and_marks_its_field_invalid(client):
    html = client.get("/diagrams/sqs/?batch_size=99999").content.decode()
    assert "must be 1–10,000 messages, got 99999. The diagram shows the default settings." in html
    field = re.search(r'<input class="[^"]*" id="batch_size-main"[^>]*>', html).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field and "whatif-error-main" in field
    other = re.search(r'<input class="[^"]*" id="visibility_timeout_s-main"[^>]*>', html).group(0)
    assert "is-invalid" not in other


def test_a_swap_announces_the_new_count_in_the_live_region_that_stays_on_the_page(client):
    page = client.get("/sources/?model=poll").content.decode()
    assert '<p class="visually-hidden" id="grid-status" role="status" aria-live="polite"></p>' in page
    assert "hx-swap-oob" not in page
    partial = client.get("/sources/?model=poll", headers=HTMX).content.decode()
    assert re.search(
        r'<span hx-swap-oob="innerHTML:#grid-status">Showing \d+ of \d+ sources \(filtered\)\.</span>', partial
    )


def test_the_count_line_is_shown_once(client):
    assert client.get("/sources/").content.decode().count("Showing 32 of 32 sources") == 1
