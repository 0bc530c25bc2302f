"""The redesigned lesson page in Chromium: desktop light and dark, a 390-px phone, citation markers by keyboard,
the disputed-facts banner's links, and axe-core (0 serious or critical violations)."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lesson_on_desktop_light_and_dark_with_keyboard_citations(page):
    from playwright.sync_api import expect

    page.goto("/sources/sqs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon SQS")
    card = page.locator("#key-numbers")
    expect(card).to_contain_text("Batch size")
    expect(card).to_contain_text("up to 10,000")
    actions = page.get_by_role("navigation", name="Practise this lesson")
    expect(actions.get_by_role("link", name="Try it in the sandbox")).to_have_attribute(
        "href", "/sources/sqs/sandbox/?handler=partial_batch.py&event=standard.json"
    )
    expect(actions.get_by_role("button", name=re.compile(r"Practice: \d+ questions"))).to_be_visible()

    # prose lines stay under 80 characters on a desktop (P3)
    widest = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.lesson .prose p')].map(p => {
             const range = document.createRange(), lines = {};
             const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
             while (walker.nextNode()) {
               const node = walker.currentNode;
               for (let i = 0; i < node.length; i++) {
                 range.setStart(node, i); range.setEnd(node, i + 1);
                 const rect = range.getClientRects()[0];
                 if (rect && rect.width > 0) lines[Math.round(rect.top)] = (lines[Math.round(rect.top)] || 0) + 1;
               }
             }
             return Math.max(0, ...Object.values(lines));
           }))"""
    )
    assert 40 < widest <= 80, widest

    # a keyboard user reaches the first citation marker and follows it to the Sources list
    page.locator(".disputed-note a").last.focus()  # the last link before the overview
    page.keyboard.press("Tab")
    marker = page.locator(":focus")
    expect(marker).to_have_attribute("href", "#source-1")
    assert re.match(r"Source 1: .+", marker.get_attribute("aria-label"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#source-1$"))
    expect(page.locator("#source-1")).to_be_in_viewport()
    expect(page.locator("#source-1 a")).to_have_attribute("href", re.compile(r"^https://docs\.aws\.amazon\.com/"))

    # C13: the banner links the disputed fact, which is shown (never folded away)
    page.locator(".disputed-note a").first.click()
    target = page.locator(".fact:target")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("AWS pages disagree")

    # the folded rest of a long list opens
    more = page.locator("#limits details.fact-more")
    more.locator("summary").click()
    expect(more).to_have_attribute("open", "")

    page.goto("/sources/sqs/")
    page.locator("#checkpoint").scroll_into_view_if_needed()
    assert axe_violations(page) == []
    screenshot(page, "lesson-redesign-sqs-desktop")
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.emulate_media(color_scheme="dark")
    assert axe_violations(page) == []
    screenshot(page, "lesson-redesign-sqs-dark")


def test_lesson_on_a_phone(phone):
    from playwright.sync_api import expect

    phone.goto("/sources/kinesis/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Kinesis")
    expect(phone.locator("#key-numbers")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the side
    box = phone.locator("#key-numbers").bounding_box()
    assert box and box["width"] <= 390
    expect(phone.locator("#docs .source-list li").first).to_be_visible()
    screenshot(phone, "lesson-redesign-kinesis-phone")
