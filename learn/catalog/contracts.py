"""Response contracts: does a handler's return value mean what the learner thinks it means?

`check(contract, event, result)` returns a list of plain-words problems (empty when the value honours the
contract). The sandbox explains these to learners; the tests run every example handler through them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

Problems = list[str]


def check(contract: str, event: Any, result: Any) -> Problems:
    try:
        json.dumps(result)
    except (TypeError, ValueError) as error:
        return [f"The return value is not JSON-serialisable ({error}); Lambda would fail with Runtime.MarshalError."]
    except RecursionError:
        return ["The return value is nested too deeply to serialise; Lambda would fail with Runtime.MarshalError."]
    try:
        return CHECKS[contract](event, result)
    except (AttributeError, TypeError, ValueError, KeyError, RecursionError):  # a shape no check foresaw
        return [
            "The event or the response has a shape this source never uses (for example a string where the source "
            "sends an object), so the response cannot be checked against it. Compare the event with the samples."
        ]


def _text(value: Any) -> str:
    """str() that never fails (Python refuses to print integers longer than 4,300 digits)."""
    try:
        return str(value)
    except ValueError:
        return "<a number too long to print>"


def _key(value: Any) -> Any:
    """A value usable in a set: strings and numbers as they are, anything else (lists, objects) as None."""
    return value if isinstance(value, str | int | float | bool) or value is None else None


def _items(container: Any, key: str) -> list:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, list) else []


def _not_objects(container: Any, key: str, source: str, fields: str) -> Problems:
    return [
        f"The event's {key}[{position}] is {type(item).__name__ if not isinstance(item, str) else 'a string'}, "
        f"not an object: {source} always sends objects with {fields}, so nothing can be matched to it."
        for position, item in enumerate(_items(container, key))
        if not isinstance(item, dict)
    ][:3]


def _anything(event: Any, result: Any) -> Problems:
    return []


def _http_response(result: Any, extra_keys: set[str]) -> Problems:
    if not isinstance(result, dict):
        return ["Return a dict with at least statusCode (and usually headers and body)."]
    problems = []
    status = result.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        problems.append("statusCode must be an integer HTTP status such as 200.")
    if "body" in result and not isinstance(result["body"], str):
        problems.append("body must be a string: serialise JSON with json.dumps().")
    headers = result.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        problems.append("headers must map header names to string values.")
    multi = result.get("multiValueHeaders", {})
    if not isinstance(multi, dict) or not all(isinstance(v, list) for v in multi.values()):
        problems.append("multiValueHeaders must map header names to lists of strings.")
    if "isBase64Encoded" in result and not isinstance(result["isBase64Encoded"], bool):
        problems.append("isBase64Encoded must be true or false.")
    if result.get("isBase64Encoded") and isinstance(result.get("body"), str) and not _is_base64(result["body"]):
        problems.append("isBase64Encoded is true but body is not valid base64.")
    allowed = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"} | extra_keys
    unknown = sorted(set(result) - allowed)
    if unknown:
        problems.append(f"Unexpected keys {unknown}: the front door would treat the response as malformed.")
    return problems


def _apigw_v1(event: Any, result: Any) -> Problems:
    problems = _http_response(result, set())
    if problems:
        problems.append("API Gateway answers 502 Bad Gateway to the client when the proxy response is malformed.")
    return problems


def _apigw_v2(event: Any, result: Any) -> Problems:
    if isinstance(result, dict) and "statusCode" in result:
        problems = _http_response(result, {"cookies"})
        cookies = result.get("cookies", [])
        if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
            problems.append("cookies must be a list of Set-Cookie strings.")
        return problems
    return []  # any other JSON value is wrapped as a 200 application/json response


def _alb(event: Any, result: Any) -> Problems:
    problems = _http_response(result, {"statusDescription"})
    if isinstance(result, dict) and "statusDescription" in result and not isinstance(result["statusDescription"], str):
        problems.append("statusDescription must be a string such as '200 OK'.")
    return problems


def _batch_failures(result: Any, known: set[str], what: str) -> Problems:
    if result is None or result == {}:
        return []
    if not isinstance(result, dict):
        return ["Return nothing, or a dict with batchItemFailures; anything else fails the whole batch."]
    if "batchItemFailures" not in result:  # Lambda reads a null list: success, every record counts as done
        return [
            f"There is no batchItemFailures key (got {sorted(result)}), so Lambda sees a null list and treats the "
            "whole batch as a success: nothing is retried, not even records you meant to report."
        ]
    failures = result["batchItemFailures"]
    if failures is None:
        return []
    if not isinstance(failures, list):
        return ["batchItemFailures must be a list; the whole batch would be retried."]
    problems = []
    for position, failure in enumerate(failures):
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if isinstance(failure, dict) and "itemIdentifier" not in failure and failure:
            problems.append(
                f"batchItemFailures[{position}] has no itemIdentifier key (got {sorted(failure)}): a bad key name, so "
                "the whole batch would be retried."
            )
        elif not isinstance(identifier, str) or not identifier:
            problems.append(
                f"batchItemFailures[{position}] needs a non-empty itemIdentifier; the whole batch would be retried."
            )
        elif identifier not in known and what == "messageId":  # SQS lists this case among full failures
            problems.append(
                f"batchItemFailures[{position}] names {identifier!r}, which is not a {what} in this batch; "
                "the whole batch would be retried."
            )
        elif identifier not in known:  # streams: the docs list only empty, null and misspelled identifiers
            problems.append(
                f"batchItemFailures[{position}] names {identifier!r}, which is not a {what} in this batch. The AWS "
                "docs do not say what Lambda does with an unknown identifier for this source; report the "
                f"{what} of the record that failed."
            )
    return problems


def _records(event: Any) -> list:
    return _items(event, "Records")


def _sqs_batch(event: Any, result: Any) -> Problems:
    known = {_key(r.get("messageId")) for r in _records(event) if isinstance(r, dict)}
    return _batch_failures(result, known, "messageId")


def _stream_batch(event: Any, result: Any) -> Problems:
    known = set()
    for record in _records(event):
        if isinstance(record, dict):
            for part, name in (("kinesis", "sequenceNumber"), ("dynamodb", "SequenceNumber")):
                inner = record.get(part)
                if isinstance(inner, dict):
                    known.add(_key(inner.get(name)))
    known.discard(None)
    return _batch_failures(result, known, "sequence number")


def _firehose(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict) or not isinstance(result.get("records"), list):
        return ['Return {"records": [...]}, one entry per input record.']
    expected = [r.get("recordId") for r in _items(event, "records") if isinstance(r, dict)]
    returned = []
    problems = _not_objects(event, "records", "Firehose", "recordId and data")
    for position, record in enumerate(result["records"]):
        if not isinstance(record, dict):
            problems.append(f"records[{position}] must be an object.")
            continue
        returned.append(record.get("recordId"))
        if record.get("result") not in ("Ok", "Dropped", "ProcessingFailed"):
            problems.append(f"records[{position}].result must be Ok, Dropped or ProcessingFailed.")
        if record.get("result") == "Ok" and not _is_base64(record.get("data")):
            problems.append(f"records[{position}].data must be base64-encoded.")
    if sorted(map(_text, returned)) != sorted(map(_text, expected)):
        problems.append(
            "Every input recordId must come back exactly once; "
            "Firehose treats missing or extra IDs as a failed transformation."
        )
    return problems


def _s3_batch(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict):
        return ["Return a dict with invocationSchemaVersion, treatMissingKeysAs, invocationId and results."]
    problems = [
        f"{key} is required."
        for key in ("invocationSchemaVersion", "treatMissingKeysAs", "invocationId", "results")
        if key not in result
    ]
    problems += _not_objects(event, "tasks", "S3 Batch Operations", "taskId and s3Key")
    tasks = {_key(t.get("taskId")) for t in _items(event, "tasks") if isinstance(t, dict)} - {None}
    results = result.get("results")
    if results is not None and not isinstance(results, list):
        problems.append("results must be a list, one entry per task.")
        results = []
    for position, item in enumerate(results or []):
        if not isinstance(item, dict):
            problems.append(f"results[{position}] must be an object.")
            continue
        if item.get("resultCode") not in ("Succeeded", "TemporaryFailure", "PermanentFailure"):
            problems.append(f"results[{position}].resultCode must be Succeeded, TemporaryFailure or PermanentFailure.")
        if _key(item.get("taskId")) not in tasks:
            problems.append(f"results[{position}].taskId does not match a task in the event.")
    if isinstance(event, dict) and result.get("invocationId") not in (None, event.get("invocationId")):
        problems.append("invocationId must echo the event's invocationId.")
    return problems


def _cognito(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict):
        return ["Return the event object itself (with its response filled in)."]
    problems = []
    for key in ("triggerSource", "userPoolId", "request", "response"):
        if isinstance(event, dict) and key in event and key not in result:
            problems.append(f"The returned event lost {key!r}: return the event you received, with response filled in.")
    if isinstance(event, dict) and result.get("triggerSource") != event.get("triggerSource"):
        problems.append("triggerSource differs from the event's: return the same event object.")
    return problems


def _lex_v2(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict) or not isinstance(result.get("sessionState"), dict):
        return ["Return a dict with sessionState."]
    action = result["sessionState"].get("dialogAction")
    if not isinstance(action, dict) or action.get("type") not in (
        "Close",
        "ConfirmIntent",
        "Delegate",
        "ElicitIntent",
        "ElicitSlot",
    ):
        return ["sessionState.dialogAction.type must be Close, ConfirmIntent, Delegate, ElicitIntent or ElicitSlot."]
    if action["type"] == "ElicitSlot" and not action.get("slotToElicit"):
        return ["An ElicitSlot dialog action needs slotToElicit."]
    return []


def _alexa(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict) or "version" not in result or not isinstance(result.get("response"), dict):
        return ["Return a dict with version and a response object."]
    return []


def _connect(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict):
        return ["Return a flat object of string keys and string values."]
    nested = [key for key, value in result.items() if not isinstance(value, str)]
    return [f"Values must be strings; these are not: {nested}."] if nested else []


def _cloudfront(event: Any, result: Any) -> Problems:
    if not isinstance(result, dict):
        return ["Return the request object, or a response object with a status."]
    if "status" in result:
        return (
            [] if _text(result["status"]).isdigit() else ["A generated response needs a numeric status (as a string)."]
        )
    if "uri" in result or "method" in result:
        return []
    return ["Return either the (possibly modified) request, or a response with status, headers and body."]


def _is_base64(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


CHECKS: dict[str, Callable[[Any, Any], Problems]] = {
    "ignored": _anything,
    "esm-batch": _anything,
    "json": _anything,
    "apigw-v1": _apigw_v1,
    "apigw-v2": _apigw_v2,
    "alb": _alb,
    "sqs-batch": _sqs_batch,
    "stream-batch": _stream_batch,
    "firehose": _firehose,
    "s3-batch": _s3_batch,
    "cognito": _cognito,
    "lex-v2": _lex_v2,
    "alexa": _alexa,
    "connect": _connect,
    "cloudfront": _cloudfront,
}
