"""The sandbox's threat model page: reachable from the sandbox, readable on a laptop and a phone."""

from __future__ import annotations

import pytest

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_threat_model_is_one_click_from_the_sandbox(page):
    page.goto("/sources/sqs/sandbox/")
    page.get_by_role("link", name="How your code is isolated").click()
    page.wait_for_url("**/sandbox/security/")
    assert page.get_by_role("heading", name="The handler sandbox: threat model").is_visible()
    assert page.locator("table").count() >= 4
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    screenshot(page, "threat-model")


def test_the_threat_model_on_a_phone_scrolls_tables_not_the_page(phone):
    phone.goto("/sandbox/security/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "threat-model-phone")
