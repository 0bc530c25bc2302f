"""Amazon MQ mappings: a failed batch is redelivered by the broker (ActiveMQ default: 6 redeliveries)."""

from __future__ import annotations

from .context import LDG, Context
from .run import SECOND, Run

MQ_ERRORS = LDG + "services-mq-errors.html"
MAX_REDELIVERIES = 6


def simulate_mq(run: Run, ctx: Context) -> None:
    run.trace.labels.update(broker="Amazon MQ broker", poller="Event source mapping", service_dlq="Broker DLQ")
    batch_size = int(ctx["batch_size"])
    batches = [run.records[i : i + batch_size] for i in range(0, len(run.records), batch_size)]

    def deliver(batch, delivery: int) -> None:
        ids = [r.id for r in batch]
        run.step(
            "poller",
            "broker",
            "poll",
            f"Read {len(batch)} message(s) from the broker (delivery {delivery}).",
            ids,
            doc=LDG + "with-mq.html",
            delivery=delivery,
        )
        run.step("poller", "function", "invoke", "Invoke synchronously with the batch.", ids)
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
        if delivery > MAX_REDELIVERIES:
            run.step(
                "broker",
                "service-dlq",
                "dlq",
                f"The broker has redelivered {MAX_REDELIVERIES} times "
                "(maximumRedeliveries): the messages go to the broker's dead-letter queue, if one is configured.",
                ids,
                doc=MQ_ERRORS,
            )
            for record in batch:
                run.dispose(record, "broker-dlq", f"After {MAX_REDELIVERIES} redeliveries.", doc=MQ_ERRORS)
            return
        run.step(
            "broker",
            None,
            "retry-wait",
            "The broker redelivers the messages (spacing illustrative).",
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
            doc=LDG + "with-mq.html",
        ),
    )
    for batch in batches:
        run.at(0, lambda b=batch: deliver(b, 1))
