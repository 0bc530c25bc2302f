"""SQS event source mappings: the queue, not Lambda, decides when a failed message comes back.

A received message is hidden for the visibility timeout. Success deletes it; failure lets it reappear
and be received again (its receive count rises) until the redrive policy moves it to the queue's DLQ, or,
with no redrive policy, until the retention period deletes it.
"""

from __future__ import annotations

from .context import LDG, Context
from .run import SECOND, Record, Run
from .types import RECORD_LEVEL, EngineError, Outcome, span

ERRORS = LDG + "services-sqs-errorhandling.html"
CONFIGURE = LDG + "services-sqs-configure.html"
PARAMS = LDG + "services-sqs-parameters.html"
SCALING = LDG + "services-sqs-scaling.html"
RETRIES = LDG + "invocation-retries.html"
FILTERING = LDG + "invocation-eventfiltering.html"
INITIAL_CONCURRENCY = 5
SHOWN_REDELIVERIES = 2


def validate(ctx: Context) -> None:
    """The checks Lambda makes when you create the mapping."""
    if ctx["fifo"] and ctx["batch_size"] > 10:
        raise EngineError(f"A FIFO queue allows a batch size of at most 10 (got {ctx['batch_size']}).")
    if ctx["fifo"] and ctx["maximum_batching_window_s"]:
        raise EngineError("A FIFO queue cannot use a batching window: set maximum_batching_window_s to 0.")
    if not ctx["fifo"] and ctx["batch_size"] > 10 and ctx["maximum_batching_window_s"] < 1:
        raise EngineError("A batch size above 10 needs a batching window (maximum_batching_window_s) of at least 1 s.")
    if ctx["timeout_s"] > ctx["visibility_timeout_s"]:
        raise EngineError(
            f"The function timeout ({ctx['timeout_s']} s) is longer than the queue's visibility "
            f"timeout ({ctx['visibility_timeout_s']} s): Lambda refuses to create the mapping."
        )


class Queue:
    def __init__(self, run: Run, ctx: Context):
        self.run, self.ctx = run, ctx
        self.visible_at = {r.id: 0 for r in run.records}
        self.in_flight: set[str] = set()
        self.batches_running = 0
        self.poll_scheduled_at: int | None = None
        self.window_waited = False
        self.shown_redeliveries: dict[str, int] = {}
        run.trace.labels.update(queue="SQS FIFO queue" if ctx["fifo"] else "SQS queue", poller="Event source mapping")

    # -- polling ----------------------------------------------------------------------------------
    def schedule_poll(self, t_ms: int) -> None:
        if self.poll_scheduled_at is not None and self.poll_scheduled_at <= t_ms:
            return
        self.poll_scheduled_at = t_ms
        self.run.at(t_ms, self.poll)

    def waiting(self) -> list[Record]:
        return [r for r in self.run.records if not self.run.settled(r) and r.id not in self.in_flight]

    def poll(self) -> None:
        self.poll_scheduled_at = None
        run, ctx = self.run, self.ctx
        self.expire_and_redrive()
        while self.batches_running < INITIAL_CONCURRENCY:
            visible = [r for r in self.waiting() if self.visible_at[r.id] <= run.now]
            if ctx["fifo"]:
                visible = self.fifo_eligible(visible)  # recomputed: the last receive put a group in flight
            if not visible:
                break
            window = ctx["maximum_batching_window_s"] * SECOND
            if len(visible) < ctx["batch_size"] and window and not self.window_waited:
                self.window_waited = True
                run.step(
                    "poller",
                    "queue",
                    "poll",
                    f"Only {len(visible)} message(s) so far: wait up to the batching "
                    f"window ({ctx['maximum_batching_window_s']} s) for more.",
                    [r.id for r in visible],
                    doc=PARAMS,
                )
                self.schedule_poll(run.now + window)
                return
            self.receive(visible[: ctx["batch_size"]])
        later = [self.visible_at[r.id] for r in self.waiting() if self.visible_at[r.id] > run.now]
        if later and self.batches_running < INITIAL_CONCURRENCY:
            self.schedule_poll(min(later))

    def fifo_eligible(self, visible: list[Record]) -> list[Record]:
        """Within a message group nothing overtakes an earlier message that is in flight or waiting."""
        blocked: set[str] = set()
        eligible = []
        for record in sorted(
            self.waiting() + [r for r in self.run.records if r.id in self.in_flight], key=lambda r: r.position
        ):
            if self.run.settled(record):
                continue
            if record.group in blocked:
                continue
            if record.id in self.in_flight or record not in visible:
                blocked.add(record.group)
                continue
            eligible.append(record)
        return eligible

    def expire_and_redrive(self) -> None:
        run, ctx = self.run, self.ctx
        retention = ctx["message_retention_s"] * SECOND
        for record in self.waiting():
            if self.visible_at[record.id] > run.now:
                continue
            if run.now - record.arrived_ms >= retention:
                run.step(
                    "queue",
                    None,
                    "discard",
                    f"Message {record.id} is older than the retention period ({span(retention)}): SQS deletes it.",
                    [record.id],
                    doc=RETRIES,
                    receive_count=record.receive_count,
                )
                run.dispose(
                    record,
                    "discarded-retention",
                    "Deleted by the queue's retention period, never processed.",
                    doc=RETRIES,
                )
            elif ctx["redrive_policy"] and record.receive_count >= ctx["max_receive_count"]:
                run.step(
                    "queue",
                    "queue-dlq",
                    "redrive",
                    f"Message {record.id} has been received "
                    f"{record.receive_count} times (maxReceiveCount {ctx['max_receive_count']}): the redrive "
                    "policy moves it to the queue's DLQ.",
                    [record.id],
                    doc=CONFIGURE,
                    receive_count=record.receive_count,
                )
                run.dispose(record, "queue-dlq", f"Moved after {record.receive_count} receives.", doc=CONFIGURE)

    # -- one batch ---------------------------------------------------------------------------------
    def receive(self, batch: list[Record]) -> None:
        run, ctx = self.run, self.ctx
        for record in batch:
            record.receive_count += 1
            self.in_flight.add(record.id)
        counts = {r.id: r.receive_count for r in batch}
        run.step(
            "poller",
            "queue",
            "poll",
            f"ReceiveMessage: a batch of {len(batch)}; the messages are hidden for "
            f"the visibility timeout ({ctx['visibility_timeout_s']} s).",
            [r.id for r in batch],
            doc=SCALING,
            receive_count=counts,
        )
        dropped = [r for r in batch if not r.matches_filter]
        if dropped:
            run.step(
                "poller",
                "queue",
                "filter",
                "Messages that do not match the filter criteria are deleted without invoking the function.",
                [r.id for r in dropped],
                doc=FILTERING,
            )
            for record in dropped:
                self.in_flight.discard(record.id)
                run.dispose(record, "filtered-out", "Deleted by Lambda: it did not match the filter.", doc=FILTERING)
        batch = [r for r in batch if r.matches_filter]
        if not batch:
            self.schedule_poll(run.now)
            return
        self.batches_running += 1
        received_at = run.now
        run.step(
            "poller",
            "function",
            "invoke",
            f"Invoke synchronously with {len(batch)} message(s).",
            [r.id for r in batch],
            doc=LDG + "with-sqs.html",
            receive_count=counts,
        )
        outcome = run.invoke(batch, max(r.receive_count for r in batch), receive_count=counts)
        duration = ctx.run_time(outcome)
        run.after(duration, lambda: self.finish(batch, outcome, received_at))

    def finish(self, batch: list[Record], outcome: Outcome, received_at: int) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        failed: list[Record] = []
        if outcome.kind == "ok":
            run.step("function", "poller", "return", "The function succeeds.", ids)
        elif outcome.kind == "throttle":
            run.step(
                "function",
                "poller",
                "throttle",
                "Throttled: Lambda lowers the mapping's concurrency and "
                "retries until the visibility timeout passes, then the messages return to the queue.",
                ids,
                doc=ERRORS,
            )
            failed = batch
        elif outcome.kind in ("error", "timeout"):
            what = "times out" if outcome.kind == "timeout" else "raises an error"
            run.step(
                "function",
                "poller",
                "error",
                f"The function {what}: the whole batch failed, including messages it had already processed.",
                ids,
                doc=ERRORS,
            )
            failed = batch
        elif outcome.kind == "malformed":
            if ctx["report_batch_item_failures"]:
                run.step(
                    "function",
                    "poller",
                    "error",
                    "The response is not a valid batchItemFailures list: Lambda treats the whole batch as failed.",
                    ids,
                    doc=ERRORS,
                )
                failed = batch
            else:
                run.step(
                    "function",
                    "poller",
                    "return",
                    "The return value is ignored (ReportBatchItemFailures is off): the batch counts as a success.",
                    ids,
                    doc=ERRORS,
                )
        else:
            failed = self.partial(batch, outcome)
        self.batches_running -= 1
        succeeded = [r for r in batch if r not in failed and not run.settled(r)]
        if succeeded:
            run.step(
                "poller",
                "queue",
                "delete",
                f"DeleteMessageBatch: {len(succeeded)} message(s) deleted.",
                [r.id for r in succeeded],
                doc=ERRORS,
            )
            for record in succeeded:
                self.in_flight.discard(record.id)
                run.dispose(record, "processed", f"Processed on receive {record.receive_count}.")
        if failed:
            visible = received_at + ctx["visibility_timeout_s"] * SECOND
            for record in failed:
                self.in_flight.discard(record.id)
                self.visible_at[record.id] = visible
            if not self.compress(failed, outcome, visible):
                run.step(
                    "queue",
                    None,
                    "visible",
                    f"The failed message(s) stay hidden until the visibility timeout "
                    f"ends, then reappear ({ctx['visibility_timeout_s']} s after they were received).",
                    [r.id for r in failed],
                    doc=RETRIES,
                    receive_count={r.id: r.receive_count for r in failed},
                )
        self.schedule_poll(run.now)

    def partial(self, batch: list[Record], outcome: Outcome) -> list[Record]:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        named = list(outcome.failed)
        if not ctx["report_batch_item_failures"]:
            run.step(
                "function",
                "poller",
                "return",
                f"The function returns batchItemFailures {named}, but "
                "ReportBatchItemFailures is off: Lambda ignores it and deletes the whole batch.",
                ids,
                doc=ERRORS,
            )
            for record in batch:
                if record.id in named:
                    self.in_flight.discard(record.id)
                    run.dispose(
                        record,
                        "lost-ignored-response",
                        "Deleted as a success although the handler "
                        "reported it failed: ReportBatchItemFailures was off.",
                        doc=ERRORS,
                    )
            return []
        unknown = [i for i in named if i not in ids]
        if unknown:
            run.step(
                "function",
                "poller",
                "error",
                f"batchItemFailures names {unknown}, which is not in this batch: "
                "Lambda treats the whole batch as failed.",
                ids,
                doc=ERRORS,
            )
            return batch
        if ctx["fifo"] and outcome.origin.kind in RECORD_LEVEL:
            named = self.with_later_in_group(batch, named)
        run.step(
            "function",
            "poller",
            "return",
            f"Partial batch response: {len(named)} failed message(s) reported.",
            ids,
            doc=ERRORS,
            failed=named,
        )
        if ctx["fifo"]:
            self.fifo_order_check(batch, named)
        return [r for r in batch if r.id in named]

    @staticmethod
    def with_later_in_group(batch: list[Record], named: list[str]) -> list[str]:
        """What a correct FIFO handler reports: each failed message and every later one of its group."""
        first: dict[str, int] = {}
        for record in batch:
            if record.id in named:
                first.setdefault(record.group, record.position)
        return [r.id for r in batch if r.id in named or (r.group in first and r.position > first[r.group])]

    def fifo_order_check(self, batch: list[Record], named: list[str]) -> None:
        """A FIFO handler must report a failed message and every later one of its group."""
        run = self.run
        first_failure: dict[str, int] = {}
        for record in batch:
            if record.id in named and record.group not in first_failure:
                first_failure[record.group] = record.position
        overtaking = [
            r.id
            for r in batch
            if r.group in first_failure and r.position > first_failure[r.group] and r.id not in named
        ]
        if overtaking:
            run.step(
                "poller",
                None,
                "error",
                f"Order broken: {overtaking} processed after an earlier message of the "
                "same group failed. Report the failed message and all later ones of its group.",
                overtaking,
                doc=ERRORS,
                note="AWS: for FIFO, stop at the first failure and return it and every later message.",
            )

    def compress(self, failed: list[Record], outcome: Outcome, visible: int) -> bool:
        """When the same messages will fail the same way forever, jump to where the loop ends."""
        run, ctx = self.run, self.ctx
        others = [r for r in self.waiting() if r not in failed]
        key = ",".join(r.id for r in failed)
        self.shown_redeliveries[key] = self.shown_redeliveries.get(key, 0) + 1
        if (
            others
            or self.in_flight
            or not run.will_repeat(outcome)
            or self.shown_redeliveries[key] <= SHOWN_REDELIVERIES
        ):
            return False
        cycle = ctx["visibility_timeout_s"] * SECOND
        retention = ctx["message_retention_s"] * SECOND
        first = min(r.arrived_ms for r in failed)
        if ctx["redrive_policy"]:
            more = max(0, ctx["max_receive_count"] - max(r.receive_count for r in failed))
            end = visible + more * cycle
        else:
            more = max(0, (first + retention - visible) // cycle)
            end = first + retention
        if more == 0:
            return False
        run.trace.invocations += more
        for record in failed:
            record.receive_count += more
            record.attempts += more
        run.step(
            "queue",
            "function",
            "retry-wait",
            f"…the same failure repeats: {more} more receive(s), one every "
            f"{ctx['visibility_timeout_s']} s, until "
            + ("maxReceiveCount is reached." if ctx["redrive_policy"] else "the retention period ends."),
            [r.id for r in failed],
            doc=RETRIES,
            compressed=more,
            receive_count={r.id: r.receive_count for r in failed},
        )
        for record in failed:
            self.visible_at[record.id] = end
        return True


def simulate_sqs(run: Run, ctx: Context) -> None:
    validate(ctx)
    run.partial_responses = ctx["report_batch_item_failures"]
    queue = Queue(run, ctx)
    if ctx["fifo"]:
        for record in run.records:
            record.group = record.group or "group-1"
    run.at(
        0,
        lambda: run.step(
            "queue",
            None,
            "enqueue",
            f"{len(run.records)} message(s) wait in the queue.",
            [r.id for r in run.records],
            doc=LDG + "with-sqs.html",
        ),
    )
    queue.schedule_poll(0)
