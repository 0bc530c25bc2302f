"""The exercises added for issue 13 (one per core source that had none, and more for depth).

For each: the loader accepts it under the right source, the reference solution passes every step, the starter
fails, and deliberately wrong variants (the mistakes the statement warns about) fail the step and the check
that was written to catch them.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from learn.catalog import loader
from learn.exercises import bank, grading
from learn.exercises.checks import CHECKS
from learn.exercises.local_runner import run_trusted

from ..conftest import CONTENT

CATALOG = loader.load(CONTENT)
EXERCISES = bank.load(CONTENT / "exercises", set(CATALOG.sources))

NEW = {
    "kafka-decode": "msk",
    "sns-attributes": "sns",
    "apigw-rest-proxy": "api-gateway-rest",
    "function-url-cookies": "function-urls",
    "step-functions-named-errors": "step-functions",
    "dynamodb-ttl-expiry": "dynamodb-streams",
    "kinesis-idempotent": "kinesis",
    "eventbridge-scheduled": "eventbridge",
    "sqs-message-attributes": "sqs",
    "kinesis-tumbling-window": "kinesis",
    "kafka-retry-idempotent": "kafka",
}

# The core sources issue 13 names; msk and kafka count as one ("msk/kafka"), as do the two API Gateway flavours.
CORE = [
    {"sqs"},
    {"kinesis"},
    {"dynamodb-streams"},
    {"msk", "kafka"},
    {"s3"},
    {"sns"},
    {"eventbridge"},
    {"api-gateway-rest", "api-gateway-http"},
    {"alb"},
    {"function-urls"},
    {"cognito"},
    {"step-functions"},
]


def contract(exercise: bank.Exercise) -> str:
    return CATALOG.sources[exercise.source].response.contract


def step_named(exercise: bank.Exercise, name: str) -> bank.Step:
    return next(step for step in exercise.steps if step.name == name)


def failing_checks(exercise: bank.Exercise, code: str, step: bank.Step) -> set[str]:
    """The checks of one step (visible or hidden) that the code fails, read straight from the checks module."""
    runs = run_trusted(code, exercise.handler, list(step.events), "tester")
    return {
        name
        for name, spec in step.expect
        if spec is not False and not CHECKS[name](runs[-1], spec, step.events[-1], contract(exercise)).passed
    }


def variant(slug: str, old: str, new: str) -> str:
    """The reference solution with one deliberate mistake; fails loudly if the solution no longer has `old`."""
    solution = EXERCISES[slug].solution
    assert solution.count(old) == 1, f"{slug}: the solution no longer contains {old!r} exactly once"
    return solution.replace(old, new)


def test_every_core_source_has_an_exercise_and_there_are_at_least_twenty():
    sources = {exercise.source for exercise in EXERCISES.values()}
    assert [group for group in CORE if not group & sources] == []
    assert len(EXERCISES) >= 20


@pytest.mark.parametrize("slug", NEW)
def test_the_loader_accepts_it_under_its_source(slug):
    exercise = EXERCISES[slug]
    assert exercise.source == NEW[slug]
    assert exercise.visible_steps and any(not step.visible for step in exercise.steps)
    assert len(exercise.hints) >= 2
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in exercise.docs)
    assert "<p>" in exercise.discussion_html  # the alternatives shown after a pass


@pytest.mark.parametrize("slug", NEW)
def test_reference_solution_passes_every_step(slug):
    """Step by step, so a failure names every failing check (tests/exercises/test_exercises.py grades it whole)."""
    exercise = EXERCISES[slug]
    assert {step.name: failing_checks(exercise, exercise.solution, step) for step in exercise.steps} == {
        step.name: set() for step in exercise.steps
    }


@pytest.mark.parametrize("slug", NEW)
def test_starter_code_runs_but_fails_a_visible_example(slug):
    exercise = EXERCISES[slug]
    report = grading.grade(exercise, exercise.starter, run_trusted, "tester", contract(exercise), only_visible=True)
    assert not report.passed
    assert not getattr(report, "load_error", ""), "the starter must load; it should fail on behaviour"


WRONG_VARIANTS = [
    pytest.param(
        "kafka-decode",
        'print(f"poison {where}: {error}")\n                continue',
        "raise",
        "A value that is CSV, not JSON",
        {"succeeds", "logs_contain"},
        id="kafka-raises-on-a-poison-record",
    ),
    pytest.param(
        "kafka-decode",
        "from {customer}",
        "from {record['key']}",
        "Two partitions, every record good",
        {"logs_contain", "logs_lack"},
        id="kafka-prints-the-base64-key",
    ),
    pytest.param(
        "kafka-decode",
        'headers(record).get("event-type") != "order-created"',
        "False",
        "A record of another event type",
        {"logs_contain", "logs_lack"},
        id="kafka-ignores-the-event-type-header",
    ),
    pytest.param(
        "sns-attributes",
        'float(value(attributes, "priority") or 0) >= 8',
        '(value(attributes, "priority") or "0") >= "8"',
        "Priority 10",
        {"logs_contain"},
        id="sns-compares-a-number-attribute-as-text",
    ),
    pytest.param(
        "sns-attributes",
        "print(f\"ignored {sns['MessageId']}\")\n            continue",
        'raise ValueError("not ours")',
        "An event type this function does not handle",
        {"succeeds", "logs_contain"},
        id="sns-raises-for-an-event-type-it-does-not-handle",
    ),
    pytest.param(
        "sns-attributes",
        'json.loads(value(attributes, "channels") or \'["email"]\')',
        "value(attributes, \"channels\") or ['email']",
        "An order placed, for two channels",
        {"logs_contain"},
        id="sns-iterates-over-the-string-array-text",
    ),
    pytest.param(
        "apigw-rest-proxy",
        "binary=True",
        "binary=False",
        "The shipping label as PNG",
        {"response"},
        id="rest-binary-body-not-marked-base64",
    ),
    pytest.param(
        "apigw-rest-proxy",
        "json.dumps(ORDERS[order_id])",
        "ORDERS[order_id]",
        "A known order",
        {"contract", "response"},
        id="rest-body-is-a-dict",
    ),
    pytest.param(
        "apigw-rest-proxy",
        'response["headers"]["Allow"] = "GET"\n        ',
        "",
        "A DELETE",
        {"response"},
        id="rest-405-without-allow",
    ),
    pytest.param(
        "function-url-cookies",
        'response["cookies"] = cookies',
        'response["headers"]["set-cookie"] = cookies[0]',
        "Choose the dark theme",
        {"response"},
        id="url-sets-the-cookie-as-a-header",
    ),
    pytest.param(
        "function-url-cookies",
        'name, _, value = cookie.partition("=")',
        'name, value = cookie.split("=")',
        "Cookie values that contain =",
        {"contract", "response"},
        id="url-splits-cookies-on-every-equals-sign",
    ),
    pytest.param(
        "function-url-cookies",
        'return respond(400, {"message": "theme must be light or dark"})',
        "pass",
        "A theme that does not exist",
        {"response"},
        id="url-accepts-any-theme",
    ),
    pytest.param(
        "step-functions-named-errors",
        'raise PaymentDeclined(f"card declined for {order_id}")',
        'return {"error": "PaymentDeclined"}',
        "A declined card",
        {"raises_with", "error_type"},
        id="sfn-returns-an-error-object",
    ),
    pytest.param(
        "step-functions-named-errors",
        'raise PaymentDeclined(f"card declined for {order_id}")',
        'raise Exception(f"card declined for {order_id}")',
        "A declined card",
        {"error_type"},
        id="sfn-raises-a-plain-exception",
    ),
    pytest.param(
        "step-functions-named-errors",
        'round(item["quantity"] * item["unitPrice"] * 100)',
        'int(item["quantity"] * item["unitPrice"] * 100)',
        "Prices that floating point gets wrong",
        {"response"},
        id="sfn-truncates-cents",
    ),
    pytest.param(
        "step-functions-named-errors",
        'GATEWAY.get(event.get("payment", {}).get("cardToken"), "declined")',
        'GATEWAY[event["payment"]["cardToken"]]',
        "A card the gateway does not know",
        {"raises_with", "error_type"},
        id="sfn-unknown-card-is-a-key-error",
    ),
    pytest.param(
        "dynamodb-ttl-expiry",
        'return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}',
        "continue",
        "A REMOVE without its old image",
        {"batch_item_failures", "logs_lack"},
        id="ddb-keeps-going-after-a-malformed-record",
    ),
    pytest.param(
        "dynamodb-ttl-expiry",
        '"expired" if removed_by_ttl(record) else "logged out"',
        '"expired"',
        "The logout in the mixed batch",
        {"logs_contain", "logs_lack"},
        id="ddb-calls-every-remove-an-expiry",
    ),
    pytest.param(
        "dynamodb-ttl-expiry",
        'if record["eventName"] != "REMOVE":\n            continue',
        "pass",
        "Only a MODIFY",
        {"logs_lack"},
        id="ddb-treats-a-modify-as-a-remove",
    ),
    pytest.param(
        "kinesis-idempotent",
        "HIGHEST.get(shard, -1)",
        "max(HIGHEST.values(), default=-1)",
        "Another shard with lower sequence numbers",
        {"logs_contain", "logs_lack"},
        id="kinesis-compares-sequence-numbers-across-shards",
    ),
    pytest.param(
        "kinesis-idempotent",
        'if transaction["txId"] in APPLIED:',
        "if False:",
        "A producer retry: same txId, new sequence number",
        {"logs_contain"},
        id="kinesis-trusts-sequence-numbers-alone",
    ),
    pytest.param(
        "kinesis-idempotent",
        "if sequence_number <= HIGHEST.get(shard, -1):",
        "if False:",
        "The same batch delivered twice",
        {"logs_contain"},  # the txId check still stops a second "applied", but calls it a duplicate
        id="kinesis-ignores-redelivery",
    ),
    pytest.param(
        "eventbridge-scheduled",
        'moment = datetime.fromisoformat(event["time"])',
        "moment = datetime.utcnow()",
        "The nightly report",
        {"logs_contain"},
        id="eventbridge-reads-the-clock",
    ),
    pytest.param(
        "eventbridge-scheduled",
        'event.get("source") != "aws.events" or ',
        "",
        "A Scheduled Event from another source",
        {"logs_contain", "logs_lack"},
        id="eventbridge-trusts-any-source",
    ),
    pytest.param(
        "sqs-message-attributes",
        'attribute = record.get("messageAttributes", {}).get("schemaVersion") or {}',
        'attribute = record.get("messageAttributes", {}).get("schemaVersion") or {}\n    '
        'if attribute.get("dataType") != "String":\n        attribute = {}',
        "The version sent as a Number, with a custom label",
        {"batch_item_failures", "logs_contain"},
        id="sqs-trusts-only-string-attributes",
    ),
    pytest.param(
        "sqs-message-attributes",
        "            continue\n",
        "            raise\n",
        "A schema version nobody knows",
        {"contract", "batch_item_failures", "logs_contain"},
        id="sqs-raises-for-a-bad-message",
    ),
    pytest.param(
        "sqs-message-attributes",
        'version = attribute.get("stringValue", "1")',
        'version = "2" if "order" in record["body"] else "1"',
        "Bodies in the other version's shape",
        {"batch_item_failures"},
        id="sqs-guesses-the-version-from-the-body",
    ),
    pytest.param(
        "kinesis-tumbling-window",
        'return {"state": state, "batchItemFailures": []}',
        'return {"batchItemFailures": []}',
        "The first batch of a window",
        {"response"},
        id="window-forgets-to-return-state",
    ),
    pytest.param(
        "kinesis-tumbling-window",
        'state = dict(event.get("state") or {})',
        "state = {}",
        "A batch that brings the state of earlier batches",
        {"response"},
        id="window-ignores-incoming-state",
    ),
    pytest.param(
        "kinesis-tumbling-window",
        '    if event.get("isFinalInvokeForWindow"):\n        print(',
        "    if True:\n        print(",
        "The first batch of a window",
        {"logs_lack"},
        id="window-reports-every-batch",
    ),
    pytest.param(
        "kafka-retry-idempotent",
        "            ledger_post(payment)",
        "            try:\n                ledger_post(payment)\n            except TimeoutError:\n                continue",
        "The ledger times out: the invocation must fail",
        {"raises"},
        id="kafka-swallows-the-timeout",
    ),
    pytest.param(
        "kafka-retry-idempotent",
        "POSTED.get(partition, -1)",
        "max(POSTED.values(), default=-1)",
        "Offsets are counted per partition",
        {"logs_contain"},
        id="kafka-compares-offsets-across-partitions",
    ),
    pytest.param(
        "kafka-retry-idempotent",
        "            ledger_post(payment)",
        '            POSTED[partition] = record["offset"]\n            ledger_post(payment)',
        "The retry posts the payment that timed out",
        {"logs_contain"},
        id="kafka-records-the-offset-before-posting",
    ),
]


@pytest.mark.parametrize(("slug", "old", "new", "step_name", "expected"), WRONG_VARIANTS)
def test_a_wrong_variant_fails_the_check_written_for_it(slug, old, new, step_name, expected):
    exercise = EXERCISES[slug]
    code = variant(slug, old, new)
    assert failing_checks(exercise, code, step_named(exercise, step_name)) == expected


@pytest.mark.parametrize(
    ("event_file", "error_type"),
    [
        ("declined.json", "PaymentDeclined"),
        ("unknown_card.json", "PaymentDeclined"),
        ("gateway_busy.json", "PaymentGatewayBusy"),
        ("no_items.json", "InvalidOrder"),
        ("price_as_text.json", "InvalidOrder"),
    ],
)
def test_step_functions_solution_raises_the_error_names_the_state_machine_matches(event_file, error_type):
    """The graded checks read the error message; the name ErrorEquals matches is the exception's class name."""
    exercise = EXERCISES["step-functions-named-errors"]
    step = next(s for s in exercise.steps if event_file in s.event_files)
    (run,) = run_trusted(exercise.solution, exercise.handler, list(step.events), "tester")
    assert run.status == "error" and run.error["errorType"] == error_type


def test_a_hidden_failure_reveals_no_event_data():
    """Hidden steps are graded as one summary: a wrong variant's hidden failure names no event data."""
    exercise = EXERCISES["sns-attributes"]
    code = variant("sns-attributes", 'float(value(attributes, "priority") or 0) >= 8', "False")
    report = grading.grade(exercise, code, run_trusted, "tester", contract(exercise))
    hidden = [s for s in report.steps if not s.visible]
    assert len(hidden) == 1 and not hidden[0].passed
    message = " ".join(f.message for f in hidden[0].feedback)
    assert "ord-20977" not in message and "urgent" not in message


@pytest.mark.django_db
@pytest.mark.parametrize("slug", NEW)
def test_its_page_shows_the_statement_and_examples_but_no_hidden_event(client, slug):
    exercise = EXERCISES[slug]
    response = client.get(f"/exercises/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(exercise.title) in html
    shown = {name for step in exercise.visible_steps for name in step.event_files}
    hidden = {name for step in exercise.steps for name in step.event_files} - shown
    assert all(name in html for name in shown)
    assert not [name for name in hidden if name in html]
