"""State snapshots: what every resource holds after each step of a trace, as plain data.

A snapshot is `{"t_ms": int, "places": [place, ...]}`. A place is one resource a learner can picture (a queue,
a batch in flight, a shard, Lambda's internal event queue, a DLQ); it lists items, one per record, each with a
status and the attributes that explain the next step (receive count, visibility, attempt, age, position):

    place = {"id": "queue", "kind": "queue", "label": "SQS queue", "meta": {...}, "items": [item, ...],
             "count": 3}
    item = {"id": "1", "status": "hidden", "label": "in flight until +30 s", "ref": False,
            "attrs": {"receive_count": 1, "visible_at_ms": 30000}}

Every record is held (`ref` false) by exactly one place at every step, from the first step to the last; other
places may show it for context (`ref` true: the batch a function is processing, a shard's records behind the
checkpoint). Each flow family supplies the live places from its own bookkeeping; the bins that hold finished
records are built here from the trace's dispositions, so a record's last place always agrees with its
disposition. The schema is documented in docs/trace-schema.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from .types import format_time

MAX_ITEMS = 50  # items listed per place (a panel shows no more); `count` always gives the true number

# Final dispositions -> the bin that holds the record afterwards (id, kind, label). "blocking" has no bin: a
# record still being retried stays where its flow keeps it.
BINS: dict[str, tuple[str, str]] = {
    "processed": ("processed", "Processed"),
    "returned-ok": ("returned", "Answered to the caller"),
    "returned-error": ("returned", "Answered to the caller"),
    "queue-dlq": ("queue-dlq", "Queue's dead-letter queue"),
    "function-dlq": ("function-dlq", "Function's dead-letter queue"),
    "on-failure-destination": ("destination", "On-failure destination"),
    "service-dlq": ("service-dlq", "Event source's dead-letter queue"),
    "broker-dlq": ("broker-dlq", "Broker's dead-letter queue"),
    "records-failed": ("reported-failed", "Reported as failed to the service"),
    "filtered-out": ("filtered", "Filtered out"),
    "discarded-max-age": ("lost", "Discarded or lost"),
    "discarded-retries": ("lost", "Discarded or lost"),
    "discarded-retention": ("lost", "Discarded or lost"),
    "lost-ignored-response": ("lost", "Discarded or lost"),
}
BIN_STATUS = {
    "processed": "done",
    "returned-ok": "ok",
    "returned-error": "error",
    "records-failed": "failed",
    "filtered-out": "filtered",
}
BIN_LABEL = {
    "discarded-max-age": "too old",
    "discarded-retries": "retries used up",
    "discarded-retention": "expired",
    "lost-ignored-response": "deleted though it failed",
}

# What came back from an invoke, as a batch or function place says it once the flow has written the result step.
RESULT_WORDS = {
    "ok": "returned: success",
    "throttle": "throttled: the function did not run",
    "error": "returned: error",
    "timeout": "timed out",
    "malformed": "returned: a response Lambda cannot read",
    "partial": "returned: partial batch response",
}

Snapshotter = Callable[[], list[dict[str, Any]]]


def item(record_id: str, status: str, label: str = "", *, ref: bool = False, **attrs: Any) -> dict[str, Any]:
    """One record in one place. `status` is a short word for styling; `label` says it in words."""
    return {"id": record_id, "status": status, "label": label or status, "ref": ref, "attrs": attrs}


def place(
    place_id: str, kind: str, label: str, items: Iterable[dict[str, Any]] = (), count: int | None = None, **meta: Any
) -> dict[str, Any]:
    """A resource. kind: caller | service | queue | batch | tape | async-queue | broker | function | bin.

    `items` may be a lazy iterable: only the first MAX_ITEMS are built. Pass `count` when it holds more.
    """
    listed = list(itertools.islice(items, MAX_ITEMS))
    return {
        "id": place_id,
        "kind": kind,
        "label": label,
        "meta": meta,
        "items": listed,
        "count": len(listed) if count is None else count,
    }


def until(t_ms: int) -> str:
    """'until +30 s': a moment on the simulated clock, for item labels."""
    return f"until {format_time(t_ms)}"


def _item_label(disposition) -> str:
    """Words for a finished record in its bin (the bin's own label says where it is)."""
    if disposition.kind == "discarded-retries" and disposition.detail.startswith("Not attempted"):
        return "not attempted"
    if disposition.kind in ("service-dlq", "records-failed") and disposition.detail:
        first = disposition.detail.split(". ")[0].rstrip(".")
        return first if len(first) <= 90 else first[:89] + "…"
    return BIN_LABEL.get(disposition.kind, disposition.label)


class Bins:
    """The places that hold finished records, filled as dispositions are made (in the order first filled)."""

    def __init__(self) -> None:
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._counts: dict[str, int] = {}

    def add(self, disposition) -> bool:
        """File a finished record; False for a disposition that leaves it where it is ("blocking")."""
        target = BINS.get(disposition.kind)
        if target is None:
            return False
        bin_id = target[0]
        self._counts[bin_id] = self._counts.get(bin_id, 0) + 1
        held = self._items.setdefault(bin_id, [])
        if len(held) < MAX_ITEMS:
            attrs: dict[str, Any] = {"at_ms": disposition.t_ms}
            if disposition.status_code is not None:
                attrs["status_code"] = disposition.status_code
            held.append(
                item(
                    disposition.record,
                    BIN_STATUS.get(disposition.kind, "failed"),
                    _item_label(disposition),
                    disposition=disposition.kind,
                    **attrs,
                )
            )
        return True

    def places(self, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
        names = dict(BINS.values())
        return [
            place(bin_id, "bin", (labels or {}).get(bin_id, names[bin_id]), list(held), self._counts[bin_id])
            for bin_id, held in self._items.items()
        ]


def holders(snapshot: dict[str, Any]) -> dict[str, list[str]]:
    """record id -> the places that hold it (not as a reference): exactly one each in a consistent snapshot."""
    held: dict[str, list[str]] = {}
    for where in snapshot["places"]:
        for entry in where["items"]:
            if not entry["ref"]:
                held.setdefault(entry["id"], []).append(where["id"])
    return held
