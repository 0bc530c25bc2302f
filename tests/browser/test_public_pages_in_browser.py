"""Issue 16 in Chromium: a public page is one cached rendering for all; the learner's own parts arrive with the
personal fragment, and POST forms on the page take their CSRF token from the cookie (static/site/csrf.js)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def personal_parts_loaded(page) -> None:
    page.wait_for_selector("#account-nav[data-personal=loaded]", state="attached")


def test_a_signed_in_learner_sees_their_state_after_the_fragment_loads(page):
    from django.contrib.auth import get_user_model

    from learn.progress.models import LessonRead

    user = get_user_model().objects.create_user("fragment-learner", password=PASSWORD)
    LessonRead.objects.create(user=user, slug="sqs")
    page.goto("/accounts/login/?next=/sources/sqs/")
    page.get_by_label("Username").fill("fragment-learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/sources/sqs/")
    personal_parts_loaded(page)
    expect(page.get_by_test_id("account-menu")).to_contain_text("fragment-learner")
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")
    expect(page.locator("#flow-lesson")).to_be_attached()  # the diagram arrived as its own cached fragment
    expect(page.locator("#event .code-block").first).to_be_visible()  # so did the first sample event
    assert axe_violations(page) == []
    screenshot(page, "public-lesson-signed-in")


def test_an_anonymous_page_sets_no_cookie_and_its_post_form_still_works(page):
    response = page.goto("/sources/kinesis/")
    assert "set-cookie" not in response.headers and "public" in response.headers["cache-control"]
    assert response.headers["etag"].startswith('W/"')
    personal_parts_loaded(page)
    cookies = {c["name"] for c in page.context.cookies()}
    assert "csrftoken" in cookies and "sessionid" not in cookies  # the fragment gave the token, no session
    expect(page.get_by_test_id("account-menu")).to_have_count(0)
    expect(page.locator("#account-nav")).to_contain_text("Log in")
    # the practice form holds no token in the cached page: csrf.js adds it from the cookie on submit
    page.locator(".lesson-actions form.lesson-practice button").click()
    expect(page).to_have_url(re.compile(r"/quiz/a/[0-9a-f-]+/1/$"))
    expect(page.locator("body")).not_to_contain_text("CSRF")


def test_a_public_page_on_a_phone_in_dark_mode(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
        bypass_csp=True,  # for axe-core, as in conftest's page fixture
    )
    phone = context.new_page()
    try:
        phone.goto("/sources/sqs/")
        personal_parts_loaded(phone)
        expect(phone.locator("#flow-lesson")).to_be_attached()
        assert axe_violations(phone) == []
        screenshot(phone, "public-lesson-phone-dark")
    finally:
        context.close()


def test_practice_pressed_before_the_fragment_arrives_waits_for_the_token(page):
    calls = []

    def first_fails(route):
        calls.append(route.request.url)
        route.abort() if len(calls) == 1 else route.continue_()

    page.route("**/me/fragment/", first_fails)
    page.goto("/sources/sqs/")
    page.locator(".lesson-actions form.lesson-practice button").click()
    expect(page).to_have_url(re.compile(r"/quiz/a/[0-9a-f-]+/1/$"))
    assert len(calls) == 2  # the page's own load failed; csrf.js fetched it for the cookie, then sent the form


def test_without_javascript_the_practice_link_leads_to_a_working_form(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/sources/kinesis/")
        expect(page.locator(".lesson-actions form.lesson-practice")).to_be_hidden()
        page.locator(".lesson-actions").get_by_role("link", name=re.compile("^Practice questions")).click()
        page.locator("form.practice-form button[type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/quiz/a/[0-9a-f-]+/1/$"))
    finally:
        context.close()


def test_back_returns_to_where_the_reader_was_not_to_the_linked_section(page):
    page.goto("/sources/sqs/#failures")
    personal_parts_loaded(page)
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 2500)
    page.wait_for_function("window.scrollY > 0")
    page.wait_for_timeout(300)
    where = page.evaluate("window.scrollY")
    page.goto("/glossary/")
    page.go_back()
    personal_parts_loaded(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert abs(page.evaluate("window.scrollY") - where) < 400


def test_keyboard_focus_moves_into_the_checkpoint_when_it_loads(page):
    page.goto("/sources/s3/")
    personal_parts_loaded(page)
    page.locator(".lesson-practice-end form.lesson-practice button").focus()
    page.keyboard.press("Tab")  # to the placeholder's link: the browser scrolls it into view, the checkpoint loads
    expect(page.locator("#checkpoint-body a").first).to_be_focused()
    expect(page.locator("#checkpoint-body .checkpoint-question").first).to_be_visible()
    # htmx settles a moment after the swap: then focus is inside the checkpoint, not back at the top of the page
    page.wait_for_function("document.activeElement && document.activeElement.closest('#checkpoint-body') !== null")


def test_practice_with_the_fragment_unreachable_leads_to_the_practice_page(page):
    page.route("**/me/fragment/", lambda route: route.abort())
    page.goto("/sources/sqs/")
    page.locator(".lesson-actions form.lesson-practice button").click()
    expect(page).to_have_url(re.compile(r"/course/practice/sqs/$"))  # its own form, with its own token
    page.locator("form.practice-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/quiz/a/[0-9a-f-]+/1/$"))


def test_the_account_menu_waits_for_the_fragment_and_shows_if_it_fails(page):
    page.route("**/me/fragment/", lambda route: route.abort())
    page.goto("/sources/sqs/")
    menu = page.locator("#account-nav")
    expect(menu).to_have_attribute("data-personal", "unavailable")  # the fragment failed: the visitor's menu
    expect(menu.get_by_role("link", name="Log in")).to_be_visible()
    page.unroute("**/me/fragment/")
    page.goto("/sources/kinesis/")
    personal_parts_loaded(page)
    expect(page.locator("#account-nav").get_by_role("link", name="Log in")).to_be_visible()
