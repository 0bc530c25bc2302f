"""Try it: a lesson's example handler opens in the sandbox with its sample event; unknown names are friendly."""

from __future__ import annotations

import html

import pytest

from learn import catalog

pytestmark = pytest.mark.django_db
CASES = [
    (source.slug, handler.file, next((e.file for e in source.events if e.file in handler.events), ""))
    for source in catalog.load().ordered_sources()
    for handler in source.handlers
]


def textarea(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return html.unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)])


@pytest.mark.parametrize(("slug", "handler", "event"), CASES, ids=[f"{s}-{h}" for s, h, _ in CASES])
def test_try_it_opens_the_handler_with_its_event(client, slug, handler, event):
    source = catalog.load().sources[slug]
    response = client.get(f"/sources/{slug}/sandbox/", {"handler": handler, "event": event})
    assert response.status_code == 200
    page = response.content.decode()
    chosen = next(h for h in source.handlers if h.file == handler)
    assert textarea(page, "code") == chosen.code.replace("\r\n", "\n")
    if event:
        assert textarea(page, "event") == source.event(event).text
    assert f'value="{chosen.function}"' in page
    assert 'data-draft-restore="offer"' in page and 'id="try-it-notice"' not in page


def test_a_handler_alone_brings_the_first_event_it_was_written_for(client):
    page = client.get("/sources/sqs/sandbox/", {"handler": "fifo_in_order.py"}).content.decode()
    assert "MessageGroupId" in textarea(page, "event")
    page = client.get("/sources/sqs/sandbox/", {"handler": "partial_batch.py"}).content.decode()
    assert textarea(page, "event") == catalog.load().sources["sqs"].event("standard.json").text


def test_unknown_names_get_a_notice_and_the_defaults(client):
    source = catalog.load().sources["sqs"]
    response = client.get("/sources/sqs/sandbox/", {"handler": "../../etc/passwd", "event": "nope.json"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "has no example handler called “../../etc/passwd”" in page and "has no sample event called" in page
    assert textarea(page, "code") == source.handlers[0].code
    assert textarea(page, "event") == source.events[0].text


def test_a_try_it_visit_stores_nothing_and_keeps_the_saved_draft(client):
    client.post("/sources/sqs/sandbox/", {"action": "sample", "code": "# my own draft\n", "sample": "standard"})
    page = client.get("/sources/sqs/sandbox/", {"handler": "partial_batch.py"}).content.decode()
    assert "# my own draft" not in textarea(page, "code")
    assert "# my own draft" in textarea(client.get("/sources/sqs/sandbox/").content.decode(), "code")
