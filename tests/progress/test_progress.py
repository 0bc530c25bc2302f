from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail

from learn.progress import services
from learn.progress.models import LessonRead
from learn.quiz import questions
from learn.quiz.models import Attempt
from tests.quiz.answers import wrong_multiple_choice

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"


def answer_one(client, correct: bool = False) -> Attempt:
    client.post("/quiz/start/", {"mode": "practice", "size": "5", "source": "sqs"})
    attempt = Attempt.objects.latest("started_at")
    item = questions.load().items[attempt.item_ids[0]]
    if item.type == "ordering":
        keys = [o.key for o in item.options] if correct else [o.key for o in reversed(item.options)]
        data = {f"position-{k}": str(n) for n, k in enumerate(keys, start=1)}
    elif item.type == "multiple":
        data = {"choice": list(item.correct_keys)} if correct else {"choice": wrong_multiple_choice(item)}
    else:
        data = {"choice": item.correct_keys[0] if correct else next(o.key for o in item.options if not o.correct)}
    client.post(f"/quiz/a/{attempt.id}/1/", data)
    return attempt


def test_reading_a_lesson_is_recorded_once(client):
    client.post("/sources/sqs/read/")  # "Mark as read" (a visitor's GET alone records nothing: W6)
    client.get("/sources/sqs/")
    assert LessonRead.objects.filter(slug="sqs").count() == 1
    assert "Lessons read" in client.get("/progress/").content.decode()


def test_signing_up_keeps_what_the_learner_did_anonymously(client):
    client.post("/sources/kinesis/read/")
    attempt = answer_one(client)
    response = client.post("/accounts/signup/", {"username": "grace", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="grace")
    attempt.refresh_from_db()
    assert attempt.user == user and attempt.session_key == ""
    assert LessonRead.objects.get(slug="kinesis").user == user
    assert client.get(f"/quiz/a/{attempt.id}/1/").status_code == 200  # still theirs after the session key changed


def test_logging_in_keeps_anonymous_work_too(client):
    User.objects.create_user("linus", password=PASSWORD)
    attempt = answer_one(client)
    assert client.post("/accounts/login/", {"username": "linus", "password": PASSWORD}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.user.username == "linus"


def test_signup_with_mismatched_passwords_keeps_the_form(client):
    response = client.post("/accounts/signup/", {"username": "x", "password1": PASSWORD, "password2": "other-pass-99"})
    assert response.status_code == 400
    assert 'value="x"' in response.content.decode()


def test_dashboard_shows_scores_mastery_and_weak_misconceptions(client):
    attempt = answer_one(client, correct=False)
    client.get(f"/quiz/a/{attempt.id}/results/")  # finishing practice records the score
    html = client.get("/progress/").content.decode()
    assert "<svg" in html and "score-line" in html
    assert "Mastery by source" in html and "of 1" in html


def test_score_chart_scales_scores():
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    chart = services.score_chart([(now, 0.0, "exam"), (now, 1.0, "exam")], width=100, height=100)
    assert [p["y"] for p in chart["points"]] == [68.0, 32.0]


def test_password_reset_sends_an_email_through_the_console_backend(client):
    User.objects.create_user("mary", email="mary@example.com", password=PASSWORD)
    response = client.post("/accounts/password_reset/", {"email": "mary@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_logout_is_a_post(client):
    User.objects.create_user("ken", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ken", "password": PASSWORD})
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert "Log in" in client.get("/").content.decode()


def test_login_is_throttled_after_repeated_failures(client):
    from learn.ratelimit.models import Counter

    User.objects.create_user("eve", password=PASSWORD)
    for _ in range(5):
        assert client.post("/accounts/login/", {"username": "eve", "password": "wrong-guess"}).status_code == 200
    blocked = client.post("/accounts/login/", {"username": "eve", "password": PASSWORD})
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.content.decode()
    Counter.objects.all().delete()  # the window has passed
    assert client.post("/accounts/login/", {"username": "eve", "password": PASSWORD}).status_code == 302
