"""State snapshots of the asynchronous family and of Amazon MQ, scenario by scenario (a table).

Each case runs one scenario and checks, at named steps, which place holds each record and the attributes that
explain the next step: Lambda's event queue with each event's age, attempt and retry timer; the service that
still owns an event while it retries its own delivery; the broker queue with each message's delivery count.
Times are simulated milliseconds: an attempt starts 100 ms after Lambda accepts the event and a successful or
failing invocation runs 200 ms (the engine's defaults).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learn import engine
from learn.engine.types import Step, Trace

from .test_properties import COMMON, run, scenarios
from .test_snapshot_properties import problems

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
ASYNC_ERRORS = LDG + "invocation-async-error-handling.html"
ASYNC_CONFIGURING = LDG + "invocation-async-configuring.html"
EB_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
SNS_RETRIES = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html"
MQ_ERRORS = LDG + "services-mq-errors.html"
CFN = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html"


@dataclass(frozen=True)
class At:
    """A step: the nth (1-based; -1 for the last) whose kind is `kind` and whose summary contains `text`."""

    kind: str
    text: str = ""
    nth: int = 1

    def find(self, trace: Trace) -> Step:
        matches = [s for s in trace.steps if s.kind == self.kind and self.text in s.summary]
        assert matches, f"no {self.kind} step mentioning {self.text!r}"
        assert len(matches) >= abs(self.nth), f"only {len(matches)} {self.kind} step(s) mentioning {self.text!r}"
        return matches[self.nth - 1 if self.nth > 0 else self.nth]


@dataclass(frozen=True)
class TimeOf:
    """An attribute value that is the time of another step (for illustrative, jittered delays)."""

    step: At


@dataclass(frozen=True)
class Held:
    """`record` is held (not as a reference) by `place`, with this status and at least these attributes."""

    record: str
    place: str
    status: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    ref: bool = False  # True: the place shows it as a reference (it is held elsewhere)


def ref(record: str, where: str, status: str | None = None, **attrs: Any) -> Held:
    return Held(record, where, status, attrs, ref=True)


def held(record: str, where: str, status: str | None = None, **attrs: Any) -> Held:
    return Held(record, where, status, attrs)


@dataclass(frozen=True)
class Meta:
    """The place exists, with (at least) these meta figures and, if given, this label."""

    place: str
    values: dict[str, Any] = field(default_factory=dict)
    label: str | None = None


@dataclass(frozen=True)
class Empty:
    place: str


@dataclass(frozen=True)
class Case:
    name: str
    doc: str
    source: str
    settings: dict[str, Any]
    records: int | list
    outcomes: list[str]
    checks: tuple[tuple[At, tuple], ...]
    dispositions: dict[str, str] = field(default_factory=dict)


CASES = [
    Case(
        "S3 event fails three times (two retries, 1 min then 2 min apart), then goes to the function's DLQ",
        ASYNC_ERRORS,
        "s3",
        {"dead_letter_queue": "sqs"},
        1,
        ["error"],
        (
            (At("send"), (held("1", "service", "delivering"), Empty("async-queue"))),
            (At("accept"), (held("1", "async-queue", "waiting", attempt=1, age_ms=0, next_attempt_at_ms=100),)),
            (At("invoke", "Attempt 1"), (held("1", "function", "processing", attempt=1, age_ms=100, started_ms=100),)),
            (At("error"), (held("1", "function", "returned", attempt=1, age_ms=300), Empty("async-queue"))),
            (
                At("retry-wait", "Wait 1 min"),
                (
                    held("1", "async-queue", "retry-wait", attempt=2, age_ms=300, next_attempt_at_ms=60_300),
                    Empty("function"),
                ),
            ),
            (At("invoke", "Attempt 2"), (held("1", "function", "processing", attempt=2, age_ms=60_300),)),
            (
                At("retry-wait", "Wait 2 min"),
                (held("1", "async-queue", "retry-wait", attempt=3, age_ms=60_500, next_attempt_at_ms=180_500),),
            ),
            (At("invoke", "Attempt 3"), (held("1", "function", "processing", attempt=3, age_ms=180_500),)),
            (
                At("dlq"),
                (
                    held("1", "function-dlq", "failed", disposition="function-dlq", at_ms=180_700),
                    Meta("function-dlq", label="Function's dead-letter queue (SQS)"),
                    Empty("async-queue"),
                ),
            ),
        ),
        {"1": "function-dlq"},
    ),
    Case(
        "Maximum event age: the next retry would come too late, so the event waits until it is 90 s old and is "
        "discarded then",
        ASYNC_CONFIGURING,
        "s3",
        {"maximum_event_age_s": 90},
        1,
        ["error"],
        (
            (
                At("accept"),
                (
                    held("1", "async-queue", "waiting", attempt=1, deadline_ms=90_000),
                    Meta("async-queue", {"maximum_event_age_s": 90, "maximum_retry_attempts": 2}),
                ),
            ),
            (At("error", nth=2), (held("1", "function", "returned", attempt=2, age_ms=60_500),)),
            (
                At("retry-wait", "after the event's maximum age"),
                (held("1", "async-queue", "expiring", attempt=2, age_ms=60_500, deadline_ms=90_000),),
            ),
            (At("discard", "MaximumEventAgeInSeconds"), (held("1", "async-queue", "too-old", age_ms=90_000),)),
            (
                At("discard", "no DLQ or destination"),
                (held("1", "lost", "failed", disposition="discarded-max-age", at_ms=90_000), Empty("async-queue")),
            ),
        ),
        {"1": "discarded-max-age"},
    ),
    Case(
        "Throttled twice in Lambda's queue: the event goes back with a growing wait and keeps attempt 1 (throttles "
        "do not use up retries)",
        ASYNC_ERRORS,
        "iot",
        {},
        1,
        ["throttle", "throttle", "ok"],
        (
            (At("throttle"), (held("1", "function", "throttled", attempt=1, age_ms=100), Empty("async-queue"))),
            (
                At("retry-wait", "Back off 1 s"),
                (held("1", "async-queue", "throttled", attempt=1, next_attempt_at_ms=1_100), Empty("function")),
            ),
            (
                At("retry-wait", "Back off 2 s"),
                (held("1", "async-queue", "throttled", attempt=1, age_ms=1_100, next_attempt_at_ms=3_100),),
            ),
            (At("invoke", nth=3), (held("1", "function", "processing", attempt=1, age_ms=3_100),)),
            (At("return"), (held("1", "processed", "done", at_ms=3_300), ref("1", "function", "returned"))),
        ),
        {"1": "processed"},
    ),
    Case(
        "EventBridge target retry policy (MaximumRetryAttempts 3): four failed deliveries, then the target's DLQ; "
        "the event never reaches Lambda's queue",
        EB_RETRY,
        "eventbridge",
        {"delivery_failures": 200, "target_maximum_retry_attempts": 3, "target_dlq": True},
        1,
        ["ok"],
        (
            (
                At("error", "Delivery attempt 1"),
                (
                    held(
                        "1",
                        "service",
                        "retry-wait",
                        delivery_attempt=1,
                        next_attempt_at_ms=TimeOf(At("error", "Delivery attempt 2")),
                        deadline_ms=86_400_000,
                    ),
                    Meta("service", {"maximum_retry_attempts": 3, "maximum_event_age_s": 86_400, "dlq": True}),
                    Empty("async-queue"),
                ),
            ),
            (
                At("error", "Delivery attempt 3"),
                (
                    held(
                        "1",
                        "service",
                        "retry-wait",
                        delivery_attempt=3,
                        next_attempt_at_ms=TimeOf(At("error", "Delivery attempt 4")),
                    ),
                ),
            ),
            (At("error", "Delivery attempt 4"), (held("1", "service", "failed", delivery_attempt=4),)),
            (
                At("dlq"),
                (
                    held("1", "service-dlq", "failed", disposition="service-dlq"),
                    Meta("service-dlq", label="Target's dead-letter queue"),
                    Empty("service"),
                ),
            ),
        ),
        {"1": "service-dlq"},
    ),
    Case(
        "SNS retries its own delivery (three immediate retries, then 1 s apart) until Lambda accepts the event; "
        "then Lambda's queue retries a throttled invoke",
        SNS_RETRIES,
        "sns",
        {"delivery_failures": 5},
        1,
        ["throttle", "ok"],
        (
            (
                At("error", "Delivery attempt 3"),
                (
                    held("1", "service", "retry-wait", delivery_attempt=3, next_attempt_at_ms=0),
                    Meta("service", {"delivery_attempts": 100_015, "dlq": False}, label="SNS topic"),
                ),
            ),
            (
                At("error", "Delivery attempt 4"),
                (held("1", "service", "retry-wait", delivery_attempt=4, next_attempt_at_ms=1_000),),
            ),
            (
                At("error", "Delivery attempt 5"),
                (held("1", "service", "retry-wait", delivery_attempt=5, next_attempt_at_ms=2_000, age_ms=1_000),),
            ),
            (At("retry-wait", "retried delivery 5 time"), (held("1", "service", "delivering", delivery_attempt=6),)),
            (At("accept"), (held("1", "async-queue", "waiting", attempt=1, age_ms=0), Empty("service"))),
            (At("throttle"), (held("1", "function", "throttled", attempt=1, age_ms=100),)),
            (At("retry-wait", "Back off"), (held("1", "async-queue", "throttled", attempt=1, age_ms=100),)),
            (At("invoke", nth=2), (held("1", "function", "processing", attempt=1, age_ms=1_100),)),
        ),
        {"1": "processed"},
    ),
    Case(
        "ActiveMQ redelivers a failing batch 6 times (maximumRedeliveries), then the broker's DLQ takes it",
        MQ_ERRORS,
        "mq",
        {"maximum_batching_window_s": 0},
        2,
        ["error"],
        (
            (At("enqueue"), (held("1", "broker", "ready", receive_count=0), held("2", "broker", "ready"))),
            (
                At("poll", "delivery 1"),
                (
                    held("1", "broker", "in-flight", receive_count=1, redeliveries=0),
                    ref("1", "batch-1", "processing", receive_count=1),
                    ref("2", "batch-1"),
                    Meta("broker", {"broker_type": "activemq", "maximum_redeliveries": 6}),
                ),
            ),
            (At("invoke"), (ref("1", "batch-1"), ref("2", "batch-1"))),
            (At("error"), (held("1", "broker", "unacknowledged", receive_count=1), Empty("batch-1"))),
            (
                At("retry-wait", "redelivery 1 of 6"),
                (held("2", "broker", "redelivery-wait", receive_count=1, redeliveries=0, next_attempt_at_ms=1_200),),
            ),
            (
                At("poll", "delivery 7"),
                (held("1", "broker", "in-flight", receive_count=7, redeliveries=6), ref("2", "batch-1")),
            ),
            (
                At("dlq"),
                (
                    held("1", "broker-dlq", "failed", disposition="broker-dlq"),
                    held("2", "broker-dlq"),
                    Empty("broker"),
                    Empty("batch-1"),
                ),
            ),
        ),
        {"1": "broker-dlq", "2": "broker-dlq"},
    ),
    Case(
        "RabbitMQ: no documented redelivery count, so after three failed deliveries the messages stay unacknowledged "
        "on the broker",
        MQ_ERRORS,
        "mq",
        {"broker_type": "rabbitmq", "maximum_batching_window_s": 0},
        1,
        ["error"],
        (
            (
                At("retry-wait", nth=2),
                (held("1", "broker", "redelivery-wait", receive_count=2, redeliveries=1, next_attempt_at_ms=2_400),),
            ),
            (
                At("error", "stops following"),
                (held("1", "broker", "unacknowledged", receive_count=3), Meta("broker", {"broker_type": "rabbitmq"})),
            ),
        ),
        {"1": "blocking"},
    ),
    Case(
        "CloudFormation: the stack waits for a reply on the ResponseURL while the event is in Lambda's queue, and "
        "after Lambda gives up, until ServiceTimeout",
        CFN,
        "cloudformation",
        {"service_timeout_s": 600},
        1,
        ["error"],
        (
            (
                At("accept"),
                (held("1", "async-queue", "waiting"), ref("1", "service", "waiting", deadline_ms=600_000)),
            ),
            (At("discard"), (held("1", "lost"), ref("1", "service", "waiting"))),
            (At("error", "ServiceTimeout"), (held("1", "lost"), Empty("service"))),
        ),
        {"1": "discarded-retries"},
    ),
]


def places_of(step: Step) -> dict[str, dict]:
    return {p["id"]: p for p in step.snapshot["places"]}


def check(trace: Trace, at: At, expected: tuple) -> None:
    step = at.find(trace)
    where = f"step {step.index} ({step.kind}: {step.summary[:50]})"
    places = places_of(step)
    for expect in expected:
        if isinstance(expect, Empty):
            listed = places.get(expect.place, {"items": []})["items"]
            assert listed == [], f"{where}: {expect.place} is not empty: {listed}"
        elif isinstance(expect, Meta):
            assert expect.place in places, f"{where}: no place {expect.place}"
            meta = places[expect.place]["meta"]
            assert meta | expect.values == meta, f"{where}: {expect.place} meta {meta}"
            if expect.label is not None:
                assert places[expect.place]["label"] == expect.label
        else:
            assert expect.place in places, f"{where}: no place {expect.place} ({sorted(places)})"
            entries = [e for e in places[expect.place]["items"] if e["id"] == expect.record and e["ref"] == expect.ref]
            assert len(entries) == 1, f"{where}: {expect.record} not in {expect.place}: {places[expect.place]}"
            entry = entries[0]
            if expect.status is not None:
                assert entry["status"] == expect.status, f"{where}: {entry}"
            for name, value in expect.attrs.items():
                wanted = value.step.find(trace).t_ms if isinstance(value, TimeOf) else value
                assert entry["attrs"].get(name) == wanted, f"{where}: {expect.record}.{name} in {entry}"


@pytest.mark.parametrize("case", CASES, ids=[c.name[:60] for c in CASES])
def test_snapshot_scenario(case: Case):
    trace = engine.simulate(case.source, case.settings, case.records, case.outcomes)
    assert problems(trace) == []
    assert {r: d.kind for r, d in trace.dispositions.items()} == case.dispositions
    for at, expected in case.checks:
        check(trace, at, expected)
    assert any(step.doc == case.doc for step in trace.steps), f"the engine no longer cites {case.doc}"


def test_every_held_event_is_labelled_in_words():
    trace = engine.simulate("eventbridge", {"delivery_failures": 3}, 2, ["flaky:*"])
    for step in trace.steps:
        for where in step.snapshot["places"]:
            for entry in where["items"]:
                assert entry["label"] and entry["label"] != entry["status"] or where["kind"] == "batch", entry


# The shared property test leaves out delivery_failures; here it is part of every scenario, so the services'
# own retries (SNS, EventBridge, Scheduler) are checked too.
@COMMON
@given(scenarios(["sns", "eventbridge", "eventbridge-scheduler"]), st.integers(0, 300))
def test_delivery_retries_keep_snapshots_consistent(scenario, failures):
    slug, config, records, outcomes = scenario
    trace = run((slug, {**config, "delivery_failures": failures}, records, outcomes))
    assert problems(trace) == []


def test_a_long_sns_policy_counts_the_folded_attempts():
    """Attempts folded into one step still count: the service's count never drops and reaches the policy's end."""
    trace = engine.simulate("sns", {"delivery_failures": 200_000, "subscription_dlq": True}, 1, "ok")
    counts = [
        e["attrs"]["delivery_attempt"]
        for s in trace.steps
        for p in s.snapshot["places"]
        if p["id"] == "service"
        for e in p["items"]
    ]
    assert counts == sorted(counts) and counts[-1] == 100_015
    assert trace.dispositions["1"].kind == "service-dlq"
    assert problems(trace) == []


# -- fixes after the fresh-eyes review of the snapshots (/tmp/review-snapshots.md, rows named per test) -----------


def steps_of(trace: Trace, kind: str) -> list[Step]:
    return [s for s in trace.steps if s.kind == kind]


def item_in(step: Step, place_id: str, record: str = "1") -> dict:
    entries = [e for e in places_of(step).get(place_id, {"items": []})["items"] if e["id"] == record]
    assert len(entries) == 1, f"step {step.index}: {record} not (once) in {place_id}"
    return entries[0]


def test_review_row_38_a_failed_attempt_that_will_be_retried_waits_and_only_the_last_failure_is_final():
    """Row 38: the event of a failed attempt that Lambda retries is "retry-wait", never "failed" (which reads as
    final); the function says what came back. ASYNC_ERRORS: retries 1 min, then 2 min after a function error."""
    trace = engine.simulate("s3", {"dead_letter_queue": "sqs"}, 1, ["error"])
    errors = steps_of(trace, "error")
    assert [item_in(s, "function")["label"] for s in errors] == ["returned: error"] * 3
    assert all(item_in(s, "function")["status"] == "returned" for s in errors)
    waits = steps_of(trace, "retry-wait")
    assert [item_in(s, "async-queue")["label"] for s in waits] == [
        "attempt 1 failed; attempt 2 at +1 min",
        "attempt 2 failed; attempt 3 at +3 min",
    ]
    statuses = {
        e["status"] for s in trace.steps for p in s.snapshot["places"] if p["kind"] != "bin" for e in p["items"]
    }
    assert "failed" not in statuses  # the last failure leads straight to the DLQ step
    timeout = engine.simulate("s3", {}, 1, ["timeout", "ok"])
    assert item_in(steps_of(timeout, "error")[0], "function")["label"] == "timed out"
    assert item_in(steps_of(timeout, "retry-wait")[0], "async-queue")["label"].startswith("attempt 1 timed out;")


@pytest.mark.parametrize(
    ("source", "settings", "outcomes"),
    [
        ("s3", {"maximum_event_age_s": 120}, ["throttle"]),
        ("iot", {}, ["throttle", "throttle", "ok"]),
        ("sns", {"delivery_failures": 2}, ["throttle", "ok"]),
        ("eventbridge", {"on_failure_destination": "sqs"}, ["throttle", "error"]),
        ("cloudformation", {}, ["throttle", "ok"]),
    ],
)
def test_review_row_40_a_throttled_invoke_never_shows_the_function_running(source, settings, outcomes):
    """Row 40 (and every async throttle): the invoke step shows the invoke sent, not the function running; the
    throttle step says the function did not run; the step after, the event is back in Lambda's queue."""
    trace = engine.simulate(source, settings, 1, outcomes)
    assert problems(trace) == []
    throttles = 0
    for before, step, after in zip(trace.steps, trace.steps[1:], trace.steps[2:], strict=False):
        if step.kind != "throttle" or before.kind != "invoke":
            continue
        throttles += 1
        sent = item_in(before, "function")
        assert sent["label"].endswith("invoke sent") and "running" not in sent["label"], sent
        assert "started_ms" not in sent["attrs"]
        said = item_in(step, "function")
        assert (said["status"], said["label"]) == ("throttled", "throttled: the function did not run")
        assert places_of(after)["function"]["items"] == []
        assert after.kind == "retry-wait" and item_in(after, "async-queue")["status"] in ("throttled", "expiring")
    assert throttles >= 1
    ran = [item_in(s, "function") for s in steps_of(trace, "invoke") if s.index + 1 < len(trace.steps)]
    assert all("running" in e["label"] or e["label"].endswith("invoke sent") for e in ran)


@pytest.mark.parametrize(
    ("settings", "kind"),
    [
        ({}, "discarded-retries"),
        ({"dead_letter_queue": "sqs"}, "function-dlq"),
        ({"on_failure_destination": "sqs"}, "on-failure-destination"),
    ],
)
def test_review_row_42_reserved_concurrency_zero_is_not_attempted(settings, kind):
    """Row 42: with reserved concurrency 0 no attempt is made (and no retry): the disposition says so, never
    "retries used up". https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html"""
    trace = engine.simulate("s3", {"reserved_concurrency_zero": True, **settings}, 1, ["ok"])
    assert problems(trace) == []
    assert steps_of(trace, "invoke") == [] and trace.invocations == 0
    disposition = trace.dispositions["1"]
    assert disposition.kind == kind
    assert disposition.detail.startswith("Not attempted: reserved concurrency is 0"), disposition.detail
    assert "retries used up" not in disposition.detail and "exhausted" not in disposition.detail
    queued = item_in(steps_of(trace, "throttle")[0], "async-queue")
    assert queued["label"] == "not attempted: reserved concurrency is 0" and "attempt" not in queued["attrs"]


@pytest.mark.parametrize(
    ("source", "destination", "label"),
    [
        ("eventbridge", "sqs", "On-success destination (SQS)"),  # row 45
        ("sns", "eventbridge", "On-success destination (EventBridge)"),  # row 46
    ],
)
def test_review_rows_45_46_the_on_success_destination_shows_the_invocation_record(source, destination, label):
    """Rows 45, 46: after a success the invocation record goes to the on-success destination: it shows there
    (a reference: the event itself rests in the Processed bin) from that step to the end, and the queue's meta
    names the destination. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"""
    trace = engine.simulate(source, {"on_success_destination": destination}, 2, ["ok"])
    assert problems(trace) == []
    sent = [s for s in trace.steps if s.target == "success-destination"]
    assert len(sent) == 2
    first = sent[0]
    assert "success-destination" not in places_of(trace.steps[first.index - 1])
    for step in trace.steps[first.index :]:
        where = places_of(step)["success-destination"]
        assert (where["kind"], where["label"]) == ("bin", label)
        assert all(e["ref"] and e["label"] == "invocation record (condition Success)" for e in where["items"])
    for step in sent:
        (record,) = step.records
        assert item_in(step, "processed", record)["ref"] is False
        assert item_in(step, "success-destination", record)["attrs"]["at_ms"] == step.t_ms
    assert places_of(trace.steps[-1])["success-destination"]["count"] == 2
    assert places_of(first)["async-queue"]["meta"]["on_success_destination"] == destination
    assert "on-success destination" in trace.dispositions["1"].detail
    # the return step: the event is processed, and the function says what came back (only at that step)
    returned = steps_of(trace, "return")[0]
    said = item_in(returned, "function")
    assert (said["ref"], said["status"], said["label"]) == (True, "returned", "returned: success")
    (record,) = returned.records
    assert record not in {e["id"] for e in places_of(trace.steps[returned.index + 1])["function"]["items"]}


def test_review_row_47_illustrative_retry_times_are_rounded_and_noted_from_the_first_failure():
    """Row 47: EventBridge's retry delays are illustrative: labels give them to the nearest second, and the
    first failed attempt's step (whose label already shows the next time) carries the note too."""
    trace = engine.simulate("eventbridge", {"delivery_failures": 2, "target_dlq": True}, 1, ["error"])
    first, second = steps_of(trace, "error")[:2]
    assert "Illustrative" in first.note and "Illustrative" in second.note
    assert item_in(first, "service")["label"] == "delivery attempt 1 failed; attempt 2 at about +1 s"
    assert item_in(second, "service")["label"] == "delivery attempt 2 failed; attempt 3 at about +3 s"
    assert item_in(first, "service")["attrs"]["next_attempt_at_ms"] == second.t_ms  # the exact time stays
    for source, settings in (("eventbridge", {}), ("eventbridge-scheduler", {})):
        long = engine.simulate(source, {"delivery_failures": 12, **settings}, 1, ["ok"])
        labels = [
            item_in(s, "service")["label"]
            for s in long.steps
            if "service" in places_of(s) and places_of(s)["service"]["items"]
        ]
        assert labels and not any(re.search(r"\+\d+\.\d+ s", label) for label in labels), labels


@pytest.mark.parametrize(
    ("source", "settings", "owner"),
    [
        ("eventbridge", {"target_dlq": True}, "target's dead-letter queue (EventBridge)"),
        ("sns", {"subscription_dlq": True}, "subscription's dead-letter queue (SNS)"),
        ("eventbridge-scheduler", {"schedule_dlq": True}, "schedule's dead-letter queue (EventBridge Scheduler)"),
    ],
)
def test_review_row_49_the_service_dlq_is_named_after_its_owner(source, settings, owner):
    """Row 49: an EventBridge target's DLQ is the target's, not "the event source's own"; likewise the SNS
    subscription's and the schedule's. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"""
    failures = 200_000 if source == "sns" else 200
    trace = engine.simulate(source, {"delivery_failures": failures, **settings}, 1, ["ok"])
    disposition = trace.dispositions["1"]
    assert disposition.kind == "service-dlq"
    assert owner in disposition.detail and "event source" not in disposition.detail
    (dlq,) = steps_of(trace, "dlq")
    assert owner.split(" (")[0] in dlq.summary


def test_review_row_35_activemq_dead_letters_to_its_default_dlq_without_a_condition():
    """Row 35: after 6 redeliveries ActiveMQ moves the messages to its dead-letter queue (ActiveMQ.DLQ unless
    the broker names another): the summary no longer hedges "if one is configured" while the bin says plainly
    that they moved. MQ_ERRORS links ActiveMQ's Message Redelivery and DLQ Handling page."""
    trace = engine.simulate("mq", {}, 3, ["poison:2"])
    (dlq,) = steps_of(trace, "dlq")
    assert "if one is configured" not in dlq.summary and "ActiveMQ.DLQ" in dlq.summary
    assert "ActiveMQ.DLQ" in dlq.note and "persistent" in dlq.note
    where = places_of(trace.steps[-1])["broker-dlq"]
    assert where["label"] == "Broker's dead-letter queue (ActiveMQ.DLQ by default)" and where["count"] == 3
    assert all("ActiveMQ.DLQ" in d.detail for d in trace.dispositions.values())
    assert problems(trace) == []
