"""Replays show state too: exercise feedback's diagram has the state panel, steps with the player and keeps the
dispositions hidden until they happen (graded through the real sandbox), on a desktop and a phone, light and dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learn.sandbox import runner

from ..sandbox.support import requires_sandbox
from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_sandbox]
FAILING = "def handler(event, context):\n    raise ValueError('bad order')\n"


@pytest.fixture(autouse=True)
def fresh_sandboxes():
    yield
    runner.shutdown()


@pytest.mark.parametrize(("device", "dark"), [("desktop", False), ("phone", True)], ids=["desktop-light", "phone-dark"])
def test_exercise_feedback_shows_the_state_of_what_sqs_does_next(browser, live_server, device, dark):
    size = {"width": 1280, "height": 900} if device == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(
        base_url=live_server.url,
        viewport=size,
        color_scheme="dark" if dark else "light",
        is_mobile=device == "phone",
        has_touch=device == "phone",
        bypass_csp=True,  # axe-core is injected as a script tag
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto("/exercises/sqs-partial-batch/")
        page.locator("#code").fill(FAILING)
        page.get_by_role("button", name="Run the examples").click()
        flow = page.locator("#feedback [data-flow]")
        expect(flow).to_be_visible()
        panel = flow.locator("[data-state]")
        expect(panel).to_contain_text("SQS queue")
        expect(flow.locator(".flow-dispositions")).to_contain_text("No record has reached its final place yet")
        flow.locator("[data-go=next]").click()
        flow.locator("[data-go=next]").click()
        expect(panel).to_contain_text("Batch 1")  # the batch the function gets
        flow.locator("[data-go=last]").click()
        expect(flow.locator(".flow-dispositions tbody tr").first).to_be_visible()  # every record has ended
        expect(panel).not_to_contain_text("Batch 1")
        expect(flow.locator("[data-go=next]")).to_have_attribute("aria-disabled", "true")  # nothing after the end
        flow.locator("[data-go=prev]").click()
        expect(flow.locator("[data-go=next]")).not_to_have_attribute("aria-disabled", "true")
        if device == "desktop":
            assert axe_violations(page) == []
        screenshot(flow, f"replay-exercise-{device}-{'dark' if dark else 'light'}")
        assert errors == []
    finally:
        context.close()
