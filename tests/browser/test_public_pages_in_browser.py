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
