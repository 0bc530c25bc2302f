from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def caption(flow):
    return flow.locator(".flow-caption")


def test_step_through_a_diagram_with_the_keyboard(page):
    page.goto("/models/async/")
    flow = page.locator("[data-flow]").nth(1)  # S3, function error, with a DLQ
    total = int(re.search(r"of (\d+)", caption(flow).inner_text()).group(1))
    flow.locator(".flow-stage").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(caption(flow)).to_contain_text(f"Step 3 of {total}")
    expect(flow.locator(".flow-transcript li.is-current")).to_have_attribute("data-index", "2")
    # attempt 1 is invoked (the stage holds a wide and a tall layout; one shows)
    expect(flow.locator('.flow-actor.is-active[data-actor="function"]:visible')).to_have_count(1)
    page.keyboard.press("End")
    expect(caption(flow)).to_contain_text(f"Step {total} of {total}")
    expect(caption(flow)).to_contain_text("dead-letter queue")
    page.keyboard.press("Home")
    expect(caption(flow)).to_contain_text(f"Step 1 of {total}")
    page.keyboard.press("ArrowLeft")
    expect(caption(flow)).to_contain_text(f"Step 1 of {total}")


def test_autoplay_is_off_by_default_and_advances_under_a_frozen_clock(page):
    page.clock.install()
    page.goto("/models/poll/")
    flow = page.locator("[data-flow]").first
    button = flow.locator("[data-autoplay]")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(5000)
    expect(caption(flow)).to_contain_text("Step 1 of")  # nothing moves until asked
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(1500)
    expect(caption(flow)).to_contain_text("Step 2 of")
    page.clock.run_for(2800)
    expect(caption(flow)).to_contain_text("Step 4 of")
    button.click()
    page.clock.run_for(5000)
    expect(caption(flow)).to_contain_text("Step 4 of")


def test_nothing_moves_under_reduced_motion(page):
    page.goto("/models/sync/")
    flow = page.locator("[data-flow]").first
    flow.locator("[data-go=next]").click()
    assert page.evaluate("document.getAnimations().length") > 0  # the token moves normally
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    flow = page.locator("[data-flow]").first
    for _ in range(3):
        flow.locator("[data-go=next]").click()
    expect(caption(flow)).to_contain_text("Step 4 of")
    assert page.evaluate("document.getAnimations().length") == 0


def test_changing_a_what_if_control_shows_the_new_trace(page):
    page.goto("/sources/sqs/")
    flow = page.locator("#flow-lesson")
    table = flow.locator(".flow-dispositions")
    expect(table).to_contain_text("Lost: expired")  # default: the function always fails and there is no DLQ
    screenshot(page.locator("#flow-lesson"), "whatif-sqs-function-error")
    flow.get_by_label("What if the function…").select_option("success")
    expect(page.locator("#flow-lesson .flow-dispositions")).not_to_contain_text("Lost: expired")
    expect(page.locator("#flow-lesson .flow-dispositions")).to_contain_text("Processed successfully")
    page.locator("#flow-lesson").get_by_label("What if the function…").select_option("poison")
    expect(page.locator("#flow-lesson h3")).to_contain_text("poison")  # the swap came back: open ITS settings
    page.locator("#flow-lesson summary", has_text="Settings").click()
    page.locator("#flow-lesson").get_by_label("Queue has a redrive policy (DLQ)").select_option("true")
    expect(page.locator("#flow-lesson .flow-dispositions")).to_contain_text("Moved to the queue's dead-letter queue")
    screenshot(page.locator("#flow-lesson"), "whatif-sqs-poison-redrive")


@pytest.mark.parametrize("url", ["/models/sync/", "/models/async/", "/models/poll/", "/sources/kinesis/"])
def test_diagram_pages_are_accessible(page, url):
    page.goto(url)
    expect(page.locator("[data-flow]").first).to_be_visible()
    assert axe_violations(page) == []
    if url.startswith("/models/"):
        screenshot(page, "model-" + url.strip("/").split("/")[-1])
