"""Exercise feedback shows, as a state diagram, what the source does with the handler's answer to a visible case."""

from __future__ import annotations

import pytest

from learn.catalog import load
from learn.exercises import feedback, grading
from learn.exercises.local_runner import run_trusted
from learn.exercises.service import exercises

from .test_pages import fake_sandbox  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def graded(slug: str, code: str) -> tuple:
    exercise = exercises()[slug]
    contract = load().sources[exercise.source].response.contract
    report = grading.grade(exercise, code, run_trusted, "t", contract, only_visible=True)
    return exercise, contract, report


def test_a_failing_visible_case_is_the_one_shown():
    exercise, contract, report = graded(
        "sqs-partial-batch", "def handler(event, context):\n    raise ValueError('x')\n"
    )
    step = feedback.chosen_step(report)
    assert step is not None and not step.passed and step.last.status == "error"
    trace = feedback.trace_for(exercise, step, contract, load())
    assert trace.settings["report_batch_item_failures"] is True  # as the exercise describes the mapping
    # the whole batch failed: every message is back in the queue, hidden, with receive count 1
    visible = next(s for s in trace.steps if s.kind == "visible")
    queue = next(p for p in visible.snapshot["places"] if p["id"] == "queue")
    assert {i["status"] for i in queue["items"]} == {"hidden"}
    assert {i["attrs"]["receive_count"] for i in queue["items"]} == {1}


def test_a_passing_solution_shows_the_messages_deleted():
    exercise, contract, report = graded("sqs-partial-batch", exercises()["sqs-partial-batch"].solution)
    step = feedback.chosen_step(report)
    assert step.passed and step.position == 0
    trace = feedback.trace_for(exercise, step, contract, load())
    last = {p["id"]: p for p in trace.steps[-1].snapshot["places"]}
    assert last["processed"]["count"] == len(trace.records)


def test_an_alb_answer_without_status_code_is_a_502():
    exercise, contract, report = graded("alb-responses", "def handler(event, context):\n    return {'body': 'x'}\n")
    trace = feedback.trace_for(exercise, feedback.chosen_step(report), contract, load())
    assert trace.dispositions["1"].status_code == 502


def test_the_feedback_page_shows_the_diagram(client, fake_sandbox):  # noqa: F811
    code = "def handler(event, context):\n    raise ValueError('x')\n"
    html = client.post("/exercises/sqs-partial-batch/", {"action": "check", "code": code}).content.decode()
    feedback_html = html.split('id="feedback"')[1]
    assert "What SQS does with your answer" in feedback_html and "data-flow" in feedback_html
    assert 'aria-live="polite"' in feedback_html.split("data-flow")[0]  # messages announced, not the diagram


def test_hidden_cases_are_never_drawn():
    exercise, contract, report = graded("sqs-partial-batch", "def handler(event, context):\n    return None\n")
    full = grading.grade(exercise, "def handler(event, context):\n    return None\n", run_trusted, "t", contract)
    hidden = [s for s in full.steps if not s.visible]
    assert hidden and all(s.last is None and s.position == -1 for s in hidden)
