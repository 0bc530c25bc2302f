"""The host's check of what the sandbox reports about emulated AWS (learn/sandbox/aws_emulation.py).

The report comes from the learner's own process, so it is learner data: bounded, plain JSON, the expected
shape, or dropped. A state that fails the checks is not kept (the learner is told), so a broken or forged
state never reaches the next run or another page.
"""

from __future__ import annotations

import json
from typing import Any

CALL_CAP = 100
TEXT_CAP = 600
STATE_CAP = 512 * 1024  # bytes of JSON: the learner's resources, all together
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
    """Why `state` cannot be kept, or None."""
    if not isinstance(state, dict) or set(state) - set(KINDS):
        return "The resources came back in an unexpected shape."
    for kind in KINDS:
        entries = state.get(kind, [])
        if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in entries
        ):
            return f"The {kind} came back in an unexpected shape."
    try:
        size = len(json.dumps(state, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return "The resources could not be read back as JSON."
    if size > STATE_CAP:
        return f"Your resources hold {size:,} bytes, over the {STATE_CAP // 1024} KB this sandbox keeps. Reset them."
    return None


def report(data: dict) -> dict:
    """`{"calls": [...], "dropped_calls": n, "state": {...} | None, "error": str | None}`."""
    state = data.get("state")
    problem = data.get("error") and f"Reading the resources failed: {_text(data['error'])}"
    if problem is None and state is not None:
        problem = state_problem(state)
    dropped = data.get("dropped_calls")
    return {
        "calls": calls(data.get("calls")),
        "dropped_calls": dropped if isinstance(dropped, int) and not isinstance(dropped, bool) and dropped > 0 else 0,
        "state": None if problem else {kind: state.get(kind, []) for kind in KINDS} if state is not None else None,
        "error": problem or None,
    }
