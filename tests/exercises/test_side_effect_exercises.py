"""Exercises with side effects: steps that start from emulated AWS resources, and checks that read the state
the handler left (learn/exercises/checks.py). The checks are tested on synthetic states; the exercises run in
the real sandbox, against moto's emulation."""

from __future__ import annotations

import json

import pytest

from learn.catalog import loader
from learn.catalog.errors import CatalogInvalid
from learn.exercises import bank, checks, grading, service
from learn.exercises.checks import Invocation
from learn.sandbox import runner as sandbox

from ..conftest import CONTENT
from ..sandbox.support import requires_sandbox

CATALOG = loader.load(CONTENT)
EXERCISES = bank.load(CONTENT / "exercises", set(CATALOG.sources))
SIDE_EFFECTS = [
    "sqs-exactly-once-balance",
    "kinesis-running-total",
    "s3-write-back-no-loop",
    "dynamodb-streams-projection",
    "eventbridge-follow-up-once",
]

STATE = {
    "tables": [
        {
            "name": "balances",
            "key": {"hash": ["customerId", "S"], "range": None},
            "items": [
                {"customerId": {"S": "c-42"}, "balance": {"N": "50"}},
                {"customerId": {"S": "c-7"}, "balance": {"N": "115"}},
            ],
        }
    ],
    "queues": [{"name": "orders-dlq", "fifo": False, "attributes": {}, "messages": [{"body": "o-1"}]}],
    "buckets": [{"name": "notes", "objects": [{"key": "in/a.txt", "size": 2, "body": "hi"}]}],
    "topics": [{"name": "alerts", "published": [{"message": "disk full", "subject": "ops"}]}],
    "buses": [
        {
            "name": "fulfilment",
            "published": [
                {"source": "shop", "detail-type": "ShipmentRequested", "detail": json.dumps({"orderId": "o-77"})},
                {"source": "shop", "detail-type": "Audit", "detail": "{}"},
            ],
        }
    ],
}


def run_with(state=STATE) -> Invocation:
    return Invocation("ok", None, None, (), {"calls": [], "dropped_calls": 0, "state": state, "error": None})


def check(name: str, spec: dict, run: Invocation | None = None) -> checks.Feedback:
    return checks.CHECKS[name](run or run_with(), spec, {}, "ignored")


def contract(exercise: bank.Exercise) -> str:
    return CATALOG.sources[exercise.source].response.contract


# -- the checks, on synthetic states ----------------------------------------------------------------------------


def test_table_items_counts_the_items():
    assert check("table_items", {"table": "balances", "count": 2}).passed
    failed = check("table_items", {"table": "balances", "count": 3})
    assert not failed.passed and "should hold 3 items, but it holds 2" in failed.message


def test_table_items_compares_plain_items_in_any_order():
    items = [{"customerId": "c-7", "balance": 115}, {"customerId": "c-42", "balance": 50}]
    assert check("table_items", {"table": "balances", "items": items}).passed
    wrong = [{"customerId": "c-7", "balance": 115}, {"customerId": "c-42", "balance": 100}]
    assert not check("table_items", {"table": "balances", "items": wrong}).passed


def test_table_item_reads_one_item_by_key():
    assert check("table_item", {"table": "balances", "key": {"customerId": "c-42"}, "values": {"balance": 50}}).passed
    failed = check("table_item", {"table": "balances", "key": {"customerId": "c-42"}, "values": {"balance": 30}})
    assert not failed.passed and "balance = 50, but it should be 30" in failed.message


def test_table_item_names_a_missing_item_and_checks_absence():
    missing = check("table_item", {"table": "balances", "key": {"customerId": "c-1"}, "values": {"balance": 1}})
    assert not missing.passed and "has no item with customerId = 'c-1'" in missing.message
    assert check("table_item", {"table": "balances", "key": {"customerId": "c-1"}, "absent": True}).passed
    assert not check("table_item", {"table": "balances", "key": {"customerId": "c-7"}, "absent": True}).passed


def test_a_deleted_table_is_named():
    failed = check("table_items", {"table": "orders", "count": 0})
    assert not failed.passed and "'orders' no longer exists" in failed.message


def test_queue_messages_counts_and_compares_bodies():
    assert check("queue_messages", {"queue": "orders-dlq", "count": 1, "bodies": ["o-1"]}).passed
    assert not check("queue_messages", {"queue": "orders-dlq", "count": 0}).passed
    assert not check("queue_messages", {"queue": "orders-dlq", "bodies": ["o-2"]}).passed


def test_bucket_objects_compares_keys_and_bodies():
    assert check("bucket_objects", {"bucket": "notes", "keys": ["in/a.txt"], "bodies": {"in/a.txt": "hi"}}).passed
    extra = check("bucket_objects", {"bucket": "notes", "keys": []})
    assert not extra.passed and "holds an object it should not: 'in/a.txt'" in extra.message
    assert not check("bucket_objects", {"bucket": "notes", "bodies": {"in/a.txt": "HI"}}).passed


def test_published_counts_events_matching_the_filters():
    spec = {"bus": "fulfilment", "count": 1, "detail_type": "ShipmentRequested", "detail": {"orderId": "o-77"}}
    assert check("published", spec).passed
    twice = check("published", {**spec, "count": 2})
    assert not twice.passed and "but 1 was (2 in all)" in twice.message
    assert not check("published", {**spec, "detail": {"orderId": "o-78"}}).passed


def test_published_reads_a_topic_too():
    assert check("published", {"topic": "alerts", "count": 1, "subject": "ops", "message": "disk full"}).passed
    assert not check("published", {"topic": "alerts", "count": 2}).passed


def test_a_handler_that_never_imported_boto3_is_told_so():
    silent = Invocation("ok", None, None, ())
    for name, spec in [
        ("table_items", {"table": "balances", "count": 2}),
        ("queue_messages", {"queue": "orders-dlq", "count": 1}),
        ("bucket_objects", {"bucket": "notes", "keys": []}),
        ("published", {"bus": "fulfilment", "count": 1}),
    ]:
        feedback = check(name, spec, silent)
        assert not feedback.passed and feedback.message.startswith("The handler did not call AWS")


def test_a_state_that_could_not_be_read_is_reported():
    broken = Invocation("ok", None, None, (), {"calls": [], "state": None, "error": "too large"})
    feedback = check("table_items", {"table": "balances", "count": 2}, broken)
    assert not feedback.passed and "could not be read: too large" in feedback.message


def test_every_state_check_has_a_hidden_failure_text():
    assert set(checks.STATE_CHECKS) <= set(grading.HIDDEN_FAILURE)


# -- threading the state through a step's events ---------------------------------------------------------------


def test_the_next_run_starts_from_the_state_the_last_one_left():
    options = {"state": {"tables": []}, "deny": ["sqs:SendMessage"]}
    report = {"calls": [], "state": STATE}
    following, carried = grading.thread_state(options, report, None)
    assert following == {"state": STATE, "deny": ["sqs:SendMessage"]} and carried is report


def test_a_run_that_reported_nothing_carries_the_last_state():
    options = {"state": STATE, "deny": []}
    following, carried = grading.thread_state(options, None, {"calls": [{"x": 1}], "state": STATE})
    assert following is options and carried["state"] is STATE and carried["calls"] == []
    assert grading.thread_state(options, None, None) == (options, None)


def test_a_step_with_resources_gets_a_fresh_copy_of_its_state_each_time():
    exercise = EXERCISES["sqs-exactly-once-balance"]
    seen = []

    def runner(code, handler, events, env_key, aws=None):
        seen.append(aws)
        aws["state"]["tables"].clear()  # a runner that changes what it was given must not change the exercise
        return [Invocation("ok", {"batchItemFailures": []}, None, ()) for _ in events]

    grading.grade(exercise, "", runner, "t", contract(exercise), only_visible=True)
    assert len(seen) == 2 and all(options["state"]["tables"] == [] for options in seen)
    assert [t["name"] for t in exercise.steps[0].aws["state"]["tables"]] == ["orders", "balances"]


def test_steps_without_resources_call_the_runner_as_before():
    exercise = EXERCISES["sqs-partial-batch"]
    calls = []

    def runner(code, handler, events, env_key):  # the four-argument runner older callers pass
        calls.append(env_key)
        return [Invocation("ok", {"batchItemFailures": []}, None, ()) for _ in events]

    grading.grade(exercise, "", runner, "t", contract(exercise), only_visible=True)
    assert calls


# -- the exercise format ----------------------------------------------------------------------------------------

EXERCISE_TOML = """
slug = "demo"
title = "Demo"
source = "sqs"
summary = "s"
difficulty = 2
statement = "s"
hints = ["a", "b"]
docs = ["https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"]
{resources}
[[steps]]
name = "one"
visible = true
events = ["e.json"]
expect = {{ table_items = {{ table = "orders", count = 1 }} }}

[[steps]]
name = "two"
events = ["e.json"]
{step_resources}
expect = {{ succeeds = true }}
"""


def fake_exercise(tmp_path, resources="", step_resources="", spec='[[tables]]\nname = "orders"\nhash = "id:S"\n'):
    folder = tmp_path / "exercises" / "demo"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "e.json").write_text("{}")
    (folder / "starter.py").write_text("def handler(e, c):\n    pass\n")
    (folder / "solution.py").write_text("def handler(e, c):\n    pass\n")
    (folder / "resources.toml").write_text(spec)
    text = EXERCISE_TOML.format(resources=resources, step_resources=step_resources)
    (folder / "exercise.toml").write_text(text)
    return tmp_path / "exercises"


def test_an_exercise_names_its_resources_for_every_step(tmp_path):
    root = fake_exercise(tmp_path, resources='resources = "resources.toml"')
    steps = bank.load(root, {"sqs"})["demo"].steps
    assert all(step.aws and step.aws["state"]["tables"][0]["name"] == "orders" for step in steps)


def test_a_step_may_name_its_own_resources(tmp_path):
    spec = 'deny = ["dynamodb:PutItem"]\n[[tables]]\nname = "orders"\nhash = "id:S"\n'
    root = fake_exercise(tmp_path, resources='resources = "resources.toml"', step_resources='resources = "own.toml"')
    (root / "demo" / "own.toml").write_text(spec)
    first, second = bank.load(root, {"sqs"})["demo"].steps
    assert first.aws["deny"] == [] and second.aws["deny"] == ["dynamodb:PutItem"]


def test_state_checks_without_resources_are_refused(tmp_path):
    with pytest.raises(CatalogInvalid, match="need a `resources` file"):
        bank.load(fake_exercise(tmp_path), {"sqs"})


def test_a_missing_or_broken_resources_file_is_refused(tmp_path):
    with pytest.raises(CatalogInvalid, match="missing.toml is missing"):
        bank.load(fake_exercise(tmp_path, resources='resources = "missing.toml"'), {"sqs"})
    root = tmp_path / "broken"
    root.mkdir()
    with pytest.raises(CatalogInvalid, match="hash key must look like"):
        bank.load(
            fake_exercise(root, resources='resources = "resources.toml"', spec='[[tables]]\nname = "a b"\n'), {"sqs"}
        )


def test_the_side_effect_exercises_start_from_resources():
    for slug in SIDE_EFFECTS:
        exercise = EXERCISES[slug]
        assert all(step.aws for step in exercise.steps), slug
        assert any(name in checks.STATE_CHECKS for step in exercise.steps for name, _ in step.expect), slug


# -- in the real sandbox ---------------------------------------------------------------------------------------


@pytest.fixture
def in_sandbox():
    run = service.sandbox_runner()
    yield run
    sandbox.forget("side-effects:")


def grade(exercise, code, run, *, only_visible=False):
    return grading.grade(exercise, code, run, "side-effects", contract(exercise), only_visible=only_visible)


def failures(report):
    return [(s.name, [f.message for f in s.feedback if not f.passed]) for s in report.steps if not s.passed]


@requires_sandbox
@pytest.mark.parametrize("slug", SIDE_EFFECTS)
def test_the_reference_solution_passes_and_the_starter_fails(slug, in_sandbox):
    exercise = EXERCISES[slug]
    report = grade(exercise, exercise.solution, in_sandbox)
    assert report.passed, failures(report)
    assert not grade(exercise, exercise.starter, in_sandbox, only_visible=True).passed


NAIVE_BUT_CONDITIONAL = """
import json
import boto3

dynamodb = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        amount = {"N": str(order["amount"])}
        try:
            dynamodb.put_item(
                TableName="orders",
                Item={"orderId": {"S": order["orderId"]}, "customerId": {"S": order["customerId"]}, "amount": amount},
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue
        dynamodb.update_item(
            TableName="balances",
            Key={"customerId": {"S": order["customerId"]}},
            UpdateExpression="ADD balance :amount",
            ExpressionAttributeValues={":amount": amount},
        )
    return {"batchItemFailures": []}
"""


@requires_sandbox
def test_the_naive_consumer_double_counts_a_redelivered_batch(in_sandbox):
    exercise = EXERCISES["sqs-exactly-once-balance"]
    report = grade(exercise, exercise.starter, in_sandbox, only_visible=True)
    first, redelivered = report.steps
    assert first.passed and not redelivered.passed
    assert any("balance = 100, but it should be 50" in f.message for f in redelivered.feedback)
    assert redelivered.last.aws["calls"][0]["operation"] == "PutItem"  # the calls of the redelivery


@requires_sandbox
def test_a_conditional_write_makes_the_consumer_pass_under_redelivery(in_sandbox):
    exercise = EXERCISES["sqs-exactly-once-balance"]
    report = grade(exercise, NAIVE_BUT_CONDITIONAL, in_sandbox)
    assert report.passed, failures(report)


@requires_sandbox
def test_a_handler_without_boto3_hears_that_it_did_not_call_aws(in_sandbox):
    exercise = EXERCISES["sqs-exactly-once-balance"]
    code = "def handler(event, context):\n    return {'batchItemFailures': []}\n"
    report = grade(exercise, code, in_sandbox, only_visible=True)
    messages = [f.message for f in report.steps[0].feedback if not f.passed]
    assert messages and all(m.startswith("The handler did not call AWS") for m in messages)


@requires_sandbox
def test_a_denied_action_fails_the_call_in_the_step_that_denies_it(in_sandbox):
    exercise = EXERCISES["eventbridge-follow-up-once"]
    denied = next(step for step in exercise.steps if step.resources_file == "resources_denied.toml")
    runs = grading.run_step(in_sandbox, exercise.solution, exercise, denied, "side-effects:denied")
    assert runs[-1].status == "error" and "events:PutEvents" in runs[-1].error["errorMessage"]
    assert [c["operation"] for c in runs[-1].aws["calls"]] == ["PutItem", "PutEvents", "DeleteItem"]


def test_fractional_numbers_compare_with_the_floats_toml_gives():
    state = {
        **STATE,
        "tables": [{**STATE["tables"][0], "items": [{"customerId": {"S": "c-1"}, "balance": {"N": "59.9"}}]}],
    }
    spec = {"table": "balances", "key": {"customerId": "c-1"}, "values": {"balance": 59.9}}
    assert check("table_item", spec, run_with(state)).passed
    assert check(
        "table_items", {"table": "balances", "items": [{"customerId": "c-1", "balance": 59.9}]}, run_with(state)
    ).passed


def test_a_state_check_must_name_its_resource(tmp_path):
    root = fake_exercise(tmp_path, resources='resources = "resources.toml"')
    toml = root / "demo" / "exercise.toml"
    toml.write_text(
        toml.read_text().replace('table_items = { table = "orders", count = 1 }', "table_item = { count = 1 }")
    )
    with pytest.raises(CatalogInvalid, match='table_item needs a table of the form { table = "name"'):
        bank.load(root, {"sqs"})
    toml.write_text(toml.read_text().replace("table_item = { count = 1 }", 'table_item = { table = "orders" }'))
    with pytest.raises(CatalogInvalid, match="table_item needs the item's key"):
        bank.load(root, {"sqs"})


def test_a_hidden_case_says_when_the_handler_never_called_aws():
    exercise = EXERCISES["kinesis-running-total"]

    def runner(code, handler, events, env_key, aws=None):
        return [Invocation("ok", {"batchItemFailures": []}, None, ()) for _ in events]

    report = grading.grade(exercise, "", runner, "t", contract(exercise))
    hidden = report.steps[-1]
    assert not hidden.passed and "The handler did not call AWS" in hidden.feedback[0].message


@requires_sandbox
@pytest.mark.django_db
def test_the_feedback_shows_what_the_handler_did_to_aws_for_visible_cases_only(client):
    from django.core.cache import cache

    cache.clear()
    exercise = service.exercises()["sqs-exactly-once-balance"]
    html = client.post(
        "/exercises/sqs-exactly-once-balance/", {"action": "submit", "code": exercise.starter}
    ).content.decode()
    visible = len([s for s in exercise.steps if s.visible])
    assert html.count("What your handler did to AWS on the last delivery") == visible
    assert "Calls to AWS in invocation" in html and "DynamoDB table" in html
    assert "playground/resources" in html  # its stylesheet
