"""The wiring lab in a real browser: paste a faulty template, check it, see the finding and its line marked,
simulate a failure on the engine's diagram; with the CSP enforced; axe clean in light and dark mode; a phone layout
without sideways scrolling (the annotated template's notes stack under their lines). Screenshots go to /tmp/shots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from learn.wiring import exercises

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots")
# cfn-lint flags the misspelt property on line 18
FAULTY = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Timeout: 30
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: "def handler(event, context): pass"
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
      BatchSise: 10
"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"wiring-{name}.png"), full_page=True)


def editor_ready(page) -> None:
    page.wait_for_function("() => window.TriggerlabEditors?.editors.get(document.querySelector('#code'))")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def enforced(browser, live_server):
    """A page with the Content-Security-Policy enforced that records violations and script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page, problems
    context.close()


def test_check_and_simulate_with_the_csp_enforced(enforced):
    page, problems = enforced
    page.goto("/wiring/")
    editor_ready(page)
    page.locator("#code").fill(FAULTY)
    page.get_by_role("button", name="Check", exact=True).click()
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("BatchSise", timeout=30_000)
    finding = feedback.locator(".wiring-finding", has_text="BatchSise")
    expect(finding.locator("a[data-goto-line]")).to_have_text("Line 19")
    expect(page.locator(".cm-editor .cm-line.cm-error-line")).to_have_count(1)
    finding.locator("a[data-goto-line]").click()  # selects the line in the editor
    assert "BatchSise" in page.evaluate("getSelection().toString() || document.activeElement.textContent")
    shot(page, "lab-finding")

    solution = exercises.get("kinesis-poison-record").solution
    page.locator("#code").fill(solution)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(feedback).to_contain_text("Kinesis stream OrdersStream", timeout=30_000)  # the new results, not the old
    page.get_by_label("Failure scenario").first.select_option("poison")
    page.get_by_role("button", name="Simulate this configuration").first.click()
    simulation = page.get_by_test_id("wiring-simulation")
    expect(simulation.locator("[data-flow]")).to_be_visible(timeout=30_000)
    expect(simulation).to_contain_text("Sent to the on-failure destination")
    expect(feedback).to_contain_text("BisectBatchOnFunctionError")
    simulation.locator('[data-go="next"]').click()  # the diagram's player runs after the swap
    expect(simulation.locator(".flow-caption")).to_contain_text("Step 2 of")
    assert page.locator("#code").input_value() == solution  # the learner's text is untouched
    shot(page, "lab-simulated")
    assert problems == []


def test_lab_is_accessible_in_light_and_dark_mode(page):
    page.goto("/wiring/")
    editor_ready(page)
    page.locator("#code").fill(exercises.get("sqs-dlq-after-five").starter)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#feedback")).to_contain_text("Wirings found", timeout=30_000)
    page.get_by_role("button", name="Simulate this configuration").first.click()
    expect(page.get_by_test_id("wiring-simulation").locator("[data-flow]")).to_be_visible(timeout=30_000)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert axe_violations(page) == []
    shot(page, "lab-dark")


def test_source_template_and_exercise_pages_are_accessible(page):
    page.goto("/wiring/kinesis/")
    expect(page.locator(".wiring-note").first).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "source-kinesis")
    page.goto("/wiring/exercises/kinesis-poison-record/")
    editor_ready(page)
    page.get_by_role("button", name="Check my template").click()
    expect(page.get_by_test_id("wiring-verdict")).to_contain_text("Not yet", timeout=30_000)
    page.locator("#code").fill(exercises.get("kinesis-poison-record").solution)
    page.get_by_role("button", name="Check my template").click()
    expect(page.get_by_test_id("wiring-verdict")).to_contain_text("Passed", timeout=30_000)
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert axe_violations(page) == []
    shot(page, "exercise-passed-dark")


def test_phone_width(phone):
    phone.goto("/wiring/")
    editor_ready(phone)
    phone.get_by_role("button", name="Check", exact=True).click()
    expect(phone.locator("#feedback")).to_contain_text("Wirings found", timeout=30_000)
    phone.get_by_role("button", name="Simulate this configuration").first.click()
    expect(phone.get_by_test_id("wiring-simulation").locator("[data-flow]")).to_be_visible(timeout=30_000)
    # the diagram's top is brought into view, not scrolled past
    phone.wait_for_function("() => Math.abs(document.getElementById('simulation').getBoundingClientRect().top) < 200")
    assert no_sideways_scroll(phone)
    shot(phone, "lab-phone")
    phone.goto("/wiring/kinesis/")
    note = phone.locator(".wiring-note").first
    line = phone.locator("#L" + note.get_attribute("data-line"))
    code_box, note_box = line.bounding_box(), note.bounding_box()
    assert note_box["y"] >= code_box["y"] + code_box["height"] - 1  # stacked under its line
    assert no_sideways_scroll(phone)
    shot(phone, "source-phone")


def test_lab_keeps_a_draft_and_open_asks_before_replacing_it(enforced):
    page, problems = enforced
    page.goto("/wiring/")
    editor_ready(page)
    page.locator("#code").fill(FAULTY)
    page.reload()
    editor_ready(page)
    assert page.locator("#code").input_value() == FAULTY  # the draft came back
    page.get_by_label("Template of").select_option("kinesis")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Open", exact=True).click()
    page.wait_for_timeout(300)
    assert asked and "Replace the template you edited" in asked[0]
    assert "from=" not in page.url and page.locator("#code").input_value() == FAULTY
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Open", exact=True).click()
    page.wait_for_url("**from=kinesis**")
    editor_ready(page)
    assert "Kinesis" in page.locator("#code").input_value()  # the shipped template, not the draft
    expect(page.get_by_role("button", name="Restore draft")).to_be_visible()
    assert problems == []


def test_source_page_puts_notes_beside_their_lines_and_copies(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/wiring/sqs/")
    listing = page.locator("[data-wiring-listing]")
    expect(listing).to_have_class("wiring-listing is-aligned")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.wiring-note')].map(n => {
            const line = document.getElementById('L' + n.dataset.line).getBoundingClientRect();
            const note = n.getBoundingClientRect();
            return {lineTop: line.top, lineRight: line.right, noteTop: note.top, noteLeft: note.left};
        })"""
    )
    assert boxes
    for box in boxes:
        assert box["noteLeft"] >= box["lineRight"] - 1  # beside the code, not over it
        assert box["noteTop"] >= box["lineTop"] - 1  # never above its line
    assert boxes[0]["noteTop"] - boxes[0]["lineTop"] < 2  # the first note starts at its line
    heights = page.evaluate("[...document.querySelectorAll('.wiring-line')].map(l => l.getBoundingClientRect().height)")
    assert max(heights) < 6 * min(heights)  # no big gaps between lines (a wrapped line is a few rows at most)
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Copy template.yaml").click()
    expect(page.locator('[data-copy-status="template-raw"]')).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    from learn.wiring import shipped

    assert copied.strip() == shipped.load("sqs").template.strip()
    shot(page, "source-sqs-desktop")
    context.close()
