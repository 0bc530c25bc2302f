"""The CodeMirror editor in a real browser: highlighting, line numbers that survive htmx swaps, the failing line
marked, drafts restored on reload, Esc then Tab leaves it, no CSP violations, axe clean in light and dark mode, and
a phone layout without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learn.exercises import service
from learn.sandbox import runner

from ..sandbox.support import requires_sandbox
from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_sandbox]
EXERCISE = "/exercises/sqs-partial-batch/"
BROKEN = "import json\n\ndef handler(event, context):\n    for record in event['Records']\n        pass\n"


@pytest.fixture(autouse=True)
def fresh_sandboxes():
    from django.core.cache import cache

    cache.clear()
    yield
    runner.shutdown()


@pytest.fixture
def enforced(browser, live_server):
    """A page with the Content-Security-Policy enforced (no bypass) that records violations and script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page, problems
    context.close()


def editor_text(page) -> str:
    """The editor's text, once the editor for the current #code exists (after an htmx swap it is set up again
    when htmx has settled, a moment after the new textarea arrives)."""
    page.wait_for_function("() => window.TriggerlabEditors?.editors.get(document.querySelector('#code'))")
    return page.evaluate("TriggerlabEditors.editors.get(document.querySelector('#code')).getValue()")


def textareas_out_of_sight(page) -> bool:
    """The posted textareas are hidden behind their editors (1 px, out of the tab order)."""
    boxes = page.locator("textarea[data-editor]").evaluate_all(
        "areas => areas.map(a => [a.getBoundingClientRect().width, a.tabIndex, a.getAttribute('aria-hidden')])"
    )
    return bool(boxes) and all(width <= 1 and tab == -1 and hidden == "true" for width, tab, hidden in boxes)


def line_numbers(page) -> list[str]:
    return page.locator("#code ~ .cm-editor .cm-lineNumbers .cm-gutterElement").all_inner_texts()


def test_exercise_editor_highlights_marks_keeps_drafts_and_lets_go(enforced):
    page, problems = enforced
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(EXERCISE)
    content = page.locator("#code ~ .cm-editor .cm-content")
    expect(content).to_be_visible()
    expect(content.locator(".tok-keyword").first).to_be_visible()  # Python is highlighted
    assert "1" in line_numbers(page) and "2" in line_numbers(page)
    assert page.evaluate("getComputedStyle(document.querySelector('.cm-content')).whiteSpace") == "pre"  # no soft wrap

    # a syntax error: one error at the top, and its line marked in the editor and the gutter
    page.locator("#code").fill(BROKEN)
    assert editor_text(page) == BROKEN
    page.get_by_role("button", name="Run the examples").click()
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("your code did not load", timeout=20_000)
    expect(feedback).to_contain_text("syntax error at line 4")
    marked = page.locator(".cm-editor .cm-line.cm-error-line")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text("    for record in event['Records']")
    expect(page.locator(".cm-gutterElement.cm-error-gutter")).to_have_text("4")
    screenshot(page, "editor-exercise-error-line")

    # a hint arrives beside its button: the feedback, the line numbers and the mark all stay
    page.get_by_role("button", name="Show a hint").click()
    expect(page.locator("#hints li")).to_have_count(1)
    expect(feedback).to_contain_text("your code did not load")
    expect(marked).to_have_count(1)
    assert len(line_numbers(page)) >= 5

    # Go to line selects the failing line in the editor
    page.locator("#feedback [data-goto-line]").click()
    expect(content).to_be_focused()
    assert page.evaluate("getSelection().toString()") == "    for record in event['Records']"

    # Tab indents the line by four spaces; Esc then Tab moves focus on (keyboard users are never trapped)
    page.keyboard.press("End")
    page.keyboard.press("Tab")
    assert editor_text(page).splitlines()[3] == "        for record in event['Records']"
    expect(marked).to_have_count(0)  # an edit clears the mark: the line no longer means what it did
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(content).not_to_be_focused()
    assert "Esc, then Tab" in page.locator("#code-hint").inner_text()

    # an edit that was never run survives a reload, with a way back to the saved version
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# unsaved thought")
    page.reload()
    expect(page.locator(".draft-notice")).to_contain_text("Restored your unsaved draft")
    assert editor_text(page).endswith("# unsaved thought")
    page.get_by_role("button", name="Discard draft").click()
    assert "# unsaved thought" not in editor_text(page)
    assert editor_text(page) == page.locator("#code").input_value()

    # Start over swaps the page: the new editor has its line numbers and no stale draft comes back
    page.get_by_role("button", name="Start over").click()
    expect(page.locator("#code ~ .cm-editor .cm-lineNumbers")).to_be_visible()
    starter = service.exercises()["sqs-partial-batch"].starter
    page.wait_for_function(
        "(starter) => TriggerlabEditors.editors.get(document.querySelector('#code'))?.getValue() === starter",
        arg=starter,
    )
    assert editor_text(page) == starter
    assert len(line_numbers(page)) > 3
    assert textareas_out_of_sight(page)
    page.reload()
    expect(page.locator(".draft-notice")).to_have_count(0)
    assert problems == []


def test_sandbox_editor_after_load_sample_and_a_run_in_light_dark_and_on_a_phone(page, browser, live_server):
    page.goto("/sources/sqs/sandbox/?handler=partial_batch.py&event=standard.json")
    expect(page.locator("#code ~ .cm-editor .tok-keyword").first).to_be_visible()
    expect(page.locator("#event ~ .cm-editor .cm-lineNumbers")).to_be_visible()  # the event is an editor too
    page.locator("#code").fill("import json\n\ndef handler(event, context):\n    return json.loads('{')\n")
    page.get_by_role("button", name="Load sample").click()
    expect(page.locator("#code ~ .cm-editor .cm-lineNumbers .cm-gutterElement", has_text="4")).to_be_visible()
    page.wait_for_timeout(100)  # past htmx's settle delay
    assert textareas_out_of_sight(page)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#result [data-goto-line]")).to_have_text("line 4", timeout=20_000)
    marked = page.locator("#code ~ .cm-editor .cm-error-line")
    expect(marked).to_have_text("    return json.loads('{')")
    assert len(line_numbers(page)) >= 4  # the run kept the gutter
    assert axe_violations(page) == []
    screenshot(page, "editor-sandbox-light")

    # a Try it link shows its example but offers the learner's own draft back
    page.goto("/sources/sqs/sandbox/?handler=partial_batch.py")
    expect(page.locator(".draft-notice")).to_contain_text("Your earlier draft")
    assert "def process(order)" in editor_text(page)
    page.get_by_role("button", name="Restore draft").click()
    assert editor_text(page) == "import json\n\ndef handler(event, context):\n    return json.loads('{')\n"
    page.goto("/sources/sqs/sandbox/?handler=partial_batch.py")
    expect(page.locator(".draft-notice")).to_contain_text("Your earlier draft")
    page.get_by_role("button", name="Run", exact=True).click()  # running the example makes it the draft
    expect(page.locator("#result .verdict")).to_be_visible(timeout=20_000)
    page.goto("/sources/sqs/sandbox/")
    expect(page.locator(".draft-notice")).to_have_count(0)
    assert "def process(order)" in editor_text(page)

    page.locator("#theme-toggle").click()  # dark mode, on the page with the example's result
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    background = page.evaluate("getComputedStyle(document.querySelector('.cm-editor')).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    assert axe_violations(page) == []
    screenshot(page.locator("#sandbox-form"), "editor-sandbox-dark")

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # for axe-core's injected script; the CSP itself is checked in the first test
    )
    phone = context.new_page()
    phone.goto(EXERCISE)
    expect(phone.locator("#code ~ .cm-editor .cm-lineNumbers")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1  # long lines scroll inside the editor, not the page
    assert axe_violations(phone) == []
    screenshot(phone, "editor-exercise-phone")
    screenshot(phone.locator(".code-editor"), "editor-exercise-phone-editor")
    gutter = phone.locator(".cm-lineNumbers .cm-gutterElement", has_text="6").bounding_box()
    line = phone.locator(".cm-content .cm-line").nth(5).bounding_box()
    assert abs(gutter["y"] - line["y"]) < 2  # each number sits beside its line (no mobile font boosting)
    context.close()


def test_without_javascript_the_textarea_posts_the_code(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(EXERCISE)
    area = page.locator("textarea#code")
    expect(area).to_be_visible()
    area.fill("def handler(event, context)\n    return {}\n")
    page.get_by_role("button", name="Run the examples").click()
    expect(page.locator("#feedback")).to_contain_text("your code did not load", timeout=20_000)
    assert page.locator("textarea#code").input_value().startswith("def handler(event, context)\n")
    context.close()
