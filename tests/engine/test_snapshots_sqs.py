"""SQS state snapshots at named steps: what the queue, the batches and the DLQ hold (table-driven).

Each case names the behaviour and the page the engine cites for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.engine import simulate

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"


@dataclass
class At:
    """The state after the n-th step of `kind` (1-based), or after the last step when kind is "end"."""

    kind: str
    nth: int = 1
    holds: dict[str, set[str]] = field(default_factory=dict)  # place id -> records it holds (ref false)
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)  # record -> attrs of its held item
    labels: dict[str, str] = field(default_factory=dict)  # record -> text in its held item's label
    refs: dict[str, set[str]] = field(default_factory=dict)  # place id -> records shown there for context
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # place id -> meta values
    batch_words: dict[str, str] = field(default_factory=dict)  # place id -> text in its label


@dataclass
class Case:
    behaviour: str
    doc: str
    settings: dict[str, Any]
    records: Any
    outcomes: Any
    checks: list[At]


G = [{"id": "1", "group": "g1"}, {"id": "2", "group": "g1"}, {"id": "3", "group": "g2"}]
CASES = [
    Case(
        "A message that keeps failing is received maxReceiveCount times, then the redrive policy moves it to the DLQ",
        LDG + "services-sqs-configure.html",
        {"report_batch_item_failures": True, "redrive_policy": True, "max_receive_count": 2},
        3,
        ["poison:2"],
        [
            At("invoke", refs={"batch-1": {"1", "2", "3"}}, holds={"queue": {"1", "2", "3"}}),
            At(
                "delete",
                holds={"queue": {"2"}, "processed": {"1", "3"}},
                attrs={"2": {"receive_count": 1, "visible_at_ms": 30_000}},
                labels={"2": "in flight, hidden until +30 s"},
            ),
            At("visible", labels={"2": "hidden until +30 s, then visible again"}),
            At("poll", 2, attrs={"2": {"receive_count": 2, "visible_at_ms": 60_000}}),
            At("redrive", holds={"queue-dlq": {"2"}, "processed": {"1", "3"}}),
        ],
    ),
    Case(
        "FIFO: while message 1 of group g1 is retried, message 2 of g1 waits although visible; g2 goes on",
        LDG + "services-sqs-errorhandling.html",
        {
            "fifo": True,
            "batch_size": 1,
            "report_batch_item_failures": True,
            "redrive_policy": True,
            "max_receive_count": 2,
        },
        G,
        ["poison:1"],
        [
            At("poll", labels={"1": "in flight", "2": "held back", "3": "visible"}, attrs={"2": {"group": "g1"}}),
            At("delete", holds={"processed": {"3"}, "queue": {"1", "2"}}, labels={"2": "held back"}),
            At("redrive", holds={"queue-dlq": {"1"}, "queue": {"2"}}, labels={"2": "visible"}),
            At("end", holds={"queue-dlq": {"1"}, "processed": {"2", "3"}}),
        ],
    ),
    Case(
        "A batch smaller than the batch size waits in the poller for the batching window, hidden in the queue",
        LDG + "invocation-eventsourcemapping.html",
        {"batch_size": 20, "maximum_batching_window_s": 5},
        4,
        ["ok"],
        [
            At("poll", refs={"gathering": {"1", "2", "3", "4"}}, meta={"gathering": {"until_ms": 5_000}}),
            At("invoke", refs={"batch-1": {"1", "2", "3", "4"}}),
            At("end", holds={"processed": {"1", "2", "3", "4"}}),
        ],
    ),
    Case(
        "A standard-queue mapping starts with 5 concurrent invokes: the sixth batch waits in the queue, visible",
        LDG + "services-sqs-scaling.html",
        {"batch_size": 1},
        6,
        ["ok"],
        [
            At("invoke", 5, meta={"queue": {"concurrency": 5}}, labels={"6": "visible"}),
            At("end", holds={"processed": {"1", "2", "3", "4", "5", "6"}}),
        ],
    ),
    Case(
        "Without ReportBatchItemFailures a partial response is ignored: the whole batch is deleted, the failures lost",
        LDG + "services-sqs-errorhandling.html",
        {"report_batch_item_failures": False},
        3,
        ["partial:2"],
        [At("delete", holds={"processed": {"1", "3"}, "lost": {"2"}})],
    ),
    Case(
        "Review rows 1-3: a batch says what came back (success, error, throttled: never ran), then leaves",
        LDG + "services-sqs-errorhandling.html",
        {},
        2,
        ["throttle", "ok"],
        [
            At("invoke", refs={"batch-1": {"1", "2"}}, batch_words={"batch-1": "invoke sent"}),
            At("throttle", batch_words={"batch-1": "throttled: the function did not run"}),
            At("visible", holds={"queue": {"1", "2"}}, labels={"1": "in flight, hidden"}),
            At("invoke", 2, batch_words={"batch-2": "function running"}),
            At("return", batch_words={"batch-2": "returned: success"}),
            At("delete", holds={"processed": {"1", "2"}}),
        ],
    ),
    Case(
        "Review row 7: a FIFO mapping runs at most one batch per message group (here one group)",
        LDG + "services-sqs-scaling.html",
        {"fifo": True, "batch_size": 1},
        [{"id": "1", "group": "g1"}, {"id": "2", "group": "g1"}],
        ["ok"],
        [At("enqueue", meta={"queue": {"concurrency": 1}})],
    ),
]


def state_at(trace, check: At) -> dict:
    if check.kind == "end":
        return trace.steps[-1].snapshot
    matching = [s for s in trace.steps if s.kind == check.kind]
    assert len(matching) >= check.nth, f"no {check.kind} step #{check.nth}: {[s.kind for s in trace.steps]}"
    return matching[check.nth - 1].snapshot


@pytest.mark.parametrize("case", CASES, ids=[c.behaviour[:70] for c in CASES])
def test_sqs_state_at_named_steps(case: Case):
    trace = simulate("sqs", case.settings, case.records, case.outcomes)
    assert any(s.doc == case.doc for s in trace.steps) or any(d.doc == case.doc for d in trace.dispositions.values())
    for check in case.checks:
        snapshot = state_at(trace, check)
        places = {p["id"]: p for p in snapshot["places"]}
        held = {pid: {i["id"] for i in p["items"] if not i["ref"]} for pid, p in places.items()}
        items = {i["id"]: i for p in places.values() for i in p["items"] if not i["ref"]}
        for pid, records in check.holds.items():
            assert held.get(pid, set()) == records, (check, pid, held)
        for pid, records in check.refs.items():
            assert {i["id"] for i in places[pid]["items"] if i["ref"]} == records, (check, pid)
        for record, attrs in check.attrs.items():
            assert {k: items[record]["attrs"].get(k) for k in attrs} == attrs, (check, record, items[record])
        for record, text in check.labels.items():
            assert text in items[record]["label"], (check, record, items[record]["label"])
        for pid, words in check.batch_words.items():
            assert words in places[pid]["label"], (check, pid, places[pid]["label"])
        for pid, values in check.meta.items():
            assert {k: places[pid]["meta"].get(k) for k in values} == values, (check, pid, places[pid]["meta"])
