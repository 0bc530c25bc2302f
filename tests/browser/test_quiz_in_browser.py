from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from learn.quiz import questions

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keys_ready(page) -> None:
    """Wait until quiz.js (deferred) listens for shortcuts, so a key press is not lost."""
    page.wait_for_selector("html[data-quiz-keys=ready]", state="attached")


def keyboard_answer(page, bank):
    """Answer the current question with the keyboard only; returns the item."""
    match = re.search(r"/quiz/a/([0-9a-f-]+)/(\d+)/", page.url)
    from learn.quiz.models import Attempt

    attempt = Attempt.objects.get(id=match.group(1))
    item = bank.items[attempt.item_ids[int(match.group(2)) - 1]]
    keys_ready(page)
    if item.type == "ordering":
        for position, option in enumerate(item.options, start=1):
            page.locator(f"#pos-{option.key}").select_option(str(position))
        page.locator("body").focus()
    else:
        page.locator("body").focus()
        for key in "12345"[: item.choose if item.type == "multiple" else 1]:
            page.keyboard.press(key)
    page.keyboard.press("Enter")
    return item


def test_practice_page(page):
    page.goto("/quiz/")
    assert axe_violations(page) == []
    screenshot(page, "quiz-home")
    page.get_by_role("button", name="Start practising").click()
    expect(page.locator(".question-card")).to_be_visible()
    keyboard_answer(page, questions.load())
    expect(page.locator(".rationale").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "quiz-practice-feedback")


def test_short_exam_with_the_keyboard_reload_and_resume(page):
    bank = questions.load()
    page.goto("/quiz/")
    page.get_by_label("Length").select_option("15")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("timer")).to_contain_text("Time left")
    assert axe_violations(page) == []
    screenshot(page, "quiz-exam-question")
    keyboard_answer(page, bank)
    expect(page).to_have_url(re.compile(r"/2/$"))
    keys_ready(page)
    page.locator("body").focus()
    page.keyboard.press("g")  # flag question 2 (A–F choose options)
    expect(page.locator("a.qnum.current.flagged")).to_be_visible()
    page.reload()  # nothing is lost: the answer and the flag live on the server
    expect(page.locator("a.qnum.answered")).to_have_count(1)
    expect(page.locator("a.qnum.flagged")).to_have_count(1)
    keys_ready(page)
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"/1/$"))
    review_url = page.url.rsplit("/1/", 1)[0] + "/review/"
    page.goto(review_url)
    expect(page.get_by_role("heading", name="Review before you submit")).to_be_visible()
    keys_ready(page)
    page.get_by_role("button", name="Submit the exam").focus()
    page.keyboard.press("Enter")  # opens the confirmation, which has focus on "Keep working"
    dialog = page.get_by_role("dialog", name="Submit the exam?")
    expect(dialog).to_contain_text("14 unanswered and 1 flagged")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Submit now"
    expect(page.get_by_test_id("score")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "quiz-exam-results")


def test_progress_dashboard(page):
    page.goto("/sources/sqs/")
    page.wait_for_selector("#account-nav[data-personal=loaded]", state="attached")  # the learner's own parts
    page.locator("#lesson-read").scroll_into_view_if_needed()  # reaching the end marks it read (one POST)
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")
    page.goto("/progress/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.locator("main")).to_contain_text("SQS")  # listed under "Lessons read"
    assert axe_violations(page) == []
    screenshot(page, "progress-dashboard")
