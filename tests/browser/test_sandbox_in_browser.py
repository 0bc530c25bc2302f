"""The handler sandbox page in a real browser, running handlers through the real bubblewrap sandbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learn.sandbox import runner

from .conftest import axe_violations, screenshot

OK, WHY = runner.probe()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OK, reason=f"bubblewrap sandbox unavailable: {WHY} (CI installs it)"),
]

FAILS_ONE = (
    "import json\n\ndef handler(event, context):\n    failures = []\n    for record in event['Records']:\n"
    "        if 'bad' in record['body']:\nFAILED_HERE\n    print('batch of', len(event['Records']))\n"
    "    return {'batchItemFailures': failures}\n"
)


@pytest.fixture(autouse=True)
def fresh_sandboxes():
    yield
    runner.shutdown()


def type_code(page, code: str) -> None:
    editor = page.locator("#code")
    editor.fill(code)


def test_editor_keyboard_run_warm_invoke_and_reload(page):
    page.goto("/sources/sqs/sandbox/")
    editor = page.locator("#code")
    expect(editor).to_be_visible()
    expect(page.locator(".gutter")).to_contain_text("1")
    # Tab indents inside the editor; Esc then Tab leaves it (keyboard users are never trapped).
    editor.fill("def handler(event, context):\n")
    editor.press("Control+End")
    editor.press("Tab")
    expect(editor).to_have_value("def handler(event, context):\n    ")
    editor.press("Escape")
    editor.press("Tab")
    expect(page.locator("#code")).not_to_be_focused()

    type_code(page, "N = []\n\ndef handler(event, context):\n    N.append(1)\n    print('call', len(N))\n"
                    "    return {'batchItemFailures': []}\n")
    page.get_by_role("button", name="Run", exact=True).click()
    result = page.locator("#result")
    expect(result).to_contain_text("REPORT RequestId:")
    expect(result).to_contain_text("Init Duration")
    expect(result).to_contain_text("call 1")
    screenshot(page, "sandbox-cold-run")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Invoke again (warm)").click()
    expect(result).to_contain_text("call 2")  # module state survived: a warm environment
    expect(result).not_to_contain_text("Init Duration")

    page.reload()  # the learner's code survives a reload
    assert "print('call', len(N))" in page.locator("#code").input_value()


def test_partial_batch_failure_is_replayed_on_the_diagram(page):
    page.goto("/sources/sqs/sandbox/")
    code = FAILS_ONE.replace(
        "FAILED_HERE", "            failures.append({'itemIdentifier': record['messageId']})"
    )
    type_code(page, code)
    event = page.locator("#event").input_value().replace('"body": "', '"body": "bad ', 1)
    page.locator("#event").fill(event)
    page.get_by_role("button", name="Run", exact=True).click()
    result = page.locator("#result")
    expect(result).to_contain_text("batch of")
    expect(result.locator("svg").first).to_be_visible()  # the source's animated diagram, driven by the replay
    expect(result).to_contain_text("real invocations")
    screenshot(page, "sandbox-partial-batch")


def test_bad_json_is_explained_and_nothing_is_lost(page):
    page.goto("/sources/sqs/sandbox/")
    type_code(page, "def handler(event, context):\n    return 'mine'\n")
    page.locator("#event").fill("{not json")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#result .alert")).to_contain_text("not valid JSON")
    assert page.locator("#code").input_value() == "def handler(event, context):\n    return 'mine'\n"
    assert page.locator("#event").input_value() == "{not json"


def test_phone_layout_has_no_horizontal_scroll(phone):
    phone.goto("/sources/sqs/sandbox/")
    expect(phone.locator("#code")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    screenshot(phone, "sandbox-phone")


def test_generate_and_load_sample_swap_the_page_in_place(page):
    page.goto("/sources/sqs/sandbox/")
    type_code(page, "def handler(event, context):\n    return 'kept'\n")
    page.get_by_label("Records").fill("4")
    page.get_by_label("FIFO").check()
    page.get_by_role("button", name="Generate").click()
    page.wait_for_function("document.querySelector('#event').value.includes('MessageGroupId')")
    assert page.locator("#event").input_value().count('"messageId"') == 4
    assert page.locator("#code").input_value() == "def handler(event, context):\n    return 'kept'\n"
    page.get_by_role("button", name="Load sample").click()
    page.wait_for_function("!document.querySelector('#event').value.includes('group-2')")
    expect(page.get_by_role("heading", name="Handler sandbox")).to_have_count(1)  # one page, not a page in a page
    assert page.locator("#code").input_value() == "def handler(event, context):\n    return 'kept'\n"
