"""Asynchronous invocation: Lambda's event queue, its retries, and where failed events end up.

Function errors are retried after 1 minute and then 2 minutes (MaximumRetryAttempts 0-2); throttles and
system errors are retried with a backoff from 1 second to 5 minutes until MaximumEventAgeInSeconds.
Services in front (SNS, EventBridge, Scheduler) first retry their own delivery to Lambda.
"""

from __future__ import annotations

from .context import LDG, Context
from .run import HOUR, MINUTE, SECOND, Record, Run
from .types import Outcome, span

ERRORS = LDG + "invocation-async-error-handling.html"
RETAIN = LDG + "invocation-async-retain-records.html"
ASYNC = LDG + "invocation-async.html"
FUNCTION_ERROR_WAITS = (MINUTE, 2 * MINUTE)
SHOWN_THROTTLE_RETRIES = 3
SNS_RETRIES = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html"
EB_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
SCHEDULER_RETRY = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"
CFN = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html"

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


def simulate_async(run: Run, ctx: Context) -> None:
    slug = ctx.source.slug
    run.trace.labels.update(service=PRODUCER_LABELS.get(slug, ctx.source.short_name))
    for record in run.records:
        run.at(0, lambda r=record: _deliver(run, ctx, r))


def _deliver(run: Run, ctx: Context, record: Record) -> None:
    """The service hands the event to Lambda (after its own delivery retries, for SNS and EventBridge)."""
    record.arrived_ms = run.now
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
        run.step(
            "async-queue", None, "throttle", "Reserved concurrency is 0: no attempt is made.", [record.id], doc=RETAIN
        )
        _give_up(run, ctx, record, "Reserved concurrency is 0", condition="ZeroReservedConcurrency")
        return
    run.after(100, lambda: _attempt(run, ctx, record, 1, throttles=0))


def _age(run: Run, record: Record) -> int:
    return run.now - record.arrived_ms


def _attempt(run: Run, ctx: Context, record: Record, number: int, throttles: int) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    if _age(run, record) > max_age:
        _too_old(run, ctx, record, "Event too old")
        return
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
        _throttled(run, ctx, record, number, throttles, outcome)
        return
    duration = ctx.run_time(outcome)
    run.after(duration, lambda: _completed(run, ctx, record, number, throttles, outcome))


def _completed(run: Run, ctx: Context, record: Record, number: int, throttles: int, outcome: Outcome) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    if outcome.kind in ("error", "timeout"):
        what = "times out" if outcome.kind == "timeout" else "raises an error"
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
            _give_up(run, ctx, record, f"{number} attempt(s) failed", condition="RetriesExhausted")
            return
        wait = FUNCTION_ERROR_WAITS[retries_used]
        if _age(run, record) + wait > max_age:
            run.after(wait, lambda: _attempt(run, ctx, record, number + 1, throttles))
            return
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
    run.step("function", "async-queue", "return", "The function succeeds.", [record.id], note=note)
    if ctx.get("on_success_destination", "none") != "none":
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
        run.step(
            "function",
            "service",
            "respond",
            "The function PUTs SUCCESS to the ResponseURL; the stack continues.",
            [record.id],
            doc=CFN,
        )
    run.dispose(record, "processed", "Processed successfully.")


def _throttled(run: Run, ctx: Context, record: Record, number: int, throttles: int, outcome: Outcome) -> None:
    """Throttles go back to the queue with a growing wait (1 s doubling, at most 5 min) until max event age."""
    max_age = ctx["maximum_event_age_s"] * SECOND
    wait = min(SECOND * 2**throttles, 5 * MINUTE)
    run.step(
        "function",
        "async-queue",
        "throttle",
        "Throttled (429): the event goes back to the queue; throttles do not use up retry attempts.",
        [record.id],
        doc=ERRORS,
    )
    if throttles + 1 >= SHOWN_THROTTLE_RETRIES and run.will_repeat(outcome):
        waited, more = 0, 0
        while _age(run, record) + waited + wait <= max_age:
            waited += wait
            more += 1
            wait = min(wait * 2, 5 * MINUTE)
        run.trace.invocations += more
        run.now = record.arrived_ms + max_age + SECOND
        run.step(
            "async-queue",
            "function",
            "retry-wait",
            f"…{more} more throttled attempts, waiting up to 5 min between them, until the event is too old.",
            [record.id],
            doc=ERRORS,
            compressed=more,
        )
        _too_old(run, ctx, record, "Throttled until the event was too old")
        return
    run.step(
        "async-queue", None, "retry-wait", f"Back off {wait // SECOND} s before trying again.", [record.id], doc=ERRORS
    )
    run.after(wait, lambda: _attempt(run, ctx, record, number, throttles + 1))


def _too_old(run: Run, ctx: Context, record: Record, why: str) -> None:
    max_age = ctx["maximum_event_age_s"] * SECOND
    run.step(
        "async-queue",
        None,
        "discard",
        f"The event is older than MaximumEventAgeInSeconds ({span(max_age)}).",
        [record.id],
        doc=ERRORS,
        age_s=_age(run, record) // SECOND,
    )
    _give_up(run, ctx, record, why, condition="EventAgeExceeded")


def _give_up(run: Run, ctx: Context, record: Record, why: str, condition: str) -> None:
    destination = ctx.get("on_failure_destination", "none")
    dlq = ctx.get("dead_letter_queue", "none")
    if destination != "none":
        also = f" The function's DLQ ({dlq}) also receives the event." if dlq != "none" else ""
        run.step(
            "async-queue",
            "destination",
            "destination",
            f"{why}: an invocation record (condition {condition}) "
            f"with the request and the response goes to the on-failure destination ({destination}).{also}",
            [record.id],
            doc=RETAIN,
        )
        run.dispose(record, "on-failure-destination", f"{why}; the record keeps the request and response.", doc=RETAIN)
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
        run.dispose(record, "function-dlq", f"{why}; the DLQ holds the event, not the response.", doc=RETAIN)
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
        run.dispose(record, kind, f"{why}; nothing kept it.", doc=ERRORS)
    if ctx.source.slug == "cloudformation":
        timeout_s = ctx["service_timeout_s"]
        run.now = max(run.now, record.arrived_ms + timeout_s * SECOND)
        run.step(
            "service",
            None,
            "error",
            f"No reply reached the ResponseURL: after ServiceTimeout ({timeout_s} s) the stack operation fails.",
            [record.id],
            doc=CFN,
        )


def simulate_delivery_then_async(run: Run, ctx: Context, failures: int) -> None:
    """SNS, EventBridge and Scheduler retry their own delivery to Lambda before Lambda's queue takes over."""
    slug = ctx.source.slug
    run.trace.labels.update(service=PRODUCER_LABELS[slug], service_dlq="Service DLQ")
    for record in run.records:
        run.at(0, lambda r=record: _service_delivery(run, ctx, r, failures))


def _service_delivery(run: Run, ctx: Context, record: Record, failures: int) -> None:
    slug = ctx.source.slug
    if failures <= 0:
        _deliver(run, ctx, record)
        return
    if slug == "sns":
        waits = _sns_schedule(failures)
        limit_attempts, limit_age_ms, doc = 100_015, 23 * 24 * HOUR, SNS_RETRIES
        has_dlq = ctx.get("subscription_dlq")
    else:
        prefix = "target" if slug == "eventbridge" else "schedule"
        limit_attempts = ctx[f"{prefix}_maximum_retry_attempts"] + 1
        limit_age_ms = ctx[f"{prefix}_maximum_event_age_s"] * SECOND
        waits = [min(SECOND * 2**i, 5 * MINUTE) for i in range(min(failures, limit_attempts))]
        doc = EB_RETRY if slug == "eventbridge" else SCHEDULER_RETRY
        has_dlq = ctx.get(f"{prefix}_dlq")
    elapsed = 0
    shown = 0
    for attempt, wait in enumerate(waits, start=1):
        if attempt > limit_attempts or elapsed + wait > limit_age_ms:
            break
        if shown < 3 or attempt == len(waits):
            run.step(
                "service",
                "async-queue",
                "error",
                f"Delivery attempt {attempt} to Lambda fails.",
                [record.id],
                doc=doc,
                attempt=attempt,
            )
            shown += 1
        elapsed += wait
    run.now += elapsed
    if failures >= limit_attempts or elapsed >= limit_age_ms:
        if has_dlq:
            run.step(
                "service",
                "service-dlq",
                "dlq",
                "The service's retry policy is used up: the event goes to its own dead-letter queue.",
                [record.id],
                doc=doc,
            )
            run.dispose(record, "service-dlq", "Never reached Lambda; kept in the service's DLQ.", doc=doc)
        else:
            run.step(
                "service",
                None,
                "discard",
                "The service's retry policy is used up and it has no DLQ: the event is dropped.",
                [record.id],
                doc=doc,
            )
            run.dispose(record, "discarded-retries", "Never reached Lambda; the service dropped it.", doc=doc)
        return
    run.step(
        "service",
        None,
        "retry-wait",
        f"The service retried delivery {failures} time(s) over {elapsed // SECOND} s before Lambda accepted the event.",
        [record.id],
        doc=doc,
    )
    _deliver(run, ctx, record)


def _sns_schedule(failures: int) -> list[int]:
    """SNS to Lambda: 3 immediate retries, 2 after 1 s, 10 with backoff from 1 to 20 s, then every 20 s."""
    waits = [0, 0, 0, SECOND, SECOND]
    waits += [min(20 * SECOND, SECOND * 2**i) for i in range(10)]
    while len(waits) < min(failures, 100_015):
        waits.append(20 * SECOND)
    return waits[:failures]
