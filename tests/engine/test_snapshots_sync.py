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
from learn.engine.simulate import default_catalog
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
    # the function place, item by item: (record, status, label, attempt or None), in any order
    work: tuple[tuple[str, str, str, int | None], ...] | None = None
    says: dict[str, str] = field(default_factory=dict)  # record -> words in the label of the item holding it
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # place id -> meta it has
    actor: tuple[str, str | None] | None = None  # the step's (actor, target)
    summary_has: str = ""
    summary_lacks: str = ""


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
            # the result step says what came back; the invocation leaves at the next step
            At(
                "error",
                nth=0,
                t_ms=200,
                held={"1": "caller"},
                status={"1": "waiting"},
                running=frozenset({"2"}),
                work=(("1", "returned", "returned: error", None), ("2", "processing", "running since +0 s", None)),
            ),
            At("respond", nth=0, work=(("2", "processing", "running since +0 s", None),)),
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
            # review row 54: once API Gateway gives up, the client's item says so (no longer "stops waiting at")
            At(
                "error",
                "integration timeout",
                t_ms=29_000,
                held={"1": "caller"},
                abandoned=frozenset({"1"}),
                says={"1": "API Gateway (REST) stopped waiting at +29 s; its 504 answer is on the way"},
            ),
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
            # review row 56: the invoke was sent, the function never ran, and the place says so
            At(
                "invoke",
                held={"1": "caller"},
                absent={"1": ("deadline_ms",)},
                work=(("1", "processing", "invoke sent", None),),
            ),
            At(
                "throttle",
                t_ms=0,
                held={"1": "caller"},
                status={"1": "waiting"},
                running=frozenset(),
                work=(("1", "throttled", "throttled: the function did not run", None),),
            ),
            At("respond", held={"1": "returned"}, attrs={"1": {"status_code": 502}}, work=()),
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
            # review row 62: Cognito (the service) stops waiting; the function has not failed
            At(
                "error",
                nth=0,
                t_ms=5_000,
                held={"1": "caller"},
                abandoned=frozenset({"1"}),
                actor=("service", None),
                says={"1": "attempt 1 got no answer within 5 seconds"},
            ),
            # review row 61: the earlier attempt runs on (10 s timeout) beside the new one, listed as abandoned
            At(
                "invoke",
                nth=1,
                attrs={"1": {"attempt": 2, "deadline_ms": 10_000, "waiting_since_ms": 0}},
                abandoned=frozenset({"1"}),
                work=(
                    ("1", "abandoned", "still running until +10 s; nobody waits for its answer", 1),
                    ("1", "processing", "running since +5 s", 2),
                ),
            ),
            At("error", nth=1, t_ms=10_000, abandoned=frozenset({"1"}), actor=("service", None)),
            At(
                "invoke",
                nth=2,
                attrs={"1": {"attempt": 3, "deadline_ms": 15_000}},
                running=frozenset({"1"}),
                abandoned=frozenset({"1"}),
                work=(
                    ("1", "abandoned", "still running until +15 s; nobody waits for its answer", 2),
                    ("1", "processing", "running since +10 s", 3),
                ),
            ),
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
                absent={"1": ("retries",)},
                labels={"caller": "Connect flow block"},
                # review row 71: max_retries comes with what it applies to
                meta={
                    "caller": {
                        "max_retries": 3,
                        "retry_rule": "an invoke that fails, times out or is throttled is tried again, up to 3 "
                        "times, only while the block's timeout lasts",
                    }
                },
            ),
            # retries made so far (attempts - 1): attempt 2 was the first retry
            At(
                "retry-wait",
                nth=1,
                status={"1": "retry-wait"},
                attrs={"1": {"attempt": 2, "retries": 1}},
                says={"1": "attempt 2 was throttled; retry 2 of at most 3 follows"},
                work=(),
            ),
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
            # review row 63: the Task state waits for the function (it delivers nothing)
            At(
                "invoke",
                nth=0,
                held={"1": "service"},
                status={"1": "waiting"},
                attrs={"1": {"attempt": 1}},
                running=frozenset({"1"}),
                labels={"service": "Step Functions Task state"},
            ),
            # review rows 64 and 65: attempt 1 failed and the Retry field applies; the state has not failed
            At(
                "error",
                nth=0,
                t_ms=200,
                status={"1": "retry-wait"},
                says={"1": "attempt 1 failed (your exception's type name); the Retry field applies"},
                work=(("1", "returned", "returned: error", 1),),
                summary_has="the Retry field matches it",
                summary_lacks="state fails",
            ),
            At(
                "retry-wait",
                nth=0,
                status={"1": "retry-wait"},
                attrs={"1": {"next_attempt_at_ms": 1_200}},
                absent={"1": ("retries",)},
                work=(),
            ),
            At("retry-wait", nth=1, attrs={"1": {"attempt": 2, "retries": 1, "next_attempt_at_ms": 3_400}}),
            At(
                "invoke",
                nth=2,
                t_ms=3_400,
                status={"1": "waiting"},
                attrs={"1": {"attempt": 3, "retries": 2}},
                absent={"1": ("next_attempt_at_ms",)},
            ),
            At(
                "error",
                nth=2,
                status={"1": "failed"},
                says={"1": "attempt 3 failed (your exception's type name); no retries left"},
                summary_lacks="Retry field",
            ),
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
                status={"1": "waiting"},
                attrs={r: {"attempt": 1, "deadline_ms": 300_000} for r in "123"},
                running=frozenset({"1", "2", "3"}),
                labels={"service": "Firehose stream", "function": "Function (transforming the batch)"},
            ),
            # review row 68: at the return step every record is still in the stream, with its result
            At(
                "return",
                held={"1": "service", "2": "service", "3": "service"},
                status={"1": "delivering", "2": "failed", "3": "delivering"},
                says={"1": "result: Ok", "2": "result: ProcessingFailed"},
                work=(
                    ("1", "returned", "returned: result Ok", 1),
                    ("2", "returned", "returned: result ProcessingFailed", 1),
                    ("3", "returned", "returned: result Ok", 1),
                ),
            ),
            At(
                "dlq",
                held={"1": "service", "2": "service-dlq", "3": "service"},
                work=(),
                labels={"service-dlq": "S3 processing-failed/"},
            ),
            At("deliver", held={"1": "processed", "2": "service-dlq", "3": "processed"}, actor=("service", None)),
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
                attrs={"1": {"attempt": 3, "retries": 2}},
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
    Case(
        "S3 Batch Operations: a failed invocation fails its task; no retry is documented for it",
        S3_BATCH,
        "s3-batch",
        {},
        2,
        ["poison:2"],
        (
            At(
                "return",
                held={"1": "processed", "2": "service"},
                work=(("1", "returned", "returned: success", 1), ("2", "processing", "running since +0 s", 1)),
            ),
            At(
                "error",
                held={"1": "processed", "2": "reported-failed"},
                work=(("2", "returned", "returned: error", 1),),
            ),
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
        if at.work is not None:
            listed = sorted((e["id"], e["status"], e["label"], e["attrs"].get("attempt")) for e in work)
            assert listed == sorted(at.work), f"{where}: {listed}"
        for record, words in at.says.items():
            assert words in holding[record]["label"], f"{where}: {holding[record]['label']}"
        for place_id, meta in at.meta.items():
            assert meta.items() <= places[place_id]["meta"].items(), f"{where}: {places[place_id]['meta']}"
        if at.actor is not None:
            assert (step.actor, step.target) == at.actor, where
        assert at.summary_has in step.summary, where
        assert not at.summary_lacks or at.summary_lacks not in step.summary, where


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


SYNC_SOURCES = sorted(slug for slug in default_catalog().sources if simulate(slug, {}, 1, ["ok"]).model == "sync")


@pytest.mark.parametrize("source", SYNC_SOURCES)
def test_a_throttled_invocation_never_shows_as_running(source):
    """Review row 56 (and every sync throttle): the invoke step shows the invoke as sent, the step that reports the
    throttle shows "throttled: the function did not run", and the step after it no longer lists it."""
    trace = simulate(source, {}, 1, ["throttle"] * 3 + ["ok"])
    invokes = [i for i, step in enumerate(trace.steps) if step.kind == "invoke"]
    assert invokes, source
    shown = []
    for step in trace.steps:
        work = {p["id"]: p for p in step.snapshot["places"]}["function"]["items"]
        shown.append(work)
        if len(invokes) > 3 and step.index >= invokes[3]:
            continue  # the fourth invocation (Connect and Firehose retry that far) succeeds: it does run
        for entry in work:
            assert entry["label"] in ("invoke sent", "throttled: the function did not run"), f"step {step.index}"
    for i in invokes[:3]:  # the throttled ones
        assert [e["status"] for e in shown[i]] == ["processing"], (source, i)
        assert [(e["status"], e["label"]) for e in shown[i + 1]] == [
            ("throttled", "throttled: the function did not run")
        ], (source, trace.steps[i + 1].summary)
        assert i + 2 >= len(shown) or all(e["status"] != "throttled" for e in shown[i + 2]), source


def test_firehose_and_s3_batch_say_where_failed_records_went():
    """Review rows 69 and 70: processing-failed/ is a prefix in the S3 backup bucket, not a dead-letter queue, and an
    S3 Batch task whose invocation failed is a failed task in the completion report (the function reported nothing).
    The bin items still take their label from the disposition kind (learn/engine/state.py)."""
    firehose = simulate("firehose", {}, 3, ["partial:2"])
    detail = firehose.dispositions["2"].detail
    assert "S3 backup bucket under processing-failed/" in detail and "dead-letter" not in detail
    for outcome in ("error", "malformed", "throttle"):
        trace = simulate("firehose", {}, 1, [outcome])
        assert "S3 backup bucket under processing-failed/" in trace.dispositions["1"].detail, outcome
    batch = simulate("s3-batch", {}, 2, ["poison:2"])
    assert batch.dispositions["2"].detail.startswith("Task failed (listed in the completion report)")


def test_cognito_says_what_is_undocumented_when_the_function_times_out_first():
    """With the default 3 s timeout the function's own timeout ends the invocation before Cognito's 5 seconds; the
    Cognito guide does not say what Cognito does then, and the trace says so at the step that decides."""
    early = simulate("cognito", {}, 1, ["timeout"])
    gave_up = [s for s in early.steps if s.summary.startswith("No answer within 5 seconds")]
    assert gave_up and all("does not say what Cognito does then" in s.note for s in gave_up)
    assert all(s.actor == "service" and s.target is None for s in gave_up)
    late = simulate("cognito", {"timeout_s": 10}, 1, ["timeout"])
    assert not any("does not say what Cognito does then" in s.note for s in late.steps)
