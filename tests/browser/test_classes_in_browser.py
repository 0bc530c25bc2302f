"""An instructor creates a class; a learner on a phone joins with the code and answers a question; the
instructor's class page then lists that learner's progress. Light and dark, desktop and phone, axe on each page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from learn.quiz import questions

from .conftest import axe_violations, screenshot
from .test_quiz_in_browser import keyboard_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-passphrase-77"


def log_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_instructor_follows_a_learner_who_joined_with_the_code(page, phone):
    User.objects.create_user("teacher", password=PASSWORD)
    User.objects.create_user("ada", password=PASSWORD)

    page.goto("/classes/join/?code=abcd-2345")  # before signing in: asked to, with the code kept
    expect(page.get_by_role("link", name="Log in to join")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ABCD-2345")
    assert axe_violations(page) == []
    page.goto("/accounts/login/?next=/classes/")
    log_in(page, "teacher")
    expect(page.get_by_role("heading", name="Classes you teach")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Class name").fill("Serverless 101")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", name="No learners yet")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "classes-empty")
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    join_link = page.locator("a.join-link").get_attribute("href")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == join_link

    # the learner, on a phone in dark mode, follows the link before signing in
    phone.emulate_media(color_scheme="dark")
    phone.goto(join_link)
    expect(phone.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(phone.locator("main")).to_contain_text(code)
    phone.get_by_role("link", name="Log in to join").click()
    log_in(phone, "ada")
    expect(phone.get_by_label("Join code")).to_have_value(code)
    screenshot(phone, "classes-join-phone-dark")
    phone.get_by_role("button", name="Join the class").click()
    expect(phone.locator("main")).to_contain_text("You joined “Serverless 101”")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "classes-mine-phone-dark")
    phone.goto("/quiz/")
    phone.get_by_label("Event source").select_option("sqs")  # some items belong to no source
    phone.get_by_role("button", name="Start practising").click()
    expect(phone.locator(".question-card")).to_be_visible()
    item = keyboard_answer(phone, questions.load())
    expect(phone.locator(".rationale").first).to_be_visible()

    page.reload()
    row = page.locator("#learners-h + div tbody tr").filter(has_text="ada")
    assert "sqs" in item.sources
    expect(row).to_contain_text(f"{len(item.sources)} started")
    expect(page.get_by_role("heading", name="Mastery by source")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "classes-detail")
    page.emulate_media(color_scheme="dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert axe_violations(page) == []
    screenshot(page, "classes-detail-dark")

    page.locator("#learners-h + div").get_by_role("link", name="ada").click()
    expect(page.get_by_role("heading", name="Mastery by source")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+%"))
    assert axe_violations(page) == []
    screenshot(page, "classes-learner-dark")

    class_url = page.url.split("/learners/")[0] + "/"
    page.set_viewport_size({"width": 390, "height": 844})  # the instructor on a phone: tables scroll, the page not
    page.goto(class_url + "?sort=active")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Last active")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "classes-detail-phone-dark")

    csv = page.request.get(class_url + "export.csv")
    lines = csv.body().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("learner,joined,last active") and lines[1].startswith("ada,")
    assert len(lines) == 2
