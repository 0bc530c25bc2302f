"""Synchronous sources report their state: who waits for the answer, the function working on it, what comes back.

Each case runs one scenario and checks the snapshot at named steps: the place holding each record (the waiting
caller or service, or the bin its answer put it in), the attributes that explain the next step (waiting since,
deadline, attempt, next attempt, status code) and which records the function is working on (shown for context:
the waiting party holds the request). The doc each case cites is the page the engine's own step cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.engine import simulate
from learn.engine.state import MAX_ITEMS, holders
from learn.engine.sync_flow import (
    APIGW_504,
    APIGW_ERRORS,
    COGNITO,
    CONNECT_BLOCK,
    ELB_TROUBLESHOOTING,
    FIREHOSE_FAILURE,
    FIREHOSE_STATUS,
    LEX_FULFILLMENT_UPDATES,
    RETRIES,
    S3_BATCH,
    SFN_ERRORS,
    URL_THROTTLE,
)


@dataclass(frozen=True)
class At:
    """The state after one step: the `nth` step of this kind whose summary contains `text`."""

    kind: str
    text: str = ""
    nth: int = 0
    held: dict[str, str] = field(default_factory=dict)  # record -> the place holding it
    status: dict[str, str] = field(default_factory=dict)  # record -> status of the holding item
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)  # record -> attrs the holding item has
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)  # record -> attrs it must not have
    running: frozenset[str] | None = None  # records the function is working on (status "processing")
    abandoned: frozenset[str] = frozenset()  # still at the function though nobody waits for the answer
    labels: dict[str, str] = field(default_factory=dict)  # place id -> label
    t_ms: int | None = None


@dataclass(frozen=True)
class Case:
    name: str  # the behaviour it shows
    doc: str
    source: str
    settings: dict[str, Any]
    records: Any
    outcomes: Any
    checks: tuple[At, ...]


CASES = [
    Case(
        "API Gateway: the client waits while the function fails, then receives 502",
        APIGW_ERRORS,
        "api-gateway-rest",
        {},
        2,
        ["error"],
        (
            At(
                "send",
                "Request 1",
                held={"1": "caller", "2": "caller"},
                status={"1": "waiting", "2": "pending"},
                attrs={"1": {"waiting_since_ms": 0, "deadline_ms": 29_000}},
                running=frozenset(),
                labels={"caller": "HTTP client"},
            ),
            At("invoke", nth=0, held={"1": "caller"}, running=frozenset({"1"})),
            At("invoke", nth=1, held={"1": "caller", "2": "caller"}, running=frozenset({"1", "2"})),
            At("error", nth=0, t_ms=200, held={"1": "caller"}, status={"1": "waiting"}, running=frozenset({"2"})),
            At(
                "respond",
                nth=1,
                held={"1": "returned", "2": "returned"},
                attrs={"1": {"status_code": 502}, "2": {"status_code": 502}},
                running=frozenset(),
                labels={"returned": "Answered to the client"},
            ),
        ),
    ),
    Case(
        "API Gateway REST: the integration timeout answers 504 while the function is still running",
        APIGW_504,
        "api-gateway-rest",
        {"timeout_s": 60},
        1,
        ["timeout"],
        (
            At("invoke", held={"1": "caller"}, attrs={"1": {"deadline_ms": 29_000}}, running=frozenset({"1"})),
            At("error", "integration timeout", t_ms=29_000, held={"1": "caller"}, abandoned=frozenset({"1"})),
            At(
                "respond",
                t_ms=29_000,
                held={"1": "returned"},
                attrs={"1": {"status_code": 504}},
                running=frozenset(),
                abandoned=frozenset({"1"}),
            ),
        ),
    ),
    Case(
        "ALB: a throttled invocation never runs; the client gets 502",
        ELB_TROUBLESHOOTING,
        "alb",
        {},
        1,
        ["throttle"],
        (
            At("invoke", held={"1": "caller"}, absent={"1": ("deadline_ms",)}, running=frozenset({"1"})),
            At("throttle", t_ms=0, held={"1": "caller"}, status={"1": "waiting"}, running=frozenset()),
            At("respond", held={"1": "returned"}, attrs={"1": {"status_code": 502}}, running=frozenset()),
        ),
    ),
    Case(
        "Function URL: a throttle comes back to the client as 429",
        URL_THROTTLE,
        "function-urls",
        {},
        1,
        ["throttle"],
        (At("respond", held={"1": "returned"}, attrs={"1": {"status_code": 429}}),),
    ),
    Case(
        "SDK Invoke: a function error still comes back as HTTP 200 with the error payload",
        RETRIES,
        "sdk-invoke",
        {},
        1,
        ["error"],
        (
            At("invoke", held={"1": "caller"}, status={"1": "waiting"}, running=frozenset({"1"})),
            At("error", t_ms=200, held={"1": "returned"}, attrs={"1": {"status_code": 200}}, running=frozenset()),
        ),
    ),
    Case(
        "Lex: the fulfillment timeout ends the wait; the function may still be running",
        LEX_FULFILLMENT_UPDATES,
        "lex",
        {"timeout_s": 60, "fulfillment_timeout_s": 30},
        1,
        ["timeout"],
        (
            At("invoke", held={"1": "caller"}, attrs={"1": {"deadline_ms": 30_000}}, running=frozenset({"1"})),
            At("error", t_ms=30_000, held={"1": "returned"}, running=frozenset(), abandoned=frozenset({"1"})),
        ),
    ),
    Case(
        "Cognito: each attempt waits 5 seconds; after 3 timed-out attempts the sign-up fails",
        COGNITO,
        "cognito",
        {"timeout_s": 10},
        1,
        ["timeout"],
        (
            At("send", held={"1": "caller"}, status={"1": "waiting"}, labels={"caller": "App user"}),
            At("invoke", nth=0, attrs={"1": {"attempt": 1, "deadline_ms": 5_000}}, running=frozenset({"1"})),
            At("error", nth=0, t_ms=5_000, held={"1": "caller"}, abandoned=frozenset({"1"})),
            At("invoke", nth=1, attrs={"1": {"attempt": 2, "deadline_ms": 10_000, "waiting_since_ms": 0}}),
            At("invoke", nth=2, attrs={"1": {"attempt": 3, "deadline_ms": 15_000}}, running=frozenset({"1"})),
            At(
                "respond",
                t_ms=15_000,
                held={"1": "returned"},
                labels={"returned": "Answered to the app"},
                abandoned=frozenset({"1"}),
            ),
        ),
    ),
    Case(
        "Connect: retries within the block's timeout, then the Error branch",
        CONNECT_BLOCK,
        "connect",
        {"timeout_s": 5},
        1,
        ["error", "throttle", "timeout"],
        (
            At(
                "invoke",
                nth=0,
                attrs={"1": {"attempt": 1, "deadline_ms": 8_000}},
                labels={"caller": "Connect flow block"},
            ),
            At("retry-wait", nth=1, status={"1": "retry-wait"}, attrs={"1": {"attempt": 2, "retries": 2}}),
            At(
                "invoke", nth=3, t_ms=5_200, attrs={"1": {"attempt": 4, "deadline_ms": 8_000}}, running=frozenset({"1"})
            ),
            At("error", "Error branch", t_ms=8_000, held={"1": "returned"}, abandoned=frozenset({"1"})),
        ),
    ),
    Case(
        "Step Functions: Retry waits 1 s then 2 s, then the error goes to Catch or fails the execution",
        SFN_ERRORS,
        "step-functions",
        {"retry_max_attempts": 2},
        1,
        ["error"],
        (
            At(
                "invoke",
                nth=0,
                held={"1": "service"},
                attrs={"1": {"attempt": 1}},
                running=frozenset({"1"}),
                labels={"service": "Step Functions Task state"},
            ),
            At(
                "retry-wait",
                nth=0,
                status={"1": "retry-wait"},
                attrs={"1": {"retries": 1, "next_attempt_at_ms": 1_200}},
            ),
            At("retry-wait", nth=1, attrs={"1": {"attempt": 2, "retries": 2, "next_attempt_at_ms": 3_400}}),
            At("invoke", nth=2, t_ms=3_400, attrs={"1": {"attempt": 3}}, absent={"1": ("next_attempt_at_ms",)}),
            At("error", "No retries left", held={"1": "returned"}, labels={"returned": "Back to the workflow"}),
        ),
    ),
    Case(
        "Firehose: one invocation for the batch; a ProcessingFailed record goes to processing-failed/",
        FIREHOSE_STATUS,
        "firehose",
        {},
        3,
        ["partial:2"],
        (
            At(
                "invoke",
                held={"1": "service", "2": "service", "3": "service"},
                status={"1": "delivering"},
                attrs={r: {"attempt": 1, "deadline_ms": 300_000} for r in "123"},
                running=frozenset({"1", "2", "3"}),
                labels={"service": "Firehose stream", "function": "Function (transforming the batch)"},
            ),
            At(
                "dlq",
                held={"1": "processed", "2": "service-dlq", "3": "processed"},
                running=frozenset(),
                labels={"service-dlq": "S3 processing-failed/"},
            ),
        ),
    ),
    Case(
        "Firehose: a throttled invocation is retried 3 times, then the batch is skipped",
        FIREHOSE_FAILURE,
        "firehose",
        {},
        2,
        ["throttle"],
        (
            At(
                "retry-wait",
                nth=2,
                status={"1": "retry-wait", "2": "retry-wait"},
                attrs={"1": {"attempt": 3, "retries": 3}},
            ),
            At("invoke", nth=3, attrs={"2": {"attempt": 4, "retries": 3}}, absent={"2": ("next_attempt_at_ms",)}),
            At("dlq", held={"1": "service-dlq", "2": "service-dlq"}),
        ),
    ),
    Case(
        "S3 Batch Operations: a TemporaryFailure task is retried; the others are done",
        S3_BATCH,
        "s3-batch",
        {},
        2,
        ["partial:1", "ok"],
        (
            At(
                "invoke",
                nth=0,
                held={"1": "service", "2": "service"},
                status={"2": "pending"},
                running=frozenset({"1"}),
            ),
            At(
                "error",
                "TemporaryFailure",
                held={"1": "service"},
                status={"1": "retry-wait"},
                attrs={"1": {"attempt": 1, "next_attempt_at_ms": 1_200}},
            ),
            At("invoke", "attempt 2", attrs={"1": {"attempt": 2}}, running=frozenset({"1"})),
            At("return", nth=1, held={"1": "processed", "2": "processed"}),
        ),
    ),
]


def find(trace, at: At):
    matches = [s for s in trace.steps if s.kind == at.kind and at.text.lower() in s.summary.lower()]
    assert len(matches) > at.nth, f"no step #{at.nth} of kind {at.kind!r} with {at.text!r}"
    return matches[at.nth]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sync_snapshot(case: Case):
    trace = simulate(case.source, case.settings, case.records, case.outcomes)
    assert case.doc in {s.doc for s in trace.steps} | {d.doc for d in trace.dispositions.values()}
    for at in case.checks:
        step = find(trace, at)
        snap = step.snapshot
        where = f"step {step.index} ({step.kind}: {step.summary[:50]})"
        if at.t_ms is not None:
            assert step.t_ms == at.t_ms, where
        held = holders(snap)
        places = {p["id"]: p for p in snap["places"]}
        for record, place_id in at.held.items():
            assert held.get(record) == [place_id], f"{where}: {record} held by {held.get(record)}"
        holding = {e["id"]: e for p in snap["places"] for e in p["items"] if not e["ref"]}
        for record, status in at.status.items():
            assert holding[record]["status"] == status, where
        for record, attrs in at.attrs.items():
            assert attrs.items() <= holding[record]["attrs"].items(), f"{where}: {holding[record]['attrs']}"
        for record, names in at.absent.items():
            assert not set(names) & set(holding[record]["attrs"]), f"{where}: {holding[record]['attrs']}"
        work = places["function"]["items"]
        assert all(e["ref"] for e in work), where
        if at.running is not None:
            assert {e["id"] for e in work if e["status"] == "processing"} == at.running, where
        assert {e["id"] for e in work if e["status"] == "abandoned"} == at.abandoned, where
        for place_id, label in at.labels.items():
            assert places[place_id]["label"] == label, where


def test_the_waiting_party_holds_every_request_until_its_answer():
    """Until its answer, each request is held by the caller (or the service that batches it), never by the
    function: the function place only shows the work, so a timed-out caller and a still-running function agree."""
    for source in ("api-gateway-http", "cloudfront", "alexa", "secrets-manager", "connect", "cognito"):
        trace = simulate(source, {}, 1, ["ok"])
        for step in trace.steps:
            places = {p["id"]: p for p in step.snapshot["places"]}
            assert places["caller"]["kind"] == "caller"
            assert all(e["ref"] for e in places["function"]["items"])
        final = holders(trace.steps[-1].snapshot)
        assert final == {"1": ["returned"]}, source


def test_a_large_batch_lists_a_sample_and_counts_the_rest():
    """Firehose invokes once for every buffered record: the stream and the function list 50 and count them all."""
    trace = simulate("firehose", {}, 120, ["ok"])
    places = {p["id"]: p for p in trace.steps[0].snapshot["places"]}
    for place_id in ("service", "function"):
        assert places[place_id]["count"] == 120 and len(places[place_id]["items"]) == MAX_ITEMS
    last = {p["id"]: p for p in trace.steps[-1].snapshot["places"]}
    assert last["service"]["count"] == 0 and last["function"]["count"] == 0 and last["processed"]["count"] == 120
