"""Stream event source mappings: ordered batches per shard, and a failing batch holds up its shard.

Retries continue until success, MaximumRetryAttempts, MaximumRecordAgeInSeconds or the records expiring
from the stream. Bisect splits a failing batch without using up retries; partial batch responses move the
checkpoint to the lowest failed sequence number. AWS documents the order and the limits of these retries,
not the spacing: the one-poll spacing shown here is illustrative.
"""

from __future__ import annotations

from collections import defaultdict

from .context import LDG, Context
from .run import DAY, HOUR, SECOND, Record, Run
from .types import Outcome

ESM = LDG + "invocation-eventsourcemapping.html"
ON_FAILURE = LDG + "kinesis-on-failure-destination.html"
PARTIAL = LDG + "services-ddb-batchfailurereporting.html"
KAFKA_RETRY = LDG + "kafka-retry-configurations.html"
DOCDB = "https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html"
SHOWN_RETRIES = 3
KAFKA_HORIZON = 7 * DAY
DOCDB_HORIZON = DAY

LABELS = {
    "kinesis": ("Kinesis stream", "shard"),
    "dynamodb-streams": ("DynamoDB stream", "shard"),
    "msk": ("MSK topic", "partition"),
    "kafka": ("Kafka topic", "partition"),
    "documentdb": ("Change stream", "stream"),
}


class Lane:
    """Records of one shard (or one partition key within a shard when ParallelizationFactor > 1)."""

    def __init__(self, name: str, records: list[Record]):
        self.name = name
        self.pending = list(records)
        self.splits: list[list[Record]] = []
        self.retries = 0
        self.shown = 0


class Stream:
    def __init__(self, run: Run, ctx: Context):
        self.run, self.ctx = run, ctx
        self.slug = ctx.source.slug
        label, self.unit = LABELS[self.slug]
        run.trace.labels.update(stream=label, poller="Event source mapping")
        self.retention_ms = self._retention()
        self.poll_gap = SECOND // 4 if self.slug == "dynamodb-streams" else SECOND

    def _retention(self) -> int | None:
        if self.slug == "kinesis":
            return self.ctx["retention_hours"] * HOUR
        if self.slug == "dynamodb-streams":
            return DAY
        return None

    def max_retries(self) -> int:
        retries = int(self.ctx.get("maximum_retry_attempts", -1))
        if self.slug in ("msk", "kafka") and retries == -1 and self.ctx.get("on_failure_destination", "none") != "none":
            return 10  # Lambda caps infinite retries at 10 when a Kafka mapping has an on-failure destination
        return retries

    def lanes(self) -> list[Lane]:
        factor = int(self.ctx.get("parallelization_factor", 1))
        grouped: dict[str, list[Record]] = defaultdict(list)
        for record in self.run.records:
            lane = record.shard if factor == 1 else f"{record.shard}/{hash(record.key) % factor}"
            grouped[lane].append(record)
        return [Lane(name, records) for name, records in grouped.items()]

    def start(self) -> None:
        run = self.run
        run.step(
            "stream",
            None,
            "enqueue",
            f"{len(run.records)} record(s) in the {self.unit}(s), in order.",
            [r.id for r in run.records],
            doc=ESM,
        )
        for lane in self.lanes():
            run.at(0, lambda lane=lane: self.next_batch(lane))

    # -- one lane -----------------------------------------------------------------------------------
    def next_batch(self, lane: Lane) -> None:
        run, ctx = self.run, self.ctx
        if lane.splits:
            batch = lane.splits.pop(0)
        else:
            lane.pending = [r for r in lane.pending if not run.settled(r)]
            if not lane.pending:
                return
            batch, lane.retries, lane.shown = lane.pending[: int(ctx["batch_size"])], 0, 0
        if self.expired(lane, batch):
            return
        ids = [r.id for r in batch]
        run.step(
            "poller",
            "stream",
            "poll",
            f"Read a batch of {len(batch)} from {self.unit} {lane.name} (checkpoint before {ids[0]}).",
            ids,
            doc=ESM,
            checkpoint=ids[0],
            retries=lane.retries,
        )
        run.step(
            "poller",
            "function",
            "invoke",
            f"Invoke synchronously with records {ids[0]}–{ids[-1]}."
            if len(ids) > 1
            else f"Invoke synchronously with record {ids[0]}.",
            ids,
            doc=ESM,
            attempt=lane.retries + 1,
        )
        outcome = run.invoke(batch, lane.retries + 1, checkpoint=ids[0])
        duration = ctx.run_time(outcome)
        run.after(duration, lambda: self.handle(lane, batch, outcome))

    def handle(self, lane: Lane, batch: list[Record], outcome: Outcome) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        rbif = ctx.get("report_batch_item_failures", False)
        if outcome.kind == "ok" or (outcome.kind == "malformed" and not rbif):
            run.step("function", "poller", "return", "Success: the checkpoint moves past the batch.", ids)
            self.done(batch, "Processed in order.")
            self.continue_lane(lane, 0)
            return
        if outcome.kind == "partial":
            if not rbif:
                run.step(
                    "function",
                    "poller",
                    "return",
                    "batchItemFailures is ignored (ReportBatchItemFailures is "
                    "off): the whole batch counts as a success.",
                    ids,
                    doc=PARTIAL,
                )
                for record in batch:
                    if record.id in outcome.failed:
                        run.dispose(
                            record,
                            "lost-ignored-response",
                            "Skipped although the handler reported it failed: ReportBatchItemFailures was off.",
                            doc=PARTIAL,
                        )
                self.done(batch, "Processed in order.")
                self.continue_lane(lane, 0)
                return
            known = [r for r in batch if r.id in outcome.failed]
            if known and len(known) == len(outcome.failed):
                first = min(known, key=lambda r: r.position)
                before = [r for r in batch if r.position < first.position]
                run.step(
                    "function",
                    "poller",
                    "error",
                    f"Partial batch response: the checkpoint moves to {first.id}, "
                    "the lowest failed sequence number; the batch is retried from there.",
                    ids,
                    doc=PARTIAL,
                    checkpoint=first.id,
                )
                self.done(before, "Processed; the checkpoint moved past it.")
                self.retry(lane, [r for r in batch if r.position >= first.position], outcome)
                return
            run.step(
                "function",
                "poller",
                "error",
                "batchItemFailures names a record that is not in the batch: the whole batch is treated as failed.",
                ids,
                doc=PARTIAL,
            )
            self.retry(lane, batch, outcome)
            return
        if outcome.kind == "throttle":
            run.step(
                "function",
                "poller",
                "throttle",
                "Throttled: the batch is retried; throttles do not count toward MaximumRetryAttempts.",
                ids,
                doc=ESM,
            )
            self.retry(lane, batch, outcome, counts=False)
            return
        what = {"timeout": "times out", "malformed": "returns an invalid response"}.get(outcome.kind, "raises an error")
        run.step(
            "function",
            "poller",
            "error",
            f"The function {what}: the {self.unit} is blocked until this batch succeeds or is given up.",
            ids,
            doc=ESM,
            blocked=lane.name,
        )
        if ctx.get("bisect_batch_on_function_error") and len(batch) > 1:
            half = len(batch) // 2
            first_half, second_half = batch[:half], batch[half:]
            run.step(
                "poller",
                None,
                "bisect",
                f"Bisect: split into {[r.id for r in first_half]} and "
                f"{[r.id for r in second_half]}; splitting does not use up a retry.",
                ids,
                doc=ON_FAILURE,
            )
            lane.splits[:0] = [first_half, second_half]
            self.continue_lane(lane, self.poll_gap)
            return
        self.retry(lane, batch, outcome)

    def retry(self, lane: Lane, batch: list[Record], outcome: Outcome, counts: bool = True) -> None:
        run = self.run
        if counts:
            lane.retries += 1
        limit = self.max_retries()
        if counts and limit != -1 and lane.retries > limit:
            self.give_up(lane, batch, f"MaximumRetryAttempts ({limit}) used up", "RetryAttemptsExhausted")
            return
        lane.shown += 1
        if lane.shown >= SHOWN_RETRIES and run.will_repeat(outcome) and self.compress(lane, batch, counts):
            return
        lane.splits.insert(0, batch)
        self.continue_lane(lane, self.poll_gap)

    def compress(self, lane: Lane, batch: list[Record], counts: bool) -> bool:
        """The same batch fails the same way forever: jump to whichever limit stops it first."""
        run, ctx = self.run, self.ctx
        oldest = min(r.arrived_ms for r in batch)
        cycle = self.poll_gap + ctx.timeout_ms
        deadlines = []
        limit = self.max_retries()
        if counts and limit != -1:
            deadlines.append((run.now + (limit - lane.retries + 1) * cycle, "retries"))
        age = int(ctx.get("maximum_record_age_s", -1))
        if age != -1:
            deadlines.append((oldest + age * SECOND + 1, "age"))
        if self.retention_ms is not None:
            deadlines.append((oldest + self.retention_ms, "retention"))
        horizon = KAFKA_HORIZON if self.slug in ("msk", "kafka") else DOCDB_HORIZON
        deadlines.append((run.now + horizon, "horizon"))
        end, why = min(deadlines)
        more = max(0, (end - run.now) // cycle)
        run.trace.invocations += more
        if counts:
            lane.retries += more
        run.now = end
        run.step(
            "poller",
            "function",
            "retry-wait",
            f"…the same batch fails again and again: about {more:,} more "
            "attempts (spacing illustrative) while the rest of the " + self.unit + " waits.",
            [r.id for r in batch],
            doc=ESM,
            compressed=more,
            retries=lane.retries,
            blocked=lane.name,
        )
        if why == "retries":
            self.give_up(lane, batch, f"MaximumRetryAttempts ({limit}) used up", "RetryAttemptsExhausted")
        elif why == "age":
            self.give_up(lane, batch, f"Records older than MaximumRecordAgeInSeconds ({age} s)", "RecordAgeExceeded")
        elif why == "retention":
            self.expire(lane, batch)
        else:
            note = (
                "If change stream events expire, Lambda disables the mapping."
                if self.slug == "documentdb"
                else "With MaximumRetryAttempts -1 the mapping keeps retrying until the records expire."
            )
            run.step(
                "poller",
                None,
                "error",
                f"Still failing when the simulation stopped: the {self.unit} is blocked.",
                [r.id for r in batch],
                doc=DOCDB if self.slug == "documentdb" else KAFKA_RETRY,
                note=note,
            )
            for record in lane.pending + [r for split in lane.splits for r in split]:
                if not run.settled(record):
                    run.dispose(record, "blocking", f"Still blocking {self.unit} {lane.name}.", doc=ESM)
        return True

    def expired(self, lane: Lane, batch: list[Record]) -> bool:
        run, ctx = self.run, self.ctx
        oldest = min(r.arrived_ms for r in batch)
        if self.retention_ms is not None and run.now - oldest >= self.retention_ms:
            self.expire(lane, batch)
            return True
        age = int(ctx.get("maximum_record_age_s", -1))
        if age != -1 and lane.retries and run.now - oldest > age * SECOND:
            self.give_up(lane, batch, f"Records older than MaximumRecordAgeInSeconds ({age} s)", "RecordAgeExceeded")
            return True
        return False

    def expire(self, lane: Lane, batch: list[Record]) -> None:
        run = self.run
        hours = self.retention_ms // HOUR
        lost = [r for r in lane.pending if not run.settled(r) and r.arrived_ms + self.retention_ms <= run.now]
        lost += [r for r in batch if not run.settled(r) and r not in lost]
        run.step(
            "stream",
            None,
            "discard",
            f"The stream's retention ({hours} h) ends: unprocessed records are gone.",
            [r.id for r in lost],
            doc=ON_FAILURE if self.slug == "kinesis" else LDG + "services-ddb-params.html",
        )
        for record in lost:
            run.dispose(record, "discarded-retention", f"Expired from the stream after {hours} h, never processed.")
        lane.splits = [[r for r in split if not run.settled(r)] for split in lane.splits]
        lane.splits = [split for split in lane.splits if split]
        self.continue_lane(lane, 0)

    def give_up(self, lane: Lane, batch: list[Record], why: str, condition: str) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        destination = ctx.get("on_failure_destination", "none")
        if destination != "none":
            payload = "metadata and the records" if destination == "s3" else "metadata only (shard, sequence range)"
            run.step(
                "poller",
                "destination",
                "destination",
                f"{why}: a record of the batch ({payload}, condition "
                f"{condition}) goes to the on-failure destination ({destination}); the checkpoint moves on.",
                ids,
                doc=ON_FAILURE,
            )
            for record in batch:
                run.dispose(
                    record,
                    "on-failure-destination",
                    f"{why}; the {destination} destination got {payload}.",
                    doc=ON_FAILURE,
                )
        else:
            run.step(
                "poller",
                None,
                "discard",
                f"{why} and no on-failure destination: the batch is skipped and the checkpoint moves on.",
                ids,
                doc=ON_FAILURE,
            )
            kind = "discarded-max-age" if condition == "RecordAgeExceeded" else "discarded-retries"
            for record in batch:
                run.dispose(record, kind, f"{why}; skipped with no record kept.", doc=ON_FAILURE)
        lane.retries, lane.shown = 0, 0
        self.continue_lane(lane, self.poll_gap)

    def done(self, batch: list[Record], detail: str) -> None:
        for record in batch:
            if not self.run.settled(record):
                self.run.dispose(record, "processed", detail)

    def continue_lane(self, lane: Lane, delay: int) -> None:
        self.run.after(delay, lambda: self.next_batch(lane))


def simulate_stream(run: Run, ctx: Context) -> None:
    run.partial_responses = bool(ctx.get("report_batch_item_failures", False))
    Stream(run, ctx).start()
