"""Learner events: parse, lint against the source's own sample, and generate multi-record batches."""

from __future__ import annotations

import base64
import copy
import json
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


def parse(text: str) -> Any:
    if len(text.encode()) > MAX_EVENT_BYTES:
        raise BadEvent("The event is larger than 1 MB, the most an asynchronous invocation can carry here.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadEvent(
            f"The event is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
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
    source: str, sample: Any, count: int, *, fifo: bool = False, body_bytes: int = 0, base64_body: bool = False,
    poison: bool = False,
) -> Any:
    """A batch of `count` records cloned from the sample's first record, with fresh ids (SQS and streams).

    `base64_body` base64-encodes SQS bodies (as producers sending binary data do); `poison` makes the last
    record's payload something that is not JSON, to practise partial batch failures.
    """
    if not isinstance(sample, dict) or not sample.get("Records"):
        return sample
    count = max(1, min(count, 100))
    first = sample["Records"][0]
    records = []
    for n in range(1, count + 1):
        record = copy.deepcopy(first)
        if source == "sqs":
            record["messageId"] = str(uuid.UUID(int=n))
            body = {"orderId": f"o-{n}", "padding": "x" * max(0, body_bytes)} if body_bytes else {"orderId": f"o-{n}"}
            record["body"] = json.dumps(body)
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
            payload = json.dumps({"reading": n, "padding": "x" * max(0, body_bytes)}).encode()
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
