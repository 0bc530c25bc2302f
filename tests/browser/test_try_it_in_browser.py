"""Every lesson's Try it, clicked in Chromium: the sandbox opens with that example handler in the editor and its
sample event beside it (the issue's own test). Each lesson's handlers beyond the first are clicked on a few
lessons; tests/playground/test_try_it.py checks every handler's link over HTTP."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from learn import catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _editor_text(page, name: str) -> str:
    """The text the form would post: the CodeMirror editor keeps its hidden textarea in sync."""
    return page.locator(f'textarea[name="{name}"]').input_value()


def _open_and_check(page, slug: str, link) -> None:
    from playwright.sync_api import expect

    query = parse_qs(urlparse(link.get_attribute("href")).query)
    handler_file, event_file = query["handler"][0], query.get("event", [""])[0]
    link.click()
    expect(page).to_have_url(re.compile(rf"/sources/{re.escape(slug)}/sandbox/\?handler="))
    expect(page.locator(".cm-editor").first).to_be_visible()  # the real editor, not the bare textarea
    source = catalog.load().sources[slug]
    handler = next(h for h in source.handlers if h.file == handler_file)
    assert _editor_text(page, "code") == handler.code.replace("\r\n", "\n"), (slug, handler_file)
    if event_file:
        assert _editor_text(page, "event") == source.event(event_file).text, (slug, event_file)
    # the first line of the handler is on screen in the editor, highlighted as Python
    first = next(line for line in handler.code.splitlines() if line.strip())
    expect(page.locator(".cm-content").first).to_contain_text(first.strip()[:40])


def test_every_lessons_try_it_opens_its_handler_with_its_event(page):
    for source in catalog.load().ordered_sources():
        page.goto(f"/sources/{source.slug}/")
        button = page.get_by_role("navigation", name="Practise this lesson").get_by_role(
            "link", name="Try it in the sandbox"
        )
        _open_and_check(page, source.slug, button)


@pytest.mark.parametrize("slug", ["sqs", "kinesis", "api-gateway-rest"])
def test_each_example_handler_opens_from_its_own_section(page, slug):
    source = catalog.load().sources[slug]
    for n in range(len(source.handlers)):
        page.goto(f"/sources/{slug}/#handlers")
        section = page.locator("#handlers details").nth(n)
        if n:  # only the first example is open
            section.locator("summary").click()
        _open_and_check(page, slug, section.locator("a.try-it"))
