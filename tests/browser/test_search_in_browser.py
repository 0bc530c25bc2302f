"""Search from the navbar and on /search/ (live, as you type), and the glossary: the issue's three queries give
the expected first result; axe finds nothing serious in either theme; phones do not scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def first_hit(page):
    return page.locator("#results .search-hit").first


def test_the_issues_three_queries_from_the_navbar_and_as_you_type(page):
    page.goto("/")
    navbar_search = page.locator("header").get_by_role("searchbox")
    navbar_search.fill("dlq")
    navbar_search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=dlq$"))
    expect(first_hit(page).get_by_role("link")).to_have_text("Amazon SQS")
    expect(first_hit(page).locator(".search-kind")).to_have_text("Lesson")
    expect(page.locator("#results mark").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "search-dlq")

    box = page.locator("#search-q")
    box.fill("cold start")  # live search: htmx swaps the results in, the URL follows
    expect(page).to_have_url(re.compile(r"q=cold(\+|%20)start"))
    expect(first_hit(page).locator(".search-kind")).to_have_text("Glossary")
    expect(first_hit(page).get_by_role("link")).to_have_text("Cold start")
    expect(page.locator("#results .search-kind", has_text="Lesson").first).to_be_visible()
    expect(page.locator("header nav.navbar")).to_have_count(1)  # the partial did not bring a second page chrome

    box.fill("visibilty timeout")
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_contain_text("visibility timeout")
    expect(first_hit(page).get_by_role("link")).to_have_text("Amazon SQS")
    assert axe_violations(page) == []
    screenshot(page, "search-typo")
    suggestion.get_by_role("link", name="visibility timeout").click()
    expect(page).to_have_url(re.compile(r"q=visibility(\+|%20)timeout"))
    expect(page.locator(".search-suggestion")).to_have_count(0)


def test_search_in_dark_mode_and_on_a_phone(page, phone):
    page.goto("/search/?q=poison+record")
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(first_hit(page).get_by_role("link")).to_have_text("Amazon Kinesis Data Streams")
    assert axe_violations(page) == []
    screenshot(page, "search-dark")
    phone.goto("/search/?q=batch+size&kind=fact")
    expect(first_hit(phone)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    screenshot(phone, "search-phone")


def test_the_glossary_page(page, phone):
    page.goto("/glossary/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary")
    page.get_by_role("navigation", name="Jump to a letter").get_by_role("link", name="V").click()
    expect(page).to_have_url(re.compile(r"#letter-V$"))
    page.goto("/glossary/#dlq")
    term = page.locator("#dlq")
    expect(term).to_contain_text("standard SQS queue")
    expect(term.get_by_role("link", name=re.compile("Amazon SQS"))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "glossary")
    page.get_by_role("button", name="Dark mode").click()
    assert axe_violations(page) == []
    screenshot(term, "glossary-term-dark")
    phone.goto("/glossary/#cold-start")
    expect(phone.locator("#cold-start")).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    screenshot(phone, "glossary-phone")
