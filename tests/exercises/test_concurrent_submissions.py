"""F5: concurrent submissions of one exercise by one learner never 500 and never free a running grading's sandbox.

Four threads post the reference solution at once (a slowed fake sandbox makes the gradings overlap). One grading
runs; the others are refused with 409 ("still running"); the environment clean-up (`sandbox.forget`) never runs
while another grading of the same learner is going; the pass is stored once. Real threads and the real database
(sessions in the cache, so SQLite's in-memory test database is not written concurrently).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from learn.exercises import service as exercise_service
from learn.exercises.local_runner import run_trusted
from learn.exercises.models import ExercisePass
from learn.exercises.service import exercises
from learn.playground import runtime

pytestmark = pytest.mark.django_db(transaction=True)
SLUG = "sqs-partial-batch"
URL = f"/exercises/{SLUG}/"
THREADS = 4


@pytest.fixture
def slow_sandbox(monkeypatch, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SANDBOX_RUNS_PER_MINUTE = settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE = 10_000
    settings.EXERCISE_SUBMISSIONS_PER_HOUR = 10_000
    cache.clear()
    state = {"running": 0, "most": 0, "forgot_while_running": 0, "forgets": 0}
    lock = threading.Lock()

    def run(code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, **extra):
        with lock:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
        try:
            time.sleep(0.02)
            result = run_trusted(code, handler, [event], learner)[-1]
            return runtime.Run(result.status, result.response, result.error, result.logs, isolation="bubblewrap")
        finally:
            with lock:
                state["running"] -= 1

    def forget(prefix: str) -> None:
        with lock:
            state["forgets"] += 1
            if state["running"]:
                state["forgot_while_running"] += 1

    monkeypatch.setattr(runtime, "run", run)
    monkeypatch.setattr(exercise_service.sandbox, "forget", forget)
    yield state
    cache.clear()


def test_four_concurrent_submissions_by_one_learner(slow_sandbox):
    client = Client()
    assert client.post(URL, {"action": "reset"}).status_code == 200  # the learner's session (a visit stores none)
    solution = exercises()[SLUG].solution
    barrier = threading.Barrier(THREADS)
    statuses: list = [None] * THREADS

    def submit(n: int) -> None:
        mine = Client()
        mine.cookies = client.cookies
        try:
            barrier.wait(timeout=10)
            statuses[n] = mine.post(URL, {"action": "submit", "code": solution}).status_code
        except BaseException as exc:  # noqa: BLE001 - reported below
            statuses[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(s in (200, 409) for s in statuses), statuses
    assert statuses.count(200) >= 1
    assert slow_sandbox["most"] == 1  # one grading at a time for the learner
    assert slow_sandbox["forgot_while_running"] == 0 and slow_sandbox["forgets"] == statuses.count(200)
    assert ExercisePass.objects.filter(slug=SLUG).count() == 1
