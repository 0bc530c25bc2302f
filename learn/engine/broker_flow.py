"""Amazon MQ mappings: a failed batch is not acknowledged and the broker redelivers it.

ActiveMQ: Lambda applies ActiveMQ's default redelivery policy (maximumRedeliveries 6), then the broker's
dead-letter queue. RabbitMQ: the Lambda docs give no redelivery count (they point to RabbitMQ's own reliability
guide), so the simulation shows a few illustrative redeliveries and then stops following the messages instead of
borrowing the ActiveMQ number. A batch goes out when the batching window ends (500 ms by default), the batch
size is reached or the payload reaches 6 MB (payload size is not modelled).
"""

from __future__ import annotations

from typing import Any

from learn.engine.wording import plural

from .context import LDG, Context
from .run import SECOND, Record, Run
from .state import item, place, until
from .stream_flow import drop_filtered
from .types import format_time, span

MQ_ERRORS = LDG + "services-mq-errors.html"
WITH_MQ = LDG + "with-mq.html"
ESM = LDG + "invocation-eventsourcemapping.html"
MAX_REDELIVERIES = 6  # ActiveMQ's default redelivery policy, which Lambda uses
# ActiveMQ's default dead-letter queue, shared by every queue on the broker (Apache ActiveMQ's "Message Redelivery
# and DLQ Handling" page, https://activemq.apache.org/message-redelivery-and-dlq-handling, linked from MQ_ERRORS)
DEFAULT_DLQ = "ActiveMQ.DLQ"
RABBITMQ_SHOWN_DELIVERIES = 3  # how far the simulation follows a failing RabbitMQ batch (no documented count)


class BrokerQueue:
    """The queue on the broker, for the snapshots. A message stays on the broker until it is acknowledged or
    dead-lettered, so the broker holds every message: with its status, how often it was delivered
    (receive_count; redeliveries is one less) and when the next redelivery comes. The batch being gathered or
    processed is shown beside it (its messages as references)."""

    def __init__(self, run: Run, ctx: Context, rabbit: bool, window_ms: int):
        self.run, self.ctx, self.rabbit, self.window_ms = run, ctx, rabbit, window_ms
        self.spots: dict[str, tuple[str, str]] = {r.id: ("ready", "on the queue") for r in run.records}
        self.deliveries = {r.id: 0 for r in run.records}
        self.next_at: dict[str, int] = {}
        self.batches: dict[int, tuple[list[Record], str, str, dict[str, Any]]] = {}  # number -> records, status...
        run.snapshotter = self.snapshot
        run.bin_labels = {"processed": "Processed and acknowledged", "lost": "Acknowledged though it failed"}
        if not rabbit:
            run.bin_labels["broker-dlq"] = f"Broker's dead-letter queue ({DEFAULT_DLQ} by default)"

    def put(self, batch: list[Record], status: str, label: str, next_at: int | None = None) -> None:
        for record in batch:
            self.spots[record.id] = (status, label)
            if next_at is None:
                self.next_at.pop(record.id, None)
            else:
                self.next_at[record.id] = next_at

    def snapshot(self) -> list[dict[str, Any]]:
        held = self.run.held()

        def message(record: Record) -> dict[str, Any]:
            status, label = self.spots[record.id]
            count = self.deliveries[record.id]
            attrs: dict[str, Any] = {"receive_count": count, "redeliveries": max(0, count - 1)}
            if record.id in self.next_at:
                attrs["next_attempt_at_ms"] = self.next_at[record.id]
            return item(record.id, status, label, **attrs)

        meta: dict[str, Any] = {
            "broker_type": "rabbitmq" if self.rabbit else "activemq",
            "batch_size": int(self.ctx["batch_size"]),
            "batching_window_ms": self.window_ms,
            "timeout_s": self.ctx.get("timeout_s", 3),
        }
        if not self.rabbit:
            meta["maximum_redeliveries"] = MAX_REDELIVERIES
        places = [
            place("broker", "broker", self.run.trace.label("broker"), (message(r) for r in held), len(held), **meta)
        ]
        for number, (batch, status, label, batch_meta) in self.batches.items():
            refs = (item(r.id, status, ref=True, receive_count=self.deliveries[r.id]) for r in batch)
            places.append(place(f"batch-{number}", "batch", label, refs, len(batch), **batch_meta))
        return places


def simulate_mq(run: Run, ctx: Context) -> None:
    rabbit = ctx.get("broker_type", "activemq") == "rabbitmq"
    run.trace.labels.update(
        broker="RabbitMQ broker (Amazon MQ)" if rabbit else "ActiveMQ broker (Amazon MQ)",
        poller="Event source mapping",
        service_dlq="Broker DLQ",
    )
    batch_size = int(ctx["batch_size"])
    window = round(float(ctx.get("maximum_batching_window_s", 0) or 0) * SECOND)
    broker = BrokerQueue(run, ctx, rabbit, window)
    matching = [r for r in run.records if r.matches_filter]
    batches = [matching[i : i + batch_size] for i in range(0, len(matching), batch_size)]

    def gather(number: int, batch: list[Record]) -> None:
        """A batch smaller than the batch size waits for the batching window before it goes out."""
        if window and len(batch) < batch_size:
            ends = run.now + window
            broker.put(batch, "gathering", f"being gathered into batch {number} {until(ends)}")
            broker.batches[number] = (batch, "gathering", f"Batch {number} (being gathered)", {"until_ms": ends})
            run.step(
                "poller",
                "broker",
                "poll",
                f"Only {plural(len(batch), 'message')} so far, fewer than the batch size ({batch_size}): gather for up "
                f"to the batching window ({span(window)}) before invoking.",
                [r.id for r in batch],
                doc=ESM,
            )
            run.after(window, lambda: deliver(number, batch, 1))
        else:
            deliver(number, batch, 1)

    def deliver(number: int, batch: list[Record], delivery: int) -> None:
        ids = [r.id for r in batch]
        for record in batch:
            broker.deliveries[record.id] = delivery
        broker.put(batch, "in-flight", f"delivery {delivery}, in batch {number}: not acknowledged yet")
        broker.batches[number] = (batch, "processing", f"Batch {number} (delivery {delivery})", {"delivery": delivery})
        run.step(
            "poller",
            "broker",
            "poll",
            f"Read {plural(len(batch), 'message')} from the broker (delivery {delivery}).",
            ids,
            doc=WITH_MQ,
            delivery=delivery,
        )
        run.step("poller", "function", "invoke", "Invoke synchronously with the batch.", ids, doc=WITH_MQ)
        outcome = run.invoke(batch, delivery)
        run.now += ctx.run_time(outcome)
        broker.batches.pop(number, None)
        if outcome.kind in ("ok", "malformed", "partial"):
            broker.put(batch, "acknowledged", f"acknowledged after delivery {delivery}")
            note = "" if outcome.kind == "ok" else "Amazon MQ mappings have no partial batch response."
            if outcome.kind == "partial":
                run.step(
                    "function",
                    "poller",
                    "return",
                    "The return value is ignored: the batch is acknowledged.",
                    ids,
                    note=note,
                )
                for record in batch:
                    if record.id in outcome.failed:
                        run.dispose(
                            record,
                            "lost-ignored-response",
                            "Acknowledged although the handler meant it as failed: raise an error to get a redelivery.",
                            doc=MQ_ERRORS,
                        )
            else:
                run.step("function", "poller", "return", "Success: the batch is acknowledged.", ids)
            for record in batch:
                if not run.settled(record):
                    run.dispose(record, "processed", f"Acknowledged on delivery {delivery}.")
            return
        broker.put(batch, "unacknowledged", f"delivery {delivery} failed: not acknowledged")
        run.step("function", "poller", "error", "The batch fails: it is not acknowledged.", ids, doc=MQ_ERRORS)
        if rabbit:
            rabbit_failed(number, batch, delivery)
            return
        if delivery > MAX_REDELIVERIES:
            run.step(
                "broker",
                "service-dlq",
                "dlq",
                f"ActiveMQ has redelivered {MAX_REDELIVERIES} times (maximumRedeliveries in the default redelivery "
                f"policy, which Lambda uses): the broker moves the messages to its dead-letter queue, by default the "
                f"shared {DEFAULT_DLQ}.",
                ids,
                doc=MQ_ERRORS,
                note=f"{DEFAULT_DLQ} is ActiveMQ's default; a dead-letter strategy in the broker's configuration "
                "can give each queue its own dead-letter queue, and by default ActiveMQ dead-letters only persistent "
                "messages (Apache ActiveMQ's Message Redelivery and DLQ Handling page, linked from this Lambda page).",
            )
            for record in batch:
                run.dispose(
                    record,
                    "broker-dlq",
                    f"After {MAX_REDELIVERIES} ActiveMQ redeliveries; in the broker's dead-letter queue ({DEFAULT_DLQ} "
                    "by default).",
                    doc=MQ_ERRORS,
                )
            return
        again = run.now + SECOND
        broker.put(
            batch, "redelivery-wait", f"redelivery {delivery} of {MAX_REDELIVERIES} at {format_time(again)}", again
        )
        run.step(
            "broker",
            None,
            "retry-wait",
            f"ActiveMQ redelivers the messages (redelivery {delivery} of {MAX_REDELIVERIES}; spacing illustrative).",
            ids,
            doc=MQ_ERRORS,
        )
        run.after(SECOND, lambda: deliver(number, batch, delivery + 1))

    def rabbit_failed(number: int, batch: list[Record], delivery: int) -> None:
        ids = [r.id for r in batch]
        if delivery >= RABBITMQ_SHOWN_DELIVERIES:
            broker.put(batch, "unacknowledged", f"not acknowledged after {delivery} deliveries; no longer followed")
            run.step(
                "broker",
                None,
                "error",
                f"The simulation stops following these messages after {delivery} failed deliveries: for RabbitMQ the "
                "Lambda docs give no redelivery count. What the broker does next (deliver again, dead-letter them) "
                "depends on its own settings; the docs point to RabbitMQ's reliability guide.",
                ids,
                doc=MQ_ERRORS,
            )
            for record in batch:
                run.dispose(
                    record,
                    "blocking",
                    f"Not acknowledged after {delivery} deliveries; the Lambda docs do not say how often RabbitMQ "
                    "redelivers, so the simulation stops here.",
                    doc=MQ_ERRORS,
                )
            return
        again = run.now + SECOND
        broker.put(batch, "redelivery-wait", f"delivered again at {format_time(again)} (illustrative)", again)
        run.step(
            "broker",
            None,
            "retry-wait",
            "RabbitMQ can deliver the unacknowledged messages again (shown as a redelivery; the Lambda docs give "
            "no count or spacing for RabbitMQ).",
            ids,
            doc=MQ_ERRORS,
        )
        run.after(SECOND, lambda: deliver(number, batch, delivery + 1))

    run.at(
        0,
        lambda: run.step(
            "broker",
            None,
            "enqueue",
            f"{plural(len(run.records), 'message')} on the broker queue.",
            [r.id for r in run.records],
            doc=WITH_MQ,
        ),
    )
    run.at(0, lambda: drop_filtered(run, "broker"))
    for number, batch in enumerate(batches, start=1):
        run.at(0, lambda n=number, b=batch: gather(n, b))
