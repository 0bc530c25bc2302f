"""Grading tells the truth: code that cannot load fails every check with one error at the top, a handler that
crashes on a hidden case is reported as a crash (with the exception type), not as a wrong shape."""

from __future__ import annotations

import pytest

from learn.catalog import loader
from learn.exercises import bank, errors, grading
from learn.exercises.checks import Invocation
from learn.exercises.local_runner import run_trusted

from ..conftest import CONTENT

CATALOG = loader.load(CONTENT)
EXERCISES = bank.load(CONTENT / "exercises", set(CATALOG.sources))
SEVERAL = ["sqs-partial-batch", "eventbridge-routing", "cognito-presignup", "alb-responses", "kinesis-poison"]
BROKEN = {
    "syntax": ("import json\n\ndef handler(event, context)\n    return {}\n", "syntax error at line 3", 3),
    "import": (
        "import json\nimport no_such_module_here\n\ndef handler(event, context):\n    return {}\n",
        "No module named",
        None,
    ),
    "name": ("import json\n\nTABLE = undefined_name\n\ndef handler(event, context):\n    return {}\n", "NameError", 3),
}


def contract(exercise):
    return CATALOG.sources[exercise.source].response.contract


@pytest.mark.parametrize("visible_only", [True, False], ids=["examples", "submission"])
@pytest.mark.parametrize("kind", list(BROKEN))
@pytest.mark.parametrize("slug", SEVERAL)
def test_code_that_does_not_load_fails_every_check_with_one_error(slug, kind, visible_only):
    exercise = EXERCISES[slug]
    code, words, line = BROKEN[kind]
    report = grading.grade(exercise, code, run_trusted, "tester", contract(exercise), only_visible=visible_only)
    assert not report.passed
    assert report.steps == ()  # no per-check repetition, and no "raised as required" pass
    shown = len(exercise.visible_steps) + (0 if visible_only else 1)
    assert report.score == (0, shown)
    assert words in report.load_error
    assert report.error_line == line
    assert report.invocations == len(exercise.steps[0].events)  # it stopped after the first run


def test_a_load_failure_is_never_counted_as_the_handler_raising():
    exercise = EXERCISES["eventbridge-routing"]
    assert any(name == "raises" for step in exercise.steps for name, _ in step.expect)
    report = grading.grade(exercise, BROKEN["syntax"][0], run_trusted, "tester", contract(exercise))
    assert "raised an exception, as this event requires" not in str(report)


CRASHES_ON_NOT_JSON = """import json

def handler(event, context):
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        quantity = order.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            print(f"accepted {order['orderId']}")
    return {"batchItemFailures": failures}
"""


def test_a_crash_on_a_hidden_case_is_reported_as_a_crash_with_its_type():
    exercise = EXERCISES["sqs-partial-batch"]
    report = grading.grade(exercise, CRASHES_ON_NOT_JSON, run_trusted, "tester", contract(exercise))
    assert all(s.passed for s in report.steps if s.visible)
    hidden = report.steps[-1]
    assert not hidden.passed
    message = hidden.feedback[0].message
    assert "Your handler raised JSONDecodeError" in message and "at line 6" in message
    assert "on hidden case 1 of 3" in message
    assert "shape" not in message
    assert "c9a0d3e1" not in message  # still nothing of the hidden event's data


def fake_runner(status: str, error: dict | None):
    """Passes the visible steps with the reference solution, then answers every hidden event with `status`."""
    seen: dict[str, int] = {}

    def run(code, handler, events, env_key):
        position = int(env_key.rsplit(":", 1)[1])
        seen[env_key] = position
        if EXERCISES["sqs-partial-batch"].steps[position].visible:
            return run_trusted(EXERCISES["sqs-partial-batch"].solution, handler, events, env_key)
        return [Invocation(status, None, error, ()) for _ in events]

    return run


def test_a_timeout_on_a_hidden_case_is_reported_as_a_timeout():
    exercise = EXERCISES["sqs-partial-batch"]
    error = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds", "requestId": "r"}
    report = grading.grade(exercise, "", fake_runner("timeout", error), "tester", contract(exercise))
    assert (
        report.steps[-1].feedback[0].message
        == "Some hidden cases failed. Your handler timed out on hidden case 1 of 3."
    )


def test_a_runtime_crash_on_a_hidden_case_says_it_crashed():
    exercise = EXERCISES["sqs-partial-batch"]
    error = {"errorType": "Runtime.ExitError", "errorMessage": "Runtime exited with error: exit status 3"}
    report = grading.grade(exercise, "", fake_runner("crash", error), "tester", contract(exercise))
    assert "Your handler's runtime crashed (Runtime.ExitError" in report.steps[-1].feedback[0].message


def test_a_visible_case_that_raises_says_what_was_raised_first():
    exercise = EXERCISES["sqs-partial-batch"]
    code = "def handler(event, context):\n    return event['nope']\n"
    report = grading.grade(exercise, code, run_trusted, "tester", contract(exercise), only_visible=True)
    first = report.steps[0].feedback[0]
    assert not first.passed and first.message.startswith("Your handler raised KeyError: 'nope' at line 2")
    assert report.error_line == 2


def test_a_wrong_answer_on_a_hidden_case_keeps_the_check_hint_and_names_the_case():
    exercise = EXERCISES["sqs-partial-batch"]
    code = EXERCISES["sqs-partial-batch"].solution.replace("quantity > 0", "quantity >= 0")
    report = grading.grade(exercise, code, run_trusted, "tester", contract(exercise))
    message = report.steps[-1].feedback[0].message
    assert "The reported failed items are not the right ones." in message and "hidden case 3 of 3" in message


@pytest.mark.parametrize(
    ("status", "error", "logs", "expected"),
    [
        ("error", {"errorType": "Runtime.UserCodeSyntaxError", "requestId": ""}, (), True),
        ("error", {"errorType": "NameError", "requestId": ""}, (), True),
        ("error", {"errorType": "KeyError", "requestId": "abc"}, (), False),
        ("timeout", {"errorType": "Sandbox.Timedout"}, (errors.INIT_TIMEOUT,), True),
        ("timeout", {"errorType": "Sandbox.Timedout"}, (), False),
        ("ok", None, (), False),
    ],
)
def test_what_counts_as_code_that_did_not_load(status, error, logs, expected):
    assert errors.is_load_failure(status, error, logs) is expected
