"""V4: while an exam is open nothing may reveal whether its answers are right.

Not the hub's "Retry my mistakes (N)", not the dashboard's mastery/answered/weakest figures, not a "mistakes"
practice attempt built from the open exam, not review scheduling. Once submitted, all its answers count at once.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from learn.progress import services as progress
from learn.progress.learners import owner_of
from learn.quiz import questions, services
from learn.quiz.models import Attempt, ReviewCard

from .answers import wrong_multiple_choice

pytestmark = pytest.mark.django_db


def answer_data(item, correct: bool) -> dict:
    if item.type == "ordering":
        keys = [o.key for o in item.options]
        return {f"position-{k}": str(n) for n, k in enumerate(keys if correct else reversed(keys), start=1)}
    if item.type == "multiple":
        if correct:
            return {"choice": list(item.correct_keys)}
        return {"choice": wrong_multiple_choice(item)}
    return {"choice": item.correct_keys[0] if correct else next(o.key for o in item.options if not o.correct)}


def start_exam(client, size: int = 15) -> Attempt:
    response = client.post("/quiz/start/", {"mode": "exam", "size": str(size)})
    assert response.status_code == 302, response.content[:300]
    return Attempt.objects.filter(mode="exam").latest("started_at")


def mistakes_count(client) -> int:
    html = client.get("/quiz/").content.decode()
    found = re.search(r"Retry my mistakes \((\d+)\)", html)
    return int(found.group(1)) if found else 0


def figures(client) -> dict:
    owner = owner_of(client_request(client))
    data = progress.dashboard(owner, questions.load(), timezone.now())
    return {k: data[k] for k in ("mastery_sources", "mastery_models", "weakest", "answered", "due_now")}


def client_request(client):
    """A request object carrying the client's session, to ask the services for the same learner."""
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return request


def test_open_exam_answers_change_neither_the_mistakes_count_nor_the_dashboard(client):
    exam = start_exam(client)
    bank = questions.load()
    before_hub = mistakes_count(client)
    before = figures(client)
    dashboard_before = client.get("/progress/").content.decode()
    for number, item_id in enumerate(exam.item_ids[:3], start=1):
        response = client.post(f"/quiz/a/{exam.id}/{number}/", answer_data(bank.items[item_id], correct=number == 1))
        assert response.status_code == 302
    client.post(f"/quiz/a/{exam.id}/4/", {"dont_know": "1"})
    assert mistakes_count(client) == before_hub == 0
    assert figures(client) == before
    dashboard_after = client.get("/progress/").content.decode()
    assert "Mastery by source" not in dashboard_after or dashboard_after.count("% of") == dashboard_before.count("% of")
    assert ReviewCard.objects.count() == 0  # no spaced review before submission either


def test_mistakes_mode_does_not_copy_an_open_exams_wrong_answers(client):
    exam = start_exam(client)
    for number in range(1, len(exam.item_ids) + 1):
        client.post(f"/quiz/a/{exam.id}/{number}/", {"dont_know": "1"})
    response = client.post("/quiz/start/", {"mode": "mistakes", "size": "65"})
    assert response.status_code == 302 and response["Location"] == "/quiz/"  # "No questions match"
    assert not Attempt.objects.exclude(pk=exam.pk).exists()
    assert not services.missed_items(services.Owner(None, exam.session_key))


def test_after_submission_every_exam_answer_counts_at_once(client):
    exam = start_exam(client)
    bank = questions.load()
    for number, item_id in enumerate(exam.item_ids, start=1):
        client.post(f"/quiz/a/{exam.id}/{number}/", answer_data(bank.items[item_id], correct=number % 2 == 1))
    assert figures(client)["answered"] == 0 and mistakes_count(client) == 0
    assert client.post(f"/quiz/a/{exam.id}/submit/").status_code == 302
    total, wrong = len(exam.item_ids), len(exam.item_ids) // 2
    assert figures(client)["answered"] == total
    assert mistakes_count(client) == wrong
    assert ReviewCard.objects.count() == wrong


def test_an_expired_exam_counts_once_it_is_closed_on_the_hub(client):
    exam = start_exam(client)
    bank = questions.load()
    client.post(f"/quiz/a/{exam.id}/1/", answer_data(bank.items[exam.item_ids[0]], correct=False))
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    assert mistakes_count(client) == 1  # the hub closed it, so its answers count now
    exam.refresh_from_db()
    assert exam.submitted_at is not None
    assert ReviewCard.objects.count() == len(exam.item_ids)  # unanswered count as wrong, for review too


def test_practice_answers_still_count_at_once(client):
    client.post("/quiz/start/", {"mode": "practice", "size": "5"})
    attempt = Attempt.objects.latest("started_at")
    item = questions.load().items[attempt.item_ids[0]]
    client.post(f"/quiz/a/{attempt.id}/1/", answer_data(item, correct=False))
    assert mistakes_count(client) == 1 and figures(client)["answered"] == 1


def test_missed_items_and_dashboard_ignore_open_exams_at_the_service_level():
    bank, now = questions.load(), timezone.now()
    owner = services.Owner(None, "learner-x")
    item = next(i for i in bank.items.values() if i.type == "single")
    exam = services.start(owner, "exam", [item.id], "t", minutes=30, now=now)
    services.record_answer(owner, exam, bank, item.id, [next(o.key for o in item.options if not o.correct)], now=now)
    assert services.missed_items(owner) == []
    data = progress.dashboard(owner, bank, now)
    assert data["answered"] == 0 and data["mastery_models"] == [] and data["weakest"] == []
    services.finish(exam, bank, now)
    assert services.missed_items(owner) == [item.id]
    assert progress.dashboard(owner, bank, now)["answered"] == 1


def test_practice_started_during_an_open_exam_leaves_its_questions_out(client):
    """Practising the open exam's very questions would show their answers: they are left out until it is submitted."""
    exam = start_exam(client)
    bank = questions.load()
    item = bank.items[exam.item_ids[0]]
    for filters in ({"source": item.sources[0]} if item.sources else {}, {"model": item.model}, {}):
        client.post("/quiz/start/", {"mode": "practice", "size": "65", **filters})
        practice = Attempt.objects.exclude(mode="exam").latest("started_at")
        assert not set(practice.item_ids) & set(exam.item_ids)
    client.post(f"/quiz/a/{exam.id}/submit/")
    allowed = services.matching(bank, model=item.model)
    assert item in allowed  # after submission the questions may be practised again
    assert not services.open_exam_items(services.Owner(None, exam.session_key), timezone.now())
