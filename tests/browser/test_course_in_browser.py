"""The issue's own test: a new learner follows the Foundations path from home to the first checkpoint, answers it
inline, and the dashboard's "Continue" points to the right next step. Axe on every course page; screenshots of
desktop, phone and dark mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from learn.course import checkpoints
from learn.quiz import questions
from tests.browser.conftest import ARTIFACTS, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_in(page, selector: str) -> list[dict]:
    """Serious and critical axe violations inside one element."""
    axe_violations(page)  # injects axe-core (or skips when it is not installed)
    result = page.evaluate(f"async () => await axe.run({selector!r}, {{resultTypes: ['violations']}})")
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def choose(page, number: int, item, correct: bool) -> None:
    keys = list(item.correct_keys) if correct else [next(o.key for o in item.options if not o.correct)]
    card = page.locator(f"#cp-{number}")
    for key in keys:
        card.locator(f"#cp-{number}-{key}").check()
    card.get_by_role("button", name="Check my answer").click()


def test_a_new_learner_follows_foundations_to_the_first_checkpoint(page):
    page.goto("/")
    assert axe_violations(page) == []
    screenshot(page, "course-home-new")
    page.get_by_role("link", name="Start the Foundations path").click()
    expect(page).to_have_url(re.compile(r"/paths/foundations/$"))
    expect(page.locator("#step-1")).to_contain_text("Next")
    assert axe_violations(page) == []

    page.locator("#step-1").get_by_role("button", name=re.compile("^Mark as done")).click()
    expect(page.locator("#step-1")).to_contain_text("Done")
    page.locator("#step-2").get_by_role("link", name=re.compile("^Read the lesson")).click()
    expect(page).to_have_url(re.compile(r"/sources/api-gateway-http/$"))
    expect(page.locator("#lesson-read").get_by_role("button", name="Mark as read")).to_be_attached()  # opened only
    page.wait_for_selector("#account-nav[data-personal=loaded]", state="attached")  # the learner's own parts
    page.locator("#lesson-read").scroll_into_view_if_needed()  # reaching the end counts the lesson as read
    expect(page.locator("#lesson-read")).to_contain_text("counts as read")

    page.goto("/paths/foundations/")
    expect(page.locator("#step-3")).to_contain_text("Next")
    page.locator("#step-3").get_by_role("link", name=re.compile("^Answer the checkpoint")).click()
    expect(page).to_have_url(re.compile(r"/sources/api-gateway-http/#checkpoint$"))
    chosen = checkpoints.choose_items(questions.load(), "api-gateway-http")
    checkpoint = page.locator("#checkpoint")
    expect(checkpoint).to_contain_text(f"0 of {len(chosen)} answered")
    expect(page.locator("#cp-2")).to_be_hidden()  # one new question at a time

    choose(page, 1, chosen[0], correct=False)  # inline, with htmx: the question turns into its feedback
    expect(page.locator("#cp-1")).to_contain_text("Not quite")
    expect(page.locator("#cp-1 [data-checkpoint-verdict]")).to_be_focused()  # a screen reader hears the verdict
    expect(page.locator("#cp-2")).to_be_visible()
    expect(page.locator("#cp-1 .rationale")).to_have_count(len(chosen[0].options))
    expect(checkpoint).to_contain_text(f"1 of {len(chosen)} answered")
    assert axe_in(page, "#checkpoint") == []  # the rest of the lesson page is the lesson's own tests' business
    screenshot(page.locator("#checkpoint"), "course-checkpoint-feedback")
    for number, item in enumerate(chosen[1:], start=2):
        choose(page, number, item, correct=True)
        expect(page.locator(f"#cp-{number}")).to_contain_text("Right!")
    expect(checkpoint).to_contain_text(f"Checkpoint done: {len(chosen) - 1} of {len(chosen)} right.")

    page.goto("/progress/")
    next_link = page.locator(".next-card").get_by_role("link", name=re.compile("^Continue:"))
    expect(next_link).to_have_text("Continue: Asynchronous invocation — model page")
    expect(next_link).to_have_attribute("href", "/models/async/")
    expect(page.locator("#mastery-api-gateway-http")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "course-dashboard")

    page.goto("/")
    expect(page.get_by_role("link", name="Continue: Asynchronous invocation — model page")).to_be_visible()
    screenshot(page, "course-home-returning")
    page.goto("/paths/")
    assert axe_violations(page) == []
    screenshot(page, "course-paths")


def test_course_pages_in_dark_mode_and_on_a_phone(page, phone):
    page.emulate_media(color_scheme="dark")
    page.goto("/course/checkpoint/sqs/")  # some evidence, so the dashboard has a chart and a mastery bar
    chosen = checkpoints.choose_items(questions.load(), "sqs")
    for number, item in enumerate(chosen, start=1):
        choose(page, number, item, correct=number % 2 == 1)
        expect(page.locator(f"#cp-{number} .alert")).to_be_visible()
    assert axe_in(page, "#checkpoint-body") == []
    screenshot(page, "course-checkpoint-dark")
    for url, name in (("/paths/foundations/", "path"), ("/progress/", "dashboard"), ("/", "home")):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
        assert axe_violations(page) == []
        screenshot(page, f"course-{name}-dark")
    for url, name in (("/", "home"), ("/paths/foundations/", "path"), ("/course/checkpoint/sqs/", "checkpoint")):
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
        screenshot(phone, f"course-{name}-phone")
        phone.screenshot(path=str(ARTIFACTS / f"course-{name}-phone-top.png"))  # the first screen, full size
