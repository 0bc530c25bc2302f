"""The polish batch in a real browser: navbar at three widths, the grid's sticky parts, account pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACEHOLDER_FITS = """el => {
  const style = getComputedStyle(el);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = style.font;
  const text = canvas.measureText(el.placeholder).width;
  const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text, inner};
}"""
INSIDE_BAR = """el => {
  const bar = el.closest(".navbar").getBoundingClientRect(), box = el.getBoundingClientRect();
  const container = el.closest(".container-xl").getBoundingClientRect();
  return box.width > 0 && box.right <= container.right + 0.5 && box.left >= bar.left && box.bottom <= bar.bottom;
}"""


def _log_in(page, username="ada-lovelace-learner"):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username, password="correct horse battery staple")
    page.goto("/accounts/login/?next=/sources/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/sources/")


def test_navbar_fits_at_desktop_widths_and_shows_who_is_signed_in(page):
    _log_in(page)
    for width in (1440, 1366, 1200):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/sources/")
        search = page.locator("#nav-search")
        expect(search).to_be_visible()
        fit = search.evaluate(PLACEHOLDER_FITS)
        assert fit["inner"] >= fit["text"], f"placeholder cut at {width} px: {fit}"
        assert page.locator("#theme-toggle").evaluate(INSIDE_BAR), f"theme toggle outside the bar at {width} px"
        bar = page.locator("nav.navbar").bounding_box()
        assert bar["height"] < 80, f"navbar wraps onto two lines at {width} px"
        expect(page.get_by_test_id("account-menu")).to_contain_text("ada-lovelace-learner")
        expect(page.get_by_role("button", name="Invocation models", exact=True)).to_be_visible()  # "Models" when tight
        screenshot(page.locator("nav.navbar"), f"polish-navbar-{width}")
    page.get_by_role("button", name="Signed in as ada-lovelace-learner").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, "polish-navbar-account-open")
    assert axe_violations(page) == []


def test_phone_navbar_keeps_the_theme_toggle_and_the_grid_pins_source_names(phone):
    phone.goto("/sources/?sort=-batch")
    toggle = phone.locator("#theme-toggle")
    expect(toggle).to_be_visible()
    assert toggle.evaluate(INSIDE_BAR)
    toggle.click()
    expect(phone.locator("html")).to_have_attribute("data-bs-theme", "dark")
    first = phone.locator("table.comparison-grid tbody tr th").first
    before = first.bounding_box()["x"]
    phone.locator(".grid-wrap").evaluate("el => el.scrollBy(600, 0)")
    phone.wait_for_function("document.querySelector('.grid-wrap').scrollLeft > 300")
    assert abs(first.bounding_box()["x"] - before) < 1, "the source name scrolled away"
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, f"the page itself overflows: {page_width} px"
    screenshot(phone, "polish-grid-phone-dark-scrolled")


def test_grid_sorts_with_htmx_and_header_sticks_on_desktop(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/sources/")
    page.get_by_role("link", name="Batch size").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Batch size")
    page.get_by_role("link", name="Batch size").click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Batch size")
    assert "sort=-batch" in page.url
    expect(page.locator("table.comparison-grid tbody tr").first).to_have_attribute("data-slug", "sqs")
    assert page.locator(".grid-wrap").evaluate("el => getComputedStyle(el).overflowY") == "visible"
    page.mouse.wheel(0, 1500)
    page.wait_for_function("window.scrollY > 1000")
    header = page.locator("table.comparison-grid thead th").first.bounding_box()
    assert -1 <= header["y"] <= 1, f"the header row did not stick: {header}"
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_label("Invocation model").select_option("sync")
    expect(page.locator("#grid-status")).to_contain_text("(filtered)")  # the first swap is in before the second
    page.wait_for_load_state("networkidle")  # and nothing is still in flight or settling
    expect(page.get_by_label("Invocation model")).to_have_value("sync")
    page.get_by_label("Category").select_option("streams")
    expect(page.get_by_test_id("grid-empty")).to_be_visible(timeout=15_000)
    # announced, and the sort survived the filter change
    expect(page.locator("#grid-status")).to_contain_text("Showing 0 of ")
    expect(page.locator("#grid-status")).to_contain_text("(filtered), sorted by batch size (descending).")
    expect(page.get_by_label("Invocation model")).to_contain_text("Synchronous (0)")
    assert axe_violations(page) == []
    screenshot(page, "polish-grid-empty")
    page.get_by_role("link", name="Show every synchronous source").click()
    expect(page.locator("table.comparison-grid tbody tr").first).to_be_visible()
    screenshot(page, "polish-grid-desktop")
    page.emulate_media(color_scheme="dark")
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    assert axe_violations(page) == []
    screenshot(page, "polish-grid-desktop-dark")


def test_answered_practice_options_stay_at_full_opacity_in_both_themes(page):
    page.goto("/quiz/")
    page.get_by_role("button", name="Start practising").click()
    for _ in range(10):  # the first question that is answered with radio buttons
        if page.locator('input[type="radio"][name="choice"]').count():
            break
        page.locator('a[rel="next"]').click()
    page.locator('input[type="radio"][name="choice"]').first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".rationale").first).to_be_visible()
    label = page.locator(".question-card .form-check-label").first
    assert label.evaluate("el => getComputedStyle(el).opacity") == "1"
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    assert label.evaluate("el => getComputedStyle(el).opacity") == "1"
    assert axe_violations(page) == []
    screenshot(page, "polish-practice-feedback-dark")


def test_in_practice_the_f_key_picks_option_f(page):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learn.quiz import questions, services

    six = next(
        i.id for i in questions.load().items.values() if len(i.options) == 6 and i.type in ("single", "multiple")
    )
    _log_in(page)
    user = get_user_model().objects.get(username="ada-lovelace-learner")
    attempt = services.start(services.Owner(user.id, ""), "practice", [six], "Practice", now=timezone.now())
    page.goto(f"/quiz/a/{attempt.id}/1/")
    expect(page.get_by_test_id("key-hint")).to_have_text("Keys: 1–6 or A–F choose · Enter submits · ← → move.")
    expect(page.locator("html")).to_have_attribute("data-quiz-keys", "ready")
    page.locator("body").focus()
    page.keyboard.press("f")
    expect(page.locator('input[name="choice"][data-index="6"]')).to_be_checked()


def test_account_pages_sign_up_feedback_and_password_pages(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("grace")
    page.locator("#id_password1").fill("12345")
    page.locator("#id_password2").fill("12345")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#id_password1")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_password2")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    assert axe_violations(page) == []
    screenshot(page, "polish-signup-weak-password")
    page.locator("#id_password1").fill("a-long-passphrase-77")
    page.locator("#id_password2").fill("a-long-passphrase-77")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome, grace: your account is ready")).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_contain_text("grace")
    page.goto("/accounts/password_reset/")
    expect(page.get_by_test_id("no-email")).to_contain_text("has no e-mail address")
    page.get_by_role("link", name="change your password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.emulate_media(color_scheme="dark")
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    assert axe_violations(page) == []
    screenshot(page, "polish-password-change-dark")
