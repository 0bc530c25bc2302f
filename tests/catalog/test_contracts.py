from __future__ import annotations

import datetime as dt

from learn.catalog import contracts

SQS_EVENT = {"Records": [{"messageId": "a"}, {"messageId": "b"}]}
KINESIS_EVENT = {"Records": [{"kinesis": {"sequenceNumber": "100"}}, {"kinesis": {"sequenceNumber": "101"}}]}


def test_sqs_empty_or_missing_response_means_success():
    assert contracts.check("sqs-batch", SQS_EVENT, None) == []
    assert contracts.check("sqs-batch", SQS_EVENT, {"batchItemFailures": []}) == []


def test_sqs_known_identifier_is_accepted():
    assert contracts.check("sqs-batch", SQS_EVENT, {"batchItemFailures": [{"itemIdentifier": "b"}]}) == []


def test_sqs_unknown_or_empty_identifier_fails_the_batch():
    problems = contracts.check(
        "sqs-batch", SQS_EVENT, {"batchItemFailures": [{"itemIdentifier": "zzz"}, {"itemIdentifier": ""}]}
    )
    assert len(problems) == 2
    assert "whole batch would be retried" in problems[0]


def test_sqs_misspelled_key_is_reported_as_a_silent_success():
    problems = contracts.check("sqs-batch", SQS_EVENT, {"batchItemFailure": [{"itemIdentifier": "zzz"}]})
    assert "no batchItemFailures key" in problems[0] and "nothing is retried" in problems[0]


def test_a_bad_key_inside_an_entry_fails_the_batch():
    problems = contracts.check("sqs-batch", SQS_EVENT, {"batchItemFailures": [{"itemId": "zzz"}]})
    assert "bad key name" in problems[0] and "whole batch would be retried" in problems[0]


def test_stream_identifiers_are_sequence_numbers():
    assert contracts.check("stream-batch", KINESIS_EVENT, {"batchItemFailures": [{"itemIdentifier": "101"}]}) == []
    assert contracts.check("stream-batch", KINESIS_EVENT, {"batchItemFailures": [{"itemIdentifier": "a"}]})


def test_apigw_v1_requires_integer_status_and_string_body():
    assert contracts.check("apigw-v1", {}, {"statusCode": 200, "body": "ok", "headers": {"a": "b"}}) == []
    problems = contracts.check("apigw-v1", {}, {"statusCode": "200", "body": {"a": 1}})
    assert any("statusCode" in p for p in problems)
    assert any("body must be a string" in p for p in problems)
    assert any("502" in p for p in problems)


def test_apigw_v2_wraps_plain_json():
    assert contracts.check("apigw-v2", {}, {"hello": "world"}) == []
    assert contracts.check("apigw-v2", {}, {"statusCode": 201, "cookies": ["a=b"], "body": ""}) == []
    assert contracts.check("apigw-v2", {}, {"statusCode": 201, "cookies": "a=b"})


def test_unserialisable_result_is_a_marshal_error():
    problems = contracts.check("json", {}, {"when": dt.datetime(2026, 1, 1)})
    assert "Runtime.MarshalError" in problems[0]


def test_firehose_must_return_every_record_once():
    event = {"records": [{"recordId": "1"}, {"recordId": "2"}]}
    good = {"records": [{"recordId": "1", "result": "Ok", "data": "e30="}, {"recordId": "2", "result": "Dropped"}]}
    assert contracts.check("firehose", event, good) == []
    bad = {"records": [{"recordId": "1", "result": "Fine", "data": "e30="}]}
    problems = contracts.check("firehose", event, bad)
    assert any("Ok, Dropped or ProcessingFailed" in p for p in problems)
    assert any("exactly once" in p for p in problems)


def test_s3_batch_checks_result_codes_and_task_ids():
    event = {"invocationId": "inv", "tasks": [{"taskId": "t1"}]}
    good = {
        "invocationSchemaVersion": "1.0",
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": "inv",
        "results": [{"taskId": "t1", "resultCode": "TemporaryFailure", "resultString": "retry"}],
    }
    assert contracts.check("s3-batch", event, good) == []
    bad = dict(good, results=[{"taskId": "t9", "resultCode": "Maybe"}])
    assert len(contracts.check("s3-batch", event, bad)) == 2


def test_cognito_must_return_the_event():
    event = {"triggerSource": "PreSignUp_SignUp", "userPoolId": "p", "request": {}, "response": {}}
    assert contracts.check("cognito", event, dict(event, response={"autoConfirmUser": True})) == []
    assert contracts.check("cognito", event, {"autoConfirmUser": True})


def test_connect_values_must_be_flat_strings():
    assert contracts.check("connect", {}, {"a": "1"}) == []
    assert contracts.check("connect", {}, {"a": {"b": 1}})


def test_lex_needs_a_dialog_action_type():
    assert contracts.check("lex-v2", {}, {"sessionState": {"dialogAction": {"type": "Close"}}}) == []
    assert contracts.check("lex-v2", {}, {"sessionState": {"dialogAction": {"type": "Finish"}}})


def test_alb_allows_status_description():
    assert contracts.check("alb", {}, {"statusCode": 200, "statusDescription": "200 OK", "body": ""}) == []
    assert contracts.check("alb", {}, {"statusCode": 200, "cookies": []})


def test_stream_unknown_identifier_is_flagged_without_claiming_what_lambda_does():
    """services-kinesis-batchfailurereporting.html lists empty, null and misspelled itemIdentifier values as
    full-batch failures; an identifier outside the batch is listed only for SQS (audit E10)."""
    from learn.catalog.contracts import _batch_failures

    problems = _batch_failures({"batchItemFailures": [{"itemIdentifier": "999"}]}, {"100", "101"}, "sequenceNumber")
    assert len(problems) == 1 and "'999'" in problems[0]
    assert "whole batch would be retried" not in problems[0] and "do not say" in problems[0]
