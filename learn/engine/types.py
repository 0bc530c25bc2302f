"""The engine's vocabulary: outcomes in, a trace of steps and one final disposition per record out.

Pure Python (no Django), so diagrams, the sandbox, quiz answer keys and the CLI all share one model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Who does something in a step. Diagrams place these as boxes; each source uses a subset.
ACTORS = {
    "caller": "Caller",
    "service": "Event source",
    "async-queue": "Lambda event queue",
    "poller": "Event poller",
    "queue": "Queue",
    "stream": "Stream",
    "broker": "Broker",
    "function": "Function",
    "queue-dlq": "Queue's DLQ",
    "function-dlq": "Function DLQ",
    "destination": "On-failure destination",
    "success-destination": "On-success destination",
    "service-dlq": "Service's DLQ",
}

OUTCOME_KINDS = ("ok", "error", "timeout", "throttle", "partial", "malformed", "poison", "flaky")
RECORD_LEVEL = ("poison", "flaky")  # decided per record: poison always fails, flaky fails on its first attempt

# Final dispositions. Every record ends in exactly one of these.
DISPOSITIONS = {
    "processed": "Processed successfully",
    "returned-ok": "Response returned to the caller",
    "returned-error": "Error returned to the caller",
    "queue-dlq": "Moved to the queue's dead-letter queue",
    "function-dlq": "Sent to the function's dead-letter queue",
    "on-failure-destination": "Sent to the on-failure destination",
    "service-dlq": "Sent to the event source's own dead-letter queue",
    "broker-dlq": "Moved to the broker's dead-letter queue",
    "discarded-max-age": "Discarded: older than the maximum age",
    "discarded-retries": "Discarded: retries exhausted and nowhere to send it",
    "discarded-retention": "Lost: expired from the queue or stream before it was processed",
    "lost-ignored-response": "Lost: deleted although the handler reported it failed",
    "filtered-out": "Dropped by the filter criteria without invoking the function",
    "blocking": "Still being retried when the simulation stopped",
    "records-failed": "Reported as failed back to the service",
}


class EngineError(ValueError):
    """Bad input: the message names the knob, outcome or record and says what is allowed."""


@dataclass(frozen=True)
class Outcome:
    """What the function did on one invocation.

    kind: ok | error | timeout | throttle | partial | malformed | poison | flaky.
    failed: the record ids a partial response reports; for poison and flaky, the records that fail
    ("*" for every record). The engine turns poison/flaky into ok, error or partial for each batch.
    duration_ms: how long the invocation took (timeouts take the function timeout).
    status_code: for HTTP front doors, the statusCode the function returned.
    """

    kind: str = "ok"
    failed: tuple[str, ...] = ()
    duration_ms: int = 200
    status_code: int = 200
    detail: str = ""
    raw: Any = field(default=None, compare=False, repr=False)  # the poison/flaky outcome this was decided from

    @property
    def origin(self) -> Outcome:
        return self.raw or self

    def __post_init__(self) -> None:
        if self.kind not in OUTCOME_KINDS:
            raise EngineError(f"unknown outcome {self.kind!r}; use one of {', '.join(OUTCOME_KINDS)}")


@dataclass(frozen=True)
class Invocation:
    """What the engine is about to invoke: passed to a callable `outcomes` to decide (or run) it."""

    number: int  # 1-based count of invocations in this simulation
    attempt: int  # 1-based attempt for these records
    records: tuple[str, ...]
    t_ms: int
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Step:
    index: int
    t_ms: int
    actor: str
    target: str | None
    kind: str
    summary: str
    records: tuple[str, ...] = ()
    state: dict[str, Any] = field(default_factory=dict)
    in_flight: tuple[str, ...] = ()
    doc: str = ""
    note: str = ""
    snapshot: dict[str, Any] = field(default_factory=dict)  # every resource after this step (engine/state.py)

    @property
    def clock(self) -> str:
        return format_time(self.t_ms)


@dataclass
class Disposition:
    record: str
    kind: str
    detail: str
    t_ms: int
    status_code: int | None = None
    doc: str = ""

    @property
    def label(self) -> str:
        return DISPOSITIONS[self.kind]


@dataclass
class Trace:
    source: str
    model: str
    rule: str
    settings: dict[str, Any]
    actors: list[str]
    steps: list[Step]
    dispositions: dict[str, Disposition]
    records: list[str]
    invocations: int = 0
    notes: list[str] = field(default_factory=list)
    truncated: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, actor: str) -> str:
        return self.labels.get(actor) or ACTORS[actor]

    @property
    def duration_ms(self) -> int:
        return self.steps[-1].t_ms if self.steps else 0

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for disposition in self.dispositions.values():
            tally[disposition.kind] = tally.get(disposition.kind, 0) + 1
        return tally

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "model": self.model,
            "rule": self.rule,
            "settings": self.settings,
            "actors": [{"id": a, "label": self.label(a)} for a in self.actors],
            "steps": [dict(asdict(s), clock=s.clock) for s in self.steps],
            "dispositions": {k: dict(asdict(d), label=d.label) for k, d in self.dispositions.items()},
            "records": self.records,
            "invocations": self.invocations,
            "notes": self.notes,
            "truncated": self.truncated,
        }


def format_time(t_ms: int) -> str:
    """Simulated time as a learner reads it: +0 s, +1.5 s, +1 min, +2 h 5 min, +1 d 3 h."""
    if t_ms < 60_000:
        seconds = t_ms / 1000
        return f"+{seconds:g} s" if seconds != int(seconds) else f"+{int(seconds)} s"
    minutes, seconds = divmod(t_ms // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    if seconds and not hours and not days:
        parts.append(f"{seconds} s")
    return "+" + " ".join(parts or ["0 s"])


def span(t_ms: int) -> str:
    """A duration in words: 30 s, 4 d, 2 h 5 min."""
    return format_time(t_ms)[1:]
