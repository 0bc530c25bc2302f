"""A15/A17: no event or response shape makes the parser, the contract checks or the replay raise."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from learn.catalog import contracts
from learn.engine.types import Invocation
from learn.playground import events, replay, runtime, service


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 5000 + "]" * 5000, "nested more than 64 levels"),  # RecursionError inside json.loads
        ("[" * 65 + "]" * 65, "nested more than 64 levels"),
        ('{"a": "\\ud800"}', "surrogate"),
        ('{"n": ' + "9" * 5000 + "}", "4,300 digits"),
        ('{"n": NaN}', "NaN is not a JSON value"),
        ('{"n": 1e999}', "too large"),
    ],
)
def test_unusable_events_get_a_clear_message(text, says):
    with pytest.raises(events.BadEvent, match=says):
        events.parse(text)


def test_64_levels_and_real_surrogate_pairs_are_fine():
    assert events.parse("[" * 64 + "]" * 64)
    assert events.parse('{"smile": "\\ud83d\\ude00"}') == {"smile": "😀"}


@pytest.mark.parametrize(
    ("contract", "event", "response"),
    [
        ("sqs-batch", {"Records": [{"messageId": ["a"]}, "x", 3]}, {"batchItemFailures": [{"itemIdentifier": "a"}]}),
        ("stream-batch", {"Records": [{"kinesis": "str"}, {"dynamodb": [1]}]}, {"batchItemFailures": []}),
        ("firehose", {"records": ["str", 1, [2]]}, {"records": []}),
        ("firehose", {"records": "nope"}, {"records": [{"recordId": "a", "result": "Ok", "data": "e30="}]}),
        ("s3-batch", {"tasks": ["str"]}, {"results": [{"taskId": ["x"], "resultCode": "Succeeded"}]}),
        ("s3-batch", {"tasks": {"a": 1}}, {"results": "nope"}),
        ("cloudfront", {}, {"status": 10**5000}),
    ],
)
def test_odd_shapes_are_contract_problems_not_crashes(contract, event, response):
    problems = contracts.check(contract, event, response)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)


def test_a_firehose_record_that_is_not_an_object_is_explained():
    problems = contracts.check("firehose", {"records": ["str"]}, {"records": []})
    assert any("records[0] is a string, not an object" in p for p in problems)


def test_a_response_nested_too_deeply_is_a_marshal_error():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert "Runtime.MarshalError" in contracts.check("json", {}, deep)[0]


@pytest.mark.parametrize(
    "event",
    [
        {"Records": [{"messageId": "m1", "attributes": "oops"}]},
        {"Records": [{"messageId": "m1", "attributes": ["x"]}, {"messageId": "m1"}, "str", 7, None]},
        {"Records": [{"messageId": {"a": 1}, "attributes": {"MessageGroupId": ["g"]}}]},
        {"Records": "not a list"},
        {"Records": []},
        [1, 2],
        "just a string",
    ],
)
def test_the_sqs_replay_takes_any_shape(event):
    def fails(batch_event):
        return "error", None, {"errorType": "ValueError", "errorMessage": "x"}

    result = replay.replay(
        "sqs", {"report_batch_item_failures": True}, event, fails, contract="sqs-batch", max_invocations=4
    )
    assert result.runs and result.trace


def test_repeated_message_ids_stay_separate_records():
    event = {"Records": [{"messageId": "m1", "body": "a"}, {"messageId": "m1", "body": "b"}]}
    ids = [r["id"] for r in replay.records_of("sqs", event)]
    assert len(set(ids)) == 2
    sent = replay.event_for("sqs", event, Invocation(1, 1, tuple(ids), 0, {"receive_count": {ids[1]: 2}}))
    assert [r["body"] for r in sent["Records"]] == ["a", "b"]
    assert sent["Records"][1]["attributes"]["ApproximateReceiveCount"] == "2"


def test_too_many_records_are_refused_with_a_message():
    event = {"Records": [{"messageId": str(n)} for n in range(1001)]}
    with pytest.raises(ValueError, match="at most 1,000"):
        replay.planned_invocations("sqs", {}, event)


@pytest.mark.django_db
def test_execute_with_a_kinesis_record_that_is_a_string(real_catalog, monkeypatch):
    cache.clear()
    monkeypatch.setattr(
        runtime, "run", lambda *a, **kw: runtime.Run("ok", {"batchItemFailures": [{"itemIdentifier": "1"}]}, None)
    )
    outcome = service.execute(
        real_catalog, "kinesis", "def handler(e, c): pass", {"Records": [{"kinesis": "str"}, "x"]}, learner="l"
    )
    assert outcome.contract_problems and outcome.replay is not None
    json.dumps(outcome.contract_problems)
    cache.clear()


def test_generated_padding_is_capped_to_what_an_event_can_carry():
    sample = {"Records": [{"messageId": "m", "body": "{}", "attributes": {}}]}
    batch = events.generate("sqs", sample, 10, body_bytes=10**12)  # used to build a 1 TB string
    assert len(json.dumps(batch)) <= events.MAX_EVENT_BYTES
