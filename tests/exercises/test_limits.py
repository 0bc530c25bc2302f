"""A10/A19/A21/A22 on the exercise pages: invocations are charged, hidden cases reveal one bit, drafts are capped,
odd responses never crash the grader, concurrent and excessive submissions get a message instead of a 500."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from learn.exercises import checks, grading
from learn.exercises import service as exercise_service
from learn.exercises.checks import Invocation
from learn.exercises.local_runner import run_trusted
from learn.exercises.service import exercises
from learn.playground import runtime
from learn.playground import service as playground

pytestmark = pytest.mark.django_db
URL = "/exercises/sqs-partial-batch/"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(playground, "_window", lambda: (12345, 30))  # one rate-limit minute for the whole test
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_sandbox(monkeypatch):
    calls: list = []

    def run(code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, **extra):
        calls.append(learner)
        result = run_trusted(code, handler, [event], learner)[-1]
        return runtime.Run(result.status, result.response, result.error, result.logs, isolation="bubblewrap")

    monkeypatch.setattr(runtime, "run", run)
    return calls


def ok(response):
    return Invocation("ok", response, None, ())


# -- A19: the checks take any response -----------------------------------------------------------------------


def test_mixed_type_identifiers_are_a_failed_check_not_a_crash():
    run = ok({"batchItemFailures": [{"itemIdentifier": 1}, {"itemIdentifier": "a"}, {"itemIdentifier": None}]})
    feedback = checks.batch_item_failures(run, ["a", "b"], {}, "sqs-batch")
    assert not feedback.passed and "Expected batchItemFailures" in feedback.message
    assert checks.batch_item_failures(
        ok({"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "a"}]}), ["a", "b"], {}, "sqs-batch"
    ).passed
    assert not checks.batch_item_failures(ok({"batchItemFailures": "x"}), ["a"], {}, "sqs-batch").passed


def test_a_deeply_nested_json_body_is_a_failed_check_not_a_crash():
    run = ok({"statusCode": 200, "body": "[" * 100_000 + "]" * 100_000})
    feedback = checks.response_path(run, {"body.json.orderId": "o-1"}, {}, "apigw-v1")
    assert not feedback.passed


@pytest.mark.parametrize("records", [5, "abc", {"a": 1}, [1, "x", None], [{"recordId": 10**5000}]])
def test_record_checks_take_any_records_value(records):
    run = ok({"records": records})
    assert not checks.records_by_result(run, {"r1": "Ok"}, {}, "firehose").passed
    assert not checks.record_json(run, {"r1": {"a": 1}}, {}, "firehose").passed


def test_messages_show_huge_numbers_and_surrogates_safely():
    run = ok({"statusCode": 10**5000})
    feedback = checks.response_path(run, {"statusCode": 200}, {}, "apigw-v1")
    assert "too large to show" in feedback.message
    surrogate = Invocation("error", None, {"errorType": "E", "errorMessage": "bad \ud800"}, ())
    exercise = exercises()["sqs-partial-batch"]
    report = grading.grade(exercise, "x", lambda *a: [surrogate], "t", "sqs-batch", only_visible=True)
    for step in report.steps:
        for f in step.feedback:
            f.message.encode("utf-8")


# -- A22: hidden cases ---------------------------------------------------------------------------------------


def test_hidden_cases_report_only_all_passed_or_some_failed():
    exercise = exercises()["sqs-partial-batch"]
    report = grading.grade(exercise, exercise.starter, run_trusted, "tester", "sqs-batch")
    hidden = [s for s in report.steps if not s.visible]
    assert len(hidden) == 1 and hidden[0].name == grading.HIDDEN_NAME and not hidden[0].passed
    assert hidden[0].feedback[0].message.startswith("Some hidden cases failed.")
    hidden_names = {s.name for s in exercise.steps if not s.visible}
    assert not hidden_names & {s.name for s in report.steps}
    assert report.score[1] == len(exercise.visible_steps) + 1 and report.complete
    good = grading.grade(exercise, exercise.solution, run_trusted, "tester", "sqs-batch")
    assert good.passed and good.steps[-1].feedback[0].message == "All hidden cases passed."


def test_the_page_shows_no_hidden_step_names(client, fake_sandbox):
    exercise = exercises()["sqs-partial-batch"]
    html = client.post(URL, {"action": "submit", "code": exercise.starter}).content.decode()
    feedback = html.split('id="feedback"')[1]
    assert "Hidden cases" in feedback and "Some hidden cases failed." in feedback
    for step in exercise.steps:
        if not step.visible:
            assert step.name not in feedback


# -- A10: every real invocation is charged -------------------------------------------------------------------


def test_grading_charges_each_real_invocation_and_refunds_what_it_skipped(client, fake_sandbox, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 1000  # only the address counter is probed below
    exercise = exercises()["sqs-partial-batch"]
    client.post(URL, {"action": "submit", "code": exercise.solution})
    made = len(fake_sandbox)
    assert made == grading.planned_invocations(exercise)
    with pytest.raises(playground.RateLimited):  # the learner's minute is charged with exactly those invocations
        playground.charge("probe", "127.0.0.1", settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE - made + 1)
    cache.clear()
    fake_sandbox.clear()
    client.post(URL, {"action": "submit", "code": "def handler(event, context):\n    raise ValueError('x')\n"})
    assert len(fake_sandbox) < grading.planned_invocations(exercise)  # stopped at the first failing hidden case
    playground.charge("probe", "127.0.0.1", settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE - len(fake_sandbox))


def test_over_the_limit_grading_runs_nothing_and_says_when_to_retry(client, fake_sandbox, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 3  # fewer than a submission needs
    exercise = exercises()["sqs-partial-batch"]
    response = client.post(URL, {"action": "submit", "code": exercise.solution + "# mine\n"})
    html = response.content.decode()
    assert response.status_code == 429 and fake_sandbox == [] and "seconds" in html and "# mine" in html
    assert int(response["Retry-After"]) >= 1


def test_submissions_per_hour_are_capped(client, fake_sandbox, settings):
    settings.EXERCISE_SUBMISSIONS_PER_HOUR = 2
    settings.SANDBOX_RUNS_PER_MINUTE = settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE = 1000
    code = "def handler(event, context):\n    return None\n"
    statuses = [client.post(URL, {"action": "submit", "code": code}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.post(URL, {"action": "check", "code": code}).status_code == 200  # examples still run


def test_a_second_grading_at_the_same_time_is_refused_politely(client, fake_sandbox, monkeypatch):
    client.post(URL, {"action": "reset"})  # a session (a mere visit stores none)
    seen = {}

    def grade(*args, **kwargs):
        seen["second"] = client.post(URL, {"action": "check", "code": "# second\n"})
        raise playground.RateLimited("stop here")

    monkeypatch.setattr(exercise_service, "grade", grade)
    client.post(URL, {"action": "check", "code": "# first\n"})
    second = seen["second"]
    assert second.status_code == 409 and "still running" in second.content.decode()
    assert "# second" in second.content.decode()
    monkeypatch.undo()


# -- A21: drafts ---------------------------------------------------------------------------------------------


def test_a_draft_over_64_kb_is_neither_stored_nor_graded_but_shown(client, fake_sandbox):
    big = "# x\n" * 20_000
    response = client.post(URL, {"action": "check", "code": big})
    assert response.status_code == 400 and "larger than 64 KB" in response.content.decode()
    assert big in response.content.decode() and fake_sandbox == []
    assert big not in client.get(URL).content.decode()
    assert not any(k.startswith("exercise-draft:") and len(str(v)) > 65536 for k, v in client.session.items())


def test_drafts_across_exercises_are_capped(client, fake_sandbox):
    slugs = sorted(exercises())
    draft = "# mine\n" + "x = 1\n" * 9000  # about 54 KB each
    for slug in slugs[:4]:
        client.post(f"/exercises/{slug}/", {"action": "hint", "code": draft + slug})
    response = client.post(f"/exercises/{slugs[4]}/", {"action": "hint", "code": draft + slugs[4]})
    assert "not saved" in response.content.decode() and draft in response.content.decode()
    stored = sum(len(v) for k, v in client.session.items() if k.startswith("exercise-draft:") and isinstance(v, str))
    assert stored <= 256 * 1024
    assert draft + slugs[0] in client.get(f"/exercises/{slugs[0]}/").content.decode()  # earlier drafts are kept
