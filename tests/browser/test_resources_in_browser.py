"""The sandbox's emulated AWS resources in a real browser (issue 17): a naive SQS consumer writes each message
to DynamoDB, SQS redelivers a failed one, and the page shows the calls, the duplicate write the redelivery caused,
and Reset resources. Light and dark, desktop and phone, axe on each; the screenshots are looked at by hand."""

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

# Not idempotent: every delivery of a message writes a new item, so the redelivered message is written twice.
NAIVE = (
    "import uuid\n\nimport boto3\n\norders = boto3.resource('dynamodb').Table('orders')\n\n\n"
    "def handler(event, context):\n    failures = []\n    for record in event['Records']:\n"
    "        orders.put_item(Item={'orderId': str(uuid.uuid4())[:8], 'messageId': record['messageId'][:8]})\n"
    "        if record['messageId'].startswith('2e14') and record['attributes']['ApproximateReceiveCount'] == '1':\n"
    "            failures.append({'itemIdentifier': record['messageId']})\n"
    "    return {'batchItemFailures': failures}\n"
)


@pytest.fixture(autouse=True)
def fresh_sandboxes():
    from django.core.cache import cache

    cache.clear()  # each test starts with this minute's invocation allowance (one client address for all)
    yield
    runner.shutdown()


def run_naive(page) -> None:
    page.goto("/sources/sqs/sandbox/")
    expect(page.locator("#resources")).to_contain_text("No items yet")
    page.locator("#code").fill(NAIVE)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#result .aws-reports")).to_contain_text("Resources after invocation 2", timeout=60_000)


def test_a_redelivery_shows_its_duplicate_write_and_reset_clears_it(page):
    run_naive(page)
    reports = page.locator("#result .aws-report")
    expect(reports).to_have_count(2)
    expect(reports.nth(0)).to_contain_text("Calls to AWS in invocation 1")
    expect(reports.nth(0).locator(".aws-call")).to_have_count(2)
    expect(reports.nth(0)).to_contain_text("PutItem")
    expect(reports.nth(1).locator(".aws-call")).to_have_count(1)  # only the redelivered message
    expect(reports.nth(1).locator("tr.change-new")).to_have_count(1)  # its second item: the duplicate
    expect(reports.nth(1)).to_contain_text("1 new")
    panel = page.locator("#resources")
    expect(panel.locator("[data-name='orders'] tbody tr")).to_have_count(3)  # two messages, three items
    screenshot(page.locator("#result .aws-reports"), "resources-calls-light")
    screenshot(panel, "resources-panel-light")
    screenshot(page, "resources-sandbox-page")
    assert axe_violations(page) == []

    # the explanation opens from the keyboard; Reset is a keyboard-reachable button
    panel.locator("#resources-explained summary").focus()
    page.keyboard.press("Enter")
    expect(panel.locator("#resources-explained")).to_have_attribute("open", "")
    expect(panel).to_contain_text("Nothing leaves the sandbox")
    page.locator("#reset-resources").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#resources-notice")).to_contain_text("back to the scenario's starting state")
    expect(page.locator("#resources")).to_contain_text("No items yet")
    screenshot(page.locator("#resources"), "resources-panel-after-reset")
    assert axe_violations(page) == []

    page.reload()  # the reset was kept on the server
    expect(page.locator("#resources")).to_contain_text("No items yet")


def test_dark_mode_shows_the_changes_legibly(page):
    page.emulate_media(color_scheme="dark")
    run_naive(page)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    screenshot(page.locator("#result .aws-reports"), "resources-calls-dark")
    screenshot(page.locator("#resources"), "resources-panel-dark")
    assert axe_violations(page) == []


def test_on_a_phone_the_panel_and_the_calls_fit_the_screen(phone):
    run_naive(phone)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    phone.locator("#result .aws-reports").scroll_into_view_if_needed()
    screenshot(phone.locator("#result .aws-reports"), "resources-calls-phone")
    screenshot(phone.locator("#resources"), "resources-panel-phone")


WRITES_BACK = (
    "import boto3\n\ns3 = boto3.client('s3')\n\n\ndef handler(event, context):\n"
    "    for record in event['Records']:\n        bucket = record['s3']['bucket']['name']\n"
    "        s3.put_object(Bucket=bucket, Key='out/result.txt', Body=b'done')\n"
    "    s3.get_object(Bucket=bucket, Key='missing.txt')\n"
)


def test_an_s3_handler_shows_the_object_it_wrote_and_its_failed_call(page):
    page.goto("/sources/s3/sandbox/")
    expect(page.locator("#resources [data-kind='buckets'] tbody tr")).to_have_count(1)
    page.locator("#code").fill(WRITES_BACK)
    page.get_by_role("button", name="Run", exact=True).click()
    reports = page.locator("#result .aws-reports")
    expect(reports).to_contain_text("Resources after invocation 1", timeout=60_000)
    expect(reports.locator(".aws-call.is-failed").first).to_contain_text("NoSuchKey")  # S3 retries: 3 invocations
    expect(reports.locator("tr.change-new")).to_have_count(1)  # the retries wrote the same object again
    expect(reports.locator("tr.change-new")).to_contain_text("out/result.txt")
    expect(page.locator(".loop-warning")).to_contain_text("out/result.txt")  # written to the bucket that invoked it
    expect(page.locator("#resources")).to_contain_text("out/result.txt")
    screenshot(reports, "resources-s3-calls")
    assert axe_violations(page) == []


def test_the_example_handler_and_a_permission_taken_from_the_role(page):
    page.goto("/sources/sqs/sandbox/")
    page.locator("#resources-example").click()
    expect(page.locator("#code")).to_have_value(__import__("re").compile("attribute_not_exists"))
    role = page.locator("#resources-role")
    role.locator("summary").focus()
    page.keyboard.press("Enter")
    put_item = role.get_by_label("dynamodb:PutItem")
    put_item.focus()
    page.keyboard.press("Space")  # untick it from the keyboard
    expect(put_item).not_to_be_checked()
    page.locator("#save-role").click()
    expect(page.locator("#resources-notice")).to_contain_text("The role now lacks dynamodb:PutItem")
    page.get_by_role("button", name="Run", exact=True).click()
    calls = page.locator("#result .aws-reports")
    expect(calls).to_contain_text("AccessDenied", timeout=60_000)
    expect(page.locator("#resources")).to_contain_text("No items yet")  # nothing was written
    screenshot(page.locator("#result"), "resources-role-denied")
    assert axe_violations(page) == []
