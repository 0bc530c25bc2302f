"""The exam room (issue 14, walk C6/B13/B14): autosave, submit confirmation, resume banner, history, palette,
blueprint choice, results filters and domains, a read-only submitted exam, and refusals of tampered input."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from learn.quiz import questions, services
from learn.quiz.models import Answer, Attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, django_user_model):
    user = django_user_model.objects.create_user("exam-taker", password="a-long-enough-password")
    client.force_login(user)
    return services.Owner(user.id, "")


def first_of(kind: str, blueprint: str = "DVA-C02"):
    bank, plan = questions.load(), questions.blueprint()
    return next(
        i
        for i in bank.items.values()
        if i.type == kind and (kind != "multiple" or i.choose >= 2) and plan.primary_domain(blueprint, i)
    )


def exam(owner, items, *, minutes: int | None = 30, blueprint: str = "DVA-C02") -> Attempt:
    ids = [i.id for i in items]
    return services.start(owner, "exam", ids, "Exam", minutes=minutes, now=timezone.now(), blueprint=blueprint)


def some_items(count: int) -> list:
    plan = questions.blueprint()
    return [i for i in questions.load().items.values() if plan.primary_domain("DVA-C02", i)][:count]


def save(client, attempt, number, data):
    return client.post(f"/quiz/a/{attempt.id}/{number}/save/", data)


# -- autosave ---------------------------------------------------------------------------------------
def test_autosave_stores_a_choice_at_once_and_answers_with_the_save_state(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    response = save(client, attempt, 1, {"choice": item.options[1].key, "spent_ms": "4200"})
    assert response.status_code == 200
    assert json.loads(response.content) == {"saved": True, "answered": True, "answered_count": 1, "total": 1}
    answer = Answer.objects.get(attempt=attempt)
    assert answer.choice == [item.options[1].key] and answer.answered_at and answer.time_spent_ms == 4200


def test_autosave_changes_an_exam_answer_on_every_click(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    save(client, attempt, 1, {"choice": item.options[0].key})
    save(client, attempt, 1, {"choice": item.options[2].key})
    assert Answer.objects.get(attempt=attempt).choice == [item.options[2].key]


def test_a_reload_shows_the_autosaved_choice_checked_and_saved(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    key = item.options[1].key
    save(client, attempt, 1, {"choice": key})
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert re.search(rf'id="opt-{re.escape(key)}" value="{re.escape(key)}" data-index="\d" checked', html)
    assert re.search(r'id="save-state"[^>]*data-state="saved">Saved<', html)


def test_an_incomplete_multiple_selection_is_kept_as_an_unanswered_draft(client, learner):
    item = first_of("multiple")
    attempt = exam(learner, [item])
    key = item.options[0].key
    response = save(client, attempt, 1, {"choice": key})
    assert response.status_code == 200 and json.loads(response.content)["answered"] is False
    answer = Answer.objects.get(attempt=attempt)
    assert answer.choice == [key] and answer.answered_at is None
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert f'value="{key}" data-index' in html and "checked" in html and f"choose {item.choose} to answer" in html


def test_a_complete_multiple_selection_after_a_draft_is_an_answer(client, learner):
    item = first_of("multiple")
    attempt = exam(learner, [item])
    keys = [o.key for o in item.options[: item.choose]]
    save(client, attempt, 1, {"choice": keys[:1]})
    assert json.loads(save(client, attempt, 1, {"choice": keys}).content)["answered"] is True
    assert Answer.objects.get(attempt=attempt).answered_at is not None


def test_autosaved_ordering_is_shown_in_its_saved_order(client, learner):
    item = first_of("ordering")
    attempt = exam(learner, [item])
    reverse = list(reversed(item.options))
    data = {f"position-{o.key}": str(n) for n, o in enumerate(reverse, 1)}
    assert save(client, attempt, 1, data).status_code == 200
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    select = re.search(rf'name="position-{re.escape(reverse[0].key)}">(.*?)</select>', html, re.S).group(1)
    assert '<option value="1" selected>' in select


@pytest.mark.parametrize(
    "data",
    [{"choice": "zz"}, {"choice": ["a", "a"]}, {"choice": "a" * 5000}, {"confidence": "hack"}],
)
def test_a_tampered_autosave_is_a_400_with_a_message(client, learner, data):
    item = first_of("single")
    attempt = exam(learner, [item])
    response = save(client, attempt, 1, {"choice": item.options[0].key, **data} if "choice" not in data else data)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["saved"] is False and body["message"]


@pytest.mark.parametrize("body", ["choice=%ED%A0%80", "choice=%00", "choice=%FF%FE"])
def test_an_undecodable_autosave_is_a_400(client, learner, body):
    attempt = exam(learner, [first_of("single")])
    response = client.post(f"/quiz/a/{attempt.id}/1/save/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert Answer.objects.get(attempt=attempt).answered_at is None


def test_autosave_refuses_a_practice_attempt(client, learner):
    item = first_of("single")
    attempt = services.start(learner, "practice", [item.id], "Practice", now=timezone.now())
    assert save(client, attempt, 1, {"choice": item.options[0].key}).status_code == 400
    assert Answer.objects.get(attempt=attempt).answered_at is None  # practice keeps answer-then-feedback


def test_autosave_refuses_a_submitted_exam_and_points_to_the_results(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    client.post(f"/quiz/a/{attempt.id}/submit/")
    response = save(client, attempt, 1, {"choice": item.options[0].key})
    assert response.status_code == 409 and json.loads(response.content)["results"].endswith("/results/")


def test_autosave_of_someone_elses_exam_is_403(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    assert Client().post(f"/quiz/a/{attempt.id}/1/save/", {"choice": item.options[0].key}).status_code == 403


def test_autosave_keeps_csrf_protection(learner, django_user_model):
    item = first_of("single")
    attempt = exam(learner, [item])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.get(id=learner.user_id))
    assert strict.post(f"/quiz/a/{attempt.id}/1/save/", {"choice": item.options[0].key}).status_code == 403


def test_autosave_of_a_question_number_out_of_range_is_404(client, learner):
    attempt = exam(learner, [first_of("single")])
    assert save(client, attempt, 5, {"choice": "a"}).status_code == 404


def test_a_tampered_action_on_the_question_form_is_a_400(client, learner):
    attempt = exam(learner, [first_of("single")])
    response = client.post(f"/quiz/a/{attempt.id}/1/", {"action": "delete-everything"})
    assert response.status_code == 400 and "nothing else can be sent" in response.content.decode()


def test_the_exam_form_autosaves_and_keeps_a_save_button_without_javascript(client, learner):
    attempt = exam(learner, [first_of("single")])
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert f'data-autosave="/quiz/a/{attempt.id}/1/save/"' in html
    assert 'value="answer"' in html and 'aria-live="polite"' in html and 'id="save-retry"' in html


# -- keyboard hint (B13) ----------------------------------------------------------------------------
def test_the_exam_key_hint_offers_a_to_f_and_flags_with_g(client, learner):
    six = next(i for i in questions.load().items.values() if len(i.options) == 6 and i.type != "ordering")
    attempt = exam(learner, [six])
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    hint = re.search(r'data-testid="key-hint">([^<]*)<', html).group(1)
    assert "1–6 or A–F choose" in hint and "G flags" in hint and "F flags" not in hint
    assert 'data-key="g"' in html


# -- palette ----------------------------------------------------------------------------------------
def test_the_palette_has_a_legend_and_is_folded_in_the_html(client, learner):
    attempt = exam(learner, some_items(3))
    client.post(f"/quiz/a/{attempt.id}/2/", {"action": "flag"})
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    palette = re.search(r"<details class=\"palette[^>]*>", html).group(0)
    assert " open" not in palette  # quiz.js opens it on a wide screen; a phone sees the summary only
    for word in ("Answered", "Unanswered", "Flagged", "Current"):
        assert f"</span> {word}</li>" in html
    assert 'aria-label="Question 2, unanswered, flagged"' in html and "0</span> of 3 answered · 1 flagged" in html


# -- submit confirmation ----------------------------------------------------------------------------
def test_the_review_page_confirms_with_the_unanswered_and_flagged_counts(client, learner):
    items = some_items(4)
    attempt = exam(learner, items)
    save(client, attempt, 1, {"choice": items[0].options[0].key} if items[0].type != "ordering" else {})
    client.post(f"/quiz/a/{attempt.id}/3/", {"action": "flag"})
    response = client.get(f"/quiz/a/{attempt.id}/review/")
    answered = Answer.objects.filter(attempt=attempt, answered_at__isnull=False).count()
    assert response.context["unanswered"] == [n for n in range(1, 5) if n > answered]
    assert response.context["flagged"] == [3]
    html = response.content.decode()
    assert re.search(r"<dialog id=\"submit-dialog\"[^>]*aria-labelledby=", html)
    assert f'data-testid="confirm-unanswered">{4 - answered} unanswered<' in html
    assert 'data-testid="confirm-flagged">1 flagged<' in html
    assert 'data-confirm="submit-dialog"' in html and '<form method="dialog">' in html


# -- resume banner and history ----------------------------------------------------------------------
def test_the_quiz_home_offers_to_resume_a_running_exam(client, learner):
    items = some_items(3)
    attempt = exam(learner, items, minutes=60)
    client.post(f"/quiz/a/{attempt.id}/2/", {"action": "flag"})
    html = client.get("/quiz/").content.decode()
    assert 'data-testid="resume-exam"' in html and "Resume your exam" in html
    assert "<strong>0 of 3</strong> answered, 1 flagged" in html and "60 minutes</strong> left" in html
    assert f'href="/quiz/a/{attempt.id}/1/">Resume at question 1<' in html


def test_no_resume_banner_once_the_exam_is_submitted_or_for_a_visitor(client, learner):
    attempt = exam(learner, some_items(2))
    client.post(f"/quiz/a/{attempt.id}/submit/")
    assert "Resume your exam" not in client.get("/quiz/").content.decode()
    assert "Resume your exam" not in Client().get("/quiz/").content.decode()


def test_history_lists_past_attempts_and_charts_exam_scores_with_a_pass_line(client, learner):
    now = timezone.now()
    for score in (0.5, 0.8):
        attempt = exam(learner, some_items(2))
        Attempt.objects.filter(id=attempt.id).update(submitted_at=now, score=score)
    practice = services.start(learner, "practice", [some_items(1)[0].id], "Practice: SQS", now=now)
    Attempt.objects.filter(id=practice.id).update(submitted_at=now, score=1.0)
    html = client.get("/quiz/").content.decode()
    assert "Your attempts" in html and "Practice: SQS" in html and html.count("Exam simulation") >= 2
    assert "50%" in html and "80%" in html and "100%" in html
    svg = re.search(r'<svg class="score-chart exam-chart".*?</svg>', html, re.S).group(0)
    assert svg.count('class="score-dot"') == 2  # exams only
    assert 'class="pass-line"' in svg and "pass estimate 72%" in svg and ">0%<" in svg and ">100%<" in svg


def test_history_is_empty_for_a_newcomer(client):
    html = client.get("/quiz/").content.decode()
    assert "No finished attempts yet" in html and "exam-chart" not in html


# -- blueprint choice -------------------------------------------------------------------------------
def test_the_quiz_home_offers_both_exam_blueprints_with_what_they_mean(client):
    html = client.get("/quiz/").content.decode()
    assert 'name="blueprint" id="bp-DVA-C02" value="DVA-C02" checked' in html
    assert 'value="SAA-C03"' in html and "domain proportions" in html


def test_an_exam_started_on_the_saa_blueprint_is_drawn_and_titled_for_it(client):
    response = client.post("/quiz/start/", {"mode": "exam", "size": "15", "blueprint": "SAA-C03"})
    assert response.status_code == 302
    attempt = Attempt.objects.latest("started_at")
    assert attempt.blueprint == "SAA-C03" and attempt.title.startswith("SAA-C03")
    assert client.post("/quiz/start/", {"mode": "exam", "size": "15", "blueprint": "XYZ"}).status_code == 400


# -- a submitted exam is read-only (B14) ------------------------------------------------------------
def test_a_submitted_exams_question_shows_the_answer_and_explanations_with_nothing_to_press(client, learner):
    item = first_of("single")
    attempt = exam(learner, [item])
    wrong = next(o.key for o in item.options if not o.correct)
    save(client, attempt, 1, {"choice": wrong})
    client.post(f"/quiz/a/{attempt.id}/submit/")
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert "quiz-timer" not in html and 'role="timer"' not in html
    assert 'value="answer"' not in html and 'value="flag"' not in html and "data-autosave" not in html
    assert "<fieldset disabled>" in html and html.count('class="rationale') == len(item.options)
    assert "is-correct" in html and "is-wrong" in html and "Not quite" in html


def test_a_submitted_exams_unanswered_question_says_so(client, learner):
    attempt = exam(learner, [first_of("single")])
    client.post(f"/quiz/a/{attempt.id}/submit/")
    assert "You did not answer this question" in client.get(f"/quiz/a/{attempt.id}/1/").content.decode()


# -- results ----------------------------------------------------------------------------------------
def submitted_exam(client, learner) -> tuple[Attempt, list]:
    """Four questions: the first right, the second wrong and flagged, the rest unanswered."""
    items = [i for i in some_items(40) if i.type == "single"][:4]
    attempt = exam(learner, items)
    save(client, attempt, 1, {"choice": next(o.key for o in items[0].options if o.correct), "spent_ms": "12400"})
    save(client, attempt, 2, {"choice": next(o.key for o in items[1].options if not o.correct)})
    client.post(f"/quiz/a/{attempt.id}/2/", {"action": "flag"})
    client.post(f"/quiz/a/{attempt.id}/submit/")
    return attempt, items


def test_results_filter_to_wrong_flagged_or_all(client, learner):
    attempt, _ = submitted_exam(client, learner)
    url = f"/quiz/a/{attempt.id}/results/"
    assert client.get(url).content.decode().count('data-testid="result-row"') == 4
    assert client.get(url + "?show=wrong").content.decode().count('data-testid="result-row"') == 3
    flagged = client.get(url + "?show=flagged").content.decode()
    assert flagged.count('data-testid="result-row"') == 1 and '<span aria-hidden="true">Q</span>2 ·' in flagged
    assert 'class="nav-link active" href="?show=flagged#questions-h" aria-current="true"' in flagged


def test_results_filter_by_domain(client, learner):
    attempt, items = submitted_exam(client, learner)
    plan = questions.blueprint()
    number = plan.primary_domain("DVA-C02", items[0]).number
    expected = sum(1 for i in items if plan.primary_domain("DVA-C02", i).number == number)
    html = client.get(f"/quiz/a/{attempt.id}/results/?show=domain-{number}").content.decode()
    assert html.count('data-testid="result-row"') == expected


@pytest.mark.parametrize("show", ["bogus", "domain-x", "domain-999999", "domain-"])
def test_an_unknown_results_filter_is_a_400(client, learner, show):
    attempt, _ = submitted_exam(client, learner)
    response = client.get(f"/quiz/a/{attempt.id}/results/?show={show}")
    assert response.status_code in (200, 400)
    if show != "domain-999999":
        assert response.status_code == 400 and "Show all, wrong, flagged" in response.content.decode()


def test_results_show_domains_with_bars_lesson_links_and_drills(client, learner):
    attempt, items = submitted_exam(client, learner)
    response = client.get(f"/quiz/a/{attempt.id}/results/")
    html = response.content.decode()
    domains = response.context["report"]["by_domain"]
    assert domains
    names = {s.slug: s.name for s in __import__("learn.catalog", fromlist=["load"]).load().sources.values()}
    for d in domains:
        assert f"Domain {d.number}: {d.name}" in html and f"{d.right} / {d.total}" in html
        assert f'data-testid="domain-{d.number}"' in html
        for slug in d.missed_sources:
            assert f'<a href="/sources/{slug}/">{names[slug]}</a>' in html
        for task in d.tasks:
            assert f'name="exam" value="{task}"' in html
    assert 'class="domain-bar"' in html and "Pass estimate" in html and "12 s spent" in html


def test_a_drill_from_the_results_starts_practice_on_the_task(client, learner):
    attempt, _ = submitted_exam(client, learner)
    task = client.get(f"/quiz/a/{attempt.id}/results/").context["report"]["by_domain"][0].tasks[0]
    assert client.post("/quiz/start/", {"mode": "practice", "exam": task, "size": "10"}).status_code == 302
    drill = Attempt.objects.latest("started_at")
    bank = questions.load()
    assert drill.mode == "practice" and all(task in bank.items[i].exam for i in drill.item_ids)


def test_results_fold_each_question_so_the_page_is_short(client, learner):
    attempt, _ = submitted_exam(client, learner)
    html = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    assert html.count('<li class="result-row') == 4 and html.count("<details>") == 4
    assert "<details open" not in html


def test_results_give_the_average_time_per_question_in_seconds(client, learner):
    attempt, _ = submitted_exam(client, learner)
    html = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    # 12.4 s on the first question, well under a second on the second
    assert re.search(r'data-testid="average-time">(\d+ s|Under 1 s) per question on average', html)


def test_a_submitted_exams_review_page_has_no_timer_and_no_submit(client, learner):
    attempt = exam(learner, some_items(2))
    client.post(f"/quiz/a/{attempt.id}/submit/")
    html = client.get(f"/quiz/a/{attempt.id}/review/").content.decode()
    assert 'role="timer"' not in html and "submit-dialog" not in html and "Submit the exam</button>" not in html


def test_an_ordering_questions_key_hint_promises_no_letters(client, learner):
    attempt = exam(learner, [first_of("ordering")])
    hint = re.search(r'data-testid="key-hint">([^<]*)<', client.get(f"/quiz/a/{attempt.id}/1/").content.decode())
    assert "choose" not in hint.group(1) and "position menu" in hint.group(1) and "G flags" in hint.group(1)


def test_the_practice_task_filter_names_each_task(client):
    html = client.get("/quiz/").content.decode()
    assert '<option value="DVA-C02 1.2">DVA-C02 1.2 · Develop code for AWS Lambda</option>' in html


def test_an_exam_out_of_time_is_submitted_by_its_review_page(client, learner):
    attempt = exam(learner, some_items(2))
    Attempt.objects.filter(id=attempt.id).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(f"/quiz/a/{attempt.id}/review/")
    assert response.status_code == 302 and response["Location"].endswith("/results/")
    assert Attempt.objects.get(id=attempt.id).submitted_at is not None


def test_a_draft_saved_after_the_deadline_is_refused_and_the_exam_submitted(client, learner):
    item = first_of("multiple")
    attempt = exam(learner, [item])
    Attempt.objects.filter(id=attempt.id).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    response = save(client, attempt, 1, {"choice": item.options[0].key})
    assert response.status_code == 409 and "Time is up" in json.loads(response.content)["message"]
    assert Attempt.objects.get(id=attempt.id).submitted_at is not None


# -- exam walk fixes (exam-room-walk.md, December 2026) ---------------------------------------------
def test_an_exam_question_offers_no_i_dont_know_and_no_confidence_but_practice_does(client, learner):
    item = first_of("single")
    html = client.get(f"/quiz/a/{exam(learner, [item]).id}/1/").content.decode()
    assert 'name="dont_know"' not in html and 'name="confidence"' not in html
    practice = services.start(learner, "practice", [item.id], "Practice", now=timezone.now())
    html = client.get(f"/quiz/a/{practice.id}/1/").content.decode()
    assert 'name="dont_know"' in html and 'name="confidence"' in html


def test_i_dont_know_posted_to_an_exam_clears_the_answer_and_counts_as_unanswered(client, learner):
    items = [i for i in some_items(40) if i.type == "single"][:3]
    attempt = exam(learner, items)
    save(client, attempt, 1, {"choice": items[0].options[0].key})
    save(client, attempt, 2, {"choice": items[1].options[0].key})
    assert client.post(f"/quiz/a/{attempt.id}/1/", {"dont_know": "1"}).status_code == 302
    response = save(client, attempt, 2, {"dont_know": "1"})
    assert json.loads(response.content) == {"saved": True, "answered": False, "answered_count": 0, "total": 3}
    for answer in Answer.objects.filter(attempt=attempt):
        assert answer.answered_at is None and answer.choice is None and not answer.dont_know
    review = client.get(f"/quiz/a/{attempt.id}/review/")
    assert review.context["unanswered"] == [1, 2, 3]
    assert 'data-testid="confirm-unanswered">3 unanswered<' in review.content.decode()
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert 'aria-label="Question 1, unanswered"' in html and "0</span> of 3 answered" in html


def ordering_exam(client, learner, *, submit: bool = True):
    item = first_of("ordering")
    attempt = exam(learner, [item])
    keys = [o.key for o in item.options]
    wrong = [keys[1], keys[0], *keys[2:]]  # the first two steps swapped
    save(client, attempt, 1, {f"position-{k}": str(wrong.index(k) + 1) for k in keys})
    if submit:
        client.post(f"/quiz/a/{attempt.id}/submit/")
    return attempt, item


def test_a_submitted_ordering_question_shows_each_steps_right_position_and_the_right_order(client, learner):
    attempt, item = ordering_exam(client, learner)
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert html.count('data-testid="step-feedback"') == len(item.options)
    assert "Correct:" not in html
    assert "✗ Belongs at step 1, you put it at 2." in html and "✗ Belongs at step 2, you put it at 1." in html
    assert html.count("✓ Right: step") == len(item.options) - 2
    order = re.search(r'data-testid="correct-order".*?</ol>', html, re.S).group(0)
    positions = [order.index(o.html) for o in item.options]
    assert positions == sorted(positions)
    results = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    assert "(✗ you put it at step 2)" in results and "(✓ you put it here)" in results


def test_practice_ordering_feedback_marks_steps_too(client, learner):
    item = first_of("ordering")
    practice = services.start(learner, "practice", [item.id], "Practice", now=timezone.now())
    keys = [o.key for o in item.options]
    wrong = [keys[1], keys[0], *keys[2:]]
    client.post(f"/quiz/a/{practice.id}/1/", {f"position-{k}": str(wrong.index(k) + 1) for k in keys})
    html = client.get(f"/quiz/a/{practice.id}/1/").content.decode()
    assert "✗ Belongs at step 1, you put it at 2." in html and 'data-testid="correct-order"' in html


def test_starting_an_exam_while_one_runs_asks_first(client, learner):
    running = exam(learner, some_items(2), minutes=60)
    response = client.post("/quiz/start/", {"mode": "exam", "size": "15", "blueprint": "SAA-C03"})
    assert response.status_code == 302 and response["Location"].startswith("/quiz/?")
    assert Attempt.objects.filter(mode="exam").count() == 1  # nothing started, nothing orphaned
    home = client.get(response["Location"])
    html = home.content.decode()
    assert "You already have an exam running" in html and 'data-testid="replace-exam"' in html
    assert f'href="/quiz/a/{running.id}/1/">Resume at question 1<' in html
    assert 'name="confirm" value="submit-running"' in html and "Submit it and start the new one" in html
    assert 'name="blueprint" value="SAA-C03"' in html and 'name="size" value="15"' in html


def test_confirming_submits_the_running_exam_and_starts_the_new_one(client, learner):
    running = exam(learner, some_items(2), minutes=60)
    data = {"mode": "exam", "size": "15", "blueprint": "SAA-C03", "confirm": "submit-running"}
    response = client.post("/quiz/start/", data)
    assert response.status_code == 302 and "/quiz/a/" in response["Location"]
    running.refresh_from_db()
    assert running.submitted_at is not None and running.score == 0.0
    new = Attempt.objects.filter(mode="exam", submitted_at__isnull=True).get()
    assert new.blueprint == "SAA-C03" and new.pk != running.pk
    assert running in list(Attempt.objects.filter(submitted_at__isnull=False))  # in the history


def test_a_tampered_replace_query_shows_the_plain_banner(client, learner):
    exam(learner, some_items(2), minutes=60)
    html = client.get("/quiz/?replace=exam&blueprint=XYZ&size=7").content.decode()
    assert "Resume your exam" in html and "replace-exam" not in html


def test_a_csrf_failure_is_a_friendly_site_page(settings, django_user_model):
    settings.DEBUG = False
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/quiz/start/", {"mode": "practice"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your session expired" in html and "saved answers are safe" in html
    assert 'href="/quiz/"' in html and "<nav" in html  # the site layout, and a way back
    assert "CSRF verification failed" not in html


def test_a_csrf_failure_on_autosave_answers_json_saying_to_reload(settings, django_user_model):
    settings.DEBUG = False
    user = django_user_model.objects.create_user("csrf-taker", password="a-long-enough-password")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    attempt = exam(services.Owner(user.id, ""), [first_of("single")])
    response = strict.post(f"/quiz/a/{attempt.id}/1/save/", {"choice": "a"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["saved"] is False and body["csrf"] is True and "Reload the page" in body["message"]


def test_the_exam_card_and_results_say_the_scope_is_lambda_invocation_only(client, learner):
    html = client.get("/quiz/").content.decode()
    scope = re.search(r'data-testid="exam-scope">(.*?)</p>', html, re.S).group(1)
    assert "how Lambda is invoked" in scope and "not a full mock exam" in scope and "this topic only" in scope
    attempt, _ = submitted_exam(client, learner)
    results = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    assert "estimate for this topic, how Lambda is invoked" in results


def test_on_a_phone_the_history_shows_title_and_score_only(client, learner):
    attempt, _ = submitted_exam(client, learner)
    html = client.get("/quiz/").content.decode()
    table = re.search(r'<table class="table table-sm align-middle mb-0 history-table">.*?</table>', html, re.S).group(0)
    assert '<th scope="col" class="d-none d-sm-table-cell">Finished</th>' in table
    assert '<th scope="col" class="d-none d-sm-table-cell">Mode</th>' in table
    assert 'data-testid="phone-meta"' in table and '<th scope="col" class="text-end">Score</th>' in table


def test_practice_shows_no_flagged_legend_or_filter(client, learner):
    item = first_of("single")
    practice = services.start(learner, "practice", [item.id], "Practice", now=timezone.now())
    assert "</span> Flagged</li>" not in client.get(f"/quiz/a/{practice.id}/1/").content.decode()
    client.post(f"/quiz/a/{practice.id}/1/", {"choice": item.options[0].key})
    results = client.get(f"/quiz/a/{practice.id}/results/").content.decode()
    assert 'data-filter="flagged"' not in results and 'data-filter="wrong"' in results


def test_the_key_hint_is_marked_to_hide_on_touch_screens(client, learner):
    html = client.get(f"/quiz/a/{exam(learner, [first_of('single')]).id}/1/").content.decode()
    assert 'class="small text-body-secondary mt-2 key-hint" data-testid="key-hint"' in html
    from django.contrib.staticfiles import finders

    with open(finders.find("quiz/quiz.css"), encoding="utf-8") as file:
        css = file.read()
    assert "(hover: none) and (pointer: coarse) { .key-hint { display: none; } }" in css


def test_results_rows_carry_a_short_stem_for_phones(client, learner):
    attempt, items = submitted_exam(client, learner)
    html = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    shorts = re.findall(r'data-testid="short-stem">([^<]*)<', html)
    assert len(shorts) == len(items) and all(0 < len(s) <= 60 for s in shorts)


def test_the_score_chart_draws_one_blueprint_with_a_legend_and_a_choice(client, learner):
    now = timezone.now()
    for blueprint, score in (("DVA-C02", 0.5), ("SAA-C03", 0.9), ("DVA-C02", 0.6), ("SAA-C03", 0.8)):
        attempt = exam(learner, some_items(2), blueprint=blueprint)
        now += dt.timedelta(minutes=1)
        Attempt.objects.filter(id=attempt.id).update(submitted_at=now, score=score)
    html = client.get("/quiz/").content.decode()  # the newest exam's blueprint: SAA-C03
    svg = re.search(r'<svg class="score-chart exam-chart".*?</svg>', html, re.S).group(0)
    assert svg.count('class="score-dot"') == 2 and "(SAA-C03): 90%" in svg and "(DVA-C02)" not in svg
    assert 'data-testid="chart-legend"' in html and 'data-chart="DVA-C02"' in html
    html = client.get("/quiz/?chart=DVA-C02").content.decode()
    svg = re.search(r'<svg class="score-chart exam-chart".*?</svg>', html, re.S).group(0)
    assert svg.count('class="score-dot"') == 2 and "Exam 1 (DVA-C02): 50%" in svg and "(SAA-C03)" not in svg


def test_unfinished_practice_is_listed_with_a_resume_link(client, learner):
    items = [i for i in some_items(40) if i.type == "single"][:3]
    practice = services.start(learner, "practice", [i.id for i in items], "Practice: SQS", now=timezone.now())
    client.post(f"/quiz/a/{practice.id}/1/", {"choice": items[0].options[0].key})
    html = client.get("/quiz/").content.decode()
    section = re.search(r'data-testid="open-practice".*?</section>', html, re.S).group(0)
    assert "Practice: SQS" in section and "1 of 3 answered" in section
    assert f'href="/quiz/a/{practice.id}/2/">Resume at question 2' in section
    client.get(f"/quiz/a/{practice.id}/results/")  # finishing it takes it off the list
    assert 'data-testid="open-practice"' not in client.get("/quiz/").content.decode()


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html", "Lambda Developer Guide: Function URL auth"),
        ("https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html", "Lambda Developer Guide: Quotas"),
        (
            "https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html",
            "Lambda Developer Guide: Using Lambda with MSK permissions",
        ),
        (
            "https://docs.aws.amazon.com/lambda/latest/api/API_FunctionUrlConfig.html",
            "Lambda API Reference: FunctionUrlConfig (API)",
        ),
    ],
)
def test_read_more_labels_are_readable(url, label):
    from learn.quiz.views import doc_label

    assert doc_label(url) == label


def test_no_read_more_label_in_the_bank_is_slug_like():
    from learn.quiz.views import doc_label

    for item in questions.load().items.values():
        for url in item.docs:
            label = doc_label(url)
            page = label.partition(": ")[2]
            assert "-" not in page.replace("Step-", "") or " " in page, label
            assert page[:1].isupper(), label
