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
