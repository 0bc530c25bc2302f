"""The host's check of what the sandbox reports about emulated AWS (learn/sandbox/aws_emulation.py).

The report comes from the learner's own process, so it is learner data: bounded, plain JSON, the expected
shape, or dropped. A state that fails the checks is not kept (the learner is told), so a broken or forged
state never reaches the next run or another page.
"""

from __future__ import annotations

import json
import re
from typing import Any

CALL_CAP = 100
TEXT_CAP = 600
STATE_CAP = 256 * 1024  # bytes of JSON: the learner's resources, all together
KINDS = ("tables", "queues", "buckets", "topics", "buses")


def empty_state() -> dict:
    return {kind: [] for kind in KINDS}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:TEXT_CAP]


def calls(value: Any) -> list[dict]:
    out = []
    for call in value[:CALL_CAP] if isinstance(value, list) else []:
        if isinstance(call, dict):
            entry = {key: _text(call.get(key)) for key in ("service", "operation", "params", "result", "error")}
            out.append({key: text for key, text in entry.items() if text is not None})
    return out


def state_problem(state: Any) -> str | None:
    """Why `state` cannot be kept, or None. Checked value by value, not only by shape and size: a state is
    rebuilt in the next sandbox and drawn on pages, so nothing in it may be costly to read (a number like
    1e1000000) or impossible to rebuild (a table without its key)."""
    if not isinstance(state, dict) or set(state) - set(KINDS):
        return "The resources came back in an unexpected shape."
    for kind in KINDS:
        entries = state.get(kind, [])
        if (
            not isinstance(entries, list)
            or len(entries) > MAX_RESOURCES
            or not all(
                isinstance(entry, dict) and isinstance(entry.get("name"), str) and len(entry["name"]) <= 255
                for entry in entries
            )
        ):
            return f"The {kind} came back in an unexpected shape."
    try:
        size = len(json.dumps(state, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return "The resources could not be read back as JSON."
    if size > STATE_CAP:
        return f"Your resources hold {size:,} bytes, over the {STATE_CAP // 1024} KB this sandbox keeps. Reset them."
    if "\\u0000" in json.dumps(state):
        return "Your resources hold a NUL character (\\u0000), which this sandbox cannot keep. Reset them."
    names = {"tables": TABLE_NAME, "queues": QUEUE_NAME, "buckets": BUCKET_NAME, "topics": TOPIC_NAME}
    for kind, pattern in names.items():
        for entry in state.get(kind, []):
            if not pattern.fullmatch(entry["name"]):
                return f"{entry['name'][:80]!r} is not a name AWS allows for one of your {kind}."
    for entry in state.get("topics", []) + state.get("buses", []):
        published = entry.get("published", [])
        if not isinstance(published, list) or len(published) > MAX_PUBLISHED:
            return f"{entry['name'][:80]!r}: what was published came back in an unexpected shape."
        if not all(isinstance(p, dict) and all(isinstance(v, str | None) for v in p.values()) for p in published):
            return f"{entry['name'][:80]!r}: a published entry came back in an unexpected shape."
    for table in state.get("tables", []):
        problem = _table_problem(table)
        if problem:
            return f"Table {table['name'][:80]!r}: {problem}"
    for queue in state.get("queues", []):
        messages = queue.get("messages", [])
        if not isinstance(messages, list) or len(messages) > MAX_ROWS:
            return f"Queue {queue['name'][:80]!r}: its messages came back in an unexpected shape."
        if not all(isinstance(m, dict) and isinstance(m.get("body"), str) for m in messages):
            return f"Queue {queue['name'][:80]!r}: a message came back without a text body."
    for bucket in state.get("buckets", []):
        objects = bucket.get("objects", [])
        if not isinstance(objects, list) or len(objects) > MAX_ROWS:
            return f"Bucket {bucket['name'][:80]!r}: its objects came back in an unexpected shape."
        if not all(isinstance(o, dict) and isinstance(o.get("key"), str) for o in objects):
            return f"Bucket {bucket['name'][:80]!r}: an object came back without a key."
    return None


# DynamoDB's own limits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html):
# a number has at most 38 significant digits, between 1E-130 and 9.9999999999999999999999999999999999999E+125.
NUMBER = re.compile(r"-?([0-9]+)(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?")
TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}(\.fifo)?")
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")
MAX_RESOURCES = 20  # of one kind
MAX_ROWS = 200  # items, messages or objects in one resource
MAX_ATTRIBUTES = 40  # distinct attribute names in one table
MAX_DEPTH = 8
MAX_PUBLISHED = 50  # notifications or events remembered per topic or bus (as aws_emulation keeps them)


def _number_ok(text: Any) -> bool:
    match = NUMBER.fullmatch(text) if isinstance(text, str) and len(text) <= 60 else None
    if match is None:
        return False
    whole, fraction = match[1], (match[2] or "")[1:]
    digits = (whole + fraction).lstrip("0")
    if not digits.rstrip("0"):
        return True  # zero
    significant = digits.rstrip("0")
    # the position of the first significant digit, as a power of ten: 1E-130 <= |n| < 1E+126
    leading = len(whole.lstrip("0")) - 1 if whole.lstrip("0") else -(len(fraction) - len(fraction.lstrip("0")) + 1)
    magnitude = leading + int((match[3] or "e0")[1:])
    return len(significant) <= 38 and -130 <= magnitude <= 125


def _value_ok(value: Any, depth: int = 0) -> bool:
    """One DynamoDB-typed value ({"S": ...}, {"N": ...}, {"M": {...}}, ...), bounded."""
    if depth > MAX_DEPTH or not isinstance(value, dict) or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in ("S", "B"):
        return isinstance(inner, str)
    if kind == "N":
        return _number_ok(inner)
    if kind in ("BOOL", "NULL"):
        return isinstance(inner, bool)
    if kind in ("SS", "BS", "NS"):  # a set: not empty, no repeats
        if not isinstance(inner, list) or not inner or len(set(map(str, inner))) != len(inner):
            return False
        return all(_number_ok(x) for x in inner) if kind == "NS" else all(isinstance(x, str) for x in inner)
    if kind == "L":
        return isinstance(inner, list) and all(_value_ok(x, depth + 1) for x in inner)
    if kind == "M":
        return isinstance(inner, dict) and all(isinstance(k, str) and _value_ok(v, depth + 1) for k, v in inner.items())
    return False


def _table_problem(table: dict) -> str | None:
    key = table.get("key")
    if (
        not isinstance(key, dict)
        or not _key_ok(key.get("hash"))
        or not (key.get("range") is None or _key_ok(key["range"]))
    ):
        return "its key came back in an unexpected shape."
    items = table.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ROWS:
        return "its items came back in an unexpected shape."
    names = set()
    keys = [part[0] for part in (key["hash"], key.get("range")) if part]
    types = {part[0]: part[1] for part in (key["hash"], key.get("range")) if part}
    for item in items:
        if not isinstance(item, dict) or not all(name in item for name in keys):
            return "an item came back without its key."
        if any(not isinstance(item[name], dict) or list(item[name]) != [kind] for name, kind in types.items()):
            return "an item's key has the wrong type."
        for name, value in item.items():
            if not isinstance(name, str) or not _value_ok(value):
                return f"the value of {str(name)[:40]!r} is not a DynamoDB value this sandbox can keep."
        names.update(item)
    if len(names) > MAX_ATTRIBUTES:
        return f"its items use {len(names)} different attribute names, more than the {MAX_ATTRIBUTES} shown here."
    return None


def _key_ok(part: Any) -> bool:
    return isinstance(part, list) and len(part) == 2 and isinstance(part[0], str) and part[1] in ("S", "N", "B")


def report(data: dict) -> dict:
    """`{"calls": [...], "dropped_calls": n, "state": {...} | None, "error": str | None}`."""
    state = data.get("state")
    error = data.get("error")
    problem = f"Reading the resources failed: {_text(error)}" if isinstance(error, str) and error else None
    if problem is None and state is not None:
        problem = state_problem(state)
    dropped = data.get("dropped_calls")
    return {
        "calls": calls(data.get("calls")),
        "dropped_calls": dropped if isinstance(dropped, int) and not isinstance(dropped, bool) and dropped > 0 else 0,
        "state": None if problem or state is None else {kind: state.get(kind, []) for kind in KINDS},
        "error": problem or None,
    }
