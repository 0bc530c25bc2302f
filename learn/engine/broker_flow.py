"""Amazon MQ mappings: a failed batch is not acknowledged and the broker redelivers it.

ActiveMQ: Lambda applies ActiveMQ's default redelivery policy (maximumRedeliveries 6), then the broker's
dead-letter queue. RabbitMQ: the Lambda docs give no redelivery count (they point to RabbitMQ's own reliability
guide), so the simulation shows a few illustrative redeliveries and then stops following the messages instead of
borrowing the ActiveMQ number. A batch goes out when the batching window ends (500 ms by default), the batch
size is reached or the payload reaches 6 MB (payload size is not modelled).
"""

from __future__ import annotations

from .context import LDG, Context
from .run import SECOND, Run
from .stream_flow import drop_filtered
from .types import span

MQ_ERRORS = LDG + "services-mq-errors.html"
WITH_MQ = LDG + "with-mq.html"
ESM = LDG + "invocation-eventsourcemapping.html"
MAX_REDELIVERIES = 6  # ActiveMQ's default redelivery policy, which Lambda uses
RABBITMQ_SHOWN_DELIVERIES = 3  # how far the simulation follows a failing RabbitMQ batch (no documented count)


def simulate_mq(run: Run, ctx: Context) -> None:
    rabbit = ctx.get("broker_type", "activemq") == "rabbitmq"
    run.trace.labels.update(
        broker="RabbitMQ broker (Amazon MQ)" if rabbit else "ActiveMQ broker (Amazon MQ)",
        poller="Event source mapping",
        service_dlq="Broker DLQ",
    )
    batch_size = int(ctx["batch_size"])
    window = round(float(ctx.get("maximum_batching_window_s", 0) or 0) * SECOND)
    matching = [r for r in run.records if r.matches_filter]
    batches = [matching[i : i + batch_size] for i in range(0, len(matching), batch_size)]

    def gather(batch) -> None:
        """A batch smaller than the batch size waits for the batching window before it goes out."""
        if window and len(batch) < batch_size:
            run.step(
                "poller",
                "broker",
                "poll",
                f"Only {len(batch)} message(s) so far, fewer than the batch size ({batch_size}): gather for up "
                f"to the batching window ({span(window)}) before invoking.",
                [r.id for r in batch],
                doc=ESM,
            )
            run.after(window, lambda: deliver(batch, 1))
        else:
            deliver(batch, 1)

    def deliver(batch, delivery: int) -> None:
        ids = [r.id for r in batch]
        run.step(
            "poller",
            "broker",
            "poll",
            f"Read {len(batch)} message(s) from the broker (delivery {delivery}).",
            ids,
            doc=WITH_MQ,
            delivery=delivery,
        )
        run.step("poller", "function", "invoke", "Invoke synchronously with the batch.", ids, doc=WITH_MQ)
        outcome = run.invoke(batch, delivery)
        run.now += ctx.run_time(outcome)
        if outcome.kind in ("ok", "malformed", "partial"):
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
        run.step("function", "poller", "error", "The batch fails: it is not acknowledged.", ids, doc=MQ_ERRORS)
        if rabbit:
            rabbit_failed(batch, delivery)
            return
        if delivery > MAX_REDELIVERIES:
            run.step(
                "broker",
                "service-dlq",
                "dlq",
                f"ActiveMQ has redelivered {MAX_REDELIVERIES} times (maximumRedeliveries in the default redelivery "
                "policy, which Lambda uses): the messages go to the broker's dead-letter queue, if one is configured.",
                ids,
                doc=MQ_ERRORS,
            )
            for record in batch:
                run.dispose(record, "broker-dlq", f"After {MAX_REDELIVERIES} ActiveMQ redeliveries.", doc=MQ_ERRORS)
            return
        run.step(
            "broker",
            None,
            "retry-wait",
            f"ActiveMQ redelivers the messages (redelivery {delivery} of {MAX_REDELIVERIES}; spacing illustrative).",
            ids,
            doc=MQ_ERRORS,
        )
        run.after(SECOND, lambda: deliver(batch, delivery + 1))

    def rabbit_failed(batch, delivery: int) -> None:
        ids = [r.id for r in batch]
        if delivery >= RABBITMQ_SHOWN_DELIVERIES:
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
        run.step(
            "broker",
            None,
            "retry-wait",
            "RabbitMQ can deliver the unacknowledged messages again (shown as a redelivery; the Lambda docs give "
            "no count or spacing for RabbitMQ).",
            ids,
            doc=MQ_ERRORS,
        )
        run.after(SECOND, lambda: deliver(batch, delivery + 1))

    run.at(
        0,
        lambda: run.step(
            "broker",
            None,
            "enqueue",
            f"{len(run.records)} message(s) on the broker queue.",
            [r.id for r in run.records],
            doc=WITH_MQ,
        ),
    )
    run.at(0, lambda: drop_filtered(run, "broker"))
    for batch in batches:
        run.at(0, lambda b=batch: gather(b))
