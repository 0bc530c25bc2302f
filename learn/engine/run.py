"""The simulation's bookkeeping: a clock, a time-ordered agenda, the trace being written, invocations."""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import state as state_model
from .outcomes import OutcomeSource, for_batch
from .types import DISPOSITIONS, Disposition, Invocation, Outcome, Step, Trace

MAX_INVOCATIONS = 400
MAX_STEPS = 1500
SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class _Capped(Exception):
    """Raised by `invoke` instead of passing max_invocations: the run stops there, and only there, so what
    follows the last allowed invocation (a move to the DLQ, a final disposition) is still simulated."""


@dataclass
class Record:
    """One event, message or stream record as the engine tracks it."""

    id: str
    position: int
    group: str = ""
    shard: str = "shard-1"
    key: str = ""
    matches_filter: bool = True
    arrived_ms: int = 0
    receive_count: int = 0
    attempts: int = 0
    ran: bool = False  # the function actually ran on it at least once (a throttled invoke never starts)
    data: dict[str, Any] = field(default_factory=dict)


class Run:
    def __init__(
        self, trace: Trace, outcomes: OutcomeSource, records: list[Record], max_invocations: int = MAX_INVOCATIONS
    ):
        self.trace = trace
        self.outcomes = outcomes
        self.records = records
        outcomes.check_records([r.id for r in records])  # poison:9 with no record 9 is a typo, not a success
        self.now = 0
        self._agenda: list[tuple[int, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self.stopped = False
        self.max_invocations = max_invocations
        self._unsettled = dict.fromkeys(r.id for r in records)  # insertion-ordered set, kept up to date
        self._held = {r.id: r for r in records}  # records the flow still holds (unsettled, or "blocking")
        self.real_invocations = 0  # compressed loops add to trace.invocations but not to this
        self.capped = False  # an invocation past max_invocations was about to happen
        self.partial_responses = False  # set by families whose source accepts a partial batch response
        # State snapshots: the flow family sets `snapshotter` to report its live places; the bins come from
        # the dispositions. An invoke right after a step belongs to that step, so it is re-taken at once;
        # dispositions (often many in a row) are applied to the last step before the next one or at the end of
        # the action.
        self.snapshotter: state_model.Snapshotter | None = None
        self.bin_labels: dict[str, str] = {}
        self._bins = state_model.Bins()
        self._stale = False

    # -- time and agenda -------------------------------------------------------------------------
    def at(self, t_ms: int, action: Callable[[], None]) -> None:
        heapq.heappush(self._agenda, (max(t_ms, self.now), next(self._seq), action))

    def after(self, delay_ms: int, action: Callable[[], None]) -> None:
        self.at(self.now + delay_ms, action)

    def run(self) -> None:
        while self._agenda and not self.stopped:
            t_ms, _, action = heapq.heappop(self._agenda)
            self.now = max(self.now, t_ms)
            with contextlib.suppress(_Capped):  # the next invocation would pass the cap: what came before counts
                action()
            self.refresh()
            if self.capped or len(self.trace.steps) >= MAX_STEPS:
                self.stop(
                    f"The simulation stopped after {self.real_invocations} invocations; records still in play "
                    "are marked as still being retried."
                )

    # -- state snapshots --------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        live = self.snapshotter() if self.snapshotter else []
        return {"t_ms": self.now, "places": live + self._bins.places(self.bin_labels)}

    def refresh(self, force: bool = False) -> None:
        """Re-take the last step's snapshot if something changed since (a dispose or an invoke that it led to);
        `force` when the flow changed its own bookkeeping in a way that belongs to that step."""
        if (self._stale or force) and self.trace.steps:
            self.trace.steps[-1].snapshot = self.snapshot()
        self._stale = False

    def live(self, record: Record) -> bool:
        """Still held by the flow: not settled, or settled only as still being retried when the run stopped."""
        return record.id in self._held

    def held(self) -> list[Record]:
        """The records the flow still holds, in their original order (what its snapshot must place)."""
        return list(self._held.values())

    def stop(self, note: str) -> None:
        if not self.stopped:
            self.stopped = True
            self.trace.truncated = True
            self.trace.notes.append(note)

    # -- writing the trace ------------------------------------------------------------------------
    def step(
        self,
        actor: str,
        target: str | None,
        kind: str,
        summary: str,
        records=(),
        doc: str = "",
        note: str = "",
        **state: Any,
    ) -> Step:
        for actor_id in (actor, target):
            if actor_id and actor_id not in self.trace.actors:
                self.trace.actors.append(actor_id)
        self.refresh()
        step = Step(
            index=len(self.trace.steps),
            t_ms=self.now,
            actor=actor,
            target=target,
            kind=kind,
            summary=summary,
            records=tuple(records),
            state=state,
            in_flight=self.in_flight(),
            doc=doc,
            note=note,
            snapshot=self.snapshot(),
        )
        self.trace.steps.append(step)
        return step

    def in_flight(self) -> tuple[str, ...]:
        """Records not yet at a final disposition."""
        return tuple(self._unsettled)

    def dispose(self, record: Record, kind: str, detail: str, status_code: int | None = None, doc: str = "") -> None:
        assert kind in DISPOSITIONS, kind
        if record.id in self.trace.dispositions:
            raise AssertionError(f"record {record.id} already has a disposition")
        disposition = Disposition(record.id, kind, detail, self.now, status_code, doc)
        self.trace.dispositions[record.id] = disposition
        self._unsettled.pop(record.id, None)
        if self._bins.add(disposition):
            self._held.pop(record.id, None)
        self._stale = True  # re-taken at the next step or at the end of this action

    def settled(self, record: Record) -> bool:
        return record.id in self.trace.dispositions

    # -- invoking the function --------------------------------------------------------------------
    def invoke(self, batch: list[Record], attempt: int, **state: Any) -> Outcome:
        if self.real_invocations >= self.max_invocations:
            self.capped = True
            raise _Capped
        self.trace.invocations += 1
        self.real_invocations += 1
        for record in batch:
            record.attempts += 1
        self._stale = True
        self.refresh()
        invocation = Invocation(self.trace.invocations, attempt, tuple(r.id for r in batch), self.now, dict(state))
        return for_batch(self.outcomes.next(invocation), batch, self.partial_responses)

    def will_repeat(self, outcome: Outcome) -> bool:
        """True when every later invocation of the same records is known to end exactly like this one."""
        raw = outcome.origin
        if self.outcomes.peek_steady() != raw:
            return False
        return raw.kind != "flaky" and (raw.kind == "poison" or raw == outcome)

    def finish(self, kind: str, detail: str) -> None:
        """Give every record still in play the same final disposition (used when the simulation stops)."""
        for record in self.records:
            if not self.settled(record):
                self.dispose(record, kind, detail)
