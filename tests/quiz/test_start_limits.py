"""W6: starting attempts is limited per learner and per client address (each start stores up to 65 rows).

Exam starts: EXAM_STARTS_PER_HOUR per learner (default 20) and EXAM_STARTS_PER_ADDRESS_PER_HOUR (default 60);
any start (practice, drill, review too): QUIZ_STARTS_PER_HOUR (120) and QUIZ_STARTS_PER_ADDRESS_PER_HOUR (360).
Counted in learn/ratelimit's database counters, before anything is stored; refused or invalid starts do not count.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from learn.quiz.models import Answer, Attempt

pytestmark = pytest.mark.django_db
EXAM = {"mode": "exam", "size": "15", "confirm": "submit-running"}  # each start replaces the running exam
PRACTICE = {"mode": "practice", "size": "5"}


def test_the_default_allows_20_exam_starts_an_hour_per_learner(client):
    statuses = [client.post("/quiz/start/", EXAM).status_code for _ in range(21)]
    assert statuses == [302] * 20 + [429]
    assert Attempt.objects.count() == 20
    refused = client.post("/quiz/start/", EXAM)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "exam" in refused.content.decode().lower()
    assert client.post("/quiz/start/", PRACTICE).status_code == 302  # practice has its own, larger allowance


def test_a_new_session_per_request_meets_the_address_limit(settings):
    settings.EXAM_STARTS_PER_ADDRESS_PER_HOUR = 3
    statuses = [Client().post("/quiz/start/", EXAM).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Attempt.objects.count() == 3
    assert Answer.objects.count() == 3 * len(Attempt.objects.first().item_ids)
    assert Session.objects.count() == 3  # a refused start stores no session either
    other = Client(REMOTE_ADDR="127.0.0.9")
    assert other.post("/quiz/start/", EXAM).status_code == 302


def test_every_kind_of_start_counts_against_the_general_limit(client, settings):
    settings.QUIZ_STARTS_PER_HOUR = 3
    statuses = [client.post("/quiz/start/", PRACTICE).status_code for _ in range(3)]
    statuses.append(client.post("/quiz/start/", EXAM).status_code)
    assert statuses == [302, 302, 302, 429]


def test_refused_invalid_and_empty_starts_do_not_count(client, settings):
    settings.EXAM_STARTS_PER_HOUR = 2
    assert client.post("/quiz/start/", {"mode": "exam", "size": "7"}).status_code == 400
    assert client.post("/quiz/start/", {"mode": "mistakes"}).status_code == 302  # nothing to retry: not counted
    assert client.post("/quiz/start/", EXAM).status_code == 302
    assert client.post("/quiz/start/", EXAM).status_code == 302
    assert client.post("/quiz/start/", EXAM).status_code == 429
    assert Attempt.objects.count() == 2
