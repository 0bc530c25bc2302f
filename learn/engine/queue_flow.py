"""SQS event source mappings: the queue, not Lambda, decides when a failed message comes back.

A received message is hidden for the visibility timeout. Success deletes it; failure lets it reappear
and be received again (its receive count rises) until the redrive policy moves it to the queue's DLQ, or,
with no redrive policy, until the retention period deletes it.

Batching: a batch goes out when it holds BatchSize messages, when its payload reaches 6 MB, or when the
batching window ends, whichever comes first; a poller that has fewer messages keeps gathering (on every poll,
not once per run). Scaling of a standard queue: 5 concurrent invokes at first, then up to 300 more each minute
while messages keep waiting, to at most 1,250 (or the mapping's maximum concurrency). A FIFO queue is bounded by
its message groups (and the maximum concurrency) instead.
"""

from __future__ import annotations

from learn.engine.wording import plural

from .context import LDG, Context
from .run import MINUTE, SECOND, Record, Run
from .state import RESULT_WORDS, item, place, until
from .types import RECORD_LEVEL, EngineError, Outcome, span

ERRORS = LDG + "services-sqs-errorhandling.html"
CONFIGURE = LDG + "services-sqs-configure.html"
PARAMS = LDG + "services-sqs-parameters.html"
SCALING = LDG + "services-sqs-scaling.html"
RETRIES = LDG + "invocation-retries.html"
FILTERING = LDG + "invocation-eventfiltering.html"
ESM = LDG + "invocation-eventsourcemapping.html"
INITIAL_CONCURRENCY = 5  # standard queues: "starts processing five batches at a time" (services-sqs-scaling)
SCALE_UP_PER_MINUTE = 300  # "up to 300 more concurrent invokes per minute" (services-sqs-scaling)
MAPPING_MAX_CONCURRENCY = 1250  # "the maximum number of invokes ... simultaneously is 1,250" (services-sqs-scaling)
PAYLOAD_LIMIT_KB = 6 * 1024  # a batch goes out when its payload reaches 6 MB (invocation-eventsourcemapping)
SHOWN_REDELIVERIES = 2
SCALING_SIMPLIFIED = (
    "Scaling is simplified: a standard-queue mapping starts with 5 concurrent invokes and, while messages keep "
    "waiting, the simulation adds the full 300 after each minute, up to 1,250 (or the maximum concurrency). AWS "
    'documents "up to" 300 a minute; Lambda also backs off after failed invocations and scales back down when '
    "traffic drops, which is not simulated."
)


def times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


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
        self.fifo = bool(ctx["fifo"])
        self.visible_at = {r.id: 0 for r in run.records}
        self.received_at: dict[str, int] = {}
        self.in_flight: set[str] = set()
        self.batches_running = 0
        self.poll_scheduled_at: int | None = None
        self.shown_redeliveries: dict[str, int] = {}
        # Scaling: the most concurrent invokes the mapping makes now, and the most it can ever make.
        maximum = int(ctx.get("maximum_concurrency", 0) or 0)
        self.cap = min(MAPPING_MAX_CONCURRENCY, maximum) if maximum else MAPPING_MAX_CONCURRENCY
        self.limit = self.cap if self.fifo else min(INITIAL_CONCURRENCY, self.cap)
        self.scale_check_at: int | None = None
        self.limit_shown = False
        # Batching: a batch holds at most batch_size messages and at most 6 MB of payload.
        self.size_kb = int(ctx.get("message_size_kb", 1) or 1)
        self.capacity = max(1, min(ctx["batch_size"], PAYLOAD_LIMIT_KB // self.size_kb))
        self.gathering: list[Record] = []  # messages a poller holds while the batching window runs
        self.gather_deadline: int | None = None
        self.ignored: list[Record] = []  # named in a batchItemFailures that Lambda ignored (the setting is off)
        self.running: dict[int, list[Record]] = {}  # batches the function is processing, by batch number
        self.outcomes: dict[int, str] = {}  # batch number -> the outcome kind the invoke got
        self.results: dict[int, str] = {}  # batch number -> what came back, once its result step is written
        self.batch_numbers = 0
        run.trace.labels.update(queue="SQS FIFO queue" if ctx["fifo"] else "SQS queue", poller="Event source mapping")
        run.snapshotter = self.snapshot
        run.bin_labels = {"processed": "Processed and deleted"}

    # -- state ----------------------------------------------------------------------------------------
    def snapshot(self) -> list[dict]:
        """The queue with each message's visibility and receive count, the batch being gathered, the batches
        the function is processing. Messages in flight stay in the queue (hidden), as in SQS."""
        run, now = self.run, self.run.now
        cycle = self.ctx["visibility_timeout_s"] * SECOND
        held = run.held()
        blocked_groups: set[str] = set()
        if self.fifo:  # a visible message waits while an earlier one of its group is in flight or hidden
            visible = [r for r in self.waiting() if self.visible_at[r.id] <= now]
            eligible = {r.id for r in self.fifo_eligible(visible)}
            blocked_groups = {r.group for r in visible if r.id not in eligible}

        def message(record: Record) -> dict:
            attrs = {"receive_count": record.receive_count}
            if self.fifo:
                attrs["group"] = record.group
            # Received and not deleted: "in flight" in SQS terms, hidden from other consumers until the visibility
            # timeout ends. "hidden" marks one whose batch is over (failed or throttled): it only waits to reappear.
            if record.id in self.in_flight:
                hidden_until = self.received_at[record.id] + cycle
                label = f"in flight, hidden {until(hidden_until)}"
                return item(record.id, "in-flight", label, visible_at_ms=hidden_until, **attrs)
            if self.visible_at[record.id] > now:
                hidden_until = self.visible_at[record.id]
                label = f"in flight, hidden {until(hidden_until)}, then visible again"
                return item(record.id, "hidden", label, visible_at_ms=hidden_until, **attrs)
            if record.group in blocked_groups:
                return item(
                    record.id,
                    "visible",
                    f"visible, held back: an earlier message of {record.group} is not done",
                    **attrs,
                )
            return item(record.id, "visible", "visible", **attrs)

        messages = (message(r) for r in held)
        places = [
            place(
                "queue",
                "queue",
                self.run.trace.label("queue"),
                messages,
                len(held),
                concurrency=self.concurrency_now(held),
                max_concurrency=self.cap,
                batches_running=len(self.running),
                visibility_timeout_s=self.ctx["visibility_timeout_s"],
            )
        ]
        if self.gathering:
            places.append(
                place(
                    "gathering",
                    "batch",
                    "Batch being gathered",
                    (item(r.id, "gathering", ref=True, receive_count=r.receive_count) for r in self.gathering),
                    len(self.gathering),
                    until_ms=self.gather_deadline,
                )
            )
        for number, batch in self.running.items():
            status, words = self.batch_state(number)
            places.append(
                place(
                    f"batch-{number}",
                    "batch",
                    f"Batch {number} ({words})",
                    (item(r.id, status, words, ref=True, receive_count=r.receive_count) for r in batch),
                    len(batch),
                )
            )
        return places

    def concurrency_now(self, held: list[Record]) -> int:
        """The most concurrent invokes the mapping makes now. FIFO: at most one batch per message group."""
        if not self.fifo:
            return self.limit
        return min(self.cap, len({r.group for r in held}) or 1)

    def batch_state(self, number: int) -> tuple[str, str]:
        """A batch's status and words: running until its result step is written, then what came back."""
        result = self.results.get(number)
        if result is None:
            throttled = self.outcomes.get(number) == "throttle"  # a throttled invoke never starts the function
            return ("processing", "invoke sent") if throttled else ("processing", "function running")
        return ("throttled", result) if result.startswith("throttled") else ("returned", result)

    # -- polling ----------------------------------------------------------------------------------
    def schedule_poll(self, t_ms: int) -> None:
        if self.poll_scheduled_at is not None and self.poll_scheduled_at <= t_ms:
            return
        self.poll_scheduled_at = t_ms
        self.run.at(t_ms, self.poll)

    def waiting(self) -> list[Record]:
        return [r for r in self.run.records if not self.run.settled(r) and r.id not in self.in_flight]

    def visible_now(self) -> list[Record]:
        visible = [r for r in self.waiting() if self.visible_at[r.id] <= self.run.now]
        if self.fifo:
            visible = self.fifo_eligible(visible)  # recomputed: the last receive put a group in flight
        return visible

    def poll(self) -> None:
        self.poll_scheduled_at = None
        run = self.run
        self.expire_and_redrive()
        while True:
            visible = self.visible_now()
            if self.gathering:
                room = self.capacity - len(self.gathering)
                if room and visible:
                    self.gather(visible[:room])
                    continue
                if len(self.gathering) < self.capacity and run.now < (self.gather_deadline or 0):
                    break  # still inside the batching window, and nothing more to add
                if self.batches_running >= self.limit:
                    self.at_limit()
                    break
                self.flush()
                continue
            if not visible:
                break
            if self.batches_running >= self.limit:
                self.at_limit()
                break
            batch = visible[: self.capacity]
            if len(batch) < self.capacity and self.ctx["maximum_batching_window_s"]:
                self.start_gathering(batch)
                continue
            self.receive(batch, cut_by_payload=len(batch) < len(visible) and self.capacity < self.ctx["batch_size"])
            self.invoke(batch, "")
        later = [self.visible_at[r.id] for r in self.waiting() if self.visible_at[r.id] > run.now]
        if later and self.batches_running < self.limit:
            self.schedule_poll(min(later))
        if self.gathering and self.gather_deadline is not None and self.gather_deadline > run.now:
            self.schedule_poll(self.gather_deadline)

    # -- scaling ------------------------------------------------------------------------------------
    def at_limit(self) -> None:
        """Every concurrent invoke the mapping may make is busy while messages wait."""
        run = self.run
        if not self.limit_shown:
            self.limit_shown = True
            if self.fifo or self.cap < INITIAL_CONCURRENCY:
                why = f"the maximum concurrency is {self.cap}"
            else:
                why = f"a standard-queue mapping starts with {self.limit} concurrent invokes"
            run.step(
                "poller",
                None,
                "retry-wait",
                f"All {self.limit} concurrent invokes are busy ({why}): the other messages wait in the queue.",
                [r.id for r in self.visible_now()],
                doc=SCALING,
                concurrency=self.limit,
            )
            if not self.fifo:
                run.trace.notes.append(SCALING_SIMPLIFIED)
        if not self.fifo and self.limit < self.cap and self.scale_check_at is None:
            self.scale_check_at = run.now + MINUTE
            run.at(self.scale_check_at, self.scale_up)

    def scale_up(self) -> None:
        self.scale_check_at = None
        run = self.run
        waiting = [r for r in self.visible_now() if r not in self.gathering]
        if not waiting or self.batches_running < self.limit or self.limit >= self.cap:
            return  # no backlog right now (or nothing left to add): the next time the limit binds asks again
        before = self.limit
        self.limit = min(self.cap, self.limit + SCALE_UP_PER_MINUTE)
        capped = " (the maximum concurrency)" if self.cap < MAPPING_MAX_CONCURRENCY else ""
        run.step(
            "poller",
            None,
            "scale",
            f"A minute on, messages still wait with every concurrent invoke busy: the mapping scales from {before} "
            f"to {self.limit} concurrent invokes (up to {SCALE_UP_PER_MINUTE} more a minute, at most "
            f"{self.cap:,}{capped}).",
            [r.id for r in waiting],
            doc=SCALING,
            concurrency=self.limit,
        )
        self.poll()

    # -- batching -----------------------------------------------------------------------------------
    def mark_received(self, batch: list[Record]) -> dict[str, int]:
        for record in batch:
            record.receive_count += 1
            self.in_flight.add(record.id)
            self.received_at[record.id] = self.run.now
        return {r.id: r.receive_count for r in batch}

    def start_gathering(self, batch: list[Record]) -> None:
        run, ctx = self.run, self.ctx
        counts = self.mark_received(batch)
        self.gathering = list(batch)
        self.gather_deadline = run.now + ctx["maximum_batching_window_s"] * SECOND
        run.step(
            "poller",
            "queue",
            "poll",
            f"ReceiveMessage: {plural(len(batch), 'message')}, fewer than the batch size ({ctx['batch_size']}); "
            f"they are hidden for the visibility timeout ({ctx['visibility_timeout_s']} s). The poller keeps gathering "
            f"for up to the batching window ({ctx['maximum_batching_window_s']} s).",
            [r.id for r in batch],
            doc=ESM,
            receive_count=counts,
        )
        self.schedule_poll(self.gather_deadline)

    def gather(self, more: list[Record]) -> None:
        counts = self.mark_received(more)
        self.gathering.extend(more)
        self.run.step(
            "poller",
            "queue",
            "poll",
            f"ReceiveMessage: {plural(len(more), 'more message')} {'joins' if len(more) == 1 else 'join'} the batch "
            f"being gathered "
            f"({len(self.gathering)} so far).",
            [r.id for r in more],
            doc=ESM,
            receive_count=counts,
        )

    def flush(self) -> None:
        """The gathered batch goes out: it is full, it reached 6 MB, or the batching window ended."""
        ctx = self.ctx
        batch, self.gathering, self.gather_deadline = self.gathering, [], None
        if len(batch) >= ctx["batch_size"]:
            why = f" The batch is full ({ctx['batch_size']} messages), so it does not wait for the rest of the window."
        elif len(batch) >= self.capacity:
            why = (
                f" Its payload reached 6 MB ({len(batch)} × {self.size_kb:,} KB), so it does not wait for the rest "
                "of the window."
            )
        else:
            why = f" The batching window ({ctx['maximum_batching_window_s']} s) has ended."
        self.invoke(batch, why)

    # -- one batch ---------------------------------------------------------------------------------
    def receive(self, batch: list[Record], cut_by_payload: bool = False) -> None:
        run, ctx = self.run, self.ctx
        counts = self.mark_received(batch)
        payload = (
            f" At {self.size_kb:,} KB each, {len(batch)} messages make a 6 MB payload, so the batch stops there."
            if cut_by_payload
            else ""
        )
        run.step(
            "poller",
            "queue",
            "poll",
            f"ReceiveMessage: a batch of {len(batch)}; the messages are hidden for "
            f"the visibility timeout ({ctx['visibility_timeout_s']} s).{payload}",
            [r.id for r in batch],
            doc=ESM if cut_by_payload else SCALING,
            receive_count=counts,
        )

    def invoke(self, batch: list[Record], why: str) -> None:
        run, ctx = self.run, self.ctx
        counts = {r.id: r.receive_count for r in batch}
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
        self.batch_numbers += 1
        number = self.batch_numbers
        self.running[number] = batch
        run.step(
            "poller",
            "function",
            "invoke",
            f"Invoke synchronously with {plural(len(batch), 'message')}.{why}",
            [r.id for r in batch],
            doc=ESM if why else LDG + "with-sqs.html",
            receive_count={r.id: counts[r.id] for r in batch},
        )
        outcome = run.invoke(batch, max(r.receive_count for r in batch), receive_count=counts)
        self.outcomes[number] = outcome.kind
        run.refresh(force=True)  # the invoke step shows whether the function runs
        duration = ctx.run_time(outcome)
        run.after(duration, lambda: self.finish(batch, outcome, number))

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
                    f"{times(record.receive_count)} (maxReceiveCount {ctx['max_receive_count']}): the redrive "
                    "policy moves it to the queue's DLQ.",
                    [record.id],
                    doc=CONFIGURE,
                    receive_count=record.receive_count,
                )
                run.dispose(record, "queue-dlq", f"Moved after {record.receive_count} receives.", doc=CONFIGURE)
            run.refresh()  # before the poll that may follow in the same instant

    def finish(self, batch: list[Record], outcome: Outcome, number: int) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        failed: list[Record] = []
        self.results[number] = RESULT_WORDS.get(outcome.kind, "returned")
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
        self.running.pop(number, None)
        self.results.pop(number, None)
        self.outcomes.pop(number, None)
        ignored, self.ignored = self.ignored, []
        succeeded = [r for r in batch if r not in failed and not run.settled(r)]
        if succeeded:
            run.step(
                "poller",
                "queue",
                "delete",
                f"DeleteMessageBatch: {plural(len(succeeded), 'message')} deleted.",
                [r.id for r in succeeded],
                doc=ERRORS,
            )
            for record in succeeded:
                self.in_flight.discard(record.id)
                if record in ignored:
                    run.dispose(
                        record,
                        "lost-ignored-response",
                        "Deleted as a success although the handler reported it failed: ReportBatchItemFailures was "
                        "off.",
                        doc=ERRORS,
                    )
                else:
                    run.dispose(record, "processed", f"Processed on receive {record.receive_count}.")
            run.refresh()  # the delete step shows them deleted, and the failed ones still in flight
        if failed:
            cycle = ctx["visibility_timeout_s"] * SECOND
            for record in failed:
                self.in_flight.discard(record.id)
                self.visible_at[record.id] = self.received_at[record.id] + cycle
            visible = max(self.visible_at[r.id] for r in failed)
            if not self.compress(failed, outcome, visible):
                run.step(
                    "queue",
                    None,
                    "visible",
                    f"The {'throttled' if outcome.kind == 'throttle' else 'failed'} message(s) stay in flight, hidden "
                    f"until the visibility timeout ends, then reappear ({ctx['visibility_timeout_s']} s after they "
                    "were received).",
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
            self.ignored = [r for r in batch if r.id in named]  # deleted with the rest, then marked lost
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
            f"Partial batch response: {plural(len(named), 'failed message')} reported.",
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
            f"…the same failure repeats: {plural(more, 'more receive')}, one every "
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
            f"{plural(len(run.records), 'message')} {'waits' if len(run.records) == 1 else 'wait'} in the queue.",
            [r.id for r in run.records],
            doc=LDG + "with-sqs.html",
        ),
    )
    queue.schedule_poll(0)
