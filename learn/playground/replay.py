"""What happens next, for real: the engine re-invokes the learner's handler whenever the source would.

The engine decides when to invoke and with which records; this module builds the event for that batch the
way the source would (SQS receive counts rise, stream batches keep order), runs the handler through a
callable (the sandbox in production), and turns its result into the engine's Outcome. So a flaky or
idempotent handler behaves here as it would in AWS.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from learn import engine
from learn.catalog import contracts
from learn.engine.types import Invocation, Outcome

BATCH_SOURCES = {"sqs": "messageId", "kinesis": "kinesis.sequenceNumber", "dynamodb-streams": "dynamodb.SequenceNumber"}

# run(event) -> (status, response, error): status is ok | error | timeout | throttle
Runner = Callable[[Any], tuple[str, Any, dict | None]]


@dataclass
class Replay:
    trace: engine.Trace
    runs: list[dict[str, Any]] = field(default_factory=list)  # every real invocation: event summary and result


def _identifier(record: dict, path: str) -> str:
    value: Any = record
    for part in path.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return str(value) if value != {} else ""


def records_of(source: str, event: Any) -> list[dict[str, Any]]:
    """Engine records for an event: one per batch record (SQS, streams), otherwise the event itself."""
    path = BATCH_SOURCES.get(source)
    rows = event.get("Records") if isinstance(event, dict) else None
    if path and isinstance(rows, list) and rows:
        out = []
        for position, record in enumerate(rows, start=1):
            identifier = _identifier(record, path) or str(position)
            attributes = record.get("attributes", {}) if isinstance(record, dict) else {}
            out.append(
                {"id": identifier, "group": attributes.get("MessageGroupId", ""), "data": {"position": position}}
            )
        return out
    return [{"id": "1", "data": {"position": 1}}]


def event_for(source: str, template: Any, invocation: Invocation) -> Any:
    """The event the source would send for this invocation's records."""
    if source not in BATCH_SOURCES or not isinstance(template, dict):
        return template
    path = BATCH_SOURCES[source]
    by_id = {(_identifier(r, path) or str(i)): r for i, r in enumerate(template.get("Records", []), start=1)}
    event = {**template, "Records": []}
    counts = invocation.state.get("receive_count", {})
    for record_id in invocation.records:
        if record_id not in by_id:  # an empty or hand-edited batch: nothing to send for this engine record
            continue
        record = copy.deepcopy(by_id[record_id])
        if source == "sqs" and record_id in counts:
            record.setdefault("attributes", {})["ApproximateReceiveCount"] = str(counts[record_id])
        event["Records"].append(record)
    return event


def outcome_for(source: str, contract: str, event: Any, status: str, response: Any) -> Outcome:
    if status in ("error", "timeout", "throttle"):
        return Outcome(status)
    problems = contracts.check(contract, event, response)
    if source in BATCH_SOURCES:
        # Documented rules: no response, or no/empty/null batchItemFailures, is a complete success (even when the
        # key is misspelled: Lambda then sees a null list); a bad entry fails the whole batch.
        failures = response.get("batchItemFailures") if isinstance(response, dict) else None
        if response is not None and not isinstance(response, dict):
            return Outcome("malformed")
        if not failures:
            return Outcome("ok")
        if problems:
            return Outcome("malformed")
        return Outcome("partial", failed=tuple(str(f["itemIdentifier"]) for f in failures))
    return Outcome("malformed", detail=problems[0]) if problems else Outcome("ok")


MAX_REAL_INVOCATIONS = 12


def replay(
    source: str,
    settings: dict[str, Any],
    event: Any,
    run: Runner,
    *,
    catalog=None,
    contract: str,
    max_invocations: int = MAX_REAL_INVOCATIONS,
) -> Replay:
    """Simulate `source` delivering `event`, invoking the real handler through `run` every time."""
    result = Replay(trace=None)  # type: ignore[arg-type]

    def decide(invocation: Invocation) -> Outcome:
        batch_event = event_for(source, event, invocation)
        status, response, error = run(batch_event)
        outcome = outcome_for(source, contract, batch_event, status, response)
        result.runs.append(
            {
                "number": invocation.number,
                "attempt": invocation.attempt,
                "records": invocation.records,
                "status": status,
                "response": response,
                "error": error,
                "outcome": outcome.kind,
            }
        )
        return outcome

    result.trace = engine.simulate(
        source, settings, records_of(source, event), decide, catalog=catalog, max_invocations=max_invocations
    )
    return result
