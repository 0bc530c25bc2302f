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
                # its own deliveries (1–4, 3–4, 3): the bisect re-reads count; the lane's retry toward the limit is 1
                attrs={"3": {"retries": 2}, "4": {"retries": 1}},
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
                "return: Partial batch response",
                held={"shard-1": ["3", "4"], "processed": ["1", "2"]},
                refs={"shard-1": ["1", "2"]},
                status={"3": "retrying", "4": "retrying"},
                meta={"shard-1": {"checkpoint": 1, "iterator": 2}},
            ),
            At(
                "poll: checkpoint after record 2; reading from record 3",
                refs={"batch-2": ["3", "4"]},
                meta={"shard-1": {"checkpoint": 1, "iterator": 4}, "batch-2": {"retries": 1}},
            ),
            At(
                "return",
                nth=-1,
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
                "return: Partial batch response",
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
                # review row 32: the step says they expired, so they are in the lost bin at this step
                held={"lost": ["2", "3"], "processed": ["1"]},
                refs={"change-stream": []},  # record 1 has aged out of the stream too
                labels={"2": "expired", "3": "expired"},
                meta={"change-stream": {"disabled": False}},
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
                labels={
                    "batch-1": "concurrent batch 2 of 2 in shard-1",
                    "batch-2": "concurrent batch 1 of 2 in shard-1",
                },
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
                            {
                                "lane": "shard-1/1",
                                "lane_label": "concurrent batch 2 of 2 in shard-1",
                                "checkpoint": -1,
                                "iterator": 0,
                                "retries": 1,
                                "blocked": True,
                            },
                            {
                                "lane": "shard-1/0",
                                "lane_label": "concurrent batch 1 of 2 in shard-1",
                                "checkpoint": 3,
                                "iterator": 4,
                                "retries": 0,
                                "blocked": False,
                            },
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
    step = next(s for s in trace.steps if s.kind == "poll" and "reading from record 71" in s.summary)
    tape = next(p for p in step.snapshot["places"] if p["id"] == "shard-1")
    assert tape["count"] == 120 and tape["meta"]["checkpoint"] == 69 and tape["meta"]["iterator"] == 80
    assert tape["meta"]["first_listed"] == 65  # five processed records behind the first one still held
    assert [i["id"] for i in tape["items"][:6]] == ["66", "67", "68", "69", "70", "71"]
    assert [i["ref"] for i in tape["items"][:6]] == [True] * 5 + [False]


# --- After the fresh-eyes review (/tmp/review-snapshots.md): one test per fixed row or pattern ----------------------


def places_at(step) -> dict[str, dict]:
    return {p["id"]: p for p in step.snapshot["places"]}


def batch_items(step, number: int) -> list[tuple[str, str, str]]:
    batch = places_at(step)[f"batch-{number}"]
    return [(i["id"], i["status"], i["label"]) for i in batch["items"]]


@pytest.mark.parametrize(
    ("outcome", "kind", "words", "status"),
    [
        ("ok", "return", "returned: success", "returned"),
        ("error", "error", "returned: error", "returned"),
        ("timeout", "error", "timed out", "returned"),
        ("throttle", "throttle", "throttled: the function did not run", "throttled"),
    ],
)
def test_rows_3_and_40_a_batch_says_what_came_back_then_leaves(outcome, kind, words, status):
    # Review rows 1-3/40/56 (the stream part): at the invoke the batch is running, or for a throttled invoke only
    # sent; at the result step it says what came back; at the next step it is gone. ESM page: ESM.
    trace = simulate("kinesis", {"batch_size": 2}, 3, [outcome, "ok"])
    invoke = find_step(trace, "invoke", 0)
    batch = places_at(invoke)["batch-1"]
    if outcome == "throttle":
        assert "invoke sent" in batch["label"] and batch["meta"]["running"] is False
        assert {label for _, _, label in batch_items(invoke, 1)} == {"invoke sent"}
        tape = places_at(invoke)["shard-1"]
        assert all("function running" not in i["label"] for i in tape["items"])
    else:
        assert "function running" in batch["label"] and batch["meta"]["running"] is True
    result = trace.steps[invoke.index + 1]
    assert result.kind == kind
    batch = places_at(result)["batch-1"]
    assert words in batch["label"] and batch["meta"]["result"] == words and batch["meta"]["running"] is False
    assert batch_items(result, 1) == [("1", status, words), ("2", status, words)]
    if result.index + 1 < len(trace.steps):
        assert "batch-1" not in places_at(trace.steps[result.index + 1])


def test_row_3_a_throttled_batch_never_shows_the_function_running():
    for source in ("kinesis", "dynamodb-streams", "msk", "kafka", "documentdb"):
        trace = simulate(source, {}, 2, ["throttle", "ok"])
        throttle = find_step(trace, "throttle", 0)
        for step in trace.steps[: throttle.index + 1]:
            for p in step.snapshot["places"]:
                if p["id"] == "batch-1":
                    assert "function running" not in p["label"], (source, step.index, p["label"])
                    assert all(i["label"] != "function running" for i in p["items"]), (source, step.index)


def test_rows_16_and_25_one_checkpoint_convention_in_summaries_and_meta():
    # Row 16: the poll summary says what the tape's meta says (nothing checkpointed = -1). Row 25: the partial
    # response names the new checkpoint the way the tape does (checkpoint 0 = after record 1). KINESIS_PARTIAL.
    trace = simulate("kinesis", {"maximum_retry_attempts": 2}, 3, "poison:2")
    poll = find_step(trace, "poll", 0)
    assert "nothing checkpointed yet; reading from record 1" in poll.summary
    assert places_at(poll)["shard-1"]["meta"]["checkpoint"] == -1
    assert all("checkpoint before" not in s.summary for s in trace.steps)
    kafka = simulate("kafka", {"report_batch_item_failures": True}, 3, ["partial:2", "ok"])  # the same words
    polls = [s.summary for s in kafka.steps if s.kind == "poll" and "Read a batch" in s.summary]
    assert "(nothing checkpointed yet; reading from record 1)" in polls[0]
    assert "(checkpoint after record 1; reading from record 2)" in polls[1]
    settings = {"report_batch_item_failures": True, "maximum_retry_attempts": 1, "on_failure_destination": "sqs"}
    trace = simulate("kinesis", settings, 3, "partial:2")
    partial = find_step(trace, "return: Partial batch response", 0)
    assert "(checkpoint now after record 1)" in partial.summary and "retried from record 2" in partial.summary
    assert places_at(partial)["shard-1"]["meta"]["checkpoint"] == 0
    assert "checkpoint after record 1; reading from record 2" in trace.steps[partial.index + 1].summary


def test_row_17_a_shard_is_named_once():
    for source in ("kinesis", "dynamodb-streams"):
        trace = simulate(source, {}, 3, "ok")
        assert all("shard shard" not in s.summary for s in trace.steps)
        assert "from shard-1 (" in find_step(trace, "poll", 0).summary


@pytest.mark.parametrize(
    ("source", "settings", "outcomes", "retries"),
    [
        # row 18: 3 attempts shown + 14 compressed = 17 attempts = 16 retries (ON_FAILURE)
        ("kinesis", {"maximum_record_age_s": 60, "on_failure_destination": "sns"}, "error", 16),
        # row 19: retried until the 24 h retention ends (DDB_ERRORS)
        ("dynamodb-streams", {}, "poison:1", None),
        # row 20: "automatically applies a maximum of 10 retry attempts" (KAFKA_TOPIC_DESTINATION)
        ("kafka", {"on_failure_destination": "sqs"}, "poison:1", 10),
    ],
)
def test_rows_18_to_20_a_compressed_run_counts_retries_not_attempts(source, settings, outcomes, retries):
    trace = simulate(source, settings, 3 if source != "kafka" else 2, outcomes)
    step = find_step(trace, "retry-wait", 0)
    expected = trace.invocations - 1 if retries is None else retries
    assert trace.invocations - 1 == expected
    assert step.state["retries"] == expected
    tape = next(p for p in step.snapshot["places"] if p["kind"] == "tape")
    assert tape["meta"]["retries"] == expected
    assert {i["attrs"]["retries"] for i in tape["items"] if not i["ref"]} == {expected}


def test_row_21_a_record_counts_its_own_retries_and_they_never_go_down():
    # Record 3 waits in the other half while record 2 is retried: the lane's retry is not its retry. Its own count
    # is its deliveries minus one (batch 1-3 and batch 2-3 so far: 1), and it never drops back. ON_FAILURE.
    settings = {"bisect_batch_on_function_error": True, "maximum_retry_attempts": 1, "on_failure_destination": "sqs"}
    trace = simulate("kinesis", settings, 3, "poison:2")
    last = 0
    for step in trace.steps:
        entry = next((i for i in places_at(step)["shard-1"]["items"] if i["id"] == "3" and not i["ref"]), None)
        if entry is None:
            continue
        assert entry["attrs"].get("retries", 0) >= last, step.index
        last = entry["attrs"].get("retries", 0)
    retry = find_step(trace, "poll: reading from record 2", -1)  # record 2's retry 1 in its own half
    tape = places_at(retry)["shard-1"]
    record_3 = next(i for i in tape["items"] if i["id"] == "3")
    assert record_3["attrs"]["retries"] == 1 and "waiting in the second half" in record_3["label"]
    assert tape["meta"]["retries"] == 1  # the lane's count, toward MaximumRetryAttempts


def test_row_22_a_first_half_success_says_the_shard_is_still_held():
    settings = {"bisect_batch_on_function_error": True, "maximum_retry_attempts": 1, "on_failure_destination": "sqs"}
    trace = simulate("kinesis", settings, 3, "poison:2")
    success = find_step(trace, "return", 0)
    assert success.summary == (
        "Success: checkpoint now after record 1; shard-1 is still held for the second half of records 1–3 "
        "(records 2–3)."
    )
    meta = places_at(success)["shard-1"]["meta"]
    assert meta["checkpoint"] == 0 and meta["blocked"] is True
    assert find_step(trace, "return", -1).summary == "Success: checkpoint now after record 3."


def test_row_24_a_partial_batch_response_is_a_return_and_counts_no_retry_yet():
    # A partial batch response is a successful return; retries stay 0 until the retry is read, as for an error.
    settings = {"report_batch_item_failures": True, "maximum_retry_attempts": 1, "on_failure_destination": "sqs"}
    trace = simulate("kinesis", settings, 3, "partial:2")
    partial = find_step(trace, "return: Partial batch response", 0)
    assert places_at(partial)["shard-1"]["meta"]["retries"] == 0
    assert "returned: partial batch response" in places_at(partial)["batch-1"]["label"]
    assert places_at(trace.steps[partial.index + 1])["shard-1"]["meta"]["retries"] == 1
    error = find_step(simulate("kinesis", {"maximum_retry_attempts": 1}, 3, "poison:2"), "error", 0)
    assert places_at(error)["shard-1"]["meta"]["retries"] == 0


def test_row_26_parallelization_factor_lanes_are_named_as_lanes_and_shared_keys_are_said():
    # The engine's default records have no partition key (all ""): they stay in one concurrent batch. The trace
    # says so instead of the factor silently doing nothing. WITH_KINESIS.
    trace = simulate("kinesis", {"parallelization_factor": 2}, 4, "ok")
    poll = find_step(trace, "poll", 0)
    assert "from shard-1 for concurrent batch 1 of 2" in poll.summary and "shard-1/0" not in poll.summary
    assert any("share one partition key" in note for note in trace.notes)
    keyed = simulate(
        "kinesis", {"parallelization_factor": 2}, [{"id": "r", "key": "red"}, {"id": "b", "key": "blue"}], "ok"
    )
    assert not any("share one partition key" in note for note in keyed.notes)
    assert {s.summary.split(" (")[0] for s in keyed.steps if s.kind == "poll"} == {
        "Read a batch of 1 from shard-1 for concurrent batch 1 of 2",
        "Read a batch of 1 from shard-1 for concurrent batch 2 of 2",
    }


@pytest.mark.parametrize(("source", "name"), [("msk", "partition 0"), ("kafka", "partition 0")])
def test_row_29_a_blocked_kafka_partition_is_named_as_a_partition(source, name):
    trace = simulate(source, {"maximum_retry_attempts": 1, "on_failure_destination": "s3"}, 3, "poison:2")
    blocked = {s.state["blocked"] for s in trace.steps if "blocked" in s.state}
    assert blocked == {name}


def test_row_31_the_kafka_stop_says_what_is_not_simulated():
    trace = simulate("kafka", {}, 3, "poison:2")
    stop = find_step(trace, "error: Still failing", 0)
    assert stop.t_ms >= KAFKA_HORIZON
    assert "set on the cluster, not by Lambda, and is not simulated" in stop.note
    assert "does not show whether these records would have expired" in stop.note
    assert stop.note in trace.notes
    assert {i["status"] for i in places_at(stop)["partition-0"]["items"]} == {"blocked"}


def test_rows_32_and_33_documentdb_expired_events_are_lost_at_the_discard_step():
    # The discard step says the events expired: they are in the lost bin there, not one step later (row 32); a
    # blocked change stream is named (row 33). DOCDB.
    trace = simulate("documentdb", {}, 2, "error")
    discard = find_step(trace, "discard", 0)
    assert holders(discard.snapshot) == {"1": ["lost"], "2": ["lost"]}
    assert places_at(discard)["change-stream"]["meta"]["disabled"] is False
    assert places_at(trace.steps[discard.index + 1])["change-stream"]["meta"]["disabled"] is True
    assert {s.state["blocked"] for s in trace.steps if "blocked" in s.state} == {"change stream"}
