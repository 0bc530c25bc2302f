from __future__ import annotations

import pytest

from learn.catalog.rendering import inline_markdown
from learn.exercises.local_runner import run_trusted
from learn.exercises.models import ExercisePass
from learn.exercises.service import exercises
from learn.playground import runtime

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_sandbox(monkeypatch):
    """Exercise content runs through the trusted local runner here; isolation is tested in tests/sandbox."""
    state: dict[str, list] = {}

    def run(code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, **extra):
        state.setdefault(learner, []).append(event)
        result = run_trusted(code, handler, state[learner], learner)[-1]
        return runtime.Run(result.status, result.response, result.error, result.logs, isolation="bubblewrap")

    monkeypatch.setattr(runtime, "run", run)


def test_index_lists_exercises(client):
    html = client.get("/exercises/").content.decode()
    assert "Report only the failed SQS messages" in html


def test_running_the_examples_checks_only_visible_steps(client, fake_sandbox):
    exercise = exercises()["sqs-partial-batch"]
    html = client.post("/exercises/sqs-partial-batch/", {"action": "check", "code": exercise.solution}).content.decode()
    assert f"{len(exercise.visible_steps)} of {len(exercise.visible_steps)} checks passed" in html
    assert ">hidden</span>" not in html.split('id="feedback"')[1] and "Hidden cases" not in html


def test_submitting_a_correct_solution_records_the_pass(client, fake_sandbox):
    exercise = exercises()["sqs-partial-batch"]
    html = client.post(
        "/exercises/sqs-partial-batch/", {"action": "submit", "code": exercise.solution}
    ).content.decode()
    assert "the exercise is passed and saved" in html
    assert ExercisePass.objects.filter(slug="sqs-partial-batch").count() == 1
    assert "Exercises passed" in client.get("/progress/").content.decode()


def test_the_starter_fails_hidden_steps_without_revealing_them(client, fake_sandbox):
    exercise = exercises()["sqs-partial-batch"]
    html = client.post("/exercises/sqs-partial-batch/", {"action": "submit", "code": exercise.starter}).content.decode()
    assert "✗" in html and "hidden" in html
    assert "d4e5f6a7" not in html.split('id="feedback"')[1]
    assert not ExercisePass.objects.exists()


def test_hints_are_revealed_one_at_a_time_and_code_is_kept(client, fake_sandbox):
    exercise = exercises()["sqs-partial-batch"]
    html = client.post("/exercises/sqs-partial-batch/", {"action": "hint", "code": "# my work\n"}).content.decode()
    first, second = (inline_markdown(hint) for hint in exercise.hints[:2])  # hints are inline markdown
    assert first in html and second not in html and "# my work" in html and "<code>messageId</code>" in html
    html = client.post("/exercises/sqs-partial-batch/", {"action": "hint", "code": "# my work\n"}).content.decode()
    assert second in html


def test_without_a_sandbox_grading_is_refused_and_code_kept(client, monkeypatch):
    from learn.sandbox import runner

    monkeypatch.setattr(runner, "probe", lambda: (False, "bubblewrap (bwrap) is not installed"))
    response = client.post(
        "/exercises/sqs-partial-batch/", {"action": "check", "code": "def handler(e, c):\n    pass\n"}
    )
    assert response.status_code == 503 and "def handler(e, c)" in response.content.decode()
    assert "def handler(e, c)" in client.get("/exercises/sqs-partial-batch/").content.decode()  # after a reload too


def test_unknown_exercise_is_404(client):
    assert client.get("/exercises/nope/").status_code == 404
