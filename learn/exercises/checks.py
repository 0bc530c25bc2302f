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
}
