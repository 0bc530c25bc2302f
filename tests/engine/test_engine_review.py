"""Engine review (December 2026): each case quotes the AWS doc sentence that the trace now follows.

Found by running the engine through scenarios for every source and reading each claim against the docs; the
record is /tmp/audit/engine-review.md (copied to the lead's report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.engine import EngineError, knobs_for, simulate
from learn.engine.run import SECOND

ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html"
CONNECT = "https://docs.aws.amazon.com/connect/latest/adminguide/invoke-lambda-function-block.html"


@dataclass
class Case:
    quote: str  # the doc sentence, verbatim or nearly
    doc: str
    source: str
    settings: dict[str, Any] = field(default_factory=dict)
    records: Any = 1
    outcomes: Any = "ok"
    kinds: dict[str, str] | None = None  # record id -> disposition kind
    status: int | None = None  # status code of record "1"
    no_status: bool = False  # record "1" must carry no status code (the docs name none)
    invocations: int | None = None
    ends_at: int | None = None  # t_ms of the last step
    contains: tuple[str, ...] = ()  # text that must appear in some step summary
    absent: tuple[str, ...] = ()  # text that must appear in no step summary or note
    step_doc: str = ""  # a step must cite this page


CASES = [
    # --- Application Load Balancer: the ELB troubleshooting page lists these causes under HTTP 502 ----------------
    Case(
        "HTTP 502: The target is a Lambda function that returned an error or the function was throttled by the Lambda "
        "service.",
        ELB,
        "alb",
        outcomes="throttle",
        status=502,
        step_doc=ELB,
        absent=("AWS documents no status code",),
    ),
    Case(
        "HTTP 502: The target is a Lambda function that returned an error ...",
        ELB,
        "alb",
        outcomes="error",
        status=502,
        step_doc=ELB,
        absent=("Not confirmed in the AWS docs",),
    ),
    Case(
        "HTTP 502: The target is a Lambda function that did not respond before its configured timeout was reached.",
        ELB,
        "alb",
        {"timeout_s": 5},
        outcomes="timeout",
        status=502,
        ends_at=5 * SECOND,
    ),
    Case(
        "HTTP 502: The target response is malformed or contains HTTP headers that are not valid.",
        ELB,
        "alb",
        outcomes="malformed",
        status=502,
        step_doc=ELB,
    ),
    # --- CloudFront and API Gateway -------------------------------------------------------------------------------
    Case(
        "HTTP 502 status code (Lambda validation error)",
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/troubleshooting-response-errors.html",
        "cloudfront",
        outcomes="malformed",
        status=502,
        step_doc="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/troubleshooting-response-errors.html",
    ),
    Case(
        "INTEGRATION_TIMEOUT | 504 | The gateway response for an integration timeout error.",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html",
        "api-gateway-rest",
        {"timeout_s": 60},
        outcomes="timeout",
        status=504,
        ends_at=29 * SECOND,
        step_doc="https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html",
    ),
    # Gateway responses are a REST API feature; the HTTP API quota page gives the 30 s limit and no status code.
    Case(
        "Maximum integration timeout: 30 seconds (HTTP API quotas; no status code is documented for it)",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
        "api-gateway-http",
        {"timeout_s": 60},
        outcomes="timeout",
        kinds={"1": "returned-error"},
        no_status=True,
        ends_at=30 * SECOND,
    ),
    Case(
        "API Gateway does not retry any Lambda invocations. (CloudFront is not API Gateway: no such claim there.)",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html",
        "cloudfront",
        outcomes="error",
        status=503,
        absent=("API Gateway, load balancers and function URLs never retry",),
    ),
    # --- Callers with their own clock -----------------------------------------------------------------------------
    Case(
        "There is a 30-second timeout on RequestResponse invocations.",
        "https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda.html",
        "ses",
        {"invocation_type": "RequestResponse", "timeout_s": 60},
        outcomes="timeout",
        kinds={"1": "returned-error"},
        ends_at=30 * SECOND,
        contains=("30-second timeout on RequestResponse",),
    ),
    Case(
        "... instead the default timeout of 30 seconds is used. If the fulfillment function times out, Amazon Lex V2 "
        "returns the timeout response (post-fulfillment responses configured and active) or an exception.",
        "https://docs.aws.amazon.com/lexv2/latest/dg/streaming-progress.html",
        "lex",
        {"timeout_s": 60},
        outcomes="timeout",
        kinds={"1": "returned-error"},
        ends_at=30 * SECOND,
        contains=("fulfillment timeout (30 s)",),
    ),
    Case(
        "You can specify the length of the timeout up to 15 minutes (900 seconds) [with fulfillment updates].",
        "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_FulfillmentUpdatesSpecification.html",
        "lex",
        {"timeout_s": 60, "fulfillment_timeout_s": 120},
        outcomes="timeout",
        kinds={"1": "returned-error"},
        ends_at=60 * SECOND,
        contains=("FunctionError set",),
    ),
    Case(
        "Timeout: ... You can enter maximum of 8 seconds for Synchronous mode. ... At that point, the contact is "
        "routed down the Error branch.",
        CONNECT,
        "connect",
        {"timeout_s": 20},
        outcomes="timeout",
        kinds={"1": "returned-error"},
        invocations=1,
        ends_at=8 * SECOND,
        contains=("Error branch",),
    ),
    Case(
        "When a Lambda invocation returns an error, Amazon Connect retries up to three times, for maximum until "
        "timeout specified.",
        CONNECT,
        "connect",
        outcomes="error",
        kinds={"1": "returned-error"},
        invocations=4,
        contains=("Error branch",),
    ),
    Case(
        "... Amazon Connect retries up to three times [and a retry that succeeds continues the flow].",
        CONNECT,
        "connect",
        outcomes=["error", "error", "ok"],
        kinds={"1": "returned-ok"},
        invocations=3,
    ),
    Case(
        "If your Lambda invocation gets throttled, the request is retried.",
        CONNECT,
        "connect",
        outcomes=["throttle", "ok"],
        kinds={"1": "returned-ok"},
        invocations=2,
    ),
    # Invoke API: FunctionError is set only "If present, indicates that an error occurred during function execution".
    Case(
        "FunctionError: If present, indicates that an error occurred during function execution.",
        "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
        "sdk-invoke",
        outcomes="malformed",
        kinds={"1": "returned-ok"},
        status=200,
        absent=("FunctionError set",),
    ),
    # --- Queues, async, streams -----------------------------------------------------------------------------------
    Case(
        "Even when your function code returns partial batch failure responses, these responses will not be processed "
        "by Lambda unless the ReportBatchItemFailures feature is explicitly turned on [so the whole batch is deleted].",
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html",
        "sqs",
        records=3,
        outcomes="partial:2",
        kinds={"1": "processed", "2": "lost-ignored-response", "3": "processed"},
        contains=("DeleteMessageBatch: 3 messages deleted.",),
    ),
    Case(
        "When you set reserved concurrency to zero for an asynchronously invoked function, Lambda begins sending new "
        "events to the configured dead-letter queue or the on-failure event destination, without any retries. "
        "[The function never runs, so the record has no response.]",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        "s3",
        {"reserved_concurrency_zero": True, "on_failure_destination": "sqs"},
        kinds={"1": "on-failure-destination"},
        invocations=0,
        contains=("there is no response: the function never ran",),
    ),
    Case(
        "If none of your filters are satisfied, Lambda discards the record.",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html",
        "kinesis",
        records=[{"id": "1"}, {"id": "2", "matches_filter": False}, {"id": "3"}],
        kinds={"1": "processed", "2": "filtered-out", "3": "processed"},
        invocations=1,
        contains=("Invoke synchronously with records 1 and 3.",),
    ),
    Case(
        "If none of your filters are satisfied, Lambda discards the record. (Amazon MQ)",
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html",
        "mq",
        records=[{"id": "1", "matches_filter": False}, {"id": "2"}],
        kinds={"1": "filtered-out", "2": "processed"},
        invocations=1,
    ),
    Case(
        "Lambda processes each shard in order; with several shards a batch holds one shard's records only "
        "[so the trace must not print a range that spans another shard's record].",
        "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html",
        "kinesis",
        records=[{"id": "1", "shard": "s1"}, {"id": "2", "shard": "s2"}, {"id": "3", "shard": "s1"}],
        contains=("Invoke synchronously with records 1 and 3.", "Invoke synchronously with record 2."),
        absent=("records 1–3",),
    ),
]


def _texts(trace) -> list[str]:
    return [s.summary for s in trace.steps] + [s.note for s in trace.steps] + list(trace.notes)


@pytest.mark.parametrize("case", CASES, ids=[c.quote[:90] for c in CASES])
def test_trace_follows_the_doc(case: Case):
    trace = simulate(case.source, case.settings, case.records, case.outcomes)
    texts = _texts(trace)
    if case.kinds is not None:
        assert {k: trace.dispositions[k].kind for k in case.kinds} == case.kinds
    if case.status is not None:
        assert trace.dispositions["1"].status_code == case.status
    if case.no_status:
        assert trace.dispositions["1"].status_code is None
    if case.invocations is not None:
        assert trace.invocations == case.invocations
    if case.ends_at is not None:
        assert abs(trace.steps[-1].t_ms - case.ends_at) <= SECOND, trace.steps[-1]
    for text in case.contains:
        assert any(text in t for t in texts), texts
    for text in case.absent:
        assert not any(text in t for t in texts), texts
    if case.step_doc:
        assert any(s.doc == case.step_doc for s in trace.steps) or any(
            d.doc == case.step_doc for d in trace.dispositions.values()
        )


# with-kafka-configure (note, in substance): although the Lambda timeout is generally at most 15 minutes, event source
# mappings for Amazon MSK, self-managed Apache Kafka, Amazon DocumentDB, and Amazon MQ for ActiveMQ and RabbitMQ only
# support functions with a timeout of at most 14 minutes.
@pytest.mark.parametrize("source", ["msk", "kafka", "mq", "documentdb"])
def test_fourteen_minute_limit(source):
    with pytest.raises(EngineError) as raised:
        simulate(source, {"timeout_s": 841})
    assert "14 minutes" in str(raised.value)
    assert simulate(source, {"timeout_s": 840}).dispositions["1"].kind == "processed"


def test_kinesis_keeps_the_fifteen_minute_timeout():
    assert simulate("kinesis", {"timeout_s": 900}).dispositions["1"].kind == "processed"


# "Lambda doesn't support event filtering for Amazon DocumentDB." Sources without a mapping have no filters at all.
@pytest.mark.parametrize(("source", "message"), [("documentdb", "DocumentDB"), ("s3", "event source mappings")])
def test_filtering_is_refused_where_lambda_does_not_filter(source, message):
    with pytest.raises(EngineError) as raised:
        simulate(source, {}, [{"id": "1", "matches_filter": False}])
    assert message in str(raised.value)


# Connect's synchronous block waits at most 8 seconds; the knob cannot promise more.
# Cognito: "if the service can retry the call" -- the guide names timeouts, not throttles: the trace says the
# simulation's choice is its own.
def test_cognito_throttle_retry_is_flagged_as_not_documented():
    throttled = simulate("cognito", {}, 1, "throttle")
    assert any("does not say whether a throttled invocation" in t for t in _texts(throttled))
    slow = simulate("cognito", {}, 1, "timeout")
    assert not any("throttled invocation" in t for t in _texts(slow))


def test_connect_block_timeout_is_at_most_eight_seconds():
    with pytest.raises(EngineError):
        simulate("connect", {"block_timeout_s": 9})


# SNS: "Amazon SNS doesn't retry the message delivery that fails as a result of a client-side error" (e.g. a changed
# endpoint policy). EventBridge: "for errors that result from missing permissions to a target ... no retry attempts
# will happen". So the retried-failures what-if must not use a missing permission as its example.
@pytest.mark.parametrize("source", ["sns", "eventbridge", "eventbridge-scheduler"])
def test_delivery_failures_knob_names_only_retried_errors(source):
    knob = next(k for k in knobs_for(source) if k.name == "delivery_failures")
    assert "resource-based policy is missing" not in knob.description
    assert "not simulated" in knob.description
