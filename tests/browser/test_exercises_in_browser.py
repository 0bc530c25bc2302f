"""Graded exercises in a real browser, graded through the real sandbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learn.exercises import service
from learn.sandbox import runner

from ..sandbox.support import requires_sandbox
from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_sandbox]


@pytest.fixture(autouse=True)
def fresh_sandboxes():
    yield
    runner.shutdown()


def test_index_lists_all_exercises(page):
    page.goto("/exercises/")
    for exercise in service.exercises().values():
        expect(page.get_by_text(exercise.title).first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "exercises-index")


def test_hint_then_a_correct_submission_is_recorded(page):
    exercise = service.exercises()["cognito-presignup"]
    page.goto("/exercises/cognito-presignup/")
    page.get_by_role("button", name="Show a hint").click()
    hints = page.locator("h2:has-text('Hints') + ol li")
    expect(hints).to_have_count(1)
    expect(hints.first).to_contain_text(exercise.hints[0].split("`")[0].strip())
    page.get_by_role("button", name="Run the examples").click()
    expect(page.locator("main")).to_contain_text("example")  # the visible steps' feedback
    page.locator("#code").fill(exercise.solution)
    page.get_by_role("button", name="Submit (all checks)").click()
    expect(page.locator("#feedback")).to_contain_text("the exercise is passed and saved")
    assert axe_violations(page) == []
    screenshot(page, "exercise-passed")
    page.goto("/exercises/")
    expect(page.locator("main")).to_contain_text(f"1 of {len(service.exercises())} passed")


def test_a_side_effect_exercise_shows_what_the_handler_did_to_aws(page):
    page.goto("/exercises/sqs-exactly-once-balance/")  # the starter is in the editor: it double-counts
    page.get_by_role("button", name="Run the examples").click()
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("What your handler did to AWS on the last delivery", timeout=60_000)
    opened = feedback.locator("details.exercise-aws[open]").first  # a failing case opens its report
    expect(opened).to_contain_text("Calls to AWS in invocation")
    expect(opened).to_contain_text("DynamoDB table")
    assert axe_violations(page) == []
    screenshot(page.locator("#feedback"), "exercise-aws-feedback")
