"""Checks that grade an exercise run. They compare on the host: expected values never enter the sandbox.

Each check gets the sandbox's result for one invocation (response or error, logs) and returns a Feedback
with a plain-words message. The source's response contract is always checked first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from learn.catalog import contracts


@dataclass(frozen=True)
class Invocation:
    """What one run of the learner's handler produced (a RunResult reduced to what checks need)."""

    status: str  # ok | error | timeout | crash | ...
    response: Any
    error: dict | None
    logs: tuple[str, ...]
    # What the handler did to emulated AWS (steps with resources): the sandbox's report for this run, whose
    # "state" is the resources after it; None when the handler never imported boto3 in the step
    aws: dict | None = None


@dataclass(frozen=True)
class Feedback:
    passed: bool
    message: str


def show(value: Any, limit: int = 300) -> str:
    """repr() for a learner's value in a message: never fails (huge integers, deep nesting), printable as UTF-8
    (lone surrogates escaped), and short."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__} too large to show>"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    """str() that never fails (Python refuses integers of more than 4,300 digits)."""
    try:
        return str(value)
    except ValueError:
        return "<a number too long to print>"


def _ordered(values) -> list:
    """Identifiers in a stable order whatever their types (a learner may mix numbers and strings)."""
    return sorted(values, key=lambda v: (type(v).__name__, show(v)))


def _same(got: list, want: list) -> bool:
    """Equal as multisets, with 1 and "1" kept apart (Lambda compares identifiers as strings of the right type)."""
    if len(got) != len(want):
        return False
    remaining = list(want)
    for item in got:
        match = next((i for i, w in enumerate(remaining) if type(w) is type(item) and w == item), None)
        if match is None:
            return False
        remaining.pop(match)
    return True


def _path(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(dotted)
    return value


def succeeded(run: Invocation, spec: Any, event: Any, contract: str) -> Feedback:
    if run.status == "ok":
        return Feedback(True, "The handler returned without an error.")
    if run.error:
        return Feedback(False, f"The handler failed with {run.error.get('errorType')}: {run.error.get('errorMessage')}")
    return Feedback(False, f"The run ended with {run.status}.")


def raises(run: Invocation, spec: Any, event: Any, contract: str) -> Feedback:
    if run.status == "error":
        return Feedback(True, "The handler raised an exception, as this event requires.")
    return Feedback(False, "The handler should raise an exception for this event, so the invocation counts as failed.")


def contract_ok(run: Invocation, spec: Any, event: Any, contract: str) -> Feedback:
    if run.status != "ok":
        return Feedback(False, "No response to check: the handler did not return.")
    problems = contracts.check(contract, event, run.response)
    return Feedback(not problems, "The response has the shape the source expects." if not problems else problems[0])


def batch_item_failures(run: Invocation, spec: Any, event: Any, contract: str) -> Feedback:
    if run.status != "ok":
        return Feedback(False, "The handler failed instead of reporting the failed items.")
    failures = (run.response or {}).get("batchItemFailures") if isinstance(run.response, dict) else None
    if not isinstance(failures, list):
        failures = []
    got = _ordered(f.get("itemIdentifier") for f in failures if isinstance(f, dict))
    want = _ordered(spec)
    if _same(got, want):
        if not want:
            return Feedback(True, "No item reported as failed, as expected.")
        noun = "item" if len(want) == 1 else "items"
        return Feedback(True, f"Exactly the right {noun} reported as failed: {show(want)}.")
    if not want:
        return Feedback(
            False, f"Nothing failed here, but the handler reported {show(got)}: those would be retried needlessly."
        )
    return Feedback(False, f"Expected batchItemFailures {show(want)}, got {show(got)}.")


def response_path(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """spec: {"statusCode": 200, "body.json.orderId": "o-1"}; a `.json` step parses a JSON string."""
    if run.status != "ok":
        return Feedback(False, "The handler failed, so there is no response to check.")
    for dotted, expected in spec.items():
        value: Any = run.response
        try:
            for part in dotted.split("."):
                if part == "json" and isinstance(value, str):
                    import json

                    value = json.loads(value)
                else:
                    value = _path(value, part)
        except (KeyError, ValueError):
            return Feedback(False, f"The response has no {dotted}.")
        except RecursionError:
            return Feedback(False, f"The response's {dotted} is nested too deeply to read.")
        if value != expected:
            return Feedback(False, f"{dotted} should be {show(expected)}, got {show(value)}.")
    return Feedback(True, "The response has the expected values.")


def records_by_result(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """Firehose and S3 Batch: {"record-id": "Ok"} against records[].result or results[].resultCode."""
    if run.status != "ok" or not isinstance(run.response, dict):
        return Feedback(False, "The handler failed or returned something that is not an object.")
    rows = run.response.get("records") or run.response.get("results") or []
    got = {
        _text(r.get("recordId", r.get("taskId"))): r.get("result", r.get("resultCode"))
        for r in (rows if isinstance(rows, list) else [])
        if isinstance(r, dict)
    }
    wrong = {k: (v, got.get(k)) for k, v in spec.items() if got.get(k) != v}
    if not wrong:
        return Feedback(True, "Every record has the right result.")
    key, (want, have) = next(iter(wrong.items()))
    return Feedback(False, f"Record {key} should be {show(want)}, got {show(have)}.")


def logs_contain(run: Invocation, spec: str, event: Any, contract: str) -> Feedback:
    found = any(spec in line for line in run.logs)
    return Feedback(found, f"The log mentions {spec!r}." if found else f"The log should mention {spec!r}.")


def logs_lack(run: Invocation, spec: str, event: Any, contract: str) -> Feedback:
    found = any(spec in line for line in run.logs)
    return Feedback(
        not found, f"The log does not mention {spec!r}." if not found else f"{spec!r} should not be logged here."
    )


def raises_with(run: Invocation, spec: str, event: Any, contract: str) -> Feedback:
    """The handler must raise, with `spec` somewhere in the error message (e.g. a message the caller shows).

    Unlike `raises`, the feedback says nothing about retries, so it suits synchronous callers such as a
    Cognito trigger that rejects a request by raising.
    """
    if run.status != "error" or not run.error:
        return Feedback(False, f"The handler should raise an exception whose message contains {spec!r}.")
    message = str(run.error.get("errorMessage", ""))
    if spec not in message:
        return Feedback(False, f"The handler raised, but its message {show(message)} should contain {spec!r}.")
    return Feedback(True, f"The handler raised with a message containing {spec!r}.")


def error_type(run: Invocation, spec: str, event: Any, contract: str) -> Feedback:
    """The handler must raise an exception of the class named `spec`. Lambda reports the class name alone as
    `errorType` (not module-qualified), and that is the name a Step Functions `ErrorEquals` matches."""
    if run.status != "error" or not run.error:
        return Feedback(False, f"The handler should raise {spec} for this event.")
    got = str(run.error.get("errorType", ""))
    if got != spec:
        return Feedback(False, f"The handler raised {show(got)}, but this event needs an error named {spec!r}.")
    return Feedback(True, f"The handler raised {spec}, the error name the state machine matches.")


def record_json(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """Firehose: {"record-id": {"field": value}}. Each named record's base64 `data` must decode to UTF-8 text
    holding one JSON object terminated by a newline, with at least the given fields and values."""
    import base64
    import binascii
    import json

    if run.status != "ok" or not isinstance(run.response, dict):
        return Feedback(False, "The handler failed or returned something that is not an object.")
    records = run.response.get("records")
    rows = {_text(r.get("recordId")): r for r in (records if isinstance(records, list) else []) if isinstance(r, dict)}
    for record_id, fields in spec.items():
        if record_id not in rows:
            return Feedback(False, f"Record {record_id} is missing from the response.")
        try:
            text = base64.b64decode(rows[record_id].get("data") or "", validate=True).decode("utf-8")
        except (binascii.Error, ValueError, TypeError):
            return Feedback(False, f"Record {record_id}: data is not base64 of UTF-8 text.")
        if not text.endswith("\n"):
            return Feedback(False, f"Record {record_id}: the decoded data should end with a newline.")
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return Feedback(False, f"Record {record_id}: the decoded data is not one JSON object.")
        if not isinstance(value, dict):
            return Feedback(False, f"Record {record_id}: the decoded data is not a JSON object.")
        for key, expected in fields.items():
            if value.get(key) != expected:
                return Feedback(
                    False, f"Record {record_id}: {key} should be {show(expected)}, got {show(value.get(key))}."
                )
    return Feedback(True, "The transformed records hold the expected JSON, one newline-terminated object each.")


# -- the emulated AWS state after the step (exercises with `resources`) ----------------------------------------

NO_AWS = (
    "The handler did not call AWS: it never imported boto3, so nothing was written. Create the client with "
    "`boto3.client(...)` or `boto3.resource(...)` and make the calls this exercise asks for."
)


def _resource(run: Invocation, kind: str, name: str) -> tuple[dict | None, Feedback | None]:
    """The named resource in the state after the run, or the Feedback that says why there is none."""
    from learn.playground.resources import find

    report = run.aws
    if not isinstance(report, dict):
        return None, Feedback(False, NO_AWS)
    state = report.get("state")
    if not isinstance(state, dict):
        problem = report.get("error") or "the sandbox did not send them back"
        return None, Feedback(False, f"The resources after the run could not be read: {problem}.")
    found = find(state, kind, name)
    if found is None:
        noun = {"tables": "table", "queues": "queue", "buckets": "bucket", "topics": "topic", "buses": "event bus"}
        return None, Feedback(False, f"The {noun[kind]} {name!r} no longer exists after the run: do not delete it.")
    return found, None


def _plain_items(table: dict) -> list[dict]:
    """The table's items as plain Python, with non-integral numbers as floats: the form TOML expectations take
    (Decimal("59.9") never equals the float 59.9)."""
    from learn.playground.resources import plain_item

    items = table.get("items")
    return [_floats(plain_item(item)) for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _floats(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _floats(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_floats(inner) for inner in value]
    return value


def _key_text(key: dict) -> str:
    return ", ".join(f"{name} = {show(value)}" for name, value in key.items())


def table_items(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """{"table": "orders", "count": 2} and/or "items": [...] (exactly these items, plain values, any order)."""
    table, problem = _resource(run, "tables", spec["table"])
    if problem:
        return problem
    items = _plain_items(table)
    name = spec["table"]
    if "count" in spec and len(items) != spec["count"]:
        noun = "item" if spec["count"] == 1 else "items"
        return Feedback(False, f"The table {name!r} should hold {spec['count']} {noun}, but it holds {len(items)}.")
    if "items" in spec:
        missing = [want for want in spec["items"] if want not in items]
        extra = [got for got in items if got not in spec["items"]]
        if missing:
            return Feedback(False, f"The table {name!r} should hold the item {show(missing[0])}, but it does not.")
        if extra:
            return Feedback(False, f"The table {name!r} holds an item it should not: {show(extra[0])}.")
    noun = "item" if len(items) == 1 else "items"
    return Feedback(True, f"The table {name!r} holds the expected {len(items)} {noun}.")


def table_item(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """{"table": "totals", "key": {"key": "k1"}, "values": {"total": 30}}: the item has at least these values;
    "absent": true instead: no item has that key."""
    table, problem = _resource(run, "tables", spec["table"])
    if problem:
        return problem
    key, name = spec["key"], spec["table"]
    found = next((i for i in _plain_items(table) if all(i.get(k) == v for k, v in key.items())), None)
    if spec.get("absent"):
        if found is not None:
            return Feedback(False, f"The table {name!r} should no longer hold the item with {_key_text(key)}.")
        return Feedback(True, f"The table {name!r} holds no item with {_key_text(key)}, as expected.")
    if found is None:
        return Feedback(False, f"The table {name!r} has no item with {_key_text(key)}.")
    for attribute, want in spec.get("values", {}).items():
        if attribute not in found:
            return Feedback(False, f"The item with {_key_text(key)} in {name!r} has no attribute {attribute!r}.")
        if found[attribute] != want:
            return Feedback(
                False,
                f"In {name!r}, the item with {_key_text(key)} has {attribute} = {show(found[attribute])}, "
                f"but it should be {show(want)}.",
            )
    return Feedback(True, f"The item with {_key_text(key)} in {name!r} holds the expected values.")


def queue_messages(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """{"queue": "orders-dlq", "count": 1} and/or "bodies": [...] (exactly these message bodies, any order)."""
    queue, problem = _resource(run, "queues", spec["queue"])
    if problem:
        return problem
    messages = queue.get("messages") if isinstance(queue.get("messages"), list) else []
    bodies = [m.get("body") for m in messages if isinstance(m, dict)]
    name = spec["queue"]
    if "count" in spec and len(bodies) != spec["count"]:
        noun = "message" if spec["count"] == 1 else "messages"
        return Feedback(False, f"The queue {name!r} should hold {spec['count']} {noun}, but it holds {len(bodies)}.")
    if "bodies" in spec and sorted(map(str, bodies)) != sorted(map(str, spec["bodies"])):
        missing = [b for b in spec["bodies"] if b not in bodies]
        if missing:
            return Feedback(False, f"The queue {name!r} should hold a message with the body {show(missing[0])}.")
        return Feedback(False, f"The queue {name!r} holds messages it should not: {show(bodies)}.")
    noun = "message" if len(bodies) == 1 else "messages"
    return Feedback(True, f"The queue {name!r} holds the expected {len(bodies)} {noun}.")


def bucket_objects(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """{"bucket": "photos", "keys": [...]} (exactly these keys) and/or "bodies": {"key": "text"}."""
    bucket, problem = _resource(run, "buckets", spec["bucket"])
    if problem:
        return problem
    objects = [o for o in bucket.get("objects", []) if isinstance(o, dict)] if isinstance(bucket, dict) else []
    keys = [str(o.get("key")) for o in objects]
    name = spec["bucket"]
    if "keys" in spec:
        missing = [k for k in spec["keys"] if k not in keys]
        extra = [k for k in keys if k not in spec["keys"]]
        if missing:
            return Feedback(False, f"The bucket {name!r} should hold an object with the key {show(missing[0])}.")
        if extra:
            return Feedback(False, f"The bucket {name!r} holds an object it should not: {show(extra[0])}.")
    for key, want in spec.get("bodies", {}).items():
        found = next((o for o in objects if o.get("key") == key), None)
        if found is None:
            return Feedback(False, f"The bucket {name!r} should hold an object with the key {show(key)}.")
        if "body" not in found:
            return Feedback(False, f"The object {show(key)} in {name!r} should hold the text {show(want)}.")
        if found["body"] != want:
            return Feedback(False, f"The object {show(key)} in {name!r} holds {show(found['body'])}, not {show(want)}.")
    noun = "object" if len(keys) == 1 else "objects"
    return Feedback(True, f"The bucket {name!r} holds the expected {len(keys)} {noun}.")


def published(run: Invocation, spec: dict, event: Any, contract: str) -> Feedback:
    """{"bus": "orders" | "topic": "alerts", "count": 1}, counting only what matches the optional filters
    "detail_type", "source" (events) or "subject" (notifications); "detail": {...} (each counted event's
    JSON detail holds these values) or "message" (each counted notification's text)."""
    import json

    kind, name = ("buses", spec["bus"]) if "bus" in spec else ("topics", spec["topic"])
    target, problem = _resource(run, kind, name)
    if problem:
        return problem
    sent = [p for p in target.get("published", []) if isinstance(p, dict)] if isinstance(target, dict) else []
    where = f"the event bus {name!r}" if kind == "buses" else f"the topic {name!r}"
    what = "event" if kind == "buses" else "message"
    filters = {"detail_type": "detail-type", "source": "source", "subject": "subject"}
    described = " ".join(f"with {field.replace('_', '-')} {show(spec[field])}" for field in filters if field in spec)
    matching = [p for p in sent if all(p.get(filters[f]) == spec[f] for f in filters if f in spec)]
    count = spec.get("count", 1)
    if len(matching) != count:
        label = f"{what}s {described}".strip() if count != 1 else f"{what} {described}".strip()
        more = f" ({len(sent)} in all)" if len(sent) != len(matching) else ""
        verb = "was" if len(matching) == 1 else "were"
        return Feedback(False, f"{count} {label} should have been sent to {where}, but {len(matching)} {verb}{more}.")
    for entry in matching:
        if "detail" in spec:
            try:
                detail = json.loads(entry.get("detail") or "")
            except (TypeError, ValueError, RecursionError):
                return Feedback(False, f"An event sent to {where} has a Detail that is not a JSON object.")
            if not isinstance(detail, dict):
                return Feedback(False, f"An event sent to {where} has a Detail that is not a JSON object.")
            for field, want in spec["detail"].items():
                if detail.get(field) != want:
                    return Feedback(
                        False,
                        f"An event sent to {where} has {field} = {show(detail.get(field))} in its detail, "
                        f"but it should be {show(want)}.",
                    )
        if "message" in spec and entry.get("message") != spec["message"]:
            return Feedback(
                False, f"A message sent to {where} reads {show(entry.get('message'))}, not {show(spec['message'])}."
            )
    noun = what if count == 1 else f"{what}s"
    return Feedback(True, f"{where[0].upper()}{where[1:]} received {count} {noun}, as expected.")


# the checks that read the emulated state, and the field naming the resource each reads
STATE_CHECKS = {
    "table_items": "table",
    "table_item": "table",
    "queue_messages": "queue",
    "bucket_objects": "bucket",
    "published": "bus",
}

CHECKS: dict[str, Callable[[Invocation, Any, Any, str], Feedback]] = {
    "succeeds": succeeded,
    "raises": raises,
    "contract": contract_ok,
    "batch_item_failures": batch_item_failures,
    "response": response_path,
    "record_results": records_by_result,
    "logs_contain": logs_contain,
    "logs_lack": logs_lack,
    "raises_with": raises_with,
    "error_type": error_type,
    "record_json": record_json,
    "table_items": table_items,
    "table_item": table_item,
    "queue_messages": queue_messages,
    "bucket_objects": bucket_objects,
    "published": published,
}
