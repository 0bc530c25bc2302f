"""December 2026 audit, behaviour engine rows E1, E8, E9, E12, E13 and E14: the SQS, asynchronous and synchronous
flows.

Every case names the AWS page it encodes and quotes (in its id or a comment) the sentence it rests on. Where the
docs are silent (the delays between EventBridge retries, whether Firehose retries a function error), the case
checks that the trace says so instead of asserting a behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from learn.engine import EngineError, async_flow, queue_flow, simulate
from learn.engine.run import DAY, HOUR, MINUTE, SECOND

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
ESM = LDG + "invocation-eventsourcemapping.html"
SQS_SCALING = LDG + "services-sqs-scaling.html"
ASYNC_CONFIGURING = LDG + "invocation-async-configuring.html"
EB_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
SCHEDULER_RETRY = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"
FIREHOSE_FAILURE = "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html"
FIREHOSE_TRANSFORM = "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html"
ROOT = Path(__file__).resolve().parents[2]


def summaries(trace) -> list[str]:
    return [s.summary for s in trace.steps]


def invokes(trace) -> list:
    return [s for s in trace.steps if s.kind == "invoke"]


def invoke_times(trace) -> list[int]:
    return [s.t_ms for s in invokes(trace)]


def batch_sizes(trace) -> list[int]:
    return [len(s.records) for s in invokes(trace)]


def most_concurrent(trace) -> int:
    """The most SQS batches running at once, from the invoke steps and the function's answers."""
    running = most = 0
    for step in trace.steps:
        if step.kind == "invoke":
            running += 1
            most = max(most, running)
        elif step.actor == "function" and step.target == "poller":
            running -= 1
    return most


def slow(seconds: float) -> list[dict]:
    return [{"kind": "ok", "duration_ms": int(seconds * SECOND)}]


# --- E1: the SQS batching window --------------------------------------------------------------------------------
# invocation-eventsourcemapping.html, "Batching behavior": Lambda invokes the function when one of three things
# happens: "The batching window reaches its maximum value." / "The batch size is met." / "The payload size reaches
# 6 MB." The window applies to every batch, not once per run: a partial batch waits even while others run.
E1_CASES = [
    pytest.param(
        {"batch_size": 10, "maximum_batching_window_s": 5},
        25,
        "ok",
        [0, 0, 5 * SECOND],
        [10, 10, 5],
        id="window reaches its maximum value: the last 5 of 25 wait 5 s although two batches already ran",
    ),
    pytest.param(
        {"batch_size": 20, "maximum_batching_window_s": 5},
        25,
        "ok",
        [0, 5 * SECOND],
        [20, 5],
        id="window reaches its maximum value: 20 go at once (batch size met), the other 5 wait the window",
    ),
    pytest.param(
        {"batch_size": 20, "maximum_batching_window_s": 5},
        5,
        "ok",
        [5 * SECOND],
        [5],
        id="window reaches its maximum value: a lone partial batch waits the window",
    ),
    pytest.param(
        {"batch_size": 10, "maximum_batching_window_s": 5},
        20,
        "ok",
        [0, 0],
        [10, 10],
        id="the batch size is met: full batches never wait for the window",
    ),
    pytest.param(
        {"batch_size": 100, "maximum_batching_window_s": 5, "message_size_kb": 1024},
        20,
        "ok",
        [0, 0, 0, 5 * SECOND],
        [6, 6, 6, 2],
        id="the payload size reaches 6 MB: six 1 MiB messages go at once, below the batch size",
    ),
    pytest.param(
        {"batch_size": 10, "message_size_kb": 1024},
        8,
        "ok",
        [0, 0],
        [6, 2],
        id="the payload size reaches 6 MB: without a window the batch is cut at 6 MB too",
    ),
    pytest.param(
        {"batch_size": 10, "maximum_batching_window_s": 5},
        3,
        ["error", "ok"],
        [5 * SECOND, 35 * SECOND],
        [3, 3],
        id="every poll, not once per run: messages back after the visibility timeout wait the window again",
    ),
    pytest.param(
        {"batch_size": 10, "maximum_batching_window_s": 60},
        12,
        ["error", "ok"],
        [0, 30 * SECOND, 90 * SECOND],
        [10, 10, 2],
        id="the batch size is met: messages that reappear during a window fill the batch, which goes at once",
    ),
]


@pytest.mark.parametrize(("settings", "records", "outcomes", "times", "sizes"), E1_CASES)
def test_e1_sqs_batch_goes_out_at_window_batch_size_or_6_mb(settings, records, outcomes, times, sizes):
    trace = simulate("sqs", settings, records, outcomes)
    assert invoke_times(trace) == times, summaries(trace)
    assert batch_sizes(trace) == sizes
    assert all(d.kind == "processed" for d in trace.dispositions.values())


def test_e1_trace_states_why_the_batch_went_out():
    trace = simulate("sqs", {"batch_size": 10, "maximum_batching_window_s": 5}, 25, "ok")
    gathering = [s for s in trace.steps if "keeps gathering" in s.summary]
    assert [s.t_ms for s in gathering] == [0]
    assert gathering[0].doc == ESM
    last = invokes(trace)[-1]
    assert "batching window (5 s) has ended" in last.summary and last.t_ms == 5 * SECOND
    full = simulate("sqs", {"batch_size": 100, "maximum_batching_window_s": 5, "message_size_kb": 1024}, 20, "ok")
    assert any("6 MB" in s for s in summaries(full))


def test_e1_visibility_timeout_counts_from_the_receive_not_from_the_invoke():
    # services-sqs-configure.html asks for a visibility timeout of six times the function timeout *plus*
    # MaximumBatchingWindowInSeconds: the messages are hidden while the poller gathers. Received at 0, invoked at
    # 5 s, failed: they reappear 30 s after the receive, at 30 s (then wait the window again: invoked at 35 s).
    trace = simulate("sqs", {"batch_size": 10, "maximum_batching_window_s": 5}, 2, ["error", "ok"])
    receives = [s.t_ms for s in trace.steps if s.kind == "poll" and "ReceiveMessage" in s.summary]
    assert receives == [0, 30 * SECOND]


# --- E14: SQS scaling -------------------------------------------------------------------------------------------
# services-sqs-scaling.html: "Lambda starts processing five batches at a time with five concurrent invocations of
# your function. If messages are still available, Lambda increases the number of processes that are reading
# batches by up to 300 more concurrent invokes per minute. The maximum number of invokes that an event source
# mapping can process simultaneously is 1,250." And: "The maximum concurrency setting limits the number of
# concurrent instances of the function that an Amazon SQS event source can invoke."
LONG = {"batch_size": 1, "timeout_s": 120, "visibility_timeout_s": 720}

E14_CASES = [
    pytest.param(
        {"batch_size": 5},
        30,
        slow(1),
        5,
        {0: 5, SECOND: 1},
        id="starts processing five batches at a time with five concurrent invocations",
    ),
    pytest.param(
        LONG,
        310,
        slow(90),
        305,
        {0: 5, MINUTE: 300},
        id="if messages are still available, up to 300 more concurrent invokes per minute",
    ),
    pytest.param(
        {**LONG, "maximum_concurrency": 100},
        400,
        slow(90),
        100,
        {0: 5, MINUTE: 95},
        id="maximum concurrency limits the number of concurrent instances (scaling stops at 100)",
    ),
    pytest.param(
        {**LONG, "maximum_concurrency": 2},
        10,
        slow(10),
        2,
        {0: 2, 10 * SECOND: 2},
        id="maximum concurrency 2 limits the mapping below the five it starts with",
    ),
]


@pytest.mark.parametrize(("settings", "records", "outcomes", "most", "invokes_at"), E14_CASES)
def test_e14_sqs_concurrency_ramp(settings, records, outcomes, most, invokes_at):
    trace = simulate("sqs", settings, records, outcomes)
    assert most_concurrent(trace) == most
    times = invoke_times(trace)
    for t_ms, count in invokes_at.items():
        assert times.count(t_ms) == count, (t_ms, sorted(set(times))[:8])


def test_e14_scale_step_names_the_documented_figures_and_the_trace_says_it_is_simplified():
    trace = simulate("sqs", LONG, 310, slow(90))
    scale = [s for s in trace.steps if s.kind == "scale"]
    assert [s.t_ms for s in scale] == [MINUTE]
    assert "from 5 to 305" in scale[0].summary and "at most 1,250" in scale[0].summary
    assert scale[0].doc == SQS_SCALING
    assert any("Scaling is simplified" in note for note in trace.notes)
    assert queue_flow.MAPPING_MAX_CONCURRENCY == 1250 and queue_flow.SCALE_UP_PER_MINUTE == 300


def test_e14_small_runs_never_mention_scaling():
    trace = simulate("sqs", {"batch_size": 5}, 20, "ok")
    assert not trace.notes and all(s.kind != "scale" for s in trace.steps)


@pytest.mark.parametrize(
    ("settings", "most"),
    [
        pytest.param({}, 8, id="FIFO: concurrency follows the number of message groups (8 groups, 8 batches)"),
        pytest.param({"maximum_concurrency": 3}, 3, id="FIFO: the lower of message groups and maximum concurrency"),
    ],
)
def test_e14_fifo_concurrency_is_bounded_by_message_groups(settings, most):
    # services-sqs-scaling.html: for FIFO queues the mapping's concurrency is limited by the number of message group
    # IDs, or by the maximum concurrency when that is lower. The five-to-1,250 ramp is documented for standard queues.
    records = [{"id": str(i), "group": f"g{i}"} for i in range(8)]
    trace = simulate("sqs", {"fifo": True, "batch_size": 1, **settings}, records, slow(1))
    assert most_concurrent(trace) == most


# --- E13: unknown record ids in poison:/flaky: -------------------------------------------------------------------
# Not an AWS fact: naming a record that is not in the run must be an error, not a silent success.
@pytest.mark.parametrize(
    ("source", "records", "outcomes"),
    [
        pytest.param("kinesis", 3, "poison:9", id="kinesis poison:9 with records 1-3"),
        pytest.param("sqs", 3, "flaky:7", id="sqs flaky:7"),
        pytest.param("s3", 1, "poison:2", id="async source, one record"),
        pytest.param("msk", 3, ["ok", "poison:2+4"], id="one unknown id among known ones, later in the list"),
        pytest.param("sqs", ["a", "b"], "poison:c", id="named records"),
        pytest.param("kinesis", 3, lambda invocation: "poison:9", id="a callable that returns an unknown id"),
    ],
)
def test_e13_unknown_record_ids_are_rejected(source, records, outcomes):
    with pytest.raises(EngineError) as raised:
        simulate(source, {}, records, outcomes)
    assert "not in this run" in str(raised.value)


@pytest.mark.parametrize(
    ("source", "settings", "records", "outcomes"),
    [
        pytest.param("kinesis", {}, 3, "poison:*", id="* still means every record"),
        pytest.param("sqs", {"report_batch_item_failures": True}, 3, "flaky:2", id="a known id is fine"),
        # services-sqs-errorhandling.html lists an itemIdentifier that is not in the batch among the responses
        # Lambda treats as a complete failure: partial:ID is a scenario the engine simulates, not a typo.
        pytest.param("sqs", {"report_batch_item_failures": True}, 2, ["partial:9", "ok"], id="partial:9 stays valid"),
    ],
)
def test_e13_known_ids_and_partial_responses_still_run(source, settings, records, outcomes):
    trace = simulate(source, settings, records, outcomes)
    assert sorted(trace.dispositions) == sorted(trace.records)


# --- E8: asynchronous MaximumEventAgeInSeconds --------------------------------------------------------------------
# invocation-async-configuring.html: "MaximumEventAgeInSeconds: The maximum amount of time, in seconds, that Lambda
# keeps an event in the asynchronous event queue before discarding it." The event leaves the queue when it reaches
# that age, not when a retry that would come later falls due.
E8_CASES = [
    pytest.param(
        {"maximum_event_age_s": 120},
        "throttle,throttle,error",
        4,
        120 * SECOND,
        "discarded-max-age",
        id="audit scenario: attempt 3 would come at 183 s, the event is discarded at 120 s",
    ),
    pytest.param(
        {"maximum_event_age_s": 60},
        "error",
        1,
        60 * SECOND,
        "discarded-max-age",
        id="the 1-minute retry would come after a 60 s maximum age: discarded at 60 s",
    ),
    pytest.param(
        {"maximum_event_age_s": 100},
        "error",
        2,
        100 * SECOND,
        "discarded-max-age",
        id="the second retry would come after 100 s: discarded at 100 s",
    ),
    pytest.param(
        {"maximum_event_age_s": 3600},
        "throttle",
        None,
        HOUR,
        "discarded-max-age",
        id="throttled for good: discarded when the event is 1 h old, not later",
    ),
    pytest.param(
        {"maximum_event_age_s": 120, "on_failure_destination": "sqs"},
        "error",
        2,
        120 * SECOND,
        "on-failure-destination",
        id="the on-failure destination gets the record (EventAgeExceeded) at the moment the age passes",
    ),
]


@pytest.mark.parametrize(("settings", "outcomes", "invocations", "at", "kind"), E8_CASES)
def test_e8_event_is_discarded_when_its_age_passes_the_limit(settings, outcomes, invocations, at, kind):
    trace = simulate("s3", settings, 1, outcomes)
    disposition = trace.dispositions["1"]
    assert disposition.kind == kind
    assert disposition.t_ms == at
    if invocations is not None:
        assert trace.invocations == invocations
    expired = [s for s in trace.steps if "has reached MaximumEventAgeInSeconds" in s.summary]
    assert [s.t_ms for s in expired] == [at]
    assert expired[0].doc == ASYNC_CONFIGURING
    assert trace.steps[-1].t_ms == at


def test_e8_one_event_expiring_does_not_move_the_clock_for_others():
    # Two events throttled for good: before the fix the first one's compressed retries moved the shared clock to
    # 6 h, so the second one's early attempts were stamped hours late.
    trace = simulate("s3", {}, 2, "throttle")
    second = [s.t_ms for s in trace.steps if s.kind == "invoke" and s.records == ("2",)]
    assert second[:3] == [100, 1100, 3100]
    assert [d.t_ms for d in trace.dispositions.values()] == [6 * HOUR, 6 * HOUR]


# --- E9: EventBridge and Scheduler delivery retries ---------------------------------------------------------------
# eb-rule-retry-policy.html: "By default, EventBridge retries sending the event for 24 hours and up to 185 times
# with an exponential back off and jitter, or randomized delay." Scheduler's RetryPolicy (API_RetryPolicy.html):
# MaximumEventAgeInSeconds 60-86,400, MaximumRetryAttempts 0-185. The delays themselves are not documented.
def delivery_failures(trace) -> list:
    return [s for s in trace.steps if s.summary.startswith("Delivery attempt")]


E9_CASES = [
    pytest.param(
        "eventbridge",
        {"delivery_failures": 200, "target_dlq": True},
        186,
        "service-dlq",
        None,
        id="eventbridge: up to 185 times (186 attempts), then the target DLQ",
    ),
    pytest.param(
        "eventbridge",
        {"delivery_failures": 200, "target_maximum_event_age_s": 3600},
        None,
        "discarded-max-age",
        HOUR,
        id="eventbridge: the event-age limit ends the retries first, at exactly 1 h",
    ),
    pytest.param(
        "eventbridge",
        {"delivery_failures": 200, "target_maximum_retry_attempts": 5, "target_dlq": True},
        6,
        "service-dlq",
        None,
        id="eventbridge: MaximumRetryAttempts 5 ends the retries first, after 6 attempts",
    ),
    pytest.param(
        "eventbridge-scheduler",
        {"delivery_failures": 200, "schedule_maximum_event_age_s": 60},
        None,
        "discarded-max-age",
        MINUTE,
        id="scheduler: MaximumEventAgeInSeconds 60 (the minimum) ends the retries at 60 s",
    ),
    pytest.param(
        "eventbridge-scheduler",
        {"delivery_failures": 200, "schedule_maximum_retry_attempts": 0, "schedule_dlq": True},
        1,
        "service-dlq",
        0,
        id="scheduler: MaximumRetryAttempts 0 means a single attempt",
    ),
]


@pytest.mark.parametrize(("source", "settings", "attempts", "kind", "ends_at"), E9_CASES)
def test_e9_delivery_retries_end_at_whichever_limit_comes_first(source, settings, attempts, kind, ends_at):
    trace = simulate(source, settings, 1, "ok")
    disposition = trace.dispositions["1"]
    assert disposition.kind == kind
    assert trace.invocations == 0
    shown = delivery_failures(trace)
    numbers = [s.state["attempt"] for s in shown]
    if attempts is not None:
        assert numbers[-1] == attempts
    if ends_at is not None:
        assert disposition.t_ms == ends_at
        assert all(s.t_ms < ends_at or ends_at == 0 for s in shown)
    else:
        assert disposition.t_ms == shown[-1].t_ms  # given up at the last failed attempt
    assert disposition.t_ms <= DAY


def test_e9_each_attempt_is_stamped_at_its_own_time():
    trace = simulate("eventbridge", {"delivery_failures": 200, "target_dlq": True}, 1, "ok")
    times = [s.t_ms for s in delivery_failures(trace)]
    assert times[0] == 0
    assert times == sorted(times) and len(set(times)) == len(times)  # no two attempts share a time
    hidden = [s for s in trace.steps if s.state.get("compressed")]
    assert len(hidden) == 1 and hidden[0].state["compressed"] == 182  # attempts 4-185
    assert times[-2] < hidden[0].t_ms < times[-1]


def test_e9_delivered_after_failures_moves_on_to_lambda_at_the_right_time():
    trace = simulate("eventbridge-scheduler", {"delivery_failures": 185}, 1, "ok")
    assert trace.dispositions["1"].kind == "processed"
    accepted = next(s for s in trace.steps if "before Lambda accepted" in s.summary)
    last_failure = delivery_failures(trace)[-1]
    assert last_failure.state["attempt"] == 185
    assert accepted.t_ms > last_failure.t_ms > 0
    assert invoke_times(trace)[0] == accepted.t_ms + 100


@pytest.mark.parametrize(
    ("source", "settings"),
    [
        pytest.param("eventbridge", {"delivery_failures": 200}, id="eventbridge"),
        pytest.param("eventbridge-scheduler", {"delivery_failures": 30}, id="scheduler"),
    ],
)
def test_e9_trace_says_the_timings_are_illustrative(source, settings):
    trace = simulate(source, settings, 1, "ok")
    assert any("illustrative" in note and "exponential backoff and jitter" in note for note in trace.notes)
    assert all("Illustrative" in s.note for s in delivery_failures(trace)[1:])


def test_e9_illustrative_backoff_is_exponential_capped_and_jittered():
    # The shape is ours (AWS documents only "exponential back off and jitter"): 1 s doubling, at most 10 minutes,
    # keeping half to all of each delay.
    for attempt in range(1, 186):
        base = min(10 * MINUTE, SECOND * 2 ** (attempt - 1))
        delay = async_flow._backoff_with_jitter("eventbridge", "1", attempt)
        assert base // 2 <= delay <= base
    delays = [async_flow._backoff_with_jitter("eventbridge", "1", 1) for _ in range(3)]
    assert len(set(delays)) == 1


def test_e9_same_trace_in_every_process():
    # The jitter must not come from Python's salted hash() or an unseeded random: same scenario, same times.
    script = (
        "import json, os, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'learn.settings'); django.setup();"
        "from learn.engine import simulate;"
        "t = simulate('eventbridge', {'delivery_failures': 40}, ['a', 'b'], 'ok');"
        "print(json.dumps([s.t_ms for s in t.steps]))"
    )
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        runs.add(out.stdout.strip())
    here = json.dumps([s.t_ms for s in simulate("eventbridge", {"delivery_failures": 40}, ["a", "b"], "ok").steps])
    assert runs == {here}


def test_e9_sns_attempts_are_stamped_at_their_own_times_too():
    # sns-message-delivery-retries.html, AWS managed endpoints: 3 retries without delay, 2 one second apart, then
    # exponential backoff from 1 to 20 s. Attempt 6 (the 5th retry) therefore comes 2 s after the first attempt.
    trace = simulate("sns", {"delivery_failures": 6}, 1, "ok")
    times = [s.t_ms for s in delivery_failures(trace)]
    assert times == [0, 0, 0, 2 * SECOND]  # attempts 1-3, then the last failed one (attempt 6)
    assert trace.dispositions["1"].kind == "processed"


def test_e9_sns_policy_is_used_up_after_100015_attempts_over_23_days():
    # sns-message-delivery-retries.html, AWS managed endpoints: "100,015 times, over 23 days".
    trace = simulate("sns", {"delivery_failures": 200_000, "subscription_dlq": True}, 1, "ok")
    assert delivery_failures(trace)[-1].state["attempt"] == 100_015
    disposition = trace.dispositions["1"]
    assert disposition.kind == "service-dlq"
    assert 23 * DAY <= disposition.t_ms < 24 * DAY


# --- E12: Firehose invocation retries ----------------------------------------------------------------------------
# data-transformation-failure-handling.html: "If your Lambda function invocation fails because of a network timeout
# or because you've reached the Lambda invocation limit, Amazon Data Firehose retries the invocation three times by
# default. If the invocation does not succeed, Amazon Data Firehose then skips that batch of records." and "If data
# transformation fails, the unsuccessfully processed records are delivered to your S3 bucket in the
# processing-failed folder." The page names no retry for a function error or a malformed response.
E12_CASES = [
    pytest.param({}, "throttle", 4, "service-dlq", 3 * SECOND, id="invocation limit (throttled): retried three times"),
    pytest.param({}, ["throttle", "ok"], 2, "processed", SECOND + 200, id="a retry after the limit can succeed"),
    pytest.param(
        {"timeout_s": 600},
        "timeout",
        4,
        "service-dlq",
        4 * 5 * MINUTE + 3 * SECOND,
        id="no answer in 5 minutes (the longest invocation Firehose supports): a timeout, retried three times",
    ),
    pytest.param({}, "error", 1, "service-dlq", 200, id="function error: not retried, records to processing-failed"),
    pytest.param(
        {"timeout_s": 3},
        "timeout",
        1,
        "service-dlq",
        3 * SECOND,
        id="the function's own 3 s timeout is a function error from Lambda: not retried",
    ),
    pytest.param({}, "malformed", 1, "service-dlq", 200, id="rejected response: a transformation failure, not retried"),
]


@pytest.mark.parametrize(("settings", "outcomes", "invocations", "kind", "ends_at"), E12_CASES)
def test_e12_firehose_retries_only_what_the_docs_say(settings, outcomes, invocations, kind, ends_at):
    trace = simulate("firehose", settings, 3, outcomes)
    assert trace.invocations == invocations
    assert {d.kind for d in trace.dispositions.values()} == {kind}
    assert {d.t_ms for d in trace.dispositions.values()} == {ends_at}
    if kind == "service-dlq":
        assert any("processing-failed/" in s for s in summaries(trace))


@pytest.mark.parametrize("outcomes", ["error", "malformed"])
def test_e12_trace_says_the_docs_name_no_retry_for_function_errors(outcomes):
    trace = simulate("firehose", {}, 2, outcomes)
    assert any("does not say that a function error" in s.note for s in trace.steps)


def test_e12_retry_steps_cite_the_failure_handling_page_and_flag_the_spacing():
    trace = simulate("firehose", {}, 2, "throttle")
    retries = [s for s in trace.steps if s.kind == "retry-wait"]
    assert len(retries) == 3
    assert all(s.doc == FIREHOSE_FAILURE and "not documented" in s.note for s in retries)


def test_e12_partial_results_still_mark_single_records():
    # data-transformation-status-model.html: a record whose result is ProcessingFailed is unsuccessfully processed.
    trace = simulate("firehose", {}, 3, "partial:2")
    assert {k: d.kind for k, d in trace.dispositions.items()} == {
        "1": "processed",
        "2": "service-dlq",
        "3": "processed",
    }


# --- Stamping: concurrent requests are concurrent ------------------------------------------------------------------
@pytest.mark.parametrize("source", ["api-gateway-rest", "function-urls", "sdk-invoke", "s3-batch"])
def test_requests_that_arrive_together_are_stamped_together(source):
    # Three requests sent at once: each is invoked at +0 s, not one after the other's duration.
    trace = simulate(source, {}, 3, "ok")
    assert invoke_times(trace) == [0, 0, 0]


# --- Trace wording the docs do not settle --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "outcomes", "phrase"),
    [
        # api-gateway-http source.toml marks the HTTP API's 500-vs-502 code as a conflict between the Lambda guide
        # (services-apigateway-errors.html: 502) and http-api-troubleshooting-lambda.html (no code named).
        pytest.param("api-gateway-http", "error", "not settled", id="HTTP API error code: the docs disagree"),
        pytest.param("api-gateway-http", "malformed", "not settled", id="HTTP API malformed response: same"),
        # invocation-async-error-handling.html: the retry interval for throttles "increases exponentially from
        # 1 second after the first attempt to a maximum of 5 minutes"; the factor is not given.
        pytest.param("s3", ["throttle", "ok"], "illustrative", id="async throttle backoff: doubling is ours"),
        # cognito-user-pools-working-with-lambda-triggers.html no longer gives a number of attempts.
        pytest.param("cognito", "timeout", "older versions", id="Cognito: the 3 attempts are flagged"),
    ],
)
def test_unsettled_trace_claims_carry_a_note(source, outcomes, phrase):
    trace = simulate(source, {}, 1, outcomes)
    assert any(phrase in s.note for s in trace.steps), [s.note for s in trace.steps]
