"""Asynchronous invocation: Lambda's event queue, its retries, and where failed events end up.

Function errors are retried after 1 minute and then 2 minutes (MaximumRetryAttempts 0-2); throttles and
system errors are retried with a backoff from 1 second to 5 minutes until MaximumEventAgeInSeconds. An event
is discarded the moment its age passes MaximumEventAgeInSeconds, not when its next retry would have been due.
Services in front (SNS, EventBridge, Scheduler) first retry their own delivery to Lambda; each of their attempts
is stamped at its own time. EventBridge and Scheduler document exponential backoff with jitter but not the
delays themselves, so those delays are illustrative (and the same in every run).
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any

from learn.engine.wording import plural

from .context import LDG, Context
from .run import HOUR, MINUTE, SECOND, Record, Run
from .state import RESULT_WORDS, item, place, until
from .types import Outcome, format_time, span

ERRORS = LDG + "invocation-async-error-handling.html"
CONFIGURING = LDG + "invocation-async-configuring.html"
RETAIN = LDG + "invocation-async-retain-records.html"
ASYNC = LDG + "invocation-async.html"
FUNCTION_ERROR_WAITS = (MINUTE, 2 * MINUTE)
SHOWN_THROTTLE_RETRIES = 3
SNS_RETRIES = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html"
EB_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
SCHEDULER_RETRY = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"
CFN = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html"
SNS_ATTEMPTS = 100_015  # "100,015 times, over 23 days" for AWS managed endpoints such as Lambda
SNS_STEADY = 20 * SECOND  # the post-backoff phase: "100,000 times, 20 seconds apart"
SNS_STEADY_FROM = 15  # failed attempts after which every wait is 20 s (3 + 2 + 10 retries before it)
SHOWN_DELIVERY_FAILURES = 3  # the first few failed deliveries get a step each, then one step for the rest
EB_BACKOFF_FIRST = SECOND  # illustrative: AWS documents exponential backoff with jitter, not the delays
EB_BACKOFF_CAP = 10 * MINUTE
EB_ILLUSTRATIVE = (
    "{service} retries delivery with exponential backoff and jitter until its retry policy runs out (here {age} "
    "or {retries} retries, whichever comes first; by default 24 hours and 185), but AWS does not publish the delays: "
    "the retry times shown are illustrative (1 s doubling to at most 10 min, with a fixed pseudo-random jitter, the "
    "same in every run). With the default policy, which limit ends the retries first depends on those unpublished "
    "delays."
)
SNS_ILLUSTRATIVE = (
    "SNS documents the phases of its delivery policy for Lambda (3 immediate retries, 2 one second apart, 10 with "
    "exponential backoff from 1 to 20 s, then every 20 s) and that it adds jitter; the delays inside the backoff "
    "phase and the jitter are not published, so those times are approximate."
)

PRODUCER_LABELS = {
    "s3": "S3 bucket",
    "sns": "SNS topic",
    "eventbridge": "EventBridge rule",
    "eventbridge-scheduler": "Schedule",
    "cloudwatch-logs": "Subscription filter",
    "iot": "IoT rule",
    "codepipeline": "CodePipeline",
    "config": "AWS Config rule",
    "cloudformation": "CloudFormation stack",
    "codecommit": "CodeCommit trigger",
    "ses": "SES receipt rule",
    "sdk-invoke": "Your code (SDK)",
    "step-functions": "Step Functions Task",
}
SERVICE_DLQ_LABELS = {
    "sns": "Subscription's dead-letter queue",
    "eventbridge": "Target's dead-letter queue",
    "eventbridge-scheduler": "Schedule's dead-letter queue",
}
PRODUCER_NAMES = {"sns": "SNS", "eventbridge": "EventBridge", "eventbridge-scheduler": "EventBridge Scheduler"}
SERVICE_DLQ_OWNERS = {"sns": "subscription", "eventbridge": "target", "eventbridge-scheduler": "schedule"}
TARGET_NAMES = {"sqs": "SQS", "sns": "SNS", "s3": "S3", "lambda": "Lambda", "eventbridge": "EventBridge"}
THROTTLED_WORDS = RESULT_WORDS["throttle"]


def about(slug: str, t_ms: int) -> str:
    """A service retry time as a label shows it: EventBridge and Scheduler delays are illustrative, so to the
    nearest second ("about +3 s"); SNS's documented phases keep their exact times."""
    rounded = (t_ms + SECOND // 2) // SECOND * SECOND
    if slug == "sns" or not rounded:
        return format_time(t_ms)
    return f"about {format_time(rounded)}"


# -- state: where each event is, for the snapshots ----------------------------------------------------------
@dataclass
class DeliveryPlan:
    """A service's own delivery retries for one event: when each failed attempt happens (simulated ms) and how
    the retries end ("delivered", "attempts" used up, or maximum "age" reached, at end_ms)."""

    start_ms: int
    times: list[int]
    end: str
    end_ms: int
    max_age_ms: int | None
    shown: int = 0  # failed attempts a step has reported so far

    def failed_by(self, now: int) -> int:
        """Failed attempts made by `now`: every one a step reported, and every one scheduled before this moment
        (the attempts folded into one step have no step of their own)."""
        return max(self.shown, bisect.bisect_left(self.times, now))


@dataclass
class Spot:
    """Where one event is (service | async-queue | function), a status word, a label and its attributes."""

    where: str
    status: str
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)


class Events:
    """Each event's place: still with the service that sends it (with that service's own delivery attempts), in
    Lambda's internal event queue (age, attempt, the retry timer) or at the function. Exactly one place holds
    an event until its disposition files it in a bin."""

    def __init__(self, run: Run, ctx: Context):
        self.run, self.ctx = run, ctx
        self.spots = {r.id: Spot("service", "pending", "not sent yet") for r in run.records}
        self.plans: dict[str, DeliveryPlan] = {}
        self.awaiting_reply: dict[str, int] = {}  # CloudFormation: the stack waits for a reply until then
        # A successful attempt whose event is already in the Processed bin: the function still shows what came
        # back (a reference) at the return step, and only there.
        self.returned: dict[str, Spot] = {}
        # Events whose invocation record went to the on-success destination (time sent): shown there as
        # references, the event itself being held by the Processed bin.
        self.success_records: dict[str, int] = {}
        success = ctx.get("on_success_destination", "none")
        self.success_label = (
            f"On-success destination ({TARGET_NAMES.get(success, success)})" if success != "none" else ""
        )
        slug = ctx.source.slug
        self.service_meta: dict[str, Any] = {}
        if slug == "sns":
            self.service_meta = {"delivery_attempts": SNS_ATTEMPTS, "dlq": bool(ctx.get("subscription_dlq"))}
        elif slug in ("eventbridge", "eventbridge-scheduler"):
            prefix = "target" if slug == "eventbridge" else "schedule"
            self.service_meta = {
                "maximum_retry_attempts": ctx[f"{prefix}_maximum_retry_attempts"],
                "maximum_event_age_s": ctx[f"{prefix}_maximum_event_age_s"],
                "dlq": bool(ctx.get(f"{prefix}_dlq")),
            }
        elif slug == "cloudformation":
            self.service_meta = {"service_timeout_s": ctx["service_timeout_s"]}
        labels = {"lost": "Discarded"}
        dlq = ctx.get("dead_letter_queue", "none")
        if dlq != "none":
            labels["function-dlq"] = f"Function's dead-letter queue ({TARGET_NAMES.get(dlq, dlq)})"
        destination = ctx.get("on_failure_destination", "none")
        if destination != "none":
            labels["destination"] = f"On-failure destination ({TARGET_NAMES.get(destination, destination)})"
        if slug in SERVICE_DLQ_LABELS:
            labels["service-dlq"] = SERVICE_DLQ_LABELS[slug]
        run.bin_labels = labels
        run.snapshotter = self.snapshot

    def put(self, record: Record, where: str, status: str, label: str, **attrs: Any) -> None:
        self.spots[record.id] = Spot(where, status, label, attrs)

    def attempt(self, record: Record) -> int:
        """The Lambda attempt the event is on (1 before the first)."""
        return self.spots[record.id].attrs.get("attempt", 1)

    def snapshot(self) -> list[dict[str, Any]]:
        run, ctx, now = self.run, self.ctx, self.run.now
        max_age = ctx["maximum_event_age_s"] * SECOND
        service, queue, running = [], [], []
        for record in run.held():
            spot = self.spots[record.id]
            if spot.where == "service":
                service.append(self.service_item(record, spot))
                continue
            entry = item(record.id, spot.status, spot.label, age_ms=now - record.arrived_ms, **spot.attrs)
            if spot.where == "function":
                running.append(entry)
            else:
                entry["attrs"]["deadline_ms"] = record.arrived_ms + max_age
                queue.append(entry)
        for record_id, spot in self.returned.items():
            running.append(item(record_id, spot.status, spot.label, ref=True, **spot.attrs))
        for record_id, deadline in self.awaiting_reply.items():
            service.append(
                item(record_id, "waiting", f"waiting for a reply {until(deadline)}", ref=True, deadline_ms=deadline)
            )
        function_meta: dict[str, Any] = {"timeout_s": ctx.get("timeout_s", 3)}
        if ctx.get("reserved_concurrency_zero"):
            function_meta["reserved_concurrency"] = 0
        places = [
            place("service", "service", run.trace.label("service"), service, **self.service_meta),
            place(
                "async-queue",
                "async-queue",
                run.trace.label("async-queue"),
                queue,
                maximum_retry_attempts=ctx["maximum_retry_attempts"],
                maximum_event_age_s=ctx["maximum_event_age_s"],
                dead_letter_queue=ctx.get("dead_letter_queue", "none"),
                on_failure_destination=ctx.get("on_failure_destination", "none"),
                on_success_destination=ctx.get("on_success_destination", "none"),
            ),
            place("function", "function", run.trace.label("function"), running, **function_meta),
        ]
        if self.success_records:
            places.append(
                place(
                    "success-destination",
                    "bin",
                    self.success_label,
                    (
                        item(record_id, "done", "invocation record (condition Success)", ref=True, at_ms=at_ms)
                        for record_id, at_ms in self.success_records.items()
                    ),
                    len(self.success_records),
                )
            )
        return places

    def service_item(self, record: Record, spot: Spot) -> dict[str, Any]:
        """An event the service still holds; with its delivery retries, how many attempts failed and the next."""
        plan = self.plans.get(record.id)
        if plan is None:
            return item(record.id, spot.status, spot.label)
        now = self.run.now
        failed = plan.failed_by(now)
        attrs: dict[str, Any] = {"delivery_attempt": failed, "age_ms": now - plan.start_ms}
        if plan.max_age_ms is not None:
            attrs["deadline_ms"] = plan.start_ms + plan.max_age_ms
        if spot.status == "delivering":
            attrs["delivery_attempt"] = len(plan.times) + 1
            return item(record.id, "delivering", spot.label, **attrs)
        if failed < len(plan.times) or plan.end == "delivered":
            upcoming = plan.times[failed] if failed < len(plan.times) else plan.end_ms
            attrs["next_attempt_at_ms"] = upcoming
            slug = self.ctx.source.slug
            if not failed:
                return item(record.id, "pending", f"delivery attempt 1 at {format_time(upcoming)}", **attrs)
            label = f"delivery attempt {failed} failed; attempt {failed + 1} at {about(slug, upcoming)}"
            return item(record.id, "retry-wait", label, **attrs)
        if plan.end == "attempts":
            return item(record.id, "failed", f"delivery attempt {failed} failed; no retries left", **attrs)
        label = f"delivery attempt {failed} failed; the next retry would come after its maximum age"
        return item(record.id, "failed", label, **attrs)


@dataclass
class AsyncContext(Context):
    """The context, with the events' places for the snapshots."""

    events: Events


def _with_events(run: Run, ctx: Context) -> AsyncContext:
    return AsyncContext(ctx.source, ctx.settings, Events(run, ctx))


def simulate_async(run: Run, ctx: Context) -> None:
    slug = ctx.source.slug
    run.trace.labels.update(service=PRODUCER_LABELS.get(slug, ctx.source.short_name))
    flow = _with_events(run, ctx)
    for record in run.records:
        run.at(0, lambda r=record: _deliver(run, flow, r))


def _deliver(run: Run, ctx: AsyncContext, record: Record) -> None:
    """The service hands the event to Lambda (after its own delivery retries, for SNS and EventBridge)."""
    record.arrived_ms = run.now
    ctx.events.put(record, "service", "delivering", "sent to Lambda (InvocationType Event)")
    if ctx.source.slug == "cloudformation":
        run.step(
            "service",
            "async-queue",
            "send",
            f"The stack sends a Create request; it waits up to "
            f"{ctx['service_timeout_s']} s for a reply on the ResponseURL.",
            [record.id],
            doc=CFN,
        )
    else:
        run.step(
            "service", "async-queue", "send", "The service invokes with InvocationType Event.", [record.id], doc=ASYNC
        )
    ctx.events.put(
        record, "async-queue", "waiting", "waiting for attempt 1", attempt=1, next_attempt_at_ms=run.now + 100
    )
    if ctx.source.slug == "cloudformation":
        ctx.events.awaiting_reply[record.id] = record.arrived_ms + ctx["service_timeout_s"] * SECOND
    run.step(
        "async-queue",
        "service",
        "accept",
        "Lambda queues the event and answers 202 at once: nobody waits.",
        [record.id],
        doc=ASYNC,
        queue_depth=1,
    )
    if ctx.get("reserved_concurrency_zero"):
        ctx.events.put(record, "async-queue", "throttled", "not attempted: reserved concurrency is 0")
        run.step(
            "async-queue", None, "throttle", "Reserved concurrency is 0: no attempt is made.", [record.id], doc=RETAIN
        )
        _give_up(
            run,
            ctx,
            record,
            "Reserved concurrency is 0",
            condition="ZeroReservedConcurrency",
            detail="Not attempted: reserved concurrency is 0 (no retries either)",
        )
        return
    run.after(100, lambda: _attempt(run, ctx, record, 1, throttles=0))


def _age(run: Run, record: Record) -> int:
    return run.now - record.arrived_ms


def _attempt(run: Run, ctx: AsyncContext, record: Record, number: int, throttles: int) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    if _age(run, record) > max_age:
        _too_old(run, ctx, record, "Event too old")
        return
    ctx.events.put(record, "function", "processing", f"attempt {number} running", attempt=number, started_ms=run.now)
    run.step(
        "async-queue",
        "function",
        "invoke",
        f"Attempt {number}: the queue's poller invokes the function.",
        [record.id],
        doc=ASYNC,
        attempt=number,
        age_s=_age(run, record) // SECOND,
    )
    outcome = run.invoke([record], number, event_age_s=_age(run, record) // SECOND)
    if outcome.kind == "throttle":
        # A throttled invoke never starts the function: the invoke step shows it sent, not running.
        ctx.events.put(record, "function", "processing", f"attempt {number}: invoke sent", attempt=number)
        run.refresh(force=True)
        _throttled(run, ctx, record, number, throttles, outcome)
        return
    record.ran = True
    duration = ctx.run_time(outcome)
    run.after(duration, lambda: _completed(run, ctx, record, number, throttles, outcome))


def _completed(run: Run, ctx: AsyncContext, record: Record, number: int, throttles: int, outcome: Outcome) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    if outcome.kind in ("error", "timeout"):
        what = "times out" if outcome.kind == "timeout" else "raises an error"
        failed = "timed out" if outcome.kind == "timeout" else "failed"
        ctx.events.put(record, "function", "returned", RESULT_WORDS[outcome.kind], attempt=number)
        run.step(
            "function",
            "async-queue",
            "error",
            f"The function {what} (a function error).",
            [record.id],
            doc=ERRORS,
            attempt=number,
        )
        retries_used = number - 1
        if retries_used >= ctx["maximum_retry_attempts"]:
            no_more = f"attempt {number} {failed}; no retries left"
            ctx.events.put(record, "async-queue", "failed", no_more, attempt=number)
            _give_up(run, ctx, record, f"{plural(number, 'attempt')} failed", condition="RetriesExhausted")
            return
        wait = FUNCTION_ERROR_WAITS[retries_used]
        if _age(run, record) + wait > max_age:
            _expire_before_retry(run, ctx, record, f"Attempt {number + 1} would come {span(wait)} later")
            return
        ctx.events.put(
            record,
            "async-queue",
            "retry-wait",
            f"attempt {number} {failed}; attempt {number + 1} at {format_time(run.now + wait)}",
            attempt=number + 1,
            next_attempt_at_ms=run.now + wait,
        )
        run.step(
            "async-queue",
            None,
            "retry-wait",
            f"Wait {wait // MINUTE} min before attempt {number + 1}.",
            [record.id],
            doc=ERRORS,
            attempt=number,
        )
        run.after(wait, lambda: _attempt(run, ctx, record, number + 1, throttles))
        return
    note = "The return value of an asynchronous invocation is discarded." if outcome.kind != "ok" else ""
    words = RESULT_WORDS["ok"]
    ctx.events.put(record, "function", "returned", words, attempt=number)
    ctx.events.returned[record.id] = Spot("function", "returned", words, {"attempt": number})
    run.step("function", "async-queue", "return", "The function succeeds.", [record.id], note=note)
    success = ctx.get("on_success_destination", "none")
    if success != "none":
        detail = (
            f"Processed successfully; an invocation record (condition Success) went to the on-success destination "
            f"({TARGET_NAMES.get(success, success)})."
        )
    else:
        detail = "Processed successfully."
    # The event is done at the return step: it rests in the Processed bin there, and the function shows what
    # came back at that step only.
    run.dispose(record, "processed", detail)
    run.refresh()
    del ctx.events.returned[record.id]
    if success != "none":
        ctx.events.success_records[record.id] = run.now
        run.step(
            "async-queue",
            "success-destination",
            "destination",
            f"An invocation record (condition Success) goes to the on-success destination "
            f"({ctx['on_success_destination']}).",
            [record.id],
            doc=RETAIN,
        )
    if ctx.source.slug == "cloudformation":
        ctx.events.awaiting_reply.pop(record.id, None)
        run.step(
            "function",
            "service",
            "respond",
            "The function PUTs SUCCESS to the ResponseURL; the stack continues.",
            [record.id],
            doc=CFN,
        )


def _throttled(run: Run, ctx: AsyncContext, record: Record, number: int, throttles: int, outcome: Outcome) -> None:
    """Throttles go back to the queue with a growing wait (1 s doubling, at most 5 min) until max event age."""
    max_age = ctx["maximum_event_age_s"] * SECOND
    wait = min(SECOND * 2**throttles, 5 * MINUTE)
    ctx.events.put(record, "function", "throttled", THROTTLED_WORDS, attempt=number)
    run.step(
        "function",
        "async-queue",
        "throttle",
        "Throttled (429): the event goes back to the queue; throttles do not use up retry attempts.",
        [record.id],
        doc=ERRORS,
    )
    if _age(run, record) + wait > max_age:
        _expire_before_retry(run, ctx, record, f"The next try would come {span(wait)} later", throttled=True)
        return
    if throttles + 1 >= SHOWN_THROTTLE_RETRIES and run.will_repeat(outcome):
        waited, more = 0, 0
        while _age(run, record) + waited + wait <= max_age:
            waited += wait
            more += 1
            wait = min(wait * 2, 5 * MINUTE)
        run.trace.invocations += more
        ctx.events.put(
            record,
            "async-queue",
            "throttled",
            f"throttled on every try until it reaches its maximum age at {format_time(record.arrived_ms + max_age)}",
            attempt=number,
        )
        run.step(
            "async-queue",
            "function",
            "retry-wait",
            f"…{more} more throttled attempts, waiting up to 5 min between them, until the event reaches its "
            f"maximum age ({span(max_age)}).",
            [record.id],
            doc=ERRORS,
            compressed=more,
        )
        run.at(
            record.arrived_ms + max_age,
            lambda: _too_old(run, ctx, record, "Throttled until the event was too old"),
        )
        return
    ctx.events.put(
        record,
        "async-queue",
        "throttled",
        f"attempt {number} throttled; next try at {format_time(run.now + wait)}",
        attempt=number,
        next_attempt_at_ms=run.now + wait,
    )
    run.step(
        "async-queue",
        None,
        "retry-wait",
        f"Back off {wait // SECOND} s before trying again.",
        [record.id],
        doc=ERRORS,
        note="AWS documents a wait that grows exponentially from 1 s to at most 5 minutes; the doubling shown is "
        "illustrative.",
    )
    run.after(wait, lambda: _attempt(run, ctx, record, number, throttles + 1))


def _expire_before_retry(run: Run, ctx: AsyncContext, record: Record, why: str, throttled: bool = False) -> None:
    """The next try would come after the maximum age: the event leaves the queue when it reaches that age."""
    max_age = ctx["maximum_event_age_s"] * SECOND
    ctx.events.put(
        record,
        "async-queue",
        "expiring",
        f"no more tries: leaves the queue at its maximum age, {format_time(record.arrived_ms + max_age)}",
        attempt=ctx.events.attempt(record),
    )
    run.step(
        "async-queue",
        None,
        "retry-wait",
        f"{why}, after the event's maximum age ({span(max_age)}): Lambda keeps the event in the queue only "
        "until it reaches that age.",
        [record.id],
        doc=CONFIGURING,
        age_s=_age(run, record) // SECOND,
    )
    why_discarded = "Throttled until the event was too old" if throttled else "Event too old"
    run.at(record.arrived_ms + max_age, lambda: _too_old(run, ctx, record, why_discarded))


def _too_old(run: Run, ctx: AsyncContext, record: Record, why: str) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    ctx.events.put(record, "async-queue", "too-old", "reached its maximum age", attempt=ctx.events.attempt(record))
    run.step(
        "async-queue",
        None,
        "discard",
        f"The event has reached MaximumEventAgeInSeconds ({span(max_age)}): Lambda takes it out of the queue.",
        [record.id],
        doc=CONFIGURING,
        age_s=_age(run, record) // SECOND,
    )
    _give_up(run, ctx, record, why, condition="EventAgeExceeded")


def _give_up(run: Run, ctx: AsyncContext, record: Record, why: str, condition: str, detail: str = "") -> None:
    """Lambda gives up on the event: the on-failure destination, else the function's DLQ, else it is discarded.
    `why` starts the step's summary; `detail` (default `why`) starts the disposition's detail."""
    detail = detail or why
    destination = ctx.get("on_failure_destination", "none")
    dlq = ctx.get("dead_letter_queue", "none")
    if destination != "none":
        also = f" The function's DLQ ({dlq}) also receives the event." if dlq != "none" else ""
        if record.ran:
            holds, keeps = "with the request and the response", "the record keeps the request and response"
        else:
            holds = "with the request (there is no response: the function never ran)"
            keeps = "the record keeps the request; the function never ran"
        run.step(
            "async-queue",
            "destination",
            "destination",
            f"{why}: an invocation record (condition {condition}) {holds} goes to the on-failure destination "
            f"({destination}).{also}",
            [record.id],
            doc=RETAIN,
        )
        run.dispose(record, "on-failure-destination", f"{detail}; {keeps}.", doc=RETAIN)
    elif dlq != "none":
        run.step(
            "async-queue",
            "function-dlq",
            "dlq",
            f"{why}: the event goes to the function's dead-letter queue "
            f"({dlq}) with RequestID, ErrorCode and ErrorMessage attributes.",
            [record.id],
            doc=RETAIN,
        )
        run.dispose(record, "function-dlq", f"{detail}; the DLQ holds the event, not the response.", doc=RETAIN)
    else:
        run.step(
            "async-queue",
            None,
            "discard",
            f"{why}, and no DLQ or destination is configured: Lambda discards the event.",
            [record.id],
            doc=ERRORS,
        )
        kind = "discarded-max-age" if condition == "EventAgeExceeded" else "discarded-retries"
        run.dispose(record, kind, f"{detail}; nothing kept it.", doc=ERRORS)
    if ctx.source.slug == "cloudformation":
        run.at(record.arrived_ms + ctx["service_timeout_s"] * SECOND, lambda: _stack_times_out(run, ctx, record))


def _stack_times_out(run: Run, ctx: AsyncContext, record: Record) -> None:
    ctx.events.awaiting_reply.pop(record.id, None)
    run.step(
        "service",
        None,
        "error",
        f"No reply reached the ResponseURL: after ServiceTimeout ({ctx['service_timeout_s']} s) the stack operation "
        "fails.",
        [record.id],
        doc=CFN,
    )


def simulate_delivery_then_async(run: Run, ctx: Context, failures: int) -> None:
    """SNS, EventBridge and Scheduler retry their own delivery to Lambda before Lambda's queue takes over."""
    slug = ctx.source.slug
    run.trace.labels.update(service=PRODUCER_LABELS[slug], service_dlq="Service DLQ")
    flow = _with_events(run, ctx)
    for record in run.records:
        run.at(0, lambda r=record: _service_delivery(run, flow, r, failures))


def _service_delivery(run: Run, ctx: AsyncContext, record: Record, failures: int) -> None:
    slug = ctx.source.slug
    if failures <= 0:
        _deliver(run, ctx, record)
        return
    if slug == "sns":
        max_attempts, max_age_ms, doc = SNS_ATTEMPTS, None, SNS_RETRIES
        if SNS_ILLUSTRATIVE not in run.trace.notes:
            run.trace.notes.append(SNS_ILLUSTRATIVE)
    else:
        prefix = "target" if slug == "eventbridge" else "schedule"
        retries = ctx[f"{prefix}_maximum_retry_attempts"]
        max_attempts = retries + 1
        max_age_ms = ctx[f"{prefix}_maximum_event_age_s"] * SECOND
        doc = EB_RETRY if slug == "eventbridge" else SCHEDULER_RETRY
        note = EB_ILLUSTRATIVE.format(
            service="EventBridge" if slug == "eventbridge" else "EventBridge Scheduler",
            age=f"{max_age_ms // HOUR} h" if max_age_ms % HOUR == 0 else span(max_age_ms),
            retries=retries,
        )
        if note not in run.trace.notes:
            run.trace.notes.append(note)
    times, end, end_ms = _delivery_plan(slug, record.id, failures, max_attempts, max_age_ms)
    start = run.now
    plan = DeliveryPlan(start, [start + t for t in times], end, start + end_ms, max_age_ms)
    ctx.events.plans[record.id] = plan
    illustrative = "Illustrative timing: AWS does not publish the exact retry delays." if slug != "sns" else ""
    count = len(times)
    shown_alone = count <= SHOWN_DELIVERY_FAILURES + 2  # hiding a single attempt would not shorten the trace
    for index, t_ms in enumerate(times):
        attempt = index + 1
        if shown_alone or attempt <= SHOWN_DELIVERY_FAILURES or attempt == count:
            run.at(
                start + t_ms,
                lambda attempt=attempt: _delivery_failed(
                    run,
                    plan,
                    attempt,
                    "error",
                    f"Delivery attempt {attempt} to Lambda fails.",
                    [record.id],
                    doc=doc,
                    note=illustrative,  # the first step already shows the next (illustrative) retry time
                    attempt=attempt,
                ),
            )
        elif attempt == count - 1:
            growth = (
                "SNS keeps to its delivery policy (no delay, then 1 s, then a backoff up to 20 s, then every 20 s)"
                if slug == "sns"
                else "the waits grow exponentially, to at most 10 min in this illustration"
            )
            run.at(
                start + t_ms,
                lambda attempt=attempt, growth=growth: _delivery_failed(
                    run,
                    plan,
                    attempt,
                    "retry-wait",
                    f"…delivery attempts {SHOWN_DELIVERY_FAILURES + 1}–{attempt} also fail; {growth}.",
                    [record.id],
                    doc=doc,
                    note=illustrative,
                    compressed=attempt - SHOWN_DELIVERY_FAILURES,
                ),
            )
    run.at(start + end_ms, lambda: _delivery_end(run, ctx, record, end, count, end_ms, max_attempts, max_age_ms))


def _delivery_failed(run: Run, plan: DeliveryPlan, failed: int, kind: str, summary: str, records, **step) -> None:
    """A step for failed delivery attempt number `failed` (or for the run of them folded into one step)."""
    plan.shown = failed
    run.step("service", "async-queue", kind, summary, records, **step)


def _delivery_end(
    run: Run,
    ctx: AsyncContext,
    record: Record,
    end: str,
    failed: int,
    elapsed_ms: int,
    max_attempts: int,
    max_age_ms: int | None,
) -> None:
    slug = ctx.source.slug
    doc = {"sns": SNS_RETRIES, "eventbridge": EB_RETRY}.get(slug, SCHEDULER_RETRY)
    has_dlq = ctx.get({"sns": "subscription_dlq", "eventbridge": "target_dlq"}.get(slug, "schedule_dlq"))
    # EventBridge and Scheduler delays are illustrative: their totals are given to the nearest second.
    over = span(elapsed_ms) if slug == "sns" else about(slug, elapsed_ms).replace("+", "")
    if end == "delivered":
        ctx.events.put(record, "service", "delivering", f"delivery attempt {failed + 1} succeeds")
        run.step(
            "service",
            None,
            "retry-wait",
            f"The service retried delivery {plural(failed, 'time')} over {over} before Lambda accepted the event.",
            [record.id],
            doc=doc,
        )
        _deliver(run, ctx, record)
        return
    if slug == "sns":
        why = f"The delivery policy is used up ({max_attempts:,} attempts)"
    elif end == "attempts":
        why = f"MaximumRetryAttempts ({max_attempts - 1}) is used up after {plural(failed, 'attempt')} over {over}"
    else:
        why = (
            f"The event has reached the retry policy's MaximumEventAgeInSeconds ({span(max_age_ms or 0)}) "
            f"after {plural(failed, 'failed attempt')}: no more retries"
        )
    if has_dlq:
        owner = SERVICE_DLQ_OWNERS.get(slug, "service")
        run.step(
            "service",
            "service-dlq",
            "dlq",
            f"{why}: the event goes to the {owner}'s dead-letter queue.",
            [record.id],
            doc=doc,
        )
        kept = f"Never reached Lambda; sent to the {owner}'s dead-letter queue ({PRODUCER_NAMES.get(slug, slug)})."
        run.dispose(record, "service-dlq", kept, doc=doc)
    else:
        run.step(
            "service",
            None,
            "discard",
            f"{why}, and there is no dead-letter queue: the service drops the event.",
            [record.id],
            doc=doc,
        )
        kind = "discarded-max-age" if end == "age" else "discarded-retries"
        run.dispose(record, kind, "Never reached Lambda; the service dropped it.", doc=doc)


def _delivery_plan(
    slug: str, record_id: str, failures: int, max_attempts: int, max_age_ms: int | None
) -> tuple[list[int], str, int]:
    """When each failed delivery attempt happens (ms after the first), how the retries end and when.

    The end is "delivered" (the attempt after the failures succeeds), "attempts" (the retry count is used up:
    at the last failed attempt) or "age" (the next retry would pass the maximum age: at that age).
    """
    times: list[int] = []
    t_ms = 0
    attempt = 1
    while True:
        if slug == "sns" and attempt > SNS_STEADY_FROM and max_age_ms is None:
            # SNS's post-backoff phase: every 20 s until the failures or the policy run out (no loop of 100,000)
            last = min(failures, max_attempts)
            times.extend(range(t_ms, t_ms + (last - attempt + 1) * SNS_STEADY, SNS_STEADY))
            t_ms = times[-1]
            if failures < max_attempts:
                return times, "delivered", t_ms + SNS_STEADY
            return times, "attempts", t_ms
        if attempt > failures:
            return times, "delivered", t_ms
        times.append(t_ms)
        if attempt >= max_attempts:
            return times, "attempts", t_ms
        delay = _sns_delay(attempt) if slug == "sns" else _backoff_with_jitter(slug, record_id, attempt)
        if max_age_ms is not None and t_ms + delay > max_age_ms:
            return times, "age", max_age_ms
        t_ms += delay
        attempt += 1


def _sns_delay(failed_attempt: int) -> int:
    """SNS to Lambda: 3 immediate retries, 2 after 1 s, 10 with backoff from 1 to 20 s, then every 20 s."""
    if failed_attempt <= 3:
        return 0
    if failed_attempt <= 5:
        return SECOND
    if failed_attempt <= SNS_STEADY_FROM:
        return min(SNS_STEADY, SECOND * 2 ** (failed_attempt - 6))
    return SNS_STEADY


def _backoff_with_jitter(slug: str, record_id: str, failed_attempt: int) -> int:
    """Illustrative exponential backoff (1 s doubling, at most 10 min) with a jitter that keeps half to all of it.

    The jitter is derived from a SHA-256 of the source, record and attempt, so the same scenario gives the same
    trace in every process (Python's hash() is salted per process; random is not used).
    """
    base = min(EB_BACKOFF_CAP, EB_BACKOFF_FIRST * 2 ** min(failed_attempt - 1, 20))
    digest = hashlib.sha256(f"{slug}|{record_id}|{failed_attempt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return base // 2 + round(fraction * base / 2)
