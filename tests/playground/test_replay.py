"""The engine re-invokes a real handler: async retries, SQS redeliveries with rising receive counts, streams."""

from __future__ import annotations

import json

import pytest

from learn.exercises.local_runner import run_trusted
from learn.playground.replay import replay

from ..conftest import CONTENT


def sample(slug: str, name: str):
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text())


def runner_for(code: str):
    """Keep one 'environment' for the whole replay, like a warm Lambda execution environment."""
    state = {"events": []}

    def run(event):
        state["events"].append(event)
        results = run_trusted(code, "handler", state["events"], "replay")
        last = results[-1]
        return last.status, last.response, last.error

    return run


FLAKY_ASYNC = """
ATTEMPTS = []
def handler(event, context):
    ATTEMPTS.append(1)
    if len(ATTEMPTS) < 3:
        raise RuntimeError("downstream not ready")
    return {"ok": True}
"""

FAIL_FIRST_RECEIVE = """
def handler(event, context):
    failures = []
    for record in event["Records"]:
        if record["attributes"]["ApproximateReceiveCount"] == "1" and record is event["Records"][-1]:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""

ALWAYS_FAIL_SECOND = """
def handler(event, context):
    for record in event["Records"]:
        if record["kinesis"]["sequenceNumber"].endswith("2"):
            raise ValueError("bad record")
    return None
"""


def test_async_handler_is_really_invoked_again_and_succeeds_on_the_third_attempt():
    result = replay("s3", {}, sample("s3", "object_created_put.json"), runner_for(FLAKY_ASYNC), contract="ignored")
    assert [r["status"] for r in result.runs] == ["error", "error", "ok"]
    assert result.trace.dispositions["1"].kind == "processed"
    assert [s.t_ms // 60_000 for s in result.trace.steps if s.kind == "invoke"] == [0, 1, 3]


def test_sqs_redelivery_shows_a_rising_receive_count_to_the_handler():
    event = sample("sqs", "standard.json")
    result = replay(
        "sqs", {"report_batch_item_failures": True}, event, runner_for(FAIL_FIRST_RECEIVE), contract="sqs-batch"
    )
    assert len(result.runs) == 2
    last_id = event["Records"][-1]["messageId"]
    assert result.runs[0]["outcome"] == "partial" and result.runs[1]["records"] == (last_id,)
    assert result.trace.dispositions[last_id].kind == "processed"


def test_stream_batch_is_bisected_with_real_invocations():
    event = {
        "Records": [
            {
                "kinesis": {
                    "sequenceNumber": f"4959000000000000000000000000000000000000000000000000000{n}",
                    "data": "e30=",
                },
                "eventSource": "aws:kinesis",
            }
            for n in (1, 2, 3)
        ]
    }
    settings = {"bisect_batch_on_function_error": True, "maximum_retry_attempts": 0}
    result = replay("kinesis", settings, event, runner_for(ALWAYS_FAIL_SECOND), contract="stream-batch")
    kinds = {k: d.kind for k, d in result.trace.dispositions.items()}
    assert sorted(kinds.values()) == ["discarded-retries", "processed", "processed"]
    assert len(result.runs) >= 3


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (None, "ok"),
        ({}, "ok"),
        ({"batchItemFailures": []}, "ok"),
        ({"batchItemFailures": None}, "ok"),
        ({"batchItemFailure": [{"itemIdentifier": "m-1"}]}, "ok"),  # misspelled list: Lambda sees a null list
        ({"batchItemFailures": [{"itemIdentifier": "m-1"}]}, "partial"),
        ({"batchItemFailures": [{"itemId": "m-1"}]}, "malformed"),  # bad key name in an entry: whole batch
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, "malformed"),
        ({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, "malformed"),
        ("not a dict", "malformed"),
    ],
)
def test_sqs_partial_batch_responses_follow_the_documented_rules(response, kind):
    from learn.playground.replay import outcome_for

    event = {"Records": [{"messageId": "m-1", "body": "{}"}, {"messageId": "m-2", "body": "{}"}]}
    assert outcome_for("sqs", "sqs-batch", event, "ok", response).kind == kind


def test_a_replay_capped_at_its_plan_still_shows_where_the_records_end():
    """The plan is an exact bound: reaching it must not cut the story short before the move to the DLQ."""
    from learn.playground.replay import planned_invocations

    event = sample("sqs", sorted(p.name for p in (CONTENT / "sources" / "sqs" / "events").iterdir())[0])
    settings = {"redrive_policy": True, "report_batch_item_failures": True}
    cap = planned_invocations("sqs", settings, event)
    always_fails = replay(
        "sqs", settings, event, lambda e: ("error", None, {"errorType": "E"}), contract="sqs-batch", max_invocations=cap
    )
    kinds = {d.kind for d in always_fails.trace.dispositions.values()}
    assert not always_fails.trace.truncated and kinds == {"queue-dlq"}
    assert len(always_fails.runs) <= cap
