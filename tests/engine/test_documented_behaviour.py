"""Table-driven engine cases. Each names the documented fact it encodes and the page it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.engine import EngineError, simulate
from learn.engine.run import DAY, HOUR, MINUTE, SECOND

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"


@dataclass
class Case:
    fact: str
    doc: str
    source: str
    settings: dict[str, Any] = field(default_factory=dict)
    records: Any = 1
    outcomes: Any = "ok"
    dispositions: dict[str, str] | None = None  # record id -> disposition kind
    invocations: int | None = None
    status: int | None = None  # status code of record "1"
    step_times: list[int] | None = None  # t_ms of each "invoke" step
    ends_at: int | None = None  # t_ms of the last step
    contains: str = ""  # text that must appear in some step summary


CASES = [
    # --- synchronous --------------------------------------------------------------------------------
    Case(
        "API Gateway returns 502 when the function errors; it never retries",
        LDG + "services-apigateway-errors.html",
        "api-gateway-rest",
        outcomes="error",
        dispositions={"1": "returned-error"},
        invocations=1,
        status=502,
    ),
    Case(
        "API Gateway returns 502 for a malformed proxy response",
        LDG + "services-apigateway-errors.html",
        "api-gateway-http",
        outcomes="malformed",
        status=502,
        invocations=1,
    ),
    Case(
        "API Gateway returns 500 when Lambda rejects the invoke (throttled)",
        LDG + "services-apigateway-errors.html",
        "api-gateway-rest",
        outcomes="throttle",
        status=500,
    ),
    Case(
        "REST API integration timeout is 29 s by default: a slower function gives 504 (INTEGRATION_TIMEOUT)",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html",
        "api-gateway-rest",
        {"timeout_s": 60},
        outcomes="timeout",
        status=504,
        ends_at=29 * SECOND,
    ),
    Case(
        "HTTP API integration timeout is 30 s at most",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
        "api-gateway-http",
        {"timeout_s": 45},
        outcomes="timeout",
        dispositions={"1": "returned-error"},  # the HTTP API docs name no status code for this (REST: 504)
        ends_at=30 * SECOND,
    ),
    Case(
        "A function timeout inside the integration timeout is a function error: 502",
        LDG + "services-apigateway-errors.html",
        "api-gateway-http",
        {"timeout_s": 3},
        outcomes="timeout",
        status=502,
        ends_at=3 * SECOND,
    ),
    Case(
        "Function URLs answer 429 when throttled",
        LDG + "apig-http-invoke-decision.html",
        "function-urls",
        outcomes="throttle",
        status=429,
        dispositions={"1": "returned-error"},
    ),
    Case(
        "A successful request returns the function's status code",
        LDG + "services-apigateway-errors.html",
        "alb",
        outcomes=[{"kind": "ok", "status_code": 201}],
        status=201,
        dispositions={"1": "returned-ok"},
    ),
    Case(
        "Lambda never retries a synchronous invoke: the caller gets 429",
        LDG + "invocation-retries.html",
        "sdk-invoke",
        outcomes="throttle",
        status=429,
        invocations=1,
    ),
    Case(
        "Cognito waits 5 seconds and gives up after 3 attempts",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html",
        "cognito",
        outcomes="timeout",
        invocations=3,
        dispositions={"1": "returned-error"},
        ends_at=15 * SECOND,
    ),
    # The page retries an invocation that fails "because of a network timeout or because you've reached the
    # Lambda invocation limit" (a throttle), three times by default; it names no retry for a function error.
    Case(
        "Firehose retries a throttled invocation 3 times, then sends the records to processing-failed",
        "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html",
        "firehose",
        records=2,
        outcomes="throttle",
        invocations=4,
        dispositions={"1": "service-dlq", "2": "service-dlq"},
    ),
    Case(
        "Firehose records marked ProcessingFailed go to S3; Ok records are delivered",
        "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-status-model.html",
        "firehose",
        records=3,
        outcomes="partial:2",
        dispositions={"1": "processed", "2": "service-dlq", "3": "processed"},
    ),
    Case(
        "S3 Batch Operations retries tasks that return TemporaryFailure",
        LDG + "invocation-retries.html",
        "s3-batch",
        outcomes=["partial:1", "ok"],
        invocations=2,
        dispositions={"1": "processed"},
    ),
    Case(
        "Step Functions: without a Retry field the Task fails on the first error",
        "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html",
        "step-functions",
        outcomes="error",
        invocations=1,
        dispositions={"1": "returned-error"},
    ),
    Case(
        "Step Functions: a Retry field retries the Task (1 s, then doubling)",
        "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html",
        "step-functions",
        {"retry_max_attempts": 2},
        outcomes="error",
        invocations=3,
        step_times=[0, 1200, 3400],
    ),
    Case(
        "CloudFront answers 503 for a Lambda@Edge execution error",
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html",
        "cloudfront",
        outcomes="error",
        status=503,
    ),
    # --- asynchronous -------------------------------------------------------------------------------
    Case(
        "Async: a function error is retried twice, after 1 minute and then 2 minutes",
        LDG + "invocation-async-error-handling.html",
        "s3",
        outcomes="error",
        invocations=3,
        step_times=[100, 100 + 200 + MINUTE, 100 + 400 + 3 * MINUTE],
        dispositions={"1": "discarded-retries"},
    ),
    Case(
        "Async: MaximumRetryAttempts 0 means a single attempt",
        LDG + "invocation-async-configuring.html",
        "sns",
        {"maximum_retry_attempts": 0},
        outcomes="error",
        invocations=1,
    ),
    Case(
        "Async: a transient error succeeds on the retry one minute later",
        LDG + "invocation-async-error-handling.html",
        "eventbridge",
        outcomes=["error", "ok"],
        invocations=2,
        dispositions={"1": "processed"},
    ),
    Case(
        "Async: timeouts count as function errors and are retried",
        LDG + "invocation-async-error-handling.html",
        "iot",
        outcomes="timeout",
        invocations=3,
    ),
    Case(
        "Async: the failed event goes to the DLQ with no response details",
        LDG + "invocation-async-retain-records.html",
        "s3",
        {"dead_letter_queue": "sqs"},
        outcomes="error",
        dispositions={"1": "function-dlq"},
    ),
    Case(
        "Async: the on-failure destination gets the invocation record",
        LDG + "invocation-async-retain-records.html",
        "codecommit",
        {"on_failure_destination": "eventbridge"},
        outcomes="error",
        dispositions={"1": "on-failure-destination"},
        contains="RetriesExhausted",
    ),
    Case(
        "Async: on-success destinations receive a record of successful invocations",
        LDG + "invocation-async-retain-records.html",
        "s3",
        {"on_success_destination": "sqs"},
        dispositions={"1": "processed"},
        contains="on-success destination",
    ),
    Case(
        "Async: MaximumEventAgeInSeconds below the retry wait discards the event",
        LDG + "invocation-async-configuring.html",
        "s3",
        {"maximum_event_age_s": 60},
        outcomes="error",
        invocations=1,
        dispositions={"1": "discarded-max-age"},
    ),
    Case(
        "Async: throttles back off exponentially and do not use retry attempts",
        LDG + "invocation-async-error-handling.html",
        "s3",
        outcomes=["throttle", "throttle", "ok"],
        invocations=3,
        step_times=[100, 1100, 3100],
        dispositions={"1": "processed"},
    ),
    Case(
        "Async: a function throttled for good is retried until the event is 6 hours old",
        LDG + "invocation-async-error-handling.html",
        "s3",
        outcomes="throttle",
        dispositions={"1": "discarded-max-age"},
        contains="EventAgeExceeded" if False else "too old",
    ),
    Case(
        "Async: reserved concurrency 0 sends events straight to the DLQ",
        LDG + "invocation-async-retain-records.html",
        "s3",
        {"reserved_concurrency_zero": True, "dead_letter_queue": "sns"},
        outcomes="ok",
        invocations=0,
        dispositions={"1": "function-dlq"},
    ),
    Case(
        "Direct Invoke with InvocationType Event is asynchronous (202) and retried",
        "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
        "sdk-invoke",
        {"invocation_type": "Event"},
        outcomes="error",
        invocations=3,
        contains="202",
    ),
    Case(
        "EventBridge retries delivery per its target retry policy, then uses the target DLQ",
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html",
        "eventbridge",
        {"delivery_failures": 200, "target_maximum_retry_attempts": 5, "target_dlq": True},
        invocations=0,
        dispositions={"1": "service-dlq"},
    ),
    Case(
        "SNS retries delivery to Lambda before Lambda's queue takes over",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html",
        "sns",
        {"delivery_failures": 4},
        invocations=1,
        dispositions={"1": "processed"},
        contains="retried delivery 4",
    ),
    Case(
        "CloudFormation fails the stack operation when no response arrives by ServiceTimeout",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html",
        "cloudformation",
        {"service_timeout_s": 600},
        outcomes="error",
        ends_at=600 * SECOND,
        contains="ServiceTimeout",
    ),
    # --- SQS ----------------------------------------------------------------------------------------
    Case(
        "SQS: a function error returns the whole batch after the visibility timeout",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        records=3,
        outcomes=["error", "ok"],
        invocations=2,
        step_times=[0, 30 * SECOND],
        dispositions={"1": "processed", "2": "processed", "3": "processed"},
    ),
    Case(
        "SQS: maxReceiveCount moves a poison message to the queue's DLQ",
        LDG + "services-sqs-configure.html",
        "sqs",
        {"redrive_policy": True, "max_receive_count": 3},
        outcomes="error",
        invocations=3,
        dispositions={"1": "queue-dlq"},
        ends_at=90 * SECOND,
    ),
    Case(
        "SQS: without a redrive policy a poison message returns until retention deletes it",
        LDG + "invocation-retries.html",
        "sqs",
        {"message_retention_s": 3600},
        outcomes="error",
        invocations=120,
        dispositions={"1": "discarded-retention"},
        ends_at=HOUR,
    ),
    Case(
        "SQS: ReportBatchItemFailures returns only the failed message",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        {"report_batch_item_failures": True},
        records=3,
        outcomes=["partial:2", "ok"],
        invocations=2,
        dispositions={"1": "processed", "2": "processed", "3": "processed"},
    ),
    Case(
        "SQS: a partial response is ignored without ReportBatchItemFailures (the failure is lost)",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        records=3,
        outcomes="partial:2",
        invocations=1,
        dispositions={"1": "processed", "2": "lost-ignored-response", "3": "processed"},
    ),
    Case(
        "SQS: an unknown itemIdentifier fails the whole batch",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        {"report_batch_item_failures": True},
        records=2,
        outcomes=["partial:9", "ok"],
        invocations=2,
        step_times=[0, 30 * SECOND],
    ),
    Case(
        "SQS: an invalid response with ReportBatchItemFailures fails the whole batch",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        {"report_batch_item_failures": True},
        records=2,
        outcomes=["malformed", "ok"],
        invocations=2,
    ),
    Case(
        "SQS: messages that do not match the filter are deleted without invoking",
        LDG + "invocation-eventfiltering.html",
        "sqs",
        records=[{"id": "a", "matches_filter": False}, {"id": "b"}],
        dispositions={"a": "filtered-out", "b": "processed"},
        invocations=1,
    ),
    Case(
        "SQS FIFO: a failed message is retried before later messages of its group",
        LDG + "services-sqs-scaling.html",
        "sqs",
        {"fifo": True, "report_batch_item_failures": True},
        records=[{"id": "a", "group": "g"}, {"id": "b", "group": "g"}],
        outcomes=["flaky:a", "ok"],
        invocations=2,
        dispositions={"a": "processed", "b": "processed"},
    ),
    Case(
        "SQS batches are cut at the batch size",
        LDG + "services-sqs-parameters.html",
        "sqs",
        {"batch_size": 2},
        records=5,
        invocations=3,
    ),
    Case(
        "SQS: a throttled batch returns to the queue after the visibility timeout",
        LDG + "services-sqs-errorhandling.html",
        "sqs",
        outcomes=["throttle", "ok"],
        invocations=2,
        step_times=[0, 30 * SECOND],
    ),
    # --- streams ------------------------------------------------------------------------------------
    Case(
        "Kinesis: with default settings a failing batch is retried until the records expire (24 h)",
        LDG + "kinesis-on-failure-destination.html",
        "kinesis",
        records=2,
        outcomes="error",
        dispositions={"1": "discarded-retention", "2": "discarded-retention"},
        ends_at=DAY,
    ),
    Case(
        "DynamoDB Streams keep records for 24 hours",
        LDG + "services-ddb-params.html",
        "dynamodb-streams",
        outcomes="error",
        dispositions={"1": "discarded-retention"},
        ends_at=DAY,
    ),
    Case(
        "Streams: MaximumRetryAttempts limits retries; the batch goes to the on-failure destination",
        LDG + "kinesis-on-failure-destination.html",
        "kinesis",
        {"maximum_retry_attempts": 2, "on_failure_destination": "sqs"},
        records=2,
        outcomes="error",
        invocations=3,
        dispositions={"1": "on-failure-destination", "2": "on-failure-destination"},
    ),
    Case(
        "Streams: MaximumRecordAgeInSeconds discards old records",
        LDG + "services-kinesis-parameters.html",
        "kinesis",
        {"maximum_record_age_s": 60},
        outcomes="error",
        dispositions={"1": "discarded-max-age"},
    ),
    Case(
        "Streams: bisect splits a failing batch and isolates the bad record",
        LDG + "kinesis-on-failure-destination.html",
        "kinesis",
        {"bisect_batch_on_function_error": True, "maximum_retry_attempts": 1},
        records=4,
        outcomes="poison:3",
        dispositions={"1": "processed", "2": "processed", "3": "discarded-retries", "4": "processed"},
    ),
    Case(
        "Streams: a partial batch response checkpoints at the lowest failed sequence number",
        LDG + "services-ddb-batchfailurereporting.html",
        "dynamodb-streams",
        {"report_batch_item_failures": True},
        records=4,
        outcomes=["partial:3+4", "ok"],
        invocations=2,
        contains="checkpoint moves to 3",
    ),
    Case(
        "Streams: throttles do not count toward MaximumRetryAttempts",
        LDG + "invocation-eventsourcemapping.html",
        "kinesis",
        {"maximum_retry_attempts": 1},
        outcomes=["throttle", "throttle", "throttle", "ok"],
        invocations=4,
        dispositions={"1": "processed"},
    ),
    Case(
        "Streams: a later shard is not blocked by a failing one",
        LDG + "with-kinesis.html",
        "kinesis",
        {"maximum_retry_attempts": 1},
        records=[{"id": "a", "shard": "s1"}, {"id": "b", "shard": "s2"}],
        outcomes="poison:a",
        dispositions={"a": "discarded-retries", "b": "processed"},
    ),
    Case(
        "Kafka: infinite retries with an on-failure destination are capped at 10",
        LDG + "kafka-retry-configurations.html",
        "msk",
        {"on_failure_destination": "s3"},
        outcomes="error",
        invocations=11,
        dispositions={"1": "on-failure-destination"},
    ),
    Case(
        "Amazon MQ: the broker redelivers 6 times, then the broker DLQ",
        LDG + "services-mq-errors.html",
        "mq",
        records=2,
        outcomes="error",
        invocations=7,
        dispositions={"1": "broker-dlq", "2": "broker-dlq"},
    ),
    Case(
        "DocumentDB: a failing batch is retried until it succeeds",
        "https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html",
        "documentdb",
        outcomes=["error", "error", "ok"],
        invocations=3,
        dispositions={"1": "processed"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.fact for c in CASES])
def test_documented_behaviour(case: Case):
    assert case.doc.startswith("https://")
    trace = simulate(case.source, case.settings, case.records, case.outcomes)
    if case.dispositions is not None:
        assert {k: trace.dispositions[k].kind for k in case.dispositions} == case.dispositions
    if case.invocations is not None:
        assert trace.invocations == case.invocations
    if case.status is not None:
        assert trace.dispositions["1"].status_code == case.status
    if case.step_times is not None:
        assert [s.t_ms for s in trace.steps if s.kind == "invoke"] == case.step_times
    if case.ends_at is not None:
        assert abs(trace.steps[-1].t_ms - case.ends_at) <= 2 * SECOND, trace.steps[-1]
    if case.contains:
        assert any(case.contains in s.summary for s in trace.steps), [s.summary for s in trace.steps]


def test_there_are_at_least_forty_documented_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("source", "settings", "message"),
    [
        ("async_nope", {}, "unknown source"),
        ("sqs", {"batch_size": 0}, "Batch size (batch_size) must be 1–10,000"),
        (
            "sqs",
            {"fifo": True, "batch_size": 20, "maximum_batching_window_s": 1},
            "FIFO queue allows a batch size of at most 10",
        ),
        ("sqs", {"fifo": True, "maximum_batching_window_s": 5}, "cannot use a batching window"),
        ("sqs", {"batch_size": 50}, "needs a batching window"),
        ("sqs", {"timeout_s": 60}, "longer than the queue's visibility timeout"),
        ("s3", {"maximum_retry_attempts": 3}, "must be 0–2"),
        ("s3", {"maximum_event_age_s": 30}, "must be 60–21,600"),
        ("kinesis", {"maximum_record_age_s": 30}, "or -1"),
        ("kinesis", {"parallelization_factor": 11}, "1–10"),
        ("s3", {"batch_size": 5}, "not a setting for this source"),
        ("s3", {"dead_letter_queue": "sqs-fifo"}, "must be one of none, sqs, sns"),
        ("s3", {"maximum_retry_attempts": "two"}, "must be a whole number"),
    ],
)
def test_bad_settings_are_explained(source, settings, message):
    with pytest.raises(EngineError) as raised:
        simulate(source, settings)
    assert message in str(raised.value)


@pytest.mark.parametrize("outcomes", ["banana", "partial", "ok:1", ["error", 5]])
def test_bad_outcomes_are_explained(outcomes):
    with pytest.raises(EngineError):
        simulate("sqs", {}, 2, outcomes)
