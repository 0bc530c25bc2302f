"""Stream-like event source mappings: ordered batches per shard (Kinesis, DynamoDB), per partition (Amazon MSK,
self-managed Kafka) or for the whole change stream (Amazon DocumentDB); a failing batch holds up the rest.

A batch goes out when the batching window ends, the batch size is reached or the payload reaches 6 MB (payload
size is not modelled). Retries continue until success, MaximumRetryAttempts, MaximumRecordAgeInSeconds or the
records expiring from the stream; for DocumentDB, expired change events make Lambda disable the mapping.
Bisect splits a failing batch without using up retries; partial batch responses move a Kinesis or DynamoDB
checkpoint to the lowest failed sequence number and make a Kafka mapping retry only the failed records. AWS
documents the order and the limits of these retries, not the spacing: the one-poll spacing shown here is
illustrative.

State snapshots (`Stream.snapshot`): one tape per shard or partition (the change stream for DocumentDB) holds its
records until they are finished, with the checkpoint and the iterator; a batch place per batch in flight shows
its retries and, after a bisect, which half it is; at the step that says what came back (success, error, timed
out, partial batch response, or a throttled invoke that never ran) it says so, and it is gone from the next step.
A record's `retries` counts its own deliveries; the lane's count toward MaximumRetryAttempts is on the tape's and
the batch's meta. The bins come from the dispositions (engine/state.py).
"""

from __future__ import annotations

import zlib
from collections import defaultdict

from learn.engine.wording import plural

from .context import LDG, Context
from .run import DAY, HOUR, SECOND, Record, Run
from .state import MAX_ITEMS, RESULT_WORDS, item, place, until
from .types import Outcome, span

ESM = LDG + "invocation-eventsourcemapping.html"
ON_FAILURE = LDG + "kinesis-on-failure-destination.html"
DDB_ERRORS = LDG + "services-dynamodb-errors.html"
KINESIS_PARTIAL = LDG + "services-kinesis-batchfailurereporting.html"
PARTIAL = LDG + "services-ddb-batchfailurereporting.html"
WITH_KINESIS = LDG + "with-kinesis.html"
KINESIS_RETENTION = "https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html"
DDB_RETENTION = LDG + "services-ddb-params.html"
KAFKA_RETRY = LDG + "kafka-retry-configurations.html"
KAFKA_ON_FAILURE = LDG + "kafka-on-failure.html"
KAFKA_TOPIC_DESTINATION = LDG + "kafka-on-failure-destination.html"
DOCDB = "https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html"
DOCDB_RETENTION = "https://docs.aws.amazon.com/documentdb/latest/developerguide/change_streams.html"
WITH_DOCDB = LDG + "with-documentdb.html"
SHOWN_RETRIES = 3
KAFKA_HORIZON = 7 * DAY  # Kafka topic retention is the cluster's setting: the simulation stops here instead
KAFKA = ("msk", "kafka")
KAFKA_AUTO_CAP = 10  # infinite retries + an on-failure destination: Lambda applies at most 10 retries

# State snapshots: how a finished record still visible on its tape (behind the checkpoint) is shown.
FINISHED = {
    "processed": ("processed", "processed"),
    "on-failure-destination": ("skipped", "given up: sent to the on-failure destination"),
    "discarded-retries": ("skipped", "given up: retries used up"),
    "discarded-max-age": ("skipped", "given up: too old"),
    "lost-ignored-response": ("skipped", "passed over although it failed"),
    "filtered-out": ("filtered", "filtered out: never sent to the function"),
}
# What each on-failure destination receives (the same facts as Stream.destination_payload, shortened for a bin).
DESTINATION_BINS = {
    "kafka": "On-failure destination: Kafka topic (the failed records themselves)",
    "s3": "On-failure destination: S3 bucket (metadata and the whole invocation record)",
    "sqs": "On-failure destination: SQS queue (metadata only, not the records)",
    "sns": "On-failure destination: SNS topic (metadata only, not the records)",
}
KAFKA_STOPPED = (
    "The simulation stops after showing {span} of retries. A Kafka topic keeps records for its retention "
    "period, which is set on the cluster, not by Lambda, and is not simulated: this run does not show whether "
    "these records would have expired by now. With MaximumRetryAttempts -1 the mapping keeps retrying until they "
    "expire from the topic."
)
LOOK_BACK = 5  # a tape longer than MAX_ITEMS is listed from this many records before the first one still held

LABELS = {
    "kinesis": ("Kinesis stream", "shard"),
    "dynamodb-streams": ("DynamoDB stream", "shard"),
    "msk": ("MSK topic", "partition"),
    "kafka": ("Kafka topic", "partition"),
    "documentdb": ("Change stream", "change stream"),
}


def lane_of(key: str, factor: int) -> int:
    """Which of `factor` concurrent batches of a shard a partition key goes to.

    A stable hash (CRC-32), not Python's hash(): that one is salted per process (PYTHONHASHSEED), which made
    the same scenario give different traces in different processes.
    """
    return zlib.crc32(key.encode("utf-8")) % factor


FILTERING = LDG + "invocation-eventfiltering.html"


def drop_filtered(run: Run, holder: str) -> None:
    """Records that match none of the mapping's filters: "If none of your filters are satisfied, Lambda discards
    the record." They never reach the function (used by the stream, Kafka and Amazon MQ simulations)."""
    dropped = [r for r in run.records if not r.matches_filter]
    if not dropped:
        return
    run.step(
        "poller",
        holder,
        "filter",
        "Records that match none of the filter criteria are discarded without invoking the function.",
        [r.id for r in dropped],
        doc=FILTERING,
    )
    for record in dropped:
        run.dispose(record, "filtered-out", "Discarded by Lambda: it matched none of the filters.", doc=FILTERING)


def records_phrase(batch: list[Record]) -> str:
    """'record 3', 'records 1–4' when the batch is a run of consecutive records, else the ids one by one (with
    ParallelizationFactor or several shards a batch can skip records that went to another batch)."""
    ids = [r.id for r in batch]
    if len(ids) == 1:
        return f"record {ids[0]}"
    positions = [r.position for r in batch]
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return f"records {ids[0]}–{ids[-1]}"
    if len(ids) <= 8:
        return f"records {', '.join(ids[:-1])} and {ids[-1]}"
    return f"{len(ids)} records ({', '.join(ids[:3])}, …, {ids[-1]})"


class Lane:
    """Records of one shard or partition (or one partition key within a shard when ParallelizationFactor > 1)."""

    def __init__(self, name: str, records: list[Record]):
        self.name = name
        self.records = list(records)  # every record of the lane, in order (`pending` loses the settled ones)
        self.pending = list(records)
        self.splits: list[list[Record]] = []
        self.retries = 0
        self.shown = 0
        self.gathered = False  # the batching window has run for the batch being gathered
        self.current: list[Record] = []  # the batch last read: the one `retries` counts for
        self.halves: dict[str, str] = {}  # record id -> which bisect half it is waiting in ("first half of 1–4")
        self.gather_until: int | None = None  # end of the batching window while it runs


class InFlight:
    """A batch the poller has read and is invoking the function with (for the state snapshots)."""

    def __init__(self, number: int, lane: Lane, records: list[Record]):
        self.number, self.lane, self.records = number, lane, records
        self.running = False  # False: read from the stream, the invoke not yet made
        self.retries = lane.retries
        self.half = lane.halves.get(records[0].id, "")
        self.outcome = ""  # the outcome kind the invoke got (a throttled invoke never starts the function)
        self.result = ""  # what came back, set just before the flow writes the result step


class Stream:
    def __init__(self, run: Run, ctx: Context):
        self.run, self.ctx = run, ctx
        self.slug = ctx.source.slug
        self.kafka = self.slug in KAFKA
        self.docdb = self.slug == "documentdb"
        label, self.unit = LABELS[self.slug]
        run.trace.labels.update(stream=label, poller="Event source mapping")
        self.retention_ms = self._retention()
        self.poll_gap = SECOND // 4 if self.slug == "dynamodb-streams" else SECOND
        self.disabled = False  # DocumentDB: Lambda disabled the mapping
        # State snapshots (engine/state.py): the lanes, the batches in flight, one tape per shard or partition.
        self.all_lanes: list[Lane] = []
        self.lane_of: dict[str, Lane] = {}
        self.in_flight: dict[str, InFlight] = {}  # lane name -> the batch it is processing
        self.returned: dict[str, InFlight] = {}  # lane name -> a batch whose result step is the last one written
        self.batch_numbers = 0
        self.tapes: dict[tuple[str, str], list[Record]] = {}  # (id, label) -> its records, in order
        self.positions: dict[str, int] = {}  # record id -> its position on its tape (a Kafka offset)
        self.scanned: dict[str, tuple[int, int]] = {}  # tape or lane -> (first record still held, checkpoint)
        self.tape_lanes: dict[str, list[Lane]] = {}
        self.arrivals: dict[str, int] = {}  # tape -> when its first record arrived
        run.snapshotter = self.snapshot
        run.bin_labels = self._bin_labels()

    def _retention(self) -> int | None:
        if self.slug == "kinesis":
            return self.ctx["retention_hours"] * HOUR
        if self.slug == "dynamodb-streams":
            return DAY
        if self.docdb:
            return int(self.ctx.get("change_stream_retention_hours", 3)) * HOUR
        return None  # Kafka: the topic's retention belongs to the cluster, not to Lambda

    # -- vocabulary ---------------------------------------------------------------------------------
    def name(self, lane: Lane) -> str:
        """The lane as the learner sees it: "shard-1", "partition 0", "change stream", or one of a shard's
        ParallelizationFactor concurrent batches ("concurrent batch 1 of 2 in shard-1")."""
        if self.docdb:
            return "change stream"
        if self.kafka:
            return "partition " + ("0" if lane.name == "shard-1" else lane.name)
        shard, _, index = lane.name.partition("/")
        if index:
            return f"concurrent batch {int(index) + 1} of {self.ctx['parallelization_factor']} in {shard}"
        return shard

    def where(self, lane: Lane) -> str:
        return "the change stream" if self.docdb else self.name(lane)

    def read_from(self, lane: Lane) -> str:
        """Where a batch is read from: the shard (and which of its concurrent batches), partition or stream."""
        shard, _, index = lane.name.partition("/")
        if index and not self.kafka:
            return f"{shard} for concurrent batch {int(index) + 1} of {self.ctx['parallelization_factor']}"
        return self.where(lane)

    def reach(self, lane: Lane, finishing: list[Record] = ()) -> Record | None:
        """The last record of the lane that it and every record before it are finished (counting `finishing` as
        finished): what the checkpoint is after. Filtered or expired records pass without being checkpointed."""
        run, ending = self.run, {r.id for r in finishing}
        last = None
        for record in lane.records:
            if record.id in ending:
                last = record
            elif run.live(record):
                break
            elif run.trace.dispositions[record.id].kind not in ("filtered-out", "discarded-retention"):
                last = record
        return last

    def checkpoint_words(self, lane: Lane, finishing: list[Record] = (), now: bool = False) -> str:
        last = self.reach(lane, finishing)
        if last is None:
            return "nothing checkpointed yet"
        return f"checkpoint {'now ' if now else ''}after record {last.id}"

    def position(self, lane: Lane, first: str) -> str:
        if self.docdb:
            return f"starting at event {first}"
        if "/" in lane.name:  # one of a shard's concurrent batches: the shard's checkpoint is on its tape
            return f"reading from record {first}"
        return f"{self.checkpoint_words(lane)}; reading from record {first}"

    def success(self, lane: Lane, batch: list[Record]) -> str:
        if self.kafka:
            return "Success: Lambda commits the offsets past the batch."
        if self.docdb:
            return "Success: processing moves on to the next events."
        if "/" in lane.name:
            text = f"Success: {self.name(lane)} has processed its records through {batch[-1].id}"
        else:
            text = f"Success: {self.checkpoint_words(lane, batch, now=True)}"
        if lane.splits:  # the other half of a bisect still waits: the shard stays held up
            rest = lane.splits[0]
            half = lane.halves.get(rest[0].id, "records split off by the bisect")
            text += f"; {self.where(lane)} is still held for the {half} ({records_phrase(rest)})"
        return text + "."

    @property
    def moves_on(self) -> str:
        return "processing moves on past these records" if self.kafka else "the checkpoint moves on"

    @property
    def errors_doc(self) -> str:
        """The page on this source's retries, bisect, and on-failure destinations."""
        if self.kafka:
            return KAFKA_RETRY
        return DDB_ERRORS if self.slug == "dynamodb-streams" else ON_FAILURE

    @property
    def partial_doc(self) -> str:
        if self.kafka:
            return KAFKA_RETRY
        return KINESIS_PARTIAL if self.slug == "kinesis" else PARTIAL

    def window_ms(self) -> int:
        return round(float(self.ctx.get("maximum_batching_window_s", 0) or 0) * SECOND)

    def max_retries(self) -> int:
        retries = int(self.ctx.get("maximum_retry_attempts", -1))
        if self.kafka and retries == -1 and self.ctx.get("on_failure_destination", "none") != "none":
            return KAFKA_AUTO_CAP
        return retries

    def retries_used_up(self) -> str:
        limit = self.max_retries()
        if self.kafka and int(self.ctx.get("maximum_retry_attempts", -1)) == -1:
            return (
                "Retries used up (MaximumRetryAttempts is -1, but with an on-failure destination "
                f"Lambda applies at most {limit})"
            )
        return f"MaximumRetryAttempts ({limit}) used up"

    def lanes(self) -> list[Lane]:
        if self.docdb:  # Lambda reads a DocumentDB change stream in order, one invocation at a time
            return [Lane("", list(self.run.records))]
        factor = int(self.ctx.get("parallelization_factor", 1))
        grouped: dict[str, list[Record]] = defaultdict(list)
        for record in self.run.records:
            if self.run.settled(record):  # discarded by the filter criteria
                continue
            lane = record.shard if factor == 1 else f"{record.shard}/{lane_of(record.key, factor)}"
            grouped[lane].append(record)
        return [Lane(name, records) for name, records in grouped.items()]

    def _remember(self, lanes: list[Lane]) -> list[Lane]:
        self.all_lanes = lanes
        self.lane_of = {r.id: lane for lane in lanes for r in lane.pending}
        return lanes

    def start(self) -> None:
        run = self.run
        if self.docdb:
            what = f"{plural(len(run.records), 'change event')} in the change stream, in order."
        elif self.kafka:
            what = f"{plural(len(run.records), 'record')} in the topic's partition(s), in order."
        else:
            what = f"{plural(len(run.records), 'record')} in the shard(s), in order."
        run.step("stream", None, "enqueue", what, [r.id for r in run.records], doc=ESM)
        drop_filtered(run, "stream")
        self.one_key_note()
        for lane in self._remember(self.lanes()):
            run.at(0, lambda lane=lane: self.next_batch(lane))

    def one_key_note(self) -> None:
        """With ParallelizationFactor > 1, say when every record of a shard has the same partition key: they all
        go to one of the shard's concurrent batches, so the factor has no visible effect in this run."""
        factor = int(self.ctx.get("parallelization_factor", 1))
        if self.docdb or self.kafka or factor < 2:
            return
        keys: dict[str, set[str]] = defaultdict(set)
        for record in self.run.records:
            if not self.run.settled(record):
                keys[record.shard].add(record.key)
        for shard, shared in keys.items():
            count = sum(1 for r in self.run.records if r.shard == shard and not self.run.settled(r))
            if count > 1 and len(shared) == 1:
                key = next(iter(shared))
                which = f"partition key {key!r}" if key else "partition key (none was given)"
                self.run.trace.notes.append(
                    f"ParallelizationFactor {factor}: records with the same partition key go to the same one of "
                    f"{shard}'s {factor} concurrent batches, in order. All {count} records in {shard} here share one "
                    f"{which}, so they stay in one batch, in order; give records different keys to see several "
                    "concurrent batches."
                )

    # -- one lane -----------------------------------------------------------------------------------
    def next_batch(self, lane: Lane) -> None:
        run, ctx = self.run, self.ctx
        if self.disabled:
            return
        if lane.splits:
            batch = lane.splits.pop(0)
        else:
            lane.pending = [r for r in lane.pending if not run.settled(r)]
            if not lane.pending:
                return
            size = int(ctx["batch_size"])
            window = self.window_ms()
            if window and not lane.gathered and len(lane.pending) < size:
                lane.gathered = True
                lane.gather_until = run.now + window
                run.step(
                    "poller",
                    "stream",
                    "poll",
                    f"Only {plural(len(lane.pending), 'record')} in {self.where(lane)} so far, fewer than the batch "
                    f"size ({size}): gather for up to the batching window ({span(window)}) before invoking.",
                    [r.id for r in lane.pending],
                    doc=ESM,
                )
                self.continue_lane(lane, window)
                return
            lane.gathered, lane.gather_until = False, None
            batch, lane.retries, lane.shown = lane.pending[:size], 0, 0
            lane.halves = {}
        if self.expired(lane, batch):
            return
        ids = [r.id for r in batch]
        lane.current = batch
        self.batch_numbers += 1
        flight = self.in_flight[lane.name] = InFlight(self.batch_numbers, lane, batch)
        run.step(
            "poller",
            "stream",
            "poll",
            f"Read a batch of {len(batch)} from {self.read_from(lane)} ({self.position(lane, ids[0])}).",
            ids,
            doc=ESM,
            checkpoint=ids[0],
            retries=lane.retries,
        )
        flight.running = True
        run.step(
            "poller",
            "function",
            "invoke",
            f"Invoke synchronously with {records_phrase(batch)}.",
            ids,
            doc=ESM,
            attempt=lane.retries + 1,
        )
        outcome = run.invoke(batch, lane.retries + 1, checkpoint=ids[0])
        flight.outcome = outcome.kind
        if outcome.kind == "throttle":
            run.refresh(force=True)  # the invoke step shows that the function does not run
        duration = ctx.run_time(outcome)
        run.after(duration, lambda: self.handle(lane, batch, outcome))

    def handle(self, lane: Lane, batch: list[Record], outcome: Outcome) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        flight = self.in_flight.pop(lane.name, None)  # the function returned: the batch is back with the poller
        if flight is not None:  # the batch place says what came back at the result step, then leaves
            flight.result = RESULT_WORDS.get(outcome.kind, "returned")
            self.returned[lane.name] = flight
        rbif = ctx.get("report_batch_item_failures", False)
        if outcome.kind == "ok" or (outcome.kind == "malformed" and not rbif):
            run.step("function", "poller", "return", self.success(lane, batch), ids)
            self.done(batch, "Processed in order.")
            self.close(lane)
            self.continue_lane(lane, 0)
            return
        if outcome.kind == "partial":
            if not rbif:
                self.ignore_partial(lane, batch, outcome)
                return
            unknown = [i for i in outcome.failed if i not in ids]
            if unknown:
                run.step(
                    "function",
                    "poller",
                    "error",
                    f"batchItemFailures names {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
                    "not in this batch. The Lambda docs do not say what happens then (they list an unknown ID as a "
                    "full failure only for SQS); this simulation assumes the whole batch failed and retries it.",
                    ids,
                    doc=self.partial_doc,
                    note="Unverified: for stream and Kafka mappings the docs list only an empty or null "
                    "itemIdentifier and a wrong key name as making the whole batch fail.",
                )
                self.close(lane)
                self.retry(lane, batch, outcome)
                return
            failed = [r for r in batch if r.id in outcome.failed]
            if self.kafka:
                ok = [r for r in batch if r.id not in outcome.failed]
                run.step(
                    "function",
                    "poller",
                    "return",
                    f"Partial batch response: Lambda retries only the failed record(s) "
                    f"{', '.join(r.id for r in failed)}; the others count as processed.",
                    ids,
                    doc=KAFKA_RETRY,
                    note="The Kafka page says only the failed records are retried; it does not say whether later "
                    "records of the partition wait for them. Here they are retried before the partition moves on.",
                )
                self.done(ok, "Processed; not named in batchItemFailures.")
                self.close(lane)
                self.retry(lane, failed, outcome)
                return
            first = min(failed, key=lambda r: r.position)
            before = [r for r in batch if r.position < first.position]
            # AWS's checkpoint is the sequence number the retry starts at; the panel marks the same boundary as the
            # last record finished before it ("checkpoint after record N").
            run.step(
                "function",
                "poller",
                "return",
                f"Partial batch response: the checkpoint moves to {first.id}, the lowest failed sequence number "
                f"({self.checkpoint_words(lane, before, now=True)}); the batch is retried from record {first.id}.",
                ids,
                doc=self.partial_doc,
                checkpoint=first.id,
            )
            self.done(before, "Processed; the checkpoint moved past it.")
            self.close(lane)
            self.retry(lane, [r for r in batch if r.position >= first.position], outcome)
            return
        if outcome.kind == "throttle":
            counts = "" if self.docdb else "; throttles do not count toward MaximumRetryAttempts"
            run.step(
                "function",
                "poller",
                "throttle",
                f"Throttled: the batch is retried{counts}.",
                ids,
                doc=ESM if self.docdb else self.errors_doc,
            )
            self.close(lane)
            self.retry(lane, batch, outcome, counts=False)
            return
        what = {"timeout": "times out", "malformed": "returns an invalid response"}.get(outcome.kind, "raises an error")
        if self.docdb:
            why = f"Lambda retries the batch until it succeeds; the rest of {self.where(lane)} waits."
        else:
            why = f"{self.where(lane)} is blocked until this batch succeeds or is given up."
        run.step(
            "function",
            "poller",
            "error",
            f"The function {what}: {why}",
            ids,
            doc=DOCDB if self.docdb else ESM,
            blocked=self.name(lane),
        )
        self.close(lane)
        if ctx.get("bisect_batch_on_function_error") and len(batch) > 1:
            half = len(batch) // 2
            first_half, second_half = batch[:half], batch[half:]
            lane.splits[:0] = [first_half, second_half]
            whole = records_phrase(batch)
            lane.halves.update({r.id: f"first half of {whole}" for r in first_half})
            lane.halves.update({r.id: f"second half of {whole}" for r in second_half})
            run.step(
                "poller",
                None,
                "bisect",
                f"Bisect: split into {[r.id for r in first_half]} and "
                f"{[r.id for r in second_half]}; splitting does not use up a retry.",
                ids,
                doc=self.errors_doc,
            )
            self.continue_lane(lane, self.poll_gap)
            return
        self.retry(lane, batch, outcome)

    def ignore_partial(self, lane: Lane, batch: list[Record], outcome: Outcome) -> None:
        run = self.run
        ids = [r.id for r in batch]
        if self.docdb:
            summary = (
                "DocumentDB mappings have no ReportBatchItemFailures setting, so a batchItemFailures list means "
                "nothing to Lambda: the whole batch counts as a success."
            )
            detail = "Skipped although the handler reported it failed: DocumentDB mappings take no partial response."
            doc = ESM
        else:
            summary = (
                "batchItemFailures is ignored (ReportBatchItemFailures is off): the whole batch counts as a success."
            )
            detail = "Skipped although the handler reported it failed: ReportBatchItemFailures was off."
            doc = self.partial_doc
        run.step("function", "poller", "return", summary, ids, doc=doc)
        for record in batch:
            if record.id in outcome.failed:
                run.dispose(record, "lost-ignored-response", detail, doc=doc)
        self.done(batch, "Processed in order.")
        self.close(lane)
        self.continue_lane(lane, 0)

    def retry(self, lane: Lane, batch: list[Record], outcome: Outcome, counts: bool = True) -> None:
        run = self.run
        if counts:
            lane.retries += 1
        limit = self.max_retries()
        if counts and limit != -1 and lane.retries > limit:
            self.give_up(lane, batch, self.retries_used_up(), "RetryAttemptsExhausted")
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
        else:
            deadlines.append((run.now + KAFKA_HORIZON, "horizon"))
        end, why = min(deadlines)
        end = max(end, run.now)  # a limit already passed (an old record retried after throttles) applies now
        more = max(0, (end - run.now) // cycle)
        run.trace.invocations += more
        for record in batch:
            record.attempts += more
        if counts and more:
            # lane.retries already numbered the next read (retry N); the last of the `more` attempts made is
            # retry N + more - 1: the batch has been retried that many times, not N + more.
            lane.retries += more - 1
        run.now = end
        run.step(
            "poller",
            "function",
            "retry-wait",
            f"…the same batch fails again and again: about {more:,} more "
            f"attempts (spacing illustrative) while the rest of {self.where(lane)} waits.",
            [r.id for r in batch],
            doc=ESM,
            compressed=more,
            retries=lane.retries,
            blocked=self.name(lane),
        )
        if why == "retries":
            self.give_up(lane, batch, self.retries_used_up(), "RetryAttemptsExhausted")
        elif why == "age":
            self.give_up(lane, batch, f"Records older than MaximumRecordAgeInSeconds ({age} s)", "RecordAgeExceeded")
        elif why == "retention":
            self.expire(lane, batch)
        else:
            stopped = KAFKA_STOPPED.format(span=span(KAFKA_HORIZON))
            run.step(
                "poller",
                None,
                "error",
                f"Still failing when the simulation stopped: {self.where(lane)} is blocked.",
                [r.id for r in batch],
                doc=KAFKA_RETRY,
                note=stopped,
            )
            if stopped not in run.trace.notes:
                run.trace.notes.append(stopped)
            for record in lane.pending + [r for split in lane.splits for r in split]:
                if not run.settled(record):
                    run.dispose(record, "blocking", f"Still blocking {self.where(lane)}.", doc=ESM)
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
        if self.docdb:
            self.disable_mapping(batch)
            return
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
            doc=KINESIS_RETENTION if self.slug == "kinesis" else DDB_RETENTION,
        )
        for record in lost:
            run.dispose(record, "discarded-retention", f"Expired from the stream after {hours} h, never processed.")
        lane.splits = [[r for r in split if not run.settled(r)] for split in lane.splits]
        lane.splits = [split for split in lane.splits if split]
        self.continue_lane(lane, 0)

    def disable_mapping(self, batch: list[Record]) -> None:
        """DocumentDB: the events the mapping is stuck on leave the change stream, and Lambda disables it."""
        run = self.run
        hours = self.retention_ms // HOUR
        unsettled = [r for r in run.records if not run.settled(r)]
        gone = [r for r in unsettled if r.arrived_ms + self.retention_ms <= run.now]
        run.step(
            "stream",
            None,
            "discard",
            f"The change stream keeps events for {hours} h (change_stream_log_retention_duration; 3 h by default, "
            "at most 7 days): the events Lambda was still retrying have expired.",
            [r.id for r in gone],
            doc=DOCDB_RETENTION,
        )
        for record in gone:  # they leave the stream at this step: into the lost bin now
            run.dispose(
                record,
                "discarded-retention",
                f"Expired from the change stream after {hours} h, never processed; Lambda disabled the mapping.",
                doc=DOCDB,
            )
        run.refresh()  # the discard step shows them in the lost bin, the mapping not yet disabled
        self.disabled = True  # this step disables the mapping: its snapshot shows it
        run.step(
            "poller",
            None,
            "error",
            "The change stream events have expired, so Lambda disables the event source mapping: nothing more is "
            "read. To go on, create a new mapping with a starting position of your choice.",
            [r.id for r in batch],
            doc=DOCDB,
            disabled=True,
        )
        for record in unsettled:
            if record not in gone:
                run.dispose(record, "blocking", "Not read: Lambda disabled the mapping before reaching it.", doc=DOCDB)

    def give_up(self, lane: Lane, batch: list[Record], why: str, condition: str) -> None:
        run, ctx = self.run, self.ctx
        ids = [r.id for r in batch]
        destination = ctx.get("on_failure_destination", "none")
        if destination != "none":
            payload, doc = self.destination_payload(destination)
            run.step(
                "poller",
                "destination",
                "destination",
                f"{why}: the on-failure destination ({destination}) gets {payload} (condition {condition}); "
                f"{self.moves_on}.",
                ids,
                doc=doc,
            )
            for record in batch:
                run.dispose(
                    record, "on-failure-destination", f"{why}; the {destination} destination got {payload}.", doc=doc
                )
        else:
            run.step(
                "poller",
                None,
                "discard",
                f"{why} and no on-failure destination: the batch is skipped and {self.moves_on}.",
                ids,
                doc=self.errors_doc,
            )
            kind = "discarded-max-age" if condition == "RecordAgeExceeded" else "discarded-retries"
            for record in batch:
                run.dispose(record, kind, f"{why}; skipped with no record kept.", doc=self.errors_doc)
        lane.retries, lane.shown = 0, 0
        self.continue_lane(lane, self.poll_gap)

    def destination_payload(self, destination: str) -> tuple[str, str]:
        """What an on-failure destination receives, and the page that says so."""
        if self.kafka:
            if destination == "kafka":
                return (
                    "the failed records themselves with failure metadata, written by Lambda as a Kafka producer",
                    (KAFKA_TOPIC_DESTINATION),
                )
            if destination == "s3":
                return "metadata about the failed invocation plus the whole invocation record", KAFKA_ON_FAILURE
            return "metadata about the failed invocation only, not the records", KAFKA_ON_FAILURE
        if destination == "s3":
            return "metadata about the batch plus the whole invocation record", self.errors_doc
        return "metadata only (shard, sequence number range), not the records", self.errors_doc

    # -- state ----------------------------------------------------------------------------------------
    def _bin_labels(self) -> dict[str, str]:
        labels = {}
        destination = self.ctx.get("on_failure_destination", "none")
        if destination in DESTINATION_BINS:
            labels["destination"] = DESTINATION_BINS[destination]
        return labels

    def tape_of(self, record: Record) -> tuple[str, str]:
        """The place (id, label) that holds a record: its shard, its partition, or the change stream."""
        if self.docdb:
            return "change-stream", "Change stream"
        if self.kafka:
            name = "0" if record.shard == "shard-1" else record.shard
            return f"partition-{name}", f"{self.run.trace.label('stream')}: partition {name}"
        return record.shard, f"{self.run.trace.label('stream')}: {record.shard}"

    def snapshot(self) -> list[dict]:
        """One tape per shard or partition (the change stream for DocumentDB) listing its records in order, with
        the checkpoint and the iterator; one batch place per batch being processed.

        A tape's `checkpoint` is the position of the last record that it and every record before it are finished
        (processed, or given up and skipped); -1 when none is. Records the filter dropped or that expired from
        the stream do not block it, and do not count as checkpointed. `iterator` is the position of the next record
        the poller reads (a failed batch is read again from the checkpoint), the tape's length once all are read.
        Finished records stay listed (`ref`) behind the checkpoint while the stream keeps them."""
        if not self.tapes:
            for record in self.run.records:
                self.tapes.setdefault(self.tape_of(record), []).append(record)
            for records in self.tapes.values():
                self.positions.update((r.id, index) for index, r in enumerate(records))
        places = [self.tape(tape_id, label, records) for (tape_id, label), records in self.tapes.items()]
        for flight in sorted([*self.in_flight.values(), *self.returned.values()], key=lambda f: f.number):
            places.append(self.batch_place(flight))
        return places

    def first_arrival(self, tape_id: str, records: list[Record]) -> int:
        if tape_id not in self.arrivals:
            self.arrivals[tape_id] = min(r.arrived_ms for r in records)
        return self.arrivals[tape_id]

    def gone(self, record: Record) -> bool:
        """No longer in the stream: expired (the retention period passed) after it was finished."""
        run = self.run
        if run.live(record):
            return False
        if run.trace.dispositions[record.id].kind == "discarded-retention":
            return True
        return self.retention_ms is not None and run.now >= record.arrived_ms + self.retention_ms

    def progress(self, key: str, records: list[Record]) -> tuple[int, int]:
        """(index of the first record still held, checkpoint): the checkpoint is the tape position of the last
        record that it and every record before it (in `records`) are finished. A finished record stays finished,
        so the scan resumes where the last snapshot left it."""
        run = self.run
        index, checkpoint = self.scanned.get(key, (0, -1))
        while index < len(records) and not run.live(records[index]):
            if run.trace.dispositions[records[index].id].kind not in ("filtered-out", "discarded-retention"):
                checkpoint = self.positions[records[index].id]
            index += 1
        self.scanned[key] = (index, checkpoint)
        return index, checkpoint

    def iterator(self, lane: Lane, end: int) -> int:
        if lane.splits:
            return self.positions[lane.splits[0][0].id]
        flight = self.in_flight.get(lane.name)
        reading = {r.id for r in flight.records} if flight else set()
        for record in lane.pending:
            if self.run.live(record) and record.id not in reading:
                return self.positions[record.id]
        return end

    def waiting_retry(self, lane: Lane) -> set[str]:
        """Records read and failed, waiting to be read again (bisect halves, a batch to retry)."""
        run = self.run
        ids = {r.id for split in lane.splits for r in split}
        flight = self.in_flight.get(lane.name)
        if flight is None:  # between the function's answer and the next read
            ids |= {r.id for r in lane.current if r.attempts and run.live(r)}
        return ids

    def blocked(self, lane: Lane) -> bool:
        """A batch of the lane failed (or was throttled) and is being retried: the records behind it wait."""
        flight = self.in_flight.get(lane.name)
        if flight is not None:
            return bool(flight.retries or flight.half or lane.splits)
        return bool(self.waiting_retry(lane))

    def where_attrs(self, record: Record) -> dict:
        position = self.positions[record.id]
        if self.docdb:
            return {"position": position}
        if self.kafka:
            return {"position": position, "partition": self.tape_of(record)[0][len("partition-") :], "offset": position}
        return {"position": position, "shard": record.shard}

    def tape(self, tape_id: str, label: str, records: list[Record]) -> dict:
        run, now = self.run, self.run.now
        lanes = self.tape_lanes.get(tape_id, [])
        if not lanes and self.all_lanes:  # the lanes are set once the poller starts
            for record in records:
                lane = self.lane_of.get(record.id)
                if lane is not None and lane not in lanes:
                    lanes.append(lane)
            self.tape_lanes[tape_id] = lanes
        retrying = set().union(*(self.waiting_retry(lane) for lane in lanes)) if lanes else set()
        blocked = {lane.name for lane in lanes if self.blocked(lane)}
        reading = {r.id: flight for flight in self.in_flight.values() for r in flight.records}

        def entry(record: Record) -> dict:
            attrs = self.where_attrs(record)
            if not run.live(record):
                status, text = FINISHED.get(run.trace.dispositions[record.id].kind, ("done", "finished"))
                return item(record.id, status, text, ref=True, **attrs)
            lane = self.lane_of.get(record.id)
            attrs["age_ms"] = now - record.arrived_ms
            if lane is not None:
                # Its own deliveries: a record waiting in the other half of a bisect has not been retried. The
                # lane's count of retries toward MaximumRetryAttempts is on the tape's and the batch's meta.
                attrs["retries"] = max(0, record.attempts - 1)
                if lane.name and lane.name != record.shard:
                    attrs["lane"] = lane.name
            if self.retention_ms is not None:
                attrs["deadline_ms"] = record.arrived_ms + self.retention_ms
            if run.settled(record):  # "blocking": the run stopped, or Lambda disabled the mapping
                text = (
                    "never read: Lambda disabled the mapping" if self.disabled else "still held up when the run stopped"
                )
                return item(record.id, "blocked", text, **attrs)
            if self.retention_ms is not None and now >= record.arrived_ms + self.retention_ms:
                return item(record.id, "expired", "past the stream's retention period", **attrs)
            flight = reading.get(record.id)
            if flight is not None:
                doing = self.doing(flight)
                half = f", {flight.half}" if flight.half else ""
                if flight.retries:
                    return item(
                        record.id, "retrying", f"retry {flight.retries} in batch {flight.number}{half}", **attrs
                    )
                return item(record.id, "in-batch", f"in batch {flight.number} ({doing}){half}", **attrs)
            if record.id in retrying:
                half = lane.halves.get(record.id) if lane is not None else None
                return item(record.id, "retrying", f"waiting in the {half}" if half else "to be read again", **attrs)
            if lane is not None and lane.gather_until is not None:
                return item(record.id, "unread", f"unread; batching window {until(lane.gather_until)}", **attrs)
            if lane is not None and lane.name in blocked:
                return item(record.id, "unread", "unread; waiting behind the failing batch", **attrs)
            return item(record.id, "unread", "unread", **attrs)

        first_held, checkpoint = self.progress(f"tape {tape_id}", records)
        shown = records
        if self.retention_ms is not None and now >= self.first_arrival(tape_id, records) + self.retention_ms:
            shown = [r for r in records if not self.gone(r)]  # some may have left the stream
            first_held = next((i for i, r in enumerate(shown) if run.live(r)), len(shown))
        start = 0
        if len(shown) > MAX_ITEMS:
            start = max(0, min(first_held - LOOK_BACK, len(shown) - MAX_ITEMS))
        end = len(records)
        meta: dict = {"checkpoint": checkpoint}
        if self.disabled:  # DocumentDB: Lambda disabled the mapping, nothing more is read
            pass
        elif lanes:
            meta["iterator"] = min(self.iterator(lane, end) for lane in lanes)
        else:  # before the poller starts, or when every record was filtered out
            meta["iterator"] = next((self.positions[r.id] for r in records if run.live(r)), end)
        if len(lanes) == 1:  # retries of the batch being retried (the engine's count stays after records expire)
            meta["retries"] = lanes[0].retries if first_held < len(shown) else 0
        if lanes and int(self.ctx.get("parallelization_factor", 1)) > 1:
            # Records with the same partition key go to the same one of these concurrent batches, in order.
            meta["parallelization_factor"] = int(self.ctx["parallelization_factor"])
            meta["lanes"] = [
                {
                    "lane": lane.name,
                    "lane_label": self.name(lane),
                    "checkpoint": self.progress(f"lane {lane.name}", lane.records)[1],
                    "iterator": self.iterator(lane, end),
                    "retries": lane.retries
                    if self.progress(f"lane {lane.name}", lane.records)[0] < len(lane.records)
                    else 0,
                    "blocked": lane.name in blocked,
                }
                for lane in lanes
            ]
        if self.retention_ms is not None:
            meta["retention_ms"] = self.retention_ms
        if self.docdb:
            meta["disabled"] = self.disabled
        meta["blocked"] = bool(blocked)
        if shown[start:]:
            meta["first_listed"] = self.positions[shown[start].id]
        return place(tape_id, "tape", label, (entry(r) for r in shown[start:]), len(shown), **meta)

    def doing(self, flight: InFlight) -> str:
        """A batch's state in words: read, invoke sent (throttled: it never starts), running, what came back."""
        if flight.result:
            return flight.result
        if not flight.running:
            return "read by the poller"
        return "invoke sent" if flight.outcome == "throttle" else "function running"

    def batch_place(self, flight: InFlight) -> dict:
        lane, now = flight.lane, self.run.now
        doing = self.doing(flight)
        label = f"Batch {flight.number} ({doing})"
        if flight.retries:
            label += f", retry {flight.retries}"
        if flight.half:
            label += f", {flight.half}"
        meta: dict = {
            "tape": self.tape_of(flight.records[0])[0],
            "attempt": flight.retries + 1,
            "retries": flight.retries,
            "running": flight.running and not flight.result and flight.outcome != "throttle",
        }
        if flight.result:
            meta["result"] = flight.result
        if flight.half:
            meta["half"] = flight.half
        if "/" in lane.name:  # one of a shard's ParallelizationFactor concurrent batches
            meta["lane"] = lane.name
            meta["lane_label"] = self.name(lane)
            label += f", {self.name(lane)}"
        status = "processing"
        if flight.result:
            status = "throttled" if flight.outcome == "throttle" else "returned"
        invoked = flight.running  # attempts count this delivery once the invoke is made

        def attrs(record: Record) -> dict:
            # The record's own delivery: a record read again after a bisect is retried though the lane's count
            # (toward MaximumRetryAttempts, on the batch's meta) did not move.
            attempt = record.attempts if invoked else record.attempts + 1
            return {"attempt": attempt, "retries": attempt - 1, **self.where_attrs(record)}

        items = (item(r.id, status, doing, ref=True, age_ms=now - r.arrived_ms, **attrs(r)) for r in flight.records)
        return place(f"batch-{flight.number}", "batch", label, items, len(flight.records), **meta)

    def close(self, lane: Lane) -> None:
        """The result step and the dispositions that belong to it are written: its snapshot keeps the batch
        place saying what came back; from the next step on the batch is gone."""
        self.run.refresh()
        self.returned.pop(lane.name, None)

    def done(self, batch: list[Record], detail: str) -> None:
        for record in batch:
            if not self.run.settled(record):
                self.run.dispose(record, "processed", detail)

    def continue_lane(self, lane: Lane, delay: int) -> None:
        self.run.after(delay, lambda: self.next_batch(lane))


def simulate_stream(run: Run, ctx: Context) -> None:
    run.partial_responses = bool(ctx.get("report_batch_item_failures", False))
    Stream(run, ctx).start()
