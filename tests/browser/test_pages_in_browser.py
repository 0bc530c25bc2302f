from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("AWS Lambda")
    expect(page.locator(".model-card")).to_have_count(3)
    assert axe_violations(page) == []
    screenshot(page, "home")


def test_home_page_dark_mode_is_remembered(page):
    page.goto("/")
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert axe_violations(page) == []
    screenshot(page, "home-dark")


def test_catalog_grid_filters_with_htmx(page):
    page.goto("/sources/")
    count = page.get_by_test_id("grid-count")
    total = page.locator("table.comparison-grid tbody tr").count()
    assert total >= 32
    page.get_by_label("Invocation model").select_option("poll")
    expect(count).to_contain_text("(filtered)")
    rows = page.locator("table.comparison-grid tbody tr")
    slugs = rows.evaluate_all("rows => rows.map(r => r.dataset.slug)")
    assert "sqs" in slugs and "kinesis" in slugs and "s3" not in slugs
    assert "model=poll" in page.url  # hx-push-url keeps the filter bookmarkable
    page.get_by_label("Category").select_option("streams")
    expect(page.locator('table.comparison-grid tbody tr[data-slug="sqs"]')).to_have_count(0)  # the swap happened
    expect(rows.first).to_be_visible()
    slugs = rows.evaluate_all("rows => rows.map(r => r.dataset.slug)")
    assert "sqs" not in slugs and "kinesis" in slugs
    assert axe_violations(page) == []
    screenshot(page, "grid-filtered")


def test_grid_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/sources/")
    page.get_by_label("Invocation model").select_option("sync")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"model=sync"))
    slugs = page.locator("table.comparison-grid tbody tr").evaluate_all("rows => rows.map(r => r.dataset.slug)")
    assert "api-gateway-rest" in slugs and "sqs" not in slugs
    context.close()


def test_lesson_page(page):
    page.goto("/sources/sqs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon SQS")
    expect(page.locator("#event details").first).to_have_attribute("open", "")
    second = page.locator("#event details").nth(1)
    second.locator("summary").click()
    expect(second).to_have_attribute("open", "")
    page.get_by_role("link", name=re.compile("Amazon MQ|Kinesis|Lambda", re.I)).first.is_visible()
    assert axe_violations(page) == []
    screenshot(page, "lesson-sqs")


def test_opening_a_lesson_stores_nothing_until_the_end_is_reached(page):
    """W6: a visitor's page view stores no session; the end-of-lesson beacon (or the button) records the read."""
    from django.contrib.sessions.models import Session

    from learn.progress.models import LessonRead

    page.goto("/sources/kinesis/")
    expect(page.get_by_role("button", name="Mark as read")).to_be_attached()
    assert not LessonRead.objects.exists() and not Session.objects.exists()
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    page.wait_for_selector("#account-nav[data-personal=loaded]", state="attached")  # the learner's own parts
    page.locator("#lesson-read").scroll_into_view_if_needed()
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")
    assert list(LessonRead.objects.values_list("slug", flat=True)) == ["kinesis"]
    page.goto("/sources/sqs/")  # now a learner, but opening a lesson is still not reading it (issue 13)
    expect(page.get_by_role("button", name="Mark as read")).to_be_attached()
    assert list(LessonRead.objects.values_list("slug", flat=True)) == ["kinesis"]
    page.wait_for_selector("#account-nav[data-personal=loaded]", state="attached")  # the learner's own parts
    page.locator("#lesson-read").scroll_into_view_if_needed()
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")
    assert sorted(LessonRead.objects.values_list("slug", flat=True)) == ["kinesis", "sqs"]


def test_mark_as_read_works_without_javascript(browser, live_server):
    from learn.progress.models import LessonRead

    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/sources/s3/")
    page.get_by_role("link", name="Mark as read").click()  # the cached lesson holds no form token: its own page
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")
    assert list(LessonRead.objects.values_list("slug", flat=True)) == ["s3"]
    context.close()


@pytest.mark.parametrize(
    ("start", "act"),
    [
        ("/sources/", lambda page: page.get_by_label("Invocation model").select_option("poll")),
        (
            "/choose/",
            lambda page: (
                page.locator("#guide input[type=radio]").first.check(),
                page.get_by_role("button", name="Next").click(),
            ),
        ),
    ],
)
def test_back_after_an_htmx_step_shows_the_whole_page(page, start, act):
    """W3: after an htmx swap that pushed its URL, leaving and pressing Back must not show the bare partial."""
    page.goto(start)
    url = page.url
    act(page)
    page.wait_for_url(lambda u: u != url)
    pushed = page.url
    page.wait_for_load_state("networkidle")
    page.goto("/quiz/")
    page.go_back()
    page.wait_for_url(pushed)
    expect(page.locator("nav.navbar")).to_be_visible()
    assert page.title().endswith("Triggerlab")
    page.reload()
    expect(page.locator("nav.navbar")).to_be_visible()


def test_lesson_page_on_a_phone(phone):
    phone.goto("/sources/kinesis/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    toggler = phone.get_by_role("button", name="Show navigation")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(phone.get_by_role("navigation", name="Main").get_by_role("link", name="Event sources")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is wider than the phone: {width}px"
    screenshot(phone, "lesson-kinesis-phone")


def test_decision_guide_with_the_keyboard(page):
    page.goto("/choose/")
    expect(page.locator("legend")).to_contain_text("Question 1 of 5")
    page.get_by_label("No, the work can happen in the background").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator("legend")).to_contain_text("Question 2 of 5")
    for label in ("A job or message that must be processed once", "No, each event stands alone", "Just one", "No"):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Our recommendation")).to_be_visible()
    expect(page.locator(".recommendation").first).to_contain_text("Amazon SQS")
    assert "replay=no" in page.url
    assert axe_violations(page) == []
    screenshot(page, "decision-guide-result")


def test_search_from_the_navigation(page):
    page.goto("/")
    page.get_by_label("Search sources and event fields").fill("sequenceNumber")
    page.keyboard.press("Enter")
    expect(page.locator(".search-hits li").first).to_be_visible()
    expect(page.locator(".search-hits")).to_contain_text("Kinesis")
    assert axe_violations(page) == []


def test_models_page(page):
    page.goto("/models/async/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Asynchronous")
    expect(page.locator(".knob-table").first).to_contain_text("MaximumRetryAttempts")
    assert axe_violations(page) == []
    screenshot(page, "model-async")


@pytest.mark.parametrize(
    "path", ["/", "/sources/", "/sources/sqs/", "/quiz/", "/sandbox/", "/exercises/", "/progress/"]
)
def test_no_horizontal_scroll_on_a_laptop_screen(page, path):
    """At 1280 px the expanded navigation and the page body fit (a regression seen once: the navbar overflowed)."""
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_what_changed_page_and_a_lessons_badge(page, theme):
    """The What changed log links each entry to its lessons; a lesson shows when its facts were last checked and its
    newest change, readable (axe) in both themes."""
    page.goto("/changes/")
    if theme == "dark":
        page.get_by_role("button", name="Dark mode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed")
    entries = page.locator(".change-entry")
    assert entries.count() >= 1
    sqs_entry = entries.filter(has=page.locator('a[href="/sources/sqs/"]')).first
    sqs_entry.locator('a[href="/sources/sqs/"]').click()
    expect(page).to_have_url(re.compile(r"/sources/sqs/$"))
    expect(page.locator(".verified-badge")).to_contain_text("Checked against the AWS docs")
    expect(page.get_by_role("link", name=re.compile(r"^Updated "))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page.locator("header").filter(has=page.locator("#lesson-title")), f"lesson-badge-{theme}")
    page.goto("/changes/")
    assert axe_violations(page) == []
    screenshot(page, f"changes-{theme}")


def test_what_changed_page_on_a_phone(phone):
    phone.goto("/changes/")
    expect(phone.locator(".change-entry").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    screenshot(phone, "changes-phone")
