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
from learn.engine.simulate import MAX_RECORDS
from learn.engine.types import EngineError, Invocation, Outcome

BATCH_SOURCES = {"sqs": "messageId", "kinesis": "kinesis.sequenceNumber", "dynamodb-streams": "dynamodb.SequenceNumber"}
MAX_REAL_INVOCATIONS = 12  # the hard cap on real invocations one replay makes

# run(event) -> (status, response, error): status is ok | error | timeout | throttle
Runner = Callable[[Any], tuple[str, Any, dict | None]]


class Stop(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by a Runner to end the replay before its next invocation; the message says why, in plain words."""


@dataclass
class Replay:
    trace: engine.Trace
    runs: list[dict[str, Any]] = field(default_factory=list)  # every real invocation: event summary and result
    stopped: str = ""  # why the replay ended early (the runner raised Stop), else ""


def _identifier(record: Any, path: str) -> str:
    value: Any = record
    for part in path.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    if value == {} or value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**4000:
        return ""  # str() refuses integers this long; such a record falls back to its position
    return str(value)


def _rows(event: Any) -> list:
    rows = event.get("Records") if isinstance(event, dict) else None
    return rows if isinstance(rows, list) else []


def _ids(source: str, rows: list) -> list[str]:
    """One unique engine id per record: its own identifier, or its position when missing or repeated."""
    path = BATCH_SOURCES[source]
    ids: list[str] = []
    seen: set[str] = set()
    for position, record in enumerate(rows, start=1):
        identifier = _identifier(record, path) or str(position)
        if identifier in seen:
            identifier = f"{identifier} (record {position})"
        seen.add(identifier)
        ids.append(identifier)
    return ids


def records_of(source: str, event: Any) -> list[dict[str, Any]]:
    """Engine records for an event: one per batch record (SQS, streams), otherwise the event itself."""
    rows = _rows(event)
    if source in BATCH_SOURCES and rows:
        if len(rows) > MAX_RECORDS:
            raise EngineError(
                f"The event has {len(rows):,} records; the simulation follows at most {MAX_RECORDS:,}. "
                "Send a smaller batch."
            )
        out = []
        for position, (identifier, record) in enumerate(zip(_ids(source, rows), rows, strict=True), start=1):
            attributes = record.get("attributes") if isinstance(record, dict) else None
            group = attributes.get("MessageGroupId") if isinstance(attributes, dict) else None
            out.append(
                {"id": identifier, "group": group if isinstance(group, str) else "", "data": {"position": position}}
            )
        return out
    return [{"id": "1", "data": {"position": 1}}]


def event_for(source: str, template: Any, invocation: Invocation) -> Any:
    """The event the source would send for this invocation's records."""
    if source not in BATCH_SOURCES or not isinstance(template, dict):
        return template
    rows = _rows(template)
    by_id = dict(zip(_ids(source, rows), rows, strict=True))
    event = {**template, "Records": []}
    counts = invocation.state.get("receive_count", {})
    for record_id in invocation.records:
        if record_id not in by_id:  # an empty or hand-edited batch: nothing to send for this engine record
            continue
        record = copy.deepcopy(by_id[record_id])
        if source == "sqs" and record_id in counts and isinstance(record, dict):
            attributes = record.setdefault("attributes", {})
            if isinstance(attributes, dict):  # a hand-made shape (a string, a list) is sent as it is
                attributes["ApproximateReceiveCount"] = str(counts[record_id])
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
    """Simulate `source` delivering `event`, invoking the real handler through `run` every time.

    When `run` raises Stop, no further invocation happens: the trace is rebuilt from the invocations that did
    run (the engine is deterministic) and ends there, and Replay.stopped holds the reason."""
    result = Replay(trace=None)  # type: ignore[arg-type]
    outcomes: list[Outcome] = []
    records = records_of(source, event)
    max_invocations = max(1, min(max_invocations, MAX_REAL_INVOCATIONS))

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
        outcomes.append(outcome)
        return outcome

    try:
        result.trace = engine.simulate(
            source, settings, records, decide, catalog=catalog, max_invocations=max_invocations
        )
    except Stop as stop:
        result.stopped = str(stop)
        recorded = iter(list(outcomes))
        result.trace = engine.simulate(
            source,
            settings,
            records,
            lambda invocation: next(recorded, Outcome("throttle")),  # never ran: as if Lambda had refused it
            catalog=catalog,
            max_invocations=max(1, len(outcomes)),
        )
    return result


STRATEGIES = ("ok", "error", "timeout", "malformed")


def planned_invocations(source: str, settings: dict[str, Any] | None, event: Any, *, catalog=None) -> int:
    """An upper bound of the real invocations a replay of `event` makes (at most MAX_REAL_INVOCATIONS).

    The engine is run with handlers that always succeed, always fail, time out, or reject one record; the most
    invocations any of them needs is the plan. `execute` passes the plan to `replay` as its cap, so the bound
    holds whatever the real handler does. Raises EngineError for settings or events the engine cannot take."""
    records = records_of(source, event)
    strategies: list[Any] = list(STRATEGIES)
    if source in BATCH_SOURCES and len(records) > 1:
        first, last = records[0]["id"], records[-1]["id"]
        strategies += [f"poison:{last}", f"poison:{first}", f"partial:{last}", f"flaky:{last}"]
    most = 1
    for strategy in strategies:
        trace = engine.simulate(
            source, settings or {}, records, strategy, catalog=catalog, max_invocations=MAX_REAL_INVOCATIONS
        )
        most = max(most, trace.invocations)
        if most >= MAX_REAL_INVOCATIONS:
            break
    return min(most, MAX_REAL_INVOCATIONS)
