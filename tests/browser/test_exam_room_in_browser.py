"""The exam room in Chromium: autosave survives a reload and a palette move, the submit dialog states the counts
and can be cancelled, the palette folds on a phone, results filter; axe on every page; screenshots to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
PASSWORD = "correct horse battery staple"


def shot(page, name: str) -> None:
    """A full-page screenshot, as a test artifact and in /tmp/shots/ to look at."""
    path = screenshot(page, f"exam-room-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / path.name).write_bytes(path.read_bytes())


def log_in(page, username: str = "exam-room-learner"):
    from django.contrib.auth import get_user_model

    from learn.quiz import services

    user = get_user_model().objects.create_user(username, password=PASSWORD)
    page.goto("/accounts/login/?next=/quiz/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/quiz/")
    return services.Owner(user.id, "")


def exam(owner, count: int, *, singles_first: int = 0):
    """An exam of `count` blueprint questions; the first `singles_first` are single-answer ones."""
    from django.utils import timezone

    from learn.quiz import questions, services

    plan = questions.blueprint()
    items = [i for i in questions.load().items.values() if plan.primary_domain("DVA-C02", i)]
    singles = [i for i in items if i.type == "single"][:singles_first]
    rest = [i for i in items if i not in singles][: count - len(singles)]
    ids = [i.id for i in singles + rest]
    return services.start(owner, "exam", ids, "DVA-C02 blueprint", minutes=130, now=timezone.now(), blueprint="DVA-C02")


def ready(page) -> None:
    page.wait_for_selector("html[data-quiz-keys=ready]", state="attached")


def test_autosave_keeps_a_click_through_a_reload_and_a_palette_move(page):
    owner = log_in(page)
    attempt = exam(owner, 5, singles_first=3)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    expect(page.locator("details[data-palette]")).to_have_attribute("open", "")  # wide screen: open
    page.locator(".question-card .option label").nth(1).click()
    expect(page.locator("#save-state")).to_have_text("Saved")
    expect(page.locator('a.qnum[data-number="1"]')).to_have_class(re.compile(r"\banswered\b"))
    assert axe_violations(page) == []
    shot(page, "desktop-question-saved")
    page.reload()
    expect(page.locator('input[name="choice"]').nth(1)).to_be_checked()
    expect(page.locator("#save-state")).to_have_text("Saved")
    # a click, then at once a move by the palette: the next page waits for nothing, the choice is kept
    page.goto(f"/quiz/a/{attempt.id}/2/")
    ready(page)
    page.locator(".question-card .option label").nth(2).click()
    page.locator('a.qnum[data-number="3"]').click()
    expect(page).to_have_url(re.compile(r"/3/$"))
    page.locator('a.qnum[data-number="2"]').click()
    expect(page.locator('input[name="choice"]').nth(2)).to_be_checked()
    # keyboard: a letter chooses and saves, G flags
    page.locator("body").focus()
    page.keyboard.press("a")
    expect(page.locator('input[name="choice"]').first).to_be_checked()
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.keyboard.press("g")
    expect(page.locator("a.qnum.current.flagged")).to_be_visible()
    expect(page.locator('input[name="choice"]').first).to_be_checked()


def test_a_failed_save_says_so_and_retries(page):
    owner = log_in(page)
    attempt = exam(owner, 2, singles_first=1)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    page.route("**/save/", lambda route: route.abort())
    page.locator(".question-card .option label").first.click()
    expect(page.locator("#save-state")).to_have_text("Not saved — retry")
    page.unroute("**/save/")
    page.get_by_role("button", name="Retry saving").click()
    expect(page.locator("#save-state")).to_have_text("Saved")
    expect(page.get_by_role("button", name="Retry saving")).to_be_hidden()


def test_submit_asks_for_confirmation_with_the_counts_and_cancel_keeps_the_exam(page):
    from learn.quiz.models import Attempt

    owner = log_in(page)
    attempt = exam(owner, 4, singles_first=2)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    page.locator(".question-card .option label").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("a.qnum.current.flagged")).to_be_visible()
    page.goto(f"/quiz/a/{attempt.id}/review/")
    ready(page)
    page.get_by_role("button", name="Submit the exam").click()
    dialog = page.get_by_role("dialog", name="Submit the exam?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("3 unanswered and 1 flagged of 4 questions")
    assert axe_violations(page) == []
    shot(page, "desktop-submit-dialog")
    dialog.get_by_role("button", name="Keep working").click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/review/") and Attempt.objects.get(id=attempt.id).submitted_at is None
    page.get_by_role("button", name="Submit the exam").click()
    page.get_by_role("button", name="Submit now").click()
    expect(page.get_by_test_id("score")).to_have_text(re.compile(r"^[01] / 4$"))
    submitted = Attempt.objects.get(id=attempt.id)
    assert submitted.submitted_at is not None
    # options are shuffled per attempt, so its one answer may be right or wrong: the page shows what was graded
    right = submitted.answers.filter(correct=True).count()
    expect(page.get_by_test_id("score")).to_have_text(f"{right} / 4")


def test_the_palette_is_folded_on_a_phone_and_opens_to_show_the_legend(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # for axe-core, as in conftest's page fixture
    )
    phone = context.new_page()
    try:
        owner = log_in(phone, "phone-learner")
        attempt = exam(owner, 65, singles_first=1)
        phone.goto(f"/quiz/a/{attempt.id}/1/")
        ready(phone)
        palette = phone.locator("details[data-palette]")
        expect(palette).not_to_have_attribute("open", "")
        legend = phone.locator(".palette-legend")
        expect(legend).to_be_hidden()
        stem_top = phone.locator(".question-card .stem").bounding_box()["y"]
        assert stem_top < 844, f"the question starts below the first screen ({stem_top}px)"
        shot(phone, "phone-question")
        phone.locator("details[data-palette] > summary").click()
        expect(legend).to_be_visible()
        for state in ("Answered", "Unanswered", "Flagged", "Current"):
            expect(legend).to_contain_text(state)
        expect(phone.locator("a.qnum")).to_have_count(65)
        assert axe_violations(phone) == []
        shot(phone, "phone-palette-open")
        phone.goto("/quiz/")
        expect(phone.get_by_test_id("resume-exam")).to_be_visible()
        shot(phone, "phone-quiz-home")
        phone.get_by_role("link", name="Review and submit").click()
        ready(phone)
        phone.get_by_role("button", name="Submit the exam").click()
        expect(phone.get_by_role("dialog")).to_contain_text("65 unanswered and 0 flagged")
        shot(phone, "phone-submit-dialog")
        phone.get_by_role("button", name="Submit now").click()
        expect(phone.get_by_test_id("score")).to_have_text("0 / 65")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the results page scrolls sideways on a phone ({width}px)"
        shot(phone, "phone-results")
        phone.screenshot(path=str(SHOTS / "exam-room-phone-results-first-screen.png"))
        phone.get_by_role("heading", name="Questions").scroll_into_view_if_needed()
        phone.screenshot(path=str(SHOTS / "exam-room-phone-results-questions.png"))
        height = phone.evaluate("document.documentElement.scrollHeight")
        assert height < 6000, f"the results of 65 questions are a {height}px wall on a phone"
    finally:
        context.close()


def test_results_filter_and_history_in_dark_mode(page):
    owner = log_in(page)
    attempt = exam(owner, 6, singles_first=6)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    for number in (1, 2, 3):
        page.goto(f"/quiz/a/{attempt.id}/{number}/")
        ready(page)
        page.locator(".question-card .option label").first.click()
        expect(page.locator("#save-state")).to_have_text("Saved")
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("a.qnum.current.flagged")).to_be_visible()
    page.goto("/quiz/")
    expect(page.get_by_test_id("resume-exam")).to_contain_text("3 of 6")
    assert axe_violations(page) == []
    shot(page, "desktop-quiz-home-resume")
    page.goto(f"/quiz/a/{attempt.id}/review/")
    ready(page)
    page.get_by_role("button", name="Submit the exam").click()
    page.get_by_role("button", name="Submit now").click()
    expect(page.get_by_test_id("score")).to_be_visible()
    rows = page.get_by_test_id("result-row")
    expect(rows).to_have_count(6)
    page.get_by_role("link", name=re.compile(r"^Flagged \(1\)")).click()
    expect(page).to_have_url(re.compile(r"\?show=flagged"))
    expect(rows).to_have_count(1)
    page.get_by_role("link", name=re.compile(r"^Wrong or unanswered")).click()
    wrong = int(re.search(r"\((\d+)\)", page.get_by_role("link", name=re.compile(r"^Wrong")).inner_text()).group(1))
    expect(rows).to_have_count(wrong)
    rows.first.locator("summary").click()
    expect(rows.first.locator(".stem")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "desktop-results-wrong")
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.get_by_role("link", name=re.compile(r"^All \(")).click()
    assert axe_violations(page) == []
    shot(page, "dark-results")
    page.goto(f"/quiz/a/{attempt.id}/1/")  # read-only: no timer, nothing to press
    expect(page.get_by_test_id("submitted")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_count(0)
    expect(page.locator(".question-card button")).to_have_count(0)
    label = page.locator(".question-card .form-check-label").first
    assert label.evaluate("el => getComputedStyle(el).opacity") == "1"
    assert axe_violations(page) == []
    shot(page, "dark-submitted-question")
    page.goto("/quiz/")
    expect(page.get_by_test_id("exam-chart")).to_be_visible()
    expect(page.get_by_test_id("resume-exam")).to_have_count(0)
    assert axe_violations(page) == []
    shot(page, "dark-quiz-home-history")


def test_the_exam_room_works_under_the_content_security_policy(browser, live_server):
    """No bypass here: autosave, the palette, the dialog and the filters run with the policy enforced."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        owner = log_in(page, "csp-learner")
        attempt = exam(owner, 3, singles_first=1)
        page.goto(f"/quiz/a/{attempt.id}/1/")
        ready(page)
        page.locator(".question-card .option label").first.click()
        expect(page.locator("#save-state")).to_have_text("Saved")
        expect(page.locator("details[data-palette]")).to_have_attribute("open", "")
        page.goto(f"/quiz/a/{attempt.id}/review/")
        ready(page)
        page.get_by_role("button", name="Submit the exam").click()
        page.get_by_role("button", name="Submit now").click()
        page.get_by_role("link", name=re.compile(r"^Wrong or unanswered")).click()
        expect(page).to_have_url(re.compile(r"\?show=wrong"))
        page.goto("/quiz/")
        expect(page.get_by_test_id("exam-chart")).to_be_visible()
    finally:
        context.close()
    assert problems == []


def test_reordered_steps_and_an_incomplete_multiple_choice_are_saved_too(page):
    from django.utils import timezone

    from learn.quiz import questions, services

    owner = log_in(page)
    items = questions.load().items.values()
    ordering = next(i for i in items if i.type == "ordering")
    multiple = next(i for i in items if i.type == "multiple" and i.choose >= 2)
    attempt = services.start(owner, "exam", [ordering.id, multiple.id], "Exam", minutes=30, now=timezone.now())
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    selects = page.locator('select[name^="position-"]')
    count = selects.count()
    for n in range(count):
        selects.nth(n).select_option(str(count - n))
        if n == 0:
            expect(page.locator("#save-state")).to_contain_text("give every step its own position")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.reload()
    for n in range(count):
        expect(selects.nth(n)).to_have_value(str(count - n))
    page.goto(f"/quiz/a/{attempt.id}/2/")
    ready(page)
    page.locator(".question-card .option label").first.click()
    expect(page.locator("#save-state")).to_have_text(f"Saved: choose {multiple.choose} to answer")
    page.reload()
    expect(page.locator('input[name="choice"]').first).to_be_checked()
    expect(page.locator('a.qnum[data-number="2"]')).not_to_have_class(re.compile(r"\banswered\b"))


# -- exam walk fixes (exam-room-walk.md, December 2026) ---------------------------------------------
def fix_shot(page, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"fix-{name}.png"), full_page=full)


def test_arrow_keys_move_between_questions_and_never_change_the_saved_answer(page):
    from learn.quiz.models import Answer

    owner = log_in(page)
    attempt = exam(owner, 3, singles_first=3)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    page.keyboard.press("2")
    expect(page.locator("#save-state")).to_have_text("Saved")
    chosen = Answer.objects.get(attempt=attempt, item_id=attempt.item_ids[0]).choice
    expect(page.locator('input[name="choice"][data-index="2"]')).to_be_focused()
    page.keyboard.press("ArrowDown")  # on a radio: the focus moves, the choice does not
    expect(page.locator('input[name="choice"][data-index="2"]')).to_be_checked()
    expect(page.locator('input[name="choice"][data-index="3"]')).to_be_focused()
    page.keyboard.press("ArrowRight")  # as the hint says: the next question
    page.wait_for_url(f"**/quiz/a/{attempt.id}/2/")
    ready(page)
    assert Answer.objects.get(attempt=attempt, item_id=attempt.item_ids[0]).choice == chosen
    page.locator(".question-card .option label").first.click()  # after a click on a label too
    expect(page.locator("#save-state")).to_have_text("Saved")
    second = Answer.objects.get(attempt=attempt, item_id=attempt.item_ids[1]).choice
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**/quiz/a/{attempt.id}/1/")
    ready(page)
    expect(page.locator('input[name="choice"][data-index="2"]')).to_be_checked()
    assert Answer.objects.get(attempt=attempt, item_id=attempt.item_ids[1]).choice == second
    expect(page.get_by_role("button", name="I don't know")).to_have_count(0)
    expect(page.get_by_label("How sure are you?")).to_have_count(0)
    fix_shot(page, "desktop-exam-question")


def test_a_submitted_ordering_question_shows_the_right_order_in_light_dark_and_on_a_phone(page, browser, live_server):
    from django.utils import timezone

    from learn.quiz import questions, services

    owner = log_in(page)
    item = next(i for i in questions.load().items.values() if i.type == "ordering")
    attempt = services.start(owner, "exam", [item.id], "Exam", minutes=30, now=timezone.now(), blueprint="DVA-C02")
    keys = [o.key for o in item.options]
    services.record_answer(owner, attempt, questions.load(), item.id, [keys[1], keys[0], *keys[2:]], now=timezone.now())
    services.finish(attempt, questions.load(), timezone.now())
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    steps = page.get_by_test_id("step-feedback")
    expect(steps).to_have_count(len(keys))
    expect(page.locator(".option.is-wrong")).to_have_count(2)
    expect(page.locator(".option.is-correct")).to_have_count(len(keys) - 2)
    expect(page.get_by_text("✗ Belongs at step 1, you put it at 2.")).to_be_visible()
    order = page.get_by_test_id("correct-order").locator("li")
    expect(order).to_have_count(len(keys))
    expect(order.first).to_contain_text(re.sub(r"<[^>]+>", "", item.options[0].html)[:30])
    assert axe_violations(page) == []
    fix_shot(page, "desktop-ordering-feedback")
    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert axe_violations(page) == []
    fix_shot(page, "dark-ordering-feedback")
    page.goto("/quiz/")
    fix_shot(page, "dark-quiz-home")
    page.goto(f"/quiz/a/{attempt.id}/results/")
    page.get_by_test_id("result-row").first.locator("summary").click()
    expect(page.get_by_test_id("result-order")).to_be_visible()
    fix_shot(page, "dark-results-ordering")


def test_the_practice_map_stays_open_after_checking_an_answer(page):
    from django.utils import timezone

    from learn.quiz import questions, services

    owner = log_in(page)
    items = [i for i in questions.load().items.values() if i.type == "single"][:3]
    practice = services.start(owner, "practice", [i.id for i in items], "Practice", now=timezone.now())
    page.goto(f"/quiz/a/{practice.id}/1/")
    ready(page)
    palette = page.locator("details[data-palette]")
    expect(palette).to_have_attribute("open", "")
    expect(page.locator(".palette-legend")).not_to_contain_text("Flagged")
    page.locator(".question-card .option label").first.click()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".rationale").first).to_be_visible()
    expect(palette).to_have_attribute("open", "")
    fix_shot(page, "desktop-practice-feedback")


def test_on_a_phone_the_history_shows_the_score_and_no_key_hint(browser, live_server):
    from django.utils import timezone

    from learn.quiz import questions, services

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
        bypass_csp=True,
    )
    phone = context.new_page()
    try:
        owner = log_in(phone, "phone-history")
        bank = questions.load()
        for blueprint in ("DVA-C02", "SAA-C03"):
            attempt = exam(owner, 4, singles_first=4)
            attempt.blueprint = blueprint
            attempt.save(update_fields=["blueprint"])
            services.finish(attempt, bank, timezone.now())
        running = exam(owner, 3, singles_first=3)
        phone.goto(f"/quiz/a/{running.id}/1/")
        ready(phone)
        expect(phone.get_by_test_id("key-hint")).to_be_hidden()
        fix_shot(phone, "phone-exam-question")
        phone.goto(f"/quiz/a/{attempt.id}/results/")
        expect(phone.get_by_test_id("short-stem").first).to_be_visible()
        fix_shot(phone, "phone-results")
        phone.goto("/quiz/")
        table = phone.locator(".history-table")
        box, wrapper = table.bounding_box(), phone.locator(".history-table").locator("..").bounding_box()
        assert box["width"] <= wrapper["width"] + 1, f"the attempts table scrolls sideways ({box['width']}px)"
        score = phone.locator(".history-table td.text-end").first
        assert score.bounding_box()["x"] + score.bounding_box()["width"] <= 390
        expect(phone.get_by_test_id("chart-legend")).to_be_visible()
        assert axe_violations(phone) == []
        fix_shot(phone, "phone-quiz-home")
        phone.locator("form:has(input[name=blueprint]) button[type=submit]").click()
        expect(phone.get_by_test_id("replace-exam")).to_be_visible()
        fix_shot(phone, "phone-replace-exam", full=False)
    finally:
        context.close()


def test_a_lost_csrf_cookie_gives_a_clear_message_and_a_friendly_page(page):
    owner = log_in(page, "csrf-learner")
    attempt = exam(owner, 2, singles_first=2)
    page.goto(f"/quiz/a/{attempt.id}/1/")
    ready(page)
    page.locator(".question-card .option label").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved")
    cookies = [c for c in page.context.cookies() if c["name"] != "csrftoken"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.locator(".question-card .option label").nth(1).click()
    expect(page.locator("#save-state")).to_contain_text("your session expired. Reload the page")
    expect(page.get_by_role("button", name="Retry saving")).to_be_hidden()
    fix_shot(page, "desktop-autosave-session-expired", full=False)
    page.get_by_role("button", name="Flag for review").click()  # a plain form post: the friendly page
    expect(page.get_by_role("heading", name="Your session expired")).to_be_visible()
    expect(page.get_by_text("Your saved answers are safe.")).to_be_visible()
    assert axe_violations(page) == []
    fix_shot(page, "desktop-csrf-page")
    page.get_by_role("link", name="Go back and reload").click()
    ready(page)
    expect(page.locator('input[name="choice"]').first).to_be_checked()  # the answer saved before is kept
