"""The handler sandbox page in a real browser, running handlers through the real bubblewrap sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from learn.sandbox import runner

from .conftest import axe_violations, screenshot

SHOTS = Path("/tmp")

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
    from django.core.cache import cache

    cache.clear()  # each test starts with this minute's invocation allowance (one client address for all)
    yield
    runner.shutdown()


def type_code(page, code: str) -> None:
    editor = page.locator("#code")
    editor.fill(code)


def test_editor_keyboard_run_warm_invoke_and_reload(page):
    page.goto("/sources/sqs/sandbox/")
    content = page.locator("#code ~ .cm-editor .cm-content")
    expect(content).to_be_visible()
    expect(page.locator("#code ~ .cm-editor .cm-lineNumbers")).to_contain_text("1")
    # Tab indents inside the editor; Esc then Tab leaves it (keyboard users are never trapped).
    type_code(page, "def handler(event, context):\n")
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Tab")
    expect(page.locator("#code")).to_have_value("def handler(event, context):\n    ")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(content).not_to_be_focused()

    type_code(
        page,
        "N = []\n\ndef handler(event, context):\n    N.append(1)\n    print('call', len(N))\n"
        "    return {'batchItemFailures': []}\n",
    )
    page.get_by_role("button", name="Run", exact=True).click()
    result = page.locator("#result")
    expect(result).to_contain_text("REPORT RequestId:", timeout=20_000)  # a cold start on a busy machine
    expect(result).to_contain_text("Init Duration")
    expect(result).to_contain_text("call 1")
    screenshot(page, "sandbox-cold-run")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Run", exact=True).click()  # Run again: the environment is warm
    expect(result).to_contain_text("call 2")  # module state survived: a warm environment
    expect(result).not_to_contain_text("Init Duration")

    page.reload()  # the learner's code survives a reload
    assert "print('call', len(N))" in page.locator("#code").input_value()


def test_partial_batch_failure_is_replayed_on_the_diagram(page):
    page.goto("/sources/sqs/sandbox/")
    code = FAILS_ONE.replace("FAILED_HERE", "            failures.append({'itemIdentifier': record['messageId']})")
    type_code(page, code)
    event = page.locator("#event").input_value().replace('"body": "', '"body": "bad ', 1)
    page.locator("#event").fill(event)
    page.get_by_role("button", name="Run", exact=True).click()
    result = page.locator("#result")
    expect(result).to_contain_text("batch of")
    # the source's animated diagram, driven by the replay (the stage holds a wide and a tall layout; one shows)
    expect(result.locator("svg.flow-svg:visible")).to_have_count(1)
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


def test_force_cold_start_shows_cold_in_the_history(page):
    page.goto("/sources/sqs/sandbox/")
    type_code(
        page,
        "N = []\n\ndef handler(event, context):\n    N.append(1)\n    print('call', len(N))\n"
        "    return {'batchItemFailures': []}\n",
    )
    run = page.get_by_role("button", name="Run", exact=True)
    run.click()
    expect(page.locator("#result")).to_contain_text("call 1")
    expect(run).to_be_enabled()
    run.click()
    expect(page.locator("#result")).to_contain_text("call 2")
    expect(run).to_be_enabled()
    page.get_by_role("button", name="Force a cold start").click()
    result = page.locator("#result")
    expect(result).to_contain_text("call 1")  # a fresh environment: module state is gone
    expect(result.locator(".run-facts")).to_contain_text("Cold start")
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Cold")
    expect(rows.nth(0)).to_contain_text("(forced)")
    expect(rows.nth(1)).to_contain_text("Warm")
    expect(rows.nth(2)).to_contain_text("Cold")
    expect(page.locator("#freeze-note")).to_contain_text("freezes")
    page.screenshot(path=str(SHOTS / "sandbox-desktop-history.png"), full_page=True)
    assert axe_violations(page) == []


SLOW_FAIL = "import time\n\ndef handler(event, context):\n    time.sleep(0.7)\n    raise ValueError('boom')\n"


def test_a_replay_streams_each_invocation_and_cancel_stops_it(page, monkeypatch):
    from learn.playground import runtime

    real, calls = runtime.run, []
    monkeypatch.setattr(runtime, "run", lambda *a, **kw: calls.append(1) or real(*a, **kw))  # same process
    page.goto("/sources/sqs/sandbox/")
    type_code(page, SLOW_FAIL)
    run = page.get_by_role("button", name="Run", exact=True)
    run.focus()
    page.keyboard.press("Enter")  # keyboard users: focus moves to Cancel while the run is in flight
    cancel = page.get_by_role("button", name="Cancel")
    expect(cancel).to_be_focused()
    result = page.locator("#result")
    expect(result.locator(".stream-plan")).to_contain_text("up to 12 real invocations")
    items = page.locator("#stream-runs li")
    expect(items).to_have_count(1)
    expect(run).to_be_disabled()  # no second run while one is in flight
    expect(items.nth(0)).to_contain_text("ValueError")
    expect(items).to_have_count(2)  # the second one arrives on its own, before the replay is over
    assert result.locator(".verdict").count() == 0
    page.screenshot(path=str(SHOTS / "sandbox-desktop-streaming.png"), full_page=True)
    page.keyboard.press("Enter")  # on Cancel
    expect(result).to_contain_text("Cancelled after")
    expect(result).to_contain_text("Your code and event are kept")
    expect(run).to_be_enabled()
    expect(run).to_be_focused()
    expect(cancel).to_be_hidden()
    seen = items.count()
    page.wait_for_timeout(2500)
    assert items.count() == seen and result.locator(".verdict").count() == 0
    # the server noticed the closed connection: the invocation in flight finished, and at most one more began
    # before the next heartbeat write failed; without Cancel the replay would have made 12
    assert len(calls) <= seen + 2

    page.get_by_label("The queue has a redrive policy").check()  # 5 invocations, then the DLQ
    # Run to the end: the verdict replaces the progress, and says what SQS did
    run.click()
    expect(result.locator(".verdict")).to_contain_text("Retried", timeout=20_000)
    expect(result).to_contain_text("Your handler raised ValueError")
    expect(page.locator("#history tbody tr").first).to_contain_text("ValueError")


def test_the_error_line_is_marked_in_the_editor(page):
    page.goto("/sources/sqs/sandbox/")
    type_code(page, "import json\n\ndef handler(event, context):\n    return json.loads('{')\n")
    page.get_by_role("button", name="Run", exact=True).click()
    link = page.locator("#result [data-goto-line]")
    expect(link).to_have_text("line 4")
    marked = page.locator("#code ~ .cm-editor .cm-error-line")
    expect(marked).to_have_text("    return json.loads('{')")  # the fourth line, marked in the editor
    expect(page.locator("#code ~ .cm-editor .cm-error-gutter")).to_have_text("4")
    link.click()
    expect(page.locator("#code ~ .cm-editor .cm-content")).to_be_focused()
    assert page.evaluate("getSelection().toString()") == "    return json.loads('{')"
    page.screenshot(path=str(SHOTS / "sandbox-desktop-error-line.png"), full_page=True)


def test_phone_and_dark_mode_screenshots(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.goto("/sources/sqs/sandbox/")
    type_code(phone, "def handler(event, context):\n    raise KeyError('total')\n")
    phone.get_by_role("button", name="Run", exact=True).click()
    expect(phone.locator("#result .verdict")).to_be_visible(timeout=20_000)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    phone.screenshot(path=str(SHOTS / "sandbox-phone-result.png"), full_page=True)
    top = phone.locator("#run-button").bounding_box()["y"] + phone.evaluate("window.scrollY")
    phone.screenshot(
        path=str(SHOTS / "sandbox-phone-result-top.png"),
        full_page=True,
        clip={"x": 0, "y": top - 10, "width": 390, "height": 1100},
    )
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()  # the Content-Security-Policy is enforced here: streaming and marking must obey it
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto("/sources/sqs/sandbox/")
    page.locator("#theme-toggle").click()
    type_code(
        page,
        "def handler(event, context):\n    return {'batchItemFailures': "
        "[{'itemIdentifier': event['Records'][0]['messageId']}]}\n",
    )
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#result .verdict")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Force a cold start").click()
    expect(page.locator("#history tbody tr")).to_have_count(2, timeout=20_000)
    page.screenshot(path=str(SHOTS / "sandbox-dark-result.png"), full_page=True)
    context.close()
    assert problems == []
