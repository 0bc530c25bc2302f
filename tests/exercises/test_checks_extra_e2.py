"""The checks added for the e2 exercises: raises_with and record_json."""

from __future__ import annotations

import base64
import json

from learn.exercises.checks import CHECKS, Invocation, raises_with, record_json


def ok(response):
    return Invocation("ok", response, None, ())


def failed(message, error_type="Exception"):
    return Invocation("error", None, {"errorType": error_type, "errorMessage": message}, ())


def encoded(text):
    return base64.b64encode(text.encode()).decode()


def test_new_checks_are_registered():
    assert CHECKS["raises_with"] is raises_with and CHECKS["record_json"] is record_json


def test_raises_with_needs_an_error_with_the_text():
    assert raises_with(failed("Sign-up is not allowed."), "not allowed", {}, "cognito").passed
    wrong_text = raises_with(failed("boom"), "not allowed", {}, "cognito")
    assert not wrong_text.passed and "boom" in wrong_text.message
    assert not raises_with(ok({"response": {}}), "not allowed", {}, "cognito").passed
    assert "retried" not in raises_with(failed("not allowed"), "not allowed", {}, "cognito").message


def test_record_json_accepts_newline_terminated_objects_with_the_fields():
    line = json.dumps({"eventType": "search", "stream": "s", "extra": 1}) + "\n"
    run = ok({"records": [{"recordId": "r1", "result": "Ok", "data": encoded(line)}]})
    assert record_json(run, {"r1": {"eventType": "search", "stream": "s"}}, {}, "firehose").passed


def test_record_json_rejects_missing_newline_wrong_value_and_missing_record():
    no_newline = ok({"records": [{"recordId": "r1", "result": "Ok", "data": encoded('{"a": 1}')}]})
    assert "newline" in record_json(no_newline, {"r1": {"a": 1}}, {}, "firehose").message
    wrong = ok({"records": [{"recordId": "r1", "result": "Ok", "data": encoded('{"a": 2}\n')}]})
    feedback = record_json(wrong, {"r1": {"a": 1}}, {}, "firehose")
    assert not feedback.passed and "a should be 1" in feedback.message
    assert not record_json(wrong, {"r2": {"a": 2}}, {}, "firehose").passed


def test_record_json_rejects_non_objects_bad_base64_and_failed_runs():
    array = ok({"records": [{"recordId": "r1", "result": "Ok", "data": encoded("[1]\n")}]})
    assert not record_json(array, {"r1": {}}, {}, "firehose").passed
    not_json = ok({"records": [{"recordId": "r1", "result": "Ok", "data": encoded("hello\n")}]})
    assert not record_json(not_json, {"r1": {}}, {}, "firehose").passed
    bad_base64 = ok({"records": [{"recordId": "r1", "result": "Ok", "data": "%%%"}]})
    assert not record_json(bad_base64, {"r1": {}}, {}, "firehose").passed
    assert not record_json(failed("x"), {"r1": {}}, {}, "firehose").passed
