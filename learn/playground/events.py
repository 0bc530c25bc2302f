"""Learner events: parse, lint against the source's own sample, and generate multi-record batches."""

from __future__ import annotations

import base64
import copy
import json
import re
import uuid
from typing import Any

MAX_EVENT_BYTES = 1_000_000
TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class BadEvent(ValueError):
    pass


MAX_DEPTH = 64


def parse(text: str) -> Any:
    """The learner's event text as JSON data, or BadEvent with a message that says what to change."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_EVENT_BYTES:
        raise BadEvent("The event is larger than 1 MB, the most an asynchronous invocation can carry here.")
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise BadEvent(
            f"The event is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise BadEvent(_too_deep()) from None
    except ValueError as error:  # e.g. an integer with more than 4,300 digits, NaN, Infinity
        raise BadEvent(str(error) if isinstance(error, BadEvent) else _number_message(error)) from None
    if _depth(value) > MAX_DEPTH:
        raise BadEvent(_too_deep())
    _check_text(value)
    return value


def _too_deep() -> str:
    return (
        f"The event is nested more than {MAX_DEPTH} levels deep (objects or lists inside each other). Real event "
        "sources send shallow JSON; flatten the event and run again."
    )


def _number_message(error: ValueError) -> str:
    if "digits" in str(error):
        return (
            "A number in the event has more than 4,300 digits, which Python will not read. Use a shorter number "
            "(or put it in a string) and run again."
        )
    return f"The event is not valid JSON: {error}."


def _no_constant(name: str) -> Any:
    raise BadEvent(f"The event is not valid JSON: {name} is not a JSON value. Use null, a number or a string.")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadEvent(
            f"The number {text[:40]} is too large to be a JSON number that Lambda can pass on. Use a smaller "
            "number (or put it in a string) and run again."
        )
    return value


def _depth(value: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _check_text(value: Any) -> None:
    """Refuse lone surrogates (e.g. "\\ud800"): not characters, so the event could not travel as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end]
        escaped = bad.encode("utf-8", "backslashreplace").decode()
        raise BadEvent(
            f"The event contains {escaped}, half of a UTF-16 surrogate pair without its other half. That is not "
            "a character, and event sources send events as UTF-8 text. Remove it, or write the whole pair "
            "(for example \\ud83d\\ude00 for 😀)."
        ) from None


def _kind(value: Any) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def lint(event: Any, sample: Any, path: str = "", depth: int = 0) -> list[str]:
    """Differences that would surprise a handler written for the real event, e.g. a body that is not a string."""
    problems: list[str] = []
    if depth > 6:
        return problems
    if isinstance(sample, dict):
        if not isinstance(event, dict):
            return [f"{path or 'The event'} must be {_kind(sample)}, not {_kind(event)}."]
        for key, expected in sample.items():
            if key in event:
                problems += lint(event[key], expected, f"{path}.{key}" if path else key, depth + 1)
            elif depth == 0:
                problems.append(f"{path + '.' if path else ''}{key} is missing (the source always sends it).")
    elif isinstance(sample, list):
        if not isinstance(event, list):
            return [f"{path} must be a list, not {_kind(event)}."]
        if sample and event:
            for index, item in enumerate(event[:20]):
                problems += lint(item, sample[0], f"{path}[{index}]", depth + 1)
        elif sample and not event:
            problems.append(f"{path} is empty: the source never sends an empty batch.")
    elif sample is not None and event is not None and _kind(event) != _kind(sample):
        problems.append(f"{path} must be {_kind(sample)} (as the source sends it), not {_kind(event)}.")
    return problems[:12]


def generate(
    source: str,
    sample: Any,
    count: int,
    *,
    fifo: bool = False,
    body_bytes: int = 0,
    base64_body: bool = False,
    poison: bool = False,
) -> Any:
    """A batch of `count` records cloned from the sample's first record, with fresh ids (SQS and streams).

    Each payload (an SQS body, a Kinesis record's data) is the sample's own payload with its id numbered, so a
    handler written for the sample accepts every generated record: with `poison`, only the last one fails.
    `base64_body` base64-encodes SQS bodies (as producers sending binary data do); `poison` makes the last
    record's payload something that is not JSON, to practise partial batch failures.
    """
    if not isinstance(sample, dict) or not sample.get("Records"):
        return sample
    count = max(1, min(count, 100))
    body_bytes = max(0, min(body_bytes, MAX_EVENT_BYTES // 2 // count))  # the batch stays under the 1 MB event cap
    first = sample["Records"][0]
    template = _payload_of(source, first)
    records = []
    for n in range(1, count + 1):
        record = copy.deepcopy(first)
        if source == "sqs":
            record["messageId"] = str(uuid.UUID(int=n))
            record["body"] = json.dumps(_numbered(template, n, body_bytes))
            if poison and n == count:
                record["body"] = "not json {"
            if base64_body:
                record["body"] = base64.b64encode(record["body"].encode()).decode()
            attributes = record.setdefault("attributes", {})
            if fifo:
                attributes.update(
                    MessageGroupId=f"group-{(n - 1) % 2 + 1}",
                    SequenceNumber=str(10**19 + n),
                    MessageDeduplicationId=uuid.UUID(int=n).hex,
                )
            else:
                for key in ("MessageGroupId", "SequenceNumber", "MessageDeduplicationId"):
                    attributes.pop(key, None)
        elif source == "kinesis":
            payload = json.dumps(_numbered(template, n, body_bytes)).encode()
            if poison and n == count:
                payload = b"\xff not json"
            record["kinesis"]["data"] = base64.b64encode(payload).decode()
            record["kinesis"]["sequenceNumber"] = str(49590338271490256608559692538361571095921575989136588898 + n)
            record["eventID"] = f"shardId-000000000006:{record['kinesis']['sequenceNumber']}"
        elif source == "dynamodb-streams":
            record["eventID"] = uuid.UUID(int=n).hex
            record["dynamodb"]["SequenceNumber"] = str(111 + n).rjust(21, "0")
        records.append(record)
    return {**sample, "Records": records}


def _payload_of(source: str, record: dict) -> dict:
    """The sample record's JSON payload (SQS body, Kinesis data), or a small order when it has none."""
    try:
        if source == "sqs":
            payload = json.loads(record["body"])
        elif source == "kinesis":
            payload = json.loads(base64.b64decode(record["kinesis"]["data"]))
        else:
            payload = None
    except (KeyError, TypeError, ValueError):
        payload = None
    return payload if isinstance(payload, dict) else {"orderId": "o-1"}


def _numbered(payload: dict, n: int, padding: int) -> dict:
    """The payload for record n: its first *Id field numbered ("ord-1001" becomes "ord-3"), padded if asked."""
    body = dict(payload)
    key = next((k for k, v in body.items() if k.lower().endswith("id") and isinstance(v, str)), None)
    if key:
        value = body[key]
        body[key] = re.sub(r"\d+$", str(n), value) if re.search(r"\d$", value) else f"{value}-{n}"
    if padding:
        body["padding"] = "x" * padding
    return body
