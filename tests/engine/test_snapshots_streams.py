"""What the stream family's snapshots show at named steps (table-driven).

Each scenario names the behaviour it shows and the page the engine cites for it. At the chosen steps it checks
which place holds which records (a shard's or partition's tape, a batch in flight, a bin), the records' status,
and the numbers a panel shows: the checkpoint (position of the last record checkpointed, -1 for none), the
iterator (position of the next record to read), retries, bisect halves, record positions and offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.engine import simulate
from learn.engine.run import HOUR
from learn.engine.state import holders
from learn.engine.stream_flow import (
    DOCDB,
    KAFKA_HORIZON,
    KAFKA_RETRY,
    KAFKA_TOPIC_DESTINATION,
    ON_FAILURE,
    PARTIAL,
    WITH_KINESIS,
)

from .test_snapshot_properties import problems


@dataclass
class At:
    """The state after one step. `step` is "kind" or "kind: text in the summary"; `nth` picks among matches."""

    step: str
    nth: int = 0
    held: dict[str, list[str]] = field(default_factory=dict)  # place id -> the records it holds, in order
    refs: dict[str, list[str]] = field(default_factory=dict)  # place id -> the records it shows for context
    status: dict[str, str] = field(default_factory=dict)  # record id -> status where it is held
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)  # record id -> attrs where it is held
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # place id -> meta entries
    labels: dict[str, str] = field(default_factory=dict)  # place id or record id -> text in its label
    absent: tuple[str, ...] = ()  # places that must not be there


@dataclass
class Scenario:
    behaviour: str
    doc: str
    source: str
    settings: dict[str, Any]
    records: Any
    outcomes: Any
    at: list[At]
    cited: bool = True  # the trace itself cites `doc` at some step


SCENARIOS = [
    Scenario(
        "Kinesis: bisect splits the failing batch down to the poison record; splitting uses no retry",
        ON_FAILURE,
        "kinesis",
        {"bisect_batch_on_function_error": True, "maximum_retry_attempts": 1},
        4,
        "poison:3",
        [
            At(
                "invoke",
                held={"shard-1": ["1", "2", "3", "4"]},
                refs={"batch-1": ["1", "2", "3", "4"]},
                status={"1": "in-batch", "4": "in-batch"},
                meta={"shard-1": {"checkpoint": -1, "iterator": 4}, "batch-1": {"attempt": 1, "running": True}},
                attrs={"3": {"position": 2, "shard": "shard-1", "retries": 0}},
            ),
            At(
                "bisect",
                held={"shard-1": ["1", "2", "3", "4"]},
                status={"1": "retrying", "3": "retrying"},
                labels={"1": "first half of records 1–4", "3": "second half of records 1–4"},
                meta={"shard-1": {"checkpoint": -1, "iterator": 0, "blocked": True}},
                absent=("batch-1",),
            ),
            At(
                "return",
                held={"shard-1": ["3", "4"], "processed": ["1", "2"]},
                refs={"shard-1": ["1", "2"]},
                status={"1": "done", "3": "retrying"},
                meta={"shard-1": {"checkpoint": 1, "iterator": 2}},
            ),
            At(
                "bisect: split into ['3'] and ['4']",
                labels={"3": "first half of records 3–4", "4": "second half of records 3–4"},
                meta={"shard-1": {"checkpoint": 1}},
            ),
            At(
                "poll: Read a batch of 1",
                nth=1,
                refs={"batch-5": ["3"]},
                status={"3": "retrying", "4": "retrying"},
                attrs={"3": {"retries": 1}},
                meta={"batch-5": {"attempt": 2, "retries": 1, "half": "first half of records 3–4"}},
                labels={"batch-5": "retry 1"},
            ),
            At(
                "discard: MaximumRetryAttempts (1) used up",
                held={"shard-1": ["4"], "processed": ["1", "2"], "lost": ["3"]},
                refs={"shard-1": ["1", "2", "3"]},
                status={"3": "failed"},
                meta={"shard-1": {"checkpoint": 2, "iterator": 3, "retries": 0}},
                labels={"3": "retries used up"},
            ),
            At(
                "return",
                nth=-1,
                held={"processed": ["1", "2", "4"], "lost": ["3"]},
                refs={"shard-1": ["1", "2", "3", "4"]},
                meta={"shard-1": {"checkpoint": 3, "iterator": 4, "blocked": False}},
            ),
        ],
    ),
    Scenario(
        "Kinesis: MaximumRetryAttempts used up, the batch goes to the on-failure destination (metadata only)",
        ON_FAILURE,
        "kinesis",
        {"maximum_retry_attempts": 2, "on_failure_destination": "sqs"},
        2,
        "error",
        [
            At(
                "error",
                held={"shard-1": ["1", "2"]},
                status={"1": "retrying", "2": "retrying"},
                labels={"1": "to be read again"},
                meta={"shard-1": {"checkpoint": -1, "iterator": 0, "blocked": True}},
            ),
            At(
                "invoke",
                nth=2,
                refs={"batch-3": ["1", "2"]},
                status={"1": "retrying"},
                labels={"1": "retry 2 in batch 3"},
                meta={"batch-3": {"attempt": 3, "retries": 2}, "shard-1": {"retries": 2}},
            ),
            At(
                "destination",
                held={"destination": ["1", "2"]},
                refs={"shard-1": ["1", "2"]},
                meta={"shard-1": {"checkpoint": 1, "iterator": 2}},
                labels={"destination": "metadata only, not the records", "1": "on-failure destination"},
            ),
        ],
    ),
    Scenario(
        "DynamoDB Streams: a partial batch response moves the checkpoint to the lowest failed record",
        PARTIAL,
        "dynamodb-streams",
        {"report_batch_item_failures": True},
        4,
        ["partial:3+4", "ok"],
        [
            At(
                "error: Partial batch response",
                held={"shard-1": ["3", "4"], "processed": ["1", "2"]},
                refs={"shard-1": ["1", "2"]},
                status={"3": "retrying", "4": "retrying"},
                meta={"shard-1": {"checkpoint": 1, "iterator": 2}},
            ),
            At(
                "poll: checkpoint before 3",
                refs={"batch-2": ["3", "4"]},
                meta={"shard-1": {"checkpoint": 1, "iterator": 4}, "batch-2": {"retries": 1}},
            ),
            At(
                "return",
                held={"processed": ["1", "2", "3", "4"]},
                meta={"shard-1": {"checkpoint": 3}},
            ),
        ],
    ),
    Scenario(
        "Amazon MSK: after its retries the failed record goes to a Kafka-topic destination, which gets the record",
        KAFKA_TOPIC_DESTINATION,
        "msk",
        {"on_failure_destination": "kafka", "maximum_retry_attempts": 1, "batch_size": 1},
        3,
        "poison:2",
        [
            At(
                "invoke",
                nth=1,
                held={"partition-0": ["2", "3"], "processed": ["1"]},
                refs={"partition-0": ["1"], "batch-2": ["2"]},
                attrs={"2": {"partition": "0", "offset": 1, "position": 1}, "3": {"offset": 2}},
                status={"3": "unread"},
                meta={"partition-0": {"checkpoint": 0, "iterator": 2}},
            ),
            At(
                "error",
                nth=-1,
                status={"2": "retrying", "3": "unread"},
                labels={"3": "waiting behind the failing batch"},
                meta={"partition-0": {"blocked": True, "iterator": 1}},
            ),
            At(
                "destination",
                held={"partition-0": ["3"], "destination": ["2"], "processed": ["1"]},
                labels={"destination": "Kafka topic (the failed records themselves)"},
                meta={"partition-0": {"checkpoint": 1, "iterator": 2}},
            ),
            At(
                "return",
                nth=-1,
                held={"processed": ["1", "3"], "destination": ["2"]},
                meta={"partition-0": {"checkpoint": 2}},
            ),
        ],
    ),
    Scenario(
        "Self-managed Kafka: the batching window gathers records; a partial response retries only the failed one",
        KAFKA_RETRY,
        "kafka",
        {"report_batch_item_failures": True},
        3,
        ["partial:2", "ok"],
        [
            At(
                "poll: gather for up to the batching window",
                held={"partition-0": ["1", "2", "3"]},
                status={"1": "unread"},
                labels={"1": "batching window until +0.5 s"},
                absent=("batch-1",),
            ),
            At(
                "error: Partial batch response",
                held={"partition-0": ["2"], "processed": ["1", "3"]},
                refs={"partition-0": ["1", "3"]},
                status={"2": "retrying"},
                meta={"partition-0": {"checkpoint": 0, "iterator": 1}},
            ),
            At("return", nth=-1, held={"processed": ["1", "3", "2"]}, meta={"partition-0": {"checkpoint": 2}}),
        ],
    ),
    Scenario(
        "Amazon DocumentDB: events the mapping keeps retrying expire at the change stream's retention; Lambda "
        "disables the mapping",
        DOCDB,
        "documentdb",
        {"batch_size": 1, "change_stream_retention_hours": 1},
        3,
        ["ok", "error"],
        [
            At(
                "error",
                held={"change-stream": ["2", "3"], "processed": ["1"]},
                refs={"change-stream": ["1"]},
                status={"2": "retrying", "3": "unread"},
                attrs={"2": {"position": 1, "deadline_ms": HOUR}},
                meta={"change-stream": {"checkpoint": 0, "disabled": False, "retention_ms": HOUR}},
            ),
            At(
                "discard: The change stream keeps events for 1 h",
                held={"change-stream": ["2", "3"], "processed": ["1"]},
                refs={"change-stream": []},  # record 1 has aged out of the stream too
                status={"2": "expired", "3": "expired"},
                attrs={"2": {"age_ms": HOUR}},
            ),
            At(
                "error: Lambda disables the event source mapping",
                held={"lost": ["2", "3"], "processed": ["1"]},
                status={"2": "failed"},
                labels={"3": "expired"},
                meta={"change-stream": {"disabled": True, "checkpoint": 0, "iterator": None}},  # nothing more read
            ),
        ],
    ),
    Scenario(
        "Kinesis: with ParallelizationFactor 2 each partition key has its own batch; one failing key does not hold "
        "up the other",
        WITH_KINESIS,
        "kinesis",
        {"parallelization_factor": 2, "maximum_retry_attempts": 1},
        [
            {"id": "r1", "key": "red"},
            {"id": "b1", "key": "blue"},
            {"id": "r2", "key": "red"},
            {"id": "b2", "key": "blue"},
        ],
        "poison:r1",
        [
            At(
                "invoke",
                nth=1,
                refs={"batch-1": ["r1", "r2"], "batch-2": ["b1", "b2"]},
                meta={"batch-1": {"lane": "shard-1/1"}, "batch-2": {"lane": "shard-1/0"}},
                attrs={"b1": {"position": 1, "lane": "shard-1/0"}},
            ),
            At(
                "return",
                held={"shard-1": ["r1", "r2"], "processed": ["b1", "b2"]},
                status={"r1": "retrying"},
                meta={
                    "shard-1": {
                        "checkpoint": -1,  # r1, first on the shard, is not finished
                        "parallelization_factor": 2,
                        "lanes": [
                            {"lane": "shard-1/1", "checkpoint": -1, "iterator": 0, "retries": 1, "blocked": True},
                            {"lane": "shard-1/0", "checkpoint": 3, "iterator": 4, "retries": 0, "blocked": False},
                        ],
                    }
                },
            ),
            At("discard", held={"lost": ["r1", "r2"], "processed": ["b1", "b2"]}, meta={"shard-1": {"checkpoint": 3}}),
        ],
        cited=False,
    ),
    Scenario(
        "Amazon MSK: with MaximumRetryAttempts -1 and no destination the partition stays blocked (shown for 7 days)",
        KAFKA_RETRY,
        "msk",
        {"batch_size": 2},
        3,
        "error",
        [
            At(
                "retry-wait",
                held={"partition-0": ["1", "2", "3"]},
                status={"1": "retrying", "3": "unread"},
                attrs={"1": {"age_ms": KAFKA_HORIZON + 2600}},
                meta={"partition-0": {"checkpoint": -1, "blocked": True}},
            ),
            At(
                "error: Still failing",
                held={"partition-0": ["1", "2", "3"]},
                status={"1": "blocked", "3": "blocked"},
                labels={"3": "still held up when the run stopped"},
                meta={"partition-0": {"checkpoint": -1}},
            ),
        ],
    ),
]


def find_step(trace, selector: str, nth: int):
    kind, _, text = selector.partition(": ")
    matches = [s for s in trace.steps if s.kind == kind and text in s.summary]
    assert matches, f"no step {selector!r} in {[(s.kind, s.summary[:50]) for s in trace.steps]}"
    return matches[nth]


def check(step, at: At) -> None:
    places = {p["id"]: p for p in step.snapshot["places"]}
    where = f"step {step.index} ({step.kind}: {step.summary[:50]})"
    held = holders(step.snapshot)
    for place_id, records in at.held.items():
        assert place_id in places, f"{where}: no place {place_id}"
        listed = [i["id"] for i in places[place_id]["items"] if not i["ref"]]
        assert listed == records, f"{where}: {place_id} holds {listed}"
        for record in records:
            assert held[record] == [place_id], f"{where}: {record} held by {held[record]}"
    for place_id, records in at.refs.items():
        listed = [i["id"] for i in places[place_id]["items"] if i["ref"]]
        assert listed == records, f"{where}: {place_id} shows {listed}"
    entries = {i["id"]: i for p in places.values() for i in p["items"] if not i["ref"]}
    for record, status in at.status.items():
        assert entries[record]["status"] == status, f"{where}: {record} is {entries[record]['status']}"
    for record, attrs in at.attrs.items():
        got = {k: entries[record]["attrs"].get(k) for k in attrs}
        assert got == attrs, f"{where}: {record} has {entries[record]['attrs']}"
    for place_id, meta in at.meta.items():
        got = {k: places[place_id]["meta"].get(k) for k in meta}
        assert got == meta, f"{where}: {place_id} meta {places[place_id]['meta']}"
    for name, text in at.labels.items():
        label = places[name]["label"] if name in places else entries[name]["label"]
        assert text in label, f"{where}: {name} label {label!r}"
    for place_id in at.absent:
        assert place_id not in places, f"{where}: {place_id} should not be there"


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.behaviour for s in SCENARIOS])
def test_stream_snapshot(case: Scenario):
    assert case.doc.startswith("https://")
    trace = simulate(case.source, case.settings, case.records, case.outcomes)
    if case.cited:
        assert any(s.doc == case.doc for s in trace.steps), f"the trace never cites {case.doc}"
    assert problems(trace) == []
    for at in case.at:
        check(find_step(trace, at.step, at.nth), at)


def test_every_stream_source_has_a_scenario():
    assert {s.source for s in SCENARIOS} >= {"kinesis", "dynamodb-streams", "msk", "kafka", "documentdb"}


def test_a_long_shard_is_listed_from_just_behind_the_checkpoint():
    trace = simulate("kinesis", {"batch_size": 10}, 120, "ok")
    step = next(s for s in trace.steps if s.kind == "poll" and "before 71" in s.summary)
    tape = next(p for p in step.snapshot["places"] if p["id"] == "shard-1")
    assert tape["count"] == 120 and tape["meta"]["checkpoint"] == 69 and tape["meta"]["iterator"] == 80
    assert tape["meta"]["first_listed"] == 65  # five processed records behind the first one still held
    assert [i["id"] for i in tape["items"][:6]] == ["66", "67", "68", "69", "70", "71"]
    assert [i["ref"] for i in tape["items"][:6]] == [True] * 5 + [False]
