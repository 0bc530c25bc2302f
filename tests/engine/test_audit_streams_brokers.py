"""December 2026 audit, behaviour engine rows E2–E7, E10, E11 and L10: stream, Kafka, Amazon MQ and DocumentDB flows.

Every case names the AWS page it encodes and quotes (in its id or a comment) the sentence it rests on. Where the
docs are silent, the case checks that the trace says so instead of asserting a behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from learn.engine import EngineError, knobs_for, simulate
from learn.engine.run import DAY, HOUR, SECOND

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
ESM = LDG + "invocation-eventsourcemapping.html"
KAFKA_ON_FAILURE = LDG + "kafka-on-failure.html"
KAFKA_TOPIC_DESTINATION = LDG + "kafka-on-failure-destination.html"
KAFKA_RETRY = LDG + "kafka-retry-configurations.html"
KINESIS_ON_FAILURE = LDG + "kinesis-on-failure-destination.html"
DDB_ERRORS = LDG + "services-dynamodb-errors.html"
KINESIS_PARTIAL = LDG + "services-kinesis-batchfailurereporting.html"
DDB_PARTIAL = LDG + "services-ddb-batchfailurereporting.html"
MQ_ERRORS = LDG + "services-mq-errors.html"
DOCDB_LAMBDA = "https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html"
DOCDB_STREAMS = "https://docs.aws.amazon.com/documentdb/latest/developerguide/change_streams.html"
KINESIS_RETENTION = "https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html"
ROOT = Path(__file__).resolve().parents[2]


def summaries(trace) -> list[str]:
    return [s.summary for s in trace.steps]


def text(trace) -> str:
    return "\n".join(summaries(trace) + [d.detail for d in trace.dispositions.values()])


def invoke_times(trace) -> list[int]:
    return [s.t_ms for s in trace.steps if s.kind == "invoke"]


# --- E2: Kafka on-failure destinations ------------------------------------------------------------------------
# kafka-on-failure.html: "Each record sent to the destination is a JSON document containing metadata about the
# failed invocation. For Amazon S3 destinations, Lambda also sends the entire invocation record along with the
# metadata."  kafka-on-failure-destination.html: "Kafka destinations receive the actual failed records along with
# failure metadata."
@pytest.mark.parametrize("source", ["msk", "kafka"])
@pytest.mark.parametrize(
    ("destination", "payload", "doc"),
    [
        pytest.param("kafka", "the failed records themselves", KAFKA_TOPIC_DESTINATION, id="kafka-topic-gets-records"),
        pytest.param("s3", "whole invocation record", KAFKA_ON_FAILURE, id="s3-gets-metadata-and-record"),
        pytest.param("sqs", "metadata about the failed invocation only", KAFKA_ON_FAILURE, id="sqs-metadata-only"),
        pytest.param("sns", "metadata about the failed invocation only", KAFKA_ON_FAILURE, id="sns-metadata-only"),
    ],
)
def test_e2_kafka_on_failure_destination_payload(source, destination, payload, doc):
    trace = simulate(source, {"on_failure_destination": destination}, 3, "error")
    sent = [s for s in trace.steps if s.kind == "destination"]
    assert len(sent) == 1 and payload in sent[0].summary and sent[0].doc == doc
    assert {d.kind for d in trace.dispositions.values()} == {"on-failure-destination"}
    assert all(payload in d.detail for d in trace.dispositions.values())
    # Kafka vocabulary: partitions and offsets, never Kinesis shards and sequence numbers
    assert "shard" not in text(trace) and "sequence" not in text(trace)
    assert "partition" in text(trace)


def test_e2_kinesis_sqs_destination_still_gets_metadata_only():
    # kinesis-on-failure-destination.html: SQS and SNS destinations get a record describing the batch, not its data
    trace = simulate("kinesis", {"on_failure_destination": "sqs", "maximum_retry_attempts": 0}, 2, "error")
    sent = next(s for s in trace.steps if s.kind == "destination")
    assert "metadata only" in sent.summary and "not the records" in sent.summary and sent.doc == KINESIS_ON_FAILURE


def test_e2_the_automatic_cap_of_ten_retries_is_named_as_such():
    # kafka-on-failure-destination.html: "When you configure both infinite retries and an on-failure destination,
    # Lambda automatically applies a maximum of 10 retry attempts."
    trace = simulate("msk", {"on_failure_destination": "kafka"}, 1, "error")
    assert trace.invocations == 11
    assert any("-1" in s and "at most 10" in s for s in summaries(trace))


# --- E3: DocumentDB change stream retention ---------------------------------------------------------------------
# change_streams.html: change stream events "are stored for 3 hours (by default) ... The retention period can be
# extended up to 7 days using the change_stream_log_retention_duration parameter."
# using-lambda.html: "If your function returns an error, Lambda retries the batch until it processes
# successfully. In case the events in the change stream have expired, Lambda will disable the event source mapping."
@pytest.mark.parametrize(
    ("settings", "ends_at"),
    [
        pytest.param({}, 3 * HOUR, id="stored for 3 hours (by default): mapping disabled after 3 h"),
        pytest.param({"change_stream_retention_hours": 24}, DAY, id="retention 24 h: disabled after 24 h"),
        pytest.param({"change_stream_retention_hours": 168}, 7 * DAY, id="extended up to 7 days: disabled after 7 d"),
    ],
)
def test_e3_documentdb_mapping_is_disabled_when_the_events_expire(settings, ends_at):
    trace = simulate("documentdb", settings, 3, "error")
    disabled = [i for i, s in enumerate(trace.steps) if s.state.get("disabled")]
    assert len(disabled) == 1, summaries(trace)
    step = trace.steps[disabled[0]]
    assert "disables the event source mapping" in step.summary and step.doc == DOCDB_LAMBDA
    assert abs(step.t_ms - ends_at) <= 2 * SECOND
    assert not [s for s in trace.steps[disabled[0] :] if s.kind == "invoke"]  # nothing is read after that
    assert {d.kind for d in trace.dispositions.values()} == {"discarded-retention"}
    assert all("disabled the mapping" in d.detail for d in trace.dispositions.values())
    assert not trace.truncated and "still" not in step.summary.lower()


def test_e3_documentdb_retries_until_success_before_expiry():
    # using-lambda.html: "Lambda retries the batch until it processes successfully."
    trace = simulate("documentdb", {}, 2, ["error", "error", "ok"])
    assert trace.invocations == 3 and {d.kind for d in trace.dispositions.values()} == {"processed"}


@pytest.mark.parametrize(
    ("value", "ok"), [(3, True), (168, True), (169, False), (0, False)], ids=["3h", "7d", "over-7d", "zero"]
)
def test_e3_retention_knob_range(value, ok):
    knob = next(k for k in knobs_for("documentdb") if k.name == "change_stream_retention_hours")
    assert knob.default == 3 and knob.maximum == 7 * 24 and knob.doc == DOCDB_STREAMS
    if ok:
        simulate("documentdb", {"change_stream_retention_hours": value}, 1, "ok")
    else:
        with pytest.raises(EngineError):
            simulate("documentdb", {"change_stream_retention_hours": value}, 1, "ok")


# --- E4: Kafka partial batch responses ------------------------------------------------------------------------
# kafka-retry-configurations.html: "Partial batch response – Allow your function to return information about which
# records in a batch failed processing, so Lambda can retry only the failed records."
@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_e4_kafka_partial_batch_response_retries_only_the_failed_records(source):
    trace = simulate(source, {"report_batch_item_failures": True}, 3, ["partial:2", "ok"])
    assert trace.invocations == 2
    invokes = [s for s in trace.steps if s.kind == "invoke"]
    assert invokes[1].records == ("2",)  # only the failed record is retried
    assert {k: d.kind for k, d in trace.dispositions.items()} == {"1": "processed", "2": "processed", "3": "processed"}
    partial = next(s for s in trace.steps if "Partial batch response" in s.summary)
    assert partial.doc == KAFKA_RETRY and "only the failed" in partial.summary


@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_e4_without_the_setting_a_kafka_partial_response_is_ignored(source):
    trace = simulate(source, {}, 3, ["partial:2", "ok"])
    assert trace.invocations == 1 and trace.dispositions["2"].kind == "lost-ignored-response"


def test_e4_knob_says_it_sits_under_provisioned_mode():
    # kafka-retry-configurations.html, console steps: "Under Event poller configuration, select provisioned mode to
    # configure error handling controls", then "To enable partial batch response, select ReportBatchItemFailures."
    knob = next(k for k in knobs_for("kafka") if k.name == "report_batch_item_failures")
    assert knob.default is False and "provisioned mode" in knob.description and knob.doc == KAFKA_RETRY


def test_e4_poison_record_with_partial_responses_is_given_up_alone():
    trace = simulate(
        "msk",
        {"report_batch_item_failures": True, "maximum_retry_attempts": 2, "on_failure_destination": "sqs"},
        3,
        "poison:2",
    )
    kinds = {k: d.kind for k, d in trace.dispositions.items()}
    assert kinds == {"1": "processed", "2": "on-failure-destination", "3": "processed"}


# --- E5: the batching window in stream and broker flows ---------------------------------------------------------
# invocation-eventsourcemapping.html: Lambda invokes the function when the batching window reaches its maximum, the
# batch size is met, or the payload reaches 6 MB. Default window: 0 s for Kinesis and DynamoDB; 500 ms for Amazon
# MSK, self-managed Apache Kafka, Amazon MQ and Amazon DocumentDB.
@pytest.mark.parametrize(
    ("source", "settings", "records", "times", "waits"),
    [
        pytest.param("kinesis", {}, 2, [0], False, id="kinesis default window 0: invoked at once"),
        pytest.param("dynamodb-streams", {}, 2, [0], False, id="dynamodb default window 0: invoked at once"),
        pytest.param("kinesis", {"maximum_batching_window_s": 10}, 2, [10 * SECOND], True, id="kinesis window 10 s"),
        pytest.param("msk", {}, 2, [500], True, id="msk default 500 ms"),
        pytest.param("kafka", {}, 2, [500], True, id="self-managed kafka default 500 ms"),
        pytest.param("documentdb", {}, 2, [500], True, id="documentdb default 500 ms"),
        pytest.param("mq", {}, 2, [500], True, id="mq default 500 ms"),
        pytest.param(
            "mq", {"broker_type": "rabbitmq", "maximum_batching_window_s": 3}, 2, [3 * SECOND], True, id="mq 3 s"
        ),
        pytest.param("kafka", {"maximum_batching_window_s": 0}, 2, [0], False, id="kafka window 0"),
        pytest.param("msk", {"batch_size": 2}, 2, [0], False, id="batch size met: no wait"),
        # (the engine runs MQ batches one after another, so the second full batch starts when the first ends)
        pytest.param("mq", {"batch_size": 2}, 4, [0, 200], False, id="mq full batches do not wait for the window"),
        pytest.param(
            "kinesis",
            {"batch_size": 2, "maximum_batching_window_s": 10},
            3,
            [0, 200 + 10 * SECOND],
            True,
            id="full batch at once, the last partial batch waits the window",
        ),
    ],
)
def test_e5_a_batch_goes_out_at_the_window_or_the_batch_size(source, settings, records, times, waits):
    trace = simulate(source, settings, records, "ok")
    assert invoke_times(trace) == times
    waited = [s for s in trace.steps if "batching window" in s.summary]
    assert bool(waited) == waits
    assert all(s.doc == ESM for s in waited)
    assert {d.kind for d in trace.dispositions.values()} == {"processed"}


# --- E6: whole seconds only -----------------------------------------------------------------------------------
# API_EventSourceMappingConfiguration: "You can configure MaximumBatchingWindowInSeconds to any value from 0 seconds
# to 300 seconds in increments of seconds. ... you cannot revert back to the 500 ms default batching window after you
# have changed it."
@pytest.mark.parametrize("source", ["msk", "kafka", "mq", "documentdb"])
@pytest.mark.parametrize(
    ("value", "accepted"),
    [("0.7", False), ("0.5", False), (0.5, False), ("1", True), ("300", True), ("301", False), (0, True)],
    ids=["0.7", "0.5-text", "0.5-number", "1", "300", "301", "0"],
)
def test_e6_batching_window_takes_whole_seconds_only(source, value, accepted):
    if accepted:
        simulate(source, {"maximum_batching_window_s": value}, 1, "ok")
    else:
        with pytest.raises(EngineError) as raised:
            simulate(source, {"maximum_batching_window_s": value}, 1, "ok")
        assert "whole number" in str(raised.value) or "0–300" in str(raised.value)


@pytest.mark.parametrize(("source", "default"), [("msk", 0.5), ("mq", 0.5), ("documentdb", 0.5), ("kinesis", 0)])
def test_e6_window_knob_is_int_and_keeps_the_default(source, default):
    knob = next(k for k in knobs_for(source) if k.name == "maximum_batching_window_s")
    assert knob.type == "int" and knob.default == default and (knob.minimum, knob.maximum) == (0, 300)
    if default:
        assert "cannot be set back" in knob.describe_range()


# --- E7: ParallelizationFactor lanes are stable across processes -------------------------------------------------
# with-kinesis.html: with ParallelizationFactor above 1 Lambda processes up to that many batches of a shard at once
# and still keeps the records of one partition key in order.
LANES_SCRIPT = """
import json
from learn.engine import simulate
records = [{"id": str(i), "key": k} for i, k in enumerate("abcdab", start=1)]
trace = simulate("kinesis", {"parallelization_factor": 2, "batch_size": 10}, records, "ok")
print(json.dumps(sorted(s.records for s in trace.steps if s.kind == "invoke")))
"""


def test_e7_parallelization_lanes_do_not_depend_on_the_hash_seed():
    results = set()
    for seed in ("1", "2", "3", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", LANES_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        results.add(done.stdout.strip())
    assert len(results) == 1, results
    lanes = json.loads(results.pop())
    keys = dict(zip("123456", "abcdab", strict=True))
    for lane in lanes:  # every key lives in one lane, in order
        assert lane == sorted(lane, key=int)
    assert all(
        len({keys[r] for r in lane} & {keys[r] for r in other}) == 0
        for lane in lanes
        for other in lanes
        if lane is not other
    )


# --- E10: partial batch responses on Kinesis and DynamoDB -------------------------------------------------------
# services-kinesis-batchfailurereporting.html (and the DynamoDB page): Lambda treats a batch as a complete failure
# if you return an empty string itemIdentifier, a null itemIdentifier, or an itemIdentifier with a bad key name.
# An ID that is not in the batch is listed as a full failure only on the SQS page: for streams the docs are silent.
@pytest.mark.parametrize(("source", "doc"), [("kinesis", KINESIS_PARTIAL), ("dynamodb-streams", DDB_PARTIAL)])
def test_e10_an_unknown_identifier_is_called_an_assumption(source, doc):
    trace = simulate(source, {"report_batch_item_failures": True}, 3, ["partial:99", "ok"])
    step = next(s for s in trace.steps if "99" in s.summary)
    assert "do not say" in step.summary and "assumes" in step.summary and step.doc == doc
    assert step.note.startswith("Unverified")
    assert "the whole batch is treated as failed" not in text(trace)


@pytest.mark.parametrize(("source", "doc"), [("kinesis", KINESIS_PARTIAL), ("dynamodb-streams", DDB_PARTIAL)])
def test_e10_known_identifiers_move_the_checkpoint_to_the_lowest(source, doc):
    # "If the batchItemFailures array contains multiple items, Lambda uses the record with the lowest sequence number
    # as the checkpoint. Lambda then retries all records starting from that checkpoint."
    trace = simulate(source, {"report_batch_item_failures": True}, 4, ["partial:3+4", "ok"])
    step = next(s for s in trace.steps if "checkpoint moves to 3" in s.summary)
    assert step.doc == doc and [s.records for s in trace.steps if s.kind == "invoke"][1] == ("3", "4")


def test_e10_a_bad_entry_fails_the_whole_batch():
    # an empty, null or misnamed itemIdentifier reaches the engine as a "malformed" response: a complete failure
    trace = simulate("kinesis", {"report_batch_item_failures": True}, 2, ["malformed", "ok"])
    assert trace.invocations == 2 and [s.records for s in trace.steps if s.kind == "invoke"][1] == ("1", "2")


# --- E11: Amazon MQ, ActiveMQ versus RabbitMQ -------------------------------------------------------------------
# services-mq-errors.html: "Lambda does not support custom redelivery policies. Instead, Lambda uses a policy with
# the default values from the Redelivery Policy page on the Apache ActiveMQ website, with maximumRedeliveries set to
# 6." For RabbitMQ the page only points to the RabbitMQ Reliability Guide.
def test_e11_activemq_is_the_default_and_redelivers_six_times():
    trace = simulate("mq", {}, 2, "error")
    assert trace.invocations == 7
    assert {d.kind for d in trace.dispositions.values()} == {"broker-dlq"}
    dlq = next(s for s in trace.steps if s.kind == "dlq")
    assert "ActiveMQ" in dlq.summary and "6" in dlq.summary and dlq.doc == MQ_ERRORS


def test_e11_rabbitmq_traces_do_not_claim_the_activemq_count():
    trace = simulate("mq", {"broker_type": "rabbitmq"}, 2, "error")
    body = text(trace)
    assert "maximumRedeliveries" not in body and "6 " not in body and "ActiveMQ" not in body
    assert "no redelivery count" in body and "reliability guide" in body
    assert {d.kind for d in trace.dispositions.values()} == {"blocking"}
    assert not [s for s in trace.steps if s.kind == "dlq"]


def test_e11_rabbitmq_redelivery_can_succeed():
    trace = simulate("mq", {"broker_type": "rabbitmq"}, 2, ["error", "ok"])
    assert trace.invocations == 2 and {d.kind for d in trace.dispositions.values()} == {"processed"}


def test_e11_broker_type_is_a_choice():
    knob = next(k for k in knobs_for("mq") if k.name == "broker_type")
    assert knob.default == "activemq" and knob.choices == ("activemq", "rabbitmq") and knob.doc == MQ_ERRORS
    with pytest.raises(EngineError):
        simulate("mq", {"broker_type": "kafka"})


# --- trace wording: each error-handling step cites its own source's page ----------------------------------------
# kinesis-on-failure-destination.html and services-dynamodb-errors.html: "Before invocation: If a Lambda event source
# mapping is unable to invoke the function due to throttling or other issues, it retries until the records expire or
# exceed the maximum age" (throttles do not use up MaximumRetryAttempts); "Splitting a batch does not consume the
# retry quota."  kafka-retry-configurations.html: "Maximum retry attempts – The maximum number of times Lambda
# retries when your function returns an error."
@pytest.mark.parametrize(
    ("source", "doc"), [("kinesis", KINESIS_ON_FAILURE), ("dynamodb-streams", DDB_ERRORS), ("msk", KAFKA_RETRY)]
)
def test_error_handling_steps_cite_the_sources_own_page(source, doc):
    settings = {"maximum_retry_attempts": 1, "bisect_batch_on_function_error": True}
    trace = simulate(source, settings, 2, ["throttle", "throttle", "error", "ok"])
    throttles = [s for s in trace.steps if s.kind == "throttle"]
    bisect = next(s for s in trace.steps if s.kind == "bisect")
    assert len(throttles) == 2 and all(s.doc == doc for s in throttles) and bisect.doc == doc
    assert {d.kind for d in trace.dispositions.values()} == {"processed"}


# --- L10: Kinesis retention -----------------------------------------------------------------------------------
# kinesis-extended-retention.html: "A Kinesis data stream stores records from 24 hours by default, up to 8760 hours
# (365 days)." With the default retry settings a failing batch blocks its shard until its records expire.
@pytest.mark.parametrize(
    ("hours", "ends_at"),
    [(None, DAY), (48, 2 * DAY), (168, 7 * DAY)],
    ids=["24 hours by default", "extended to 48 h", "a week needs extended retention"],
)
def test_l10_kinesis_records_expire_with_the_stream_retention(hours, ends_at):
    settings = {} if hours is None else {"retention_hours": hours}
    trace = simulate("kinesis", settings, 2, "error")
    expiry = next(s for s in trace.steps if s.kind == "discard")
    assert abs(expiry.t_ms - ends_at) <= 2 * SECOND and expiry.doc == KINESIS_RETENTION
    assert {d.kind for d in trace.dispositions.values()} == {"discarded-retention"}


@pytest.mark.parametrize("hours", [23, 8761])
def test_l10_kinesis_retention_range(hours):
    with pytest.raises(EngineError):
        simulate("kinesis", {"retention_hours": hours})
