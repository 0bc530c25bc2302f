"""With the Content-Security-Policy enforced, the pages and their scripts work and nothing is blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_violations_while_using_the_site(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto("/")
    page.get_by_role("button", name="Dark mode").click()  # theme.js
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.get_by_role("button", name="Invocation models").click()  # Bootstrap's bundle
    expect(page.get_by_role("link", name="Asynchronous", exact=True)).to_be_visible()
    page.goto("/sources/")
    page.get_by_label("Invocation model").select_option("poll")  # htmx
    expect(page.get_by_test_id("grid-count")).to_contain_text("(filtered)")
    for url in ("/sources/sqs/", "/models/async/", "/choose/", "/quiz/", "/progress/"):
        page.goto(url)
    context.close()
    assert problems == []
