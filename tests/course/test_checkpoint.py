from __future__ import annotations

import pytest

from learn import catalog
from learn.course import checkpoints
from learn.course.models import Checkpoint
from learn.quiz import questions
from learn.quiz.models import Answer, Attempt, ReviewCard
from tests.course.helpers import answer, answer_all, answer_data, items

pytestmark = pytest.mark.django_db


def test_checkpoints_choose_the_same_few_single_answer_questions_for_everyone():
    bank = questions.load()
    first = checkpoints.choose_items(bank, "sqs")
    assert first == checkpoints.choose_items(bank, "sqs")
    assert 3 <= len(first) <= 5 and all(i.type == "single" for i in first)
    assert len({i.id.partition("--")[0] for i in first}) == len(first)  # one per engine template


def test_a_source_with_few_questions_gets_fewer_and_never_an_ordering_item():
    bank = questions.load()
    for slug in catalog.load().sources:
        chosen = checkpoints.choose_items(bank, slug)
        assert len(chosen) <= min(4, len(bank.for_source(slug)))
        assert all(i.type != "ordering" for i in chosen)


def test_the_fragment_for_htmx_has_no_page_chrome_and_the_page_has(client):
    fragment = client.get("/course/checkpoint/sqs/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<nav" not in fragment.content.decode()
    assert items("sqs")[0].id in fragment.content.decode()
    page = client.get("/course/checkpoint/sqs/").content.decode()
    assert "<nav" in page and "Checkpoint: SQS" in page


def test_looking_at_a_checkpoint_stores_nothing(client):
    client.get("/course/checkpoint/sqs/")
    client.get("/course/checkpoint/sqs/", HTTP_HX_REQUEST="true")
    assert "sessionid" not in client.cookies and not Attempt.objects.exists()


def test_an_unknown_source_is_a_404(client):
    assert client.get("/course/checkpoint/no-such-source/").status_code == 404


def test_answering_inline_returns_the_question_with_every_options_explanation(client):
    item = items("sqs")[0]
    response = answer(client, "sqs", 1, correct=True)
    html = response.content.decode()
    assert response.status_code == 200 and "<nav" not in html
    assert html.count("rationale") == len(item.options) and "Right!" in html
    assert 'id="checkpoint-status" class="checkpoint-status mb-3" hx-swap-oob="true"' in html
    assert "1 of 4 answered" in html


def test_an_answer_is_quiz_evidence_in_a_checkpoint_attempt(client):
    answer(client, "sqs", 1, correct=False)
    attempt = Attempt.objects.get()
    assert attempt.mode == Attempt.Mode.CHECKPOINT and Checkpoint.objects.get(attempt=attempt).source == "sqs"
    assert Answer.objects.get(attempt=attempt, item_id=items("sqs")[0].id).correct is False
    assert ReviewCard.objects.filter(item_id=items("sqs")[0].id).exists()  # a miss comes back for review
    assert "sessionid" in client.cookies  # answering is an action: the learner now has a session


def test_the_first_answer_is_kept(client):
    answer(client, "sqs", 1, correct=False)
    html = answer(client, "sqs", 1, correct=True).content.decode()
    assert "Not quite" in html and Answer.objects.get(item_id=items("sqs")[0].id).correct is False


def test_answering_every_question_submits_the_checkpoint_with_a_score(client):
    answer_all(client, "sqs", correct=True)
    attempt = Attempt.objects.get()
    assert attempt.submitted_at is not None and attempt.score == 1.0
    html = client.get("/course/checkpoint/sqs/", HTTP_HX_REQUEST="true").content.decode()
    assert "Checkpoint done: 4 of 4 right." in html and "Take it again" in html
    assert 'href="/models/sync/">Next: Synchronous invocation — model page</a>' in html  # on with the path


def test_taking_it_again_starts_a_fresh_attempt(client):
    answer_all(client, "sqs")
    response = client.post("/course/checkpoint/sqs/", {"action": "retake"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "0 of 4 answered" in response.content.decode()
    assert Attempt.objects.filter(mode="checkpoint").count() == 2


def test_an_unknown_option_is_a_clear_422_that_keeps_the_question(client):
    item = items("sqs")[0]
    response = client.post("/course/checkpoint/sqs/", {"item": item.id, "choice": "z"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422 and "z is not an option of this question." in html
    assert item.id in html and not Attempt.objects.exists()


def test_a_question_from_another_source_is_a_clear_422(client):
    other = items("kinesis")[0]
    response = client.post("/course/checkpoint/sqs/", answer_data(other, True), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "not part of this checkpoint" in response.content.decode()
    assert not Attempt.objects.exists()


def test_no_answer_at_all_is_a_422_not_a_500(client):
    item = items("sqs")[0]
    response = client.post("/course/checkpoint/sqs/", {"item": item.id})
    assert response.status_code == 422 and "Choose an answer, or select" in response.content.decode()
    assert "<nav" in response.content.decode()  # without JavaScript: the whole page, with the message


def test_without_javascript_an_answer_redirects_back_to_the_lessons_checkpoint(client):
    response = answer(client, "sqs", 1, correct=True, htmx=False)
    assert response.status_code == 302 and response["Location"] == "/sources/sqs/#checkpoint"
    assert Answer.objects.filter(answered_at__isnull=False).count() == 1


def test_the_lesson_slot_loads_the_learners_answers_and_links_them_without_javascript(client):
    answer(client, "sqs", 1, correct=True)
    lesson = client.get("/sources/sqs/").content.decode()  # one cached rendering for all: no answers in it
    assert 'id="checkpoint"' in lesson and "1 of 4 answered" not in lesson
    assert 'hx-get="/course/checkpoint/sqs/"' in lesson and 'href="/course/checkpoint/sqs/"' in lesson
    slot = client.get("/course/checkpoint/sqs/", headers={"HX-Request": "true"})
    assert "1 of 4 answered" in slot.content.decode() and "Right!" in slot.content.decode()
    assert "no-store" in slot["Cache-Control"]
    page = client.get("/course/checkpoint/sqs/").content.decode()  # the link, for a browser without JavaScript
    assert "1 of 4 answered" in page and "Right!" in page


def test_a_question_in_a_running_exam_gets_no_feedback_here(client):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from learn.quiz import services
    from learn.quiz.services import Owner

    user = User.objects.create_user("ada", password="a-long-passphrase-77")
    client.force_login(user)
    item = items("sqs")[0]
    services.start(Owner(user.id, ""), "exam", [item.id], "Exam", minutes=30, now=timezone.now())
    response = answer(client, "sqs", 1)
    assert response.status_code == 409 and "exam you are taking" in response.content.decode()
    assert not Attempt.objects.filter(mode="checkpoint").exists()


def test_a_refused_answer_keeps_what_the_learner_chose(client):
    item = items("sqs")[0]
    keys = [o.key for o in item.options][:2]
    response = client.post("/course/checkpoint/sqs/", {"item": item.id, "choice": keys}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422 and "Choose exactly one option." in html
    for key in keys:
        assert f'id="cp-1-{key}" value="{key}" checked' in html


def test_signing_up_keeps_the_checkpoint(client):
    from django.contrib.auth.models import User

    from learn.course import progress
    from learn.quiz.services import Owner

    answer_all(client, "sqs")
    password = "a-long-passphrase-77"
    client.post("/accounts/signup/", {"username": "grace", "password1": password, "password2": password})
    user = User.objects.get(username="grace")
    assert progress.evidence(Owner(user.id, "")).checkpoints["sqs"].complete
    assert "Checkpoint done" in client.get("/course/checkpoint/sqs/").content.decode()


def _opening_tag(html: str, number: int) -> str:
    start = html.index(f'<li id="cp-{number}"')
    return html[start : html.index(">", start)]


def test_the_checkpoint_shows_one_new_question_at_a_time(client):
    """The answered questions and the first unanswered one are shown; the next appears when that is answered."""
    total = len(items("sqs"))
    html = client.get("/course/checkpoint/sqs/", HTTP_HX_REQUEST="true").content.decode()
    assert "hidden" not in _opening_tag(html, 1)
    assert all(_opening_tag(html, n).endswith(" hidden") for n in range(2, total + 1))
    reply = answer(client, "sqs", 1, correct=False).content.decode()
    assert 'hx-swap-oob="true"' in _opening_tag(reply, 2) and "hidden" not in _opening_tag(reply, 2)
    assert 'hx-post="/course/checkpoint/sqs/"' in reply[reply.index('<li id="cp-2"') :]  # it can be answered
    assert '<li id="cp-3"' not in reply
    page = client.get("/course/checkpoint/sqs/").content.decode()  # a reload (or no JavaScript) shows the same
    assert "hidden" not in _opening_tag(page, 2) and _opening_tag(page, 3).endswith(" hidden")
    answer_all(client, "sqs")
    done = client.get("/course/checkpoint/sqs/", HTTP_HX_REQUEST="true").content.decode()
    assert not any("hidden" in _opening_tag(done, n) for n in range(1, total + 1))
