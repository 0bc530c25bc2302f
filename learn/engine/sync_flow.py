"""Synchronous sources: someone waits, Lambda never retries, the caller (or the service) decides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import state
from .context import LDG, Context
from .run import SECOND, Record, Run
from .state import item, place
from .types import Outcome, format_time

APIGW_ERRORS = LDG + "services-apigateway-errors.html"
# REST APIs: the INTEGRATION_TIMEOUT gateway response defaults to 504 (gateway responses are a REST API feature).
APIGW_504 = "https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html"
HTTP_API_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html"
HTTP_API_TIMEOUT_CODE = (
    "The HTTP API docs give the 30-second limit but not the status code the client gets when it passes; REST APIs "
    "answer 504 (the INTEGRATION_TIMEOUT gateway response), a feature HTTP APIs do not have."
)
# "The target is a Lambda function that returned an error or the function was throttled by the Lambda service",
# "... did not respond before its configured timeout was reached", "The target response is malformed": all HTTP 502.
ELB_TROUBLESHOOTING = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html"
)
RETRIES = LDG + "invocation-retries.html"
COGNITO = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html"
)
FIREHOSE_FAILURE = "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html"
FIREHOSE_STATUS = "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-status-model.html"
FIREHOSE_TRANSFORM = "https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html"
FIREHOSE_RETRIES = 3  # "retries the invocation three times by default" (data-transformation-failure-handling)
FIREHOSE_MAX_INVOCATION = 5 * 60 * SECOND  # Firehose supports Lambda invocations of up to 5 minutes
FIREHOSE_NO_RETRY = (
    "Firehose documents retries only when the invocation fails on a network timeout or the Lambda invocation "
    "limit; it does not say that a function error or a rejected response is retried, so none is shown."
)
S3_BATCH = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html"
S3_BATCH_REPORTS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html"
SFN_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
SFN_LAMBDA_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html"
CLOUDFRONT_ERRORS = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html"
)
# Lists "HTTP 502 status code (Lambda validation error)" and the two 503 cases (execution error, limit exceeded).
CLOUDFRONT_RESPONSE_ERRORS = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/troubleshooting-response-errors.html"
)
URL_THROTTLE = LDG + "apig-http-invoke-decision.html"
SECRETS_MANAGER_LABEL = (
    'Unsettled: the current Lambda services table labels Secrets Manager only "Secret rotation" (the 2023 guide '
    "said synchronous). Triggerlab files it under sync; Secrets Manager calls one step at a time and retries the "
    "whole rotation when a step fails."
)
CONNECT_BLOCK = "https://docs.aws.amazon.com/connect/latest/adminguide/invoke-lambda-function-block.html"
CONNECT_LAMBDA = "https://docs.aws.amazon.com/connect/latest/adminguide/connect-lambda-functions.html"
CONNECT_RETRIES = 3  # "When a Lambda invocation returns an error, Amazon Connect retries up to three times"
SES_LAMBDA_ACTION = "https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda.html"
SES_REQUEST_RESPONSE_LIMIT = 30 * SECOND  # "There is a 30-second timeout on RequestResponse invocations."
LEX_FULFILLMENT_UPDATES = "https://docs.aws.amazon.com/lexv2/latest/dg/streaming-progress.html"
LEX_FULFILLMENT = "https://docs.aws.amazon.com/lexv2/latest/dg/intent-fulfillment.html"
HTTP_API_CODE = (
    "The status code is not settled in the docs: the Lambda guide gives 502 for API Gateway proxy integrations, "
    'while the HTTP API troubleshooting page files these failures under {"message":"Internal Server Error"} '
    "without naming a code."
)
COGNITO_ATTEMPTS = (
    "The Cognito guide says only that Cognito may call the trigger again when the call can be retried; older "
    "versions of the page said it gives up after 3 unsuccessful attempts. The simulation uses 3."
)
COGNITO_EARLY_TIMEOUT = (
    "Here the function's own timeout ends the invocation after {:g} s, before Cognito's 5 seconds run out. The "
    "Cognito guide does not say what Cognito does then: whether it counts the Lambda timeout error as a timeout it "
    "may retry, or returns it to the app like any other error, or when. The simulation treats it as no answer "
    "within 5 seconds."
)
COGNITO_THROTTLE = (
    "The Cognito guide names timeouts as calls it may retry; it does not say whether a throttled invocation "
    "counts as retryable. The simulation retries it like a timeout."
)

FRONT_DOOR_LABELS = {
    "api-gateway-rest": "API Gateway (REST)",
    "api-gateway-http": "API Gateway (HTTP API)",
    "function-urls": "Function URL",
    "alb": "Load balancer",
    "cloudfront": "CloudFront",
}


RESULT_WORDS = {  # a synchronous caller reads any partial answer as a success; a wrong shape is its own failure
    **state.RESULT_WORDS,
    "partial": "returned: success",
    "malformed": "returned: a response in the wrong shape",
}


@dataclass
class Work:
    """One invocation at the function: when it started, when it would end on its own, what came back."""

    record_id: str
    started: int
    attempt: int | None
    ends: int | None = None
    outcome: str | None = None  # the outcome kind, known once invoked
    result: str | None = None  # what came back, once the flow writes the result step


class Waiting:
    """The family's state: whoever waits for the answer holds each request until it is answered (its bin takes
    over from there), and the function place shows the invocation working on it, for context (`ref`).

    The waiting party is a caller (kind "caller": an HTTP client, your code, Alexa, Lex, a Connect flow block, the
    app user waiting on Cognito) or a service that owns the work and its retries (kind "service": a Step Functions
    Task state, Firehose with its batch of records, S3 Batch Operations with its tasks). At the function, an
    invocation shows as sent (a throttled one never starts) or running, then, at the step that says so, what came
    back (the result step); it leaves at the step after (`leave`). An invocation whose answer nobody waits for any
    more (the caller's or the service's own timeout) stays at the function, marked abandoned, until it would have
    ended, even while a later attempt for the same request runs (Cognito)."""

    def __init__(
        self,
        run: Run,
        ctx: Context,
        place_id: str,
        kind: str,
        label: str,
        pending: str,
        work_label: str = "Function",
        **meta: Any,
    ):
        self.run, self.ctx, self.work_label = run, ctx, work_label
        self.place_id, self.kind, self.label, self.meta = place_id, kind, label, meta
        self.status = {r.id: ("pending", pending) for r in run.records}
        self.attrs: dict[str, dict[str, Any]] = {r.id: {} for r in run.records}
        self.running: dict[str, Work] = {}  # record -> the invocation working on it now
        self.abandoned: list[Work] = []  # invocations nobody waits for, shown until they would have ended
        run.snapshotter = self.snapshot

    def wait(self, records: Iterable[Record], status: str, label: str, **attrs: Any) -> None:
        """The waiting party's view of these requests; an attr set to None is dropped."""
        for record in records:
            self.status[record.id] = (status, label)
            held = self.attrs[record.id]
            held.setdefault("waiting_since_ms", self.run.now)
            for name, value in attrs.items():
                if value is None:
                    held.pop(name, None)
                else:
                    held[name] = value

    def start(self, records: Iterable[Record], attempt: int | None = None) -> None:
        for record in records:
            self.running[record.id] = Work(record.id, self.run.now, attempt)

    def invoked(self, records: Iterable[Record], outcome: Outcome, ends_ms: int | None = None) -> None:
        """The invoke step's outcome is known: a throttled invoke was sent but never starts the function. Re-takes
        the invoke step's snapshot (the flow calls this right after `run.invoke`)."""
        for record in records:
            work = self.running.get(record.id)
            if work is not None:
                work.outcome = outcome.kind
                if ends_ms is not None and outcome.kind != "throttle":
                    work.ends = ends_ms
        self.run.refresh(force=True)

    def result(self, records: Iterable[Record], kind: str, words: str = "") -> None:
        """What came back (an outcome kind, or `words`), shown from the result step the flow writes next: set just
        before writing it."""
        for record in records:
            work = self.running.get(record.id)
            if work is not None:
                work.result = words or RESULT_WORDS.get(kind, "returned")

    def leave(self, records: Iterable[Record]) -> None:
        """The result step (with the dispositions that belong to it) is written: the invocation leaves the function
        place from the next step on (a stopped run writes no next step: the last one keeps showing it)."""
        self.run.refresh()
        if self.run.stopped:
            return
        for record in records:
            self.running.pop(record.id, None)

    def abandon(self, records: Iterable[Record]) -> None:
        """Nobody waits for this invocation any more; the function may still be running it."""
        for record in records:
            work = self.running.pop(record.id, None)
            if work is not None and work.ends is not None:
                self.abandoned.append(work)

    def snapshot(self) -> list[dict[str, Any]]:
        run, now = self.run, self.run.now
        held = run.held()

        def waiting(record: Record) -> dict[str, Any]:
            status, label = self.status[record.id]
            return item(record.id, status, label, **self.attrs[record.id])

        def working(work: Work, abandoned: bool = False) -> dict[str, Any]:
            attrs: dict[str, Any] = {"started_ms": work.started}
            if work.attempt is not None:
                attrs["attempt"] = work.attempt
            if abandoned:
                label = f"still running until {format_time(work.ends or now)}; nobody waits for its answer"
                return item(work.record_id, "abandoned", label, ref=True, **attrs)
            if work.result is not None:
                status = "throttled" if work.outcome == "throttle" else "returned"
                return item(work.record_id, status, work.result, ref=True, **attrs)
            if work.outcome == "throttle":
                return item(work.record_id, "processing", "invoke sent", ref=True, **attrs)
            return item(work.record_id, "processing", f"running since {format_time(work.started)}", ref=True, **attrs)

        self.abandoned = [work for work in self.abandoned if work.ends is not None and work.ends > now]
        shown = [working(work, abandoned=True) for work in self.abandoned]
        shown += [working(work) for work in self.running.values()]
        return [
            place(self.place_id, self.kind, self.label, (waiting(r) for r in held), len(held), **self.meta),
            place(
                "function",
                "function",
                self.work_label,
                shown,
                len(shown),
                timeout_s=self.ctx.get("timeout_s", 3),
            ),
        ]


def _duration(ctx: Context, outcome: Outcome) -> int:
    return ctx.run_time(outcome)


def simulate_front_door(run: Run, ctx: Context) -> None:
    """API Gateway, function URLs, ALB and CloudFront: an HTTP request answered with a status code."""
    slug = ctx.source.slug
    run.trace.labels.update(caller="Client", service=FRONT_DOOR_LABELS[slug])
    limit = ctx.get("integration_timeout_s")
    meta = {"service": FRONT_DOOR_LABELS[slug]} | ({"integration_timeout_s": limit} if limit is not None else {})
    w = Waiting(run, ctx, "caller", "caller", "HTTP client", "about to send the request", **meta)
    run.bin_labels = {"returned": "Answered to the client"}
    for record in run.records:
        run.at(0, lambda r=record: _http_request(run, ctx, w, r))


def _http_request(run: Run, ctx: Context, w: Waiting, record: Record) -> None:
    slug = ctx.source.slug
    limit = ctx.get("integration_timeout_s")
    if limit is None:
        w.wait([record], "waiting", "waiting for the answer")
    else:
        deadline = run.now + limit * SECOND
        who = FRONT_DOOR_LABELS[slug]
        w.wait(
            [record],
            "waiting",
            f"waiting for the answer ({who} stops waiting at {format_time(deadline)})",
            deadline_ms=deadline,
        )
    run.step("caller", "service", "send", f"Request {record.id} arrives; the client waits for the answer.", [record.id])
    w.start([record])
    run.step(
        "service",
        "function",
        "invoke",
        "Invoke synchronously with the request as the event.",
        [record.id],
        doc=LDG + "invocation-sync.html",
    )
    outcome = run.invoke([record], 1)
    duration = _duration(ctx, outcome)
    w.invoked([record], outcome, run.now + duration)
    if outcome.kind == "throttle":
        status, doc, note = _throttle_status(slug)
        w.result([record], "throttle")
        run.step(
            "function",
            "service",
            "throttle",
            "Lambda rejects the invocation: no concurrency left (429).",
            [record.id],
            doc=RETRIES,
        )
        w.leave([record])
        _answer(
            run,
            record,
            status,
            "returned-error",
            f"Throttled: the client gets {status or 'a 5xx error'}; nobody retries for it.",
            doc,
            note,
        )
        return
    if limit is not None and duration > limit * SECOND:
        run.after(limit * SECOND, lambda: _integration_timeout(run, w, record, limit, slug))
        return
    run.after(duration, lambda: _http_response(run, ctx, w, record, outcome, duration))


def _integration_timeout(run: Run, w: Waiting, record: Record, limit: int, slug: str) -> None:
    rest = slug == "api-gateway-rest"
    w.abandon([record])
    doc = APIGW_504 if rest else HTTP_API_QUOTAS
    who = FRONT_DOOR_LABELS[slug]
    w.wait(
        [record],
        "waiting",
        f"{who} stopped waiting at {format_time(run.now)}; "
        + ("its 504 answer is on the way" if rest else "its error answer is on the way"),
    )
    run.step(
        "service",
        "caller",
        "error",
        f"The integration timeout ({limit} s) passes first.",
        [record.id],
        doc=doc,
    )
    if rest:
        _answer(
            run,
            record,
            504,
            "returned-error",
            f"API Gateway gave up after {limit} s and answered 504 (INTEGRATION_TIMEOUT); the function may still be "
            "running.",
            APIGW_504,
        )
        return
    _answer(
        run,
        record,
        None,
        "returned-error",
        f"The HTTP API gave up after {limit} s and the client gets an error; the function may still be running.",
        HTTP_API_QUOTAS,
        HTTP_API_TIMEOUT_CODE,
    )


def _http_response(run: Run, ctx: Context, w: Waiting, record: Record, outcome: Outcome, duration: int) -> None:
    slug = ctx.source.slug
    w.result([record], outcome.kind)
    if outcome.kind in ("error", "timeout"):
        what = f"Task timed out after {duration / 1000:.2f} seconds" if outcome.kind == "timeout" else "Unhandled error"
        run.step("function", "service", "error", f"The function fails: {what}.", [record.id])
        w.leave([record])
        status, doc, note = _error_status(slug)
        _answer(
            run,
            record,
            status,
            "returned-error",
            f"Function error: the client gets {status or 'an error'}. "
            + (
                "API Gateway does not retry Lambda invocations."
                if slug.startswith("api-gateway")
                else "Lambda does not retry a synchronous invocation; the client decides."
            ),
            doc,
            note,
        )
    elif outcome.kind == "malformed":
        run.step("function", "service", "error", "The function returns a response in the wrong shape.", [record.id])
        w.leave([record])
        status, doc, note = _error_status(slug, malformed=True)
        _answer(
            run,
            record,
            status,
            "returned-error",
            f"Malformed response: the client gets {status or 'an error'}.",
            doc,
            note,
        )
    else:
        run.step(
            "function", "service", "return", f"The function returns statusCode {outcome.status_code}.", [record.id]
        )
        w.leave([record])
        _answer(
            run,
            record,
            outcome.status_code,
            "returned-ok",
            f"The client receives the function's response ({outcome.status_code}).",
            "",
        )


def _answer(run: Run, record: Record, status: int | None, kind: str, detail: str, doc: str, note: str = "") -> None:
    shown = status if status is not None else "an error"
    run.step(
        "service",
        "caller",
        "respond",
        f"The client receives {shown}.",
        [record.id],
        doc=doc,
        note=note,
        status_code=status,
    )
    run.dispose(record, kind, detail, status_code=status, doc=doc)


def _throttle_status(slug: str) -> tuple[int | None, str, str]:
    if slug in ("api-gateway-rest", "api-gateway-http"):
        return 500, APIGW_ERRORS, ""
    if slug == "function-urls":
        return 429, URL_THROTTLE, ""
    if slug == "cloudfront":
        return 503, CLOUDFRONT_ERRORS, ""
    return 502, ELB_TROUBLESHOOTING, ""  # ALB: "the function was throttled by the Lambda service" is a 502


def _error_status(slug: str, malformed: bool = False) -> tuple[int | None, str, str]:
    if slug == "api-gateway-rest":
        return 502, APIGW_ERRORS, ""
    if slug == "api-gateway-http":
        return 502, APIGW_ERRORS, HTTP_API_CODE
    if slug == "cloudfront":
        return (502, CLOUDFRONT_RESPONSE_ERRORS, "") if malformed else (503, CLOUDFRONT_ERRORS, "")
    if slug == "alb":
        return 502, ELB_TROUBLESHOOTING, ""
    return 502, "", "Not confirmed in the AWS docs: a 502 is what front doors commonly return here."


def simulate_caller(run: Run, ctx: Context) -> None:
    """Direct synchronous callers (Invoke RequestResponse, Lex, Alexa, Secrets Manager, SES RequestResponse...).

    Lambda never retries; some callers stop waiting on their own clock: SES after 30 seconds (RequestResponse),
    Lex after the fulfillment timeout (30 seconds unless fulfillment updates set another). Connect has its own flow
    block with retries and an Error branch (simulate_connect)."""
    slug = ctx.source.slug
    if slug == "connect":
        simulate_connect(run, ctx)
        return
    label = "Your code (SDK)" if slug == "sdk-invoke" else ctx.source.short_name
    run.trace.labels.update(caller=label)
    limit = _caller_limit(ctx)
    meta = {"wait_limit_s": limit[0] // SECOND} if limit else {}
    w = Waiting(run, ctx, "caller", "caller", label, "about to call", **meta)
    for record in run.records:
        run.at(0, lambda r=record: _call(run, ctx, w, r))


def _caller_limit(ctx: Context) -> tuple[int, str, str, str] | None:
    """How long this caller waits, and what happens when it stops waiting (with the page that says so)."""
    slug = ctx.source.slug
    if slug == "ses":
        return (
            SES_REQUEST_RESPONSE_LIMIT,
            "SES stops waiting: there is a 30-second timeout on RequestResponse invocations.",
            "SES's 30-second wait ran out; the function may still be running.",
            SES_LAMBDA_ACTION,
        )
    if slug == "lex":
        limit = int(ctx.get("fulfillment_timeout_s", 30)) * SECOND
        return (
            limit,
            f"Lex stops waiting after the fulfillment timeout ({limit // SECOND} s): it returns the intent's timeout "
            "response if post-fulfillment responses are configured and active, otherwise an exception.",
            "Lex's fulfillment timeout ran out; the function may still be running.",
            LEX_FULFILLMENT_UPDATES,
        )
    return None


def _call(run: Run, ctx: Context, w: Waiting, record: Record) -> None:
    limit = _caller_limit(ctx)
    if limit is None:
        w.wait([record], "waiting", "waiting for the result")
    else:
        deadline = run.now + limit[0]
        w.wait(
            [record],
            "waiting",
            f"waiting for the result (stops waiting at {format_time(deadline)})",
            deadline_ms=deadline,
        )
    w.start([record])
    run.step(
        "caller",
        "function",
        "invoke",
        "Invoke synchronously (RequestResponse) and wait.",
        [record.id],
        doc=LDG + "invocation-sync.html",
        note=SECRETS_MANAGER_LABEL if ctx.source.slug == "secrets-manager" else "",
    )
    outcome = run.invoke([record], 1)
    duration = _duration(ctx, outcome)
    w.invoked([record], outcome, run.now + duration)
    if outcome.kind == "throttle":
        w.result([record], "throttle")
        run.step(
            "function",
            "caller",
            "throttle",
            "429 TooManyRequestsException: Lambda does not retry; the caller decides whether to try again.",
            [record.id],
            doc=RETRIES,
        )
        run.dispose(
            record,
            "returned-error",
            "Throttled (429); Lambda does not retry synchronous calls.",
            status_code=429,
            doc=RETRIES,
        )
        w.leave([record])
        return
    if limit is not None and duration > limit[0]:
        wait, summary, detail, doc = limit
        run.after(wait, lambda: _caller_gave_up(run, w, record, summary, detail, doc))
        return
    run.after(duration, lambda: _call_result(run, ctx, w, record, outcome))


def _caller_gave_up(run: Run, w: Waiting, record: Record, summary: str, detail: str, doc: str) -> None:
    w.abandon([record])
    run.step("caller", None, "error", summary, [record.id], doc=doc)
    run.dispose(record, "returned-error", detail, doc=doc)


def _call_result(run: Run, ctx: Context, w: Waiting, record: Record, outcome: Outcome) -> None:
    """The result step and the answer it carries; the invocation leaves the function place after it."""
    unchecked = outcome.kind == "malformed" and ctx.source.slug == "sdk-invoke"  # a value like any other
    w.result([record], "ok" if unchecked else outcome.kind)
    _call_answer(run, ctx, record, outcome)
    w.leave([record])


def _call_answer(run: Run, ctx: Context, record: Record, outcome: Outcome) -> None:
    slug = ctx.source.slug
    if outcome.kind in ("error", "timeout"):
        lex = slug == "lex"
        run.step(
            "function",
            "caller",
            "error",
            "The error payload goes back to the caller (FunctionError set)."
            + (" Lex answers with the intent's failure response, if one is configured." if lex else ""),
            [record.id],
            doc=LEX_FULFILLMENT if lex else "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
        )
        run.dispose(
            record,
            "returned-error",
            "The caller gets the error and decides what to do; Lambda does not retry.",
            status_code=200,
            doc=RETRIES,
        )
    elif outcome.kind == "malformed":
        # Lambda sets FunctionError only when the function fails; it never checks the shape of a returned value.
        if slug == "sdk-invoke":
            run.step(
                "function",
                "caller",
                "return",
                "The value goes back as it is (HTTP 200, no FunctionError): Lambda does not check its shape, so your "
                "code has to.",
                [record.id],
                doc="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
            )
            run.dispose(record, "returned-ok", "Returned unchecked; the caller must validate it.", status_code=200)
            return
        run.step(
            "function",
            "caller",
            "error",
            f"The function returns a value {ctx.source.short_name} cannot use (the wrong shape); Lambda itself "
            "reports no error.",
            [record.id],
            doc="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
        )
        run.dispose(record, "returned-error", "The caller could not use the response.", status_code=200)
    else:
        run.step("function", "caller", "return", "The result goes back to the caller (HTTP 200).", [record.id])
        run.dispose(record, "returned-ok", "The caller received the result.", status_code=200)


def simulate_connect(run: Run, ctx: Context) -> None:
    """Amazon Connect's AWS Lambda function block (synchronous mode): it waits at most its timeout (8 s at most),
    retries throttles and 500s, retries a function error up to three times within that timeout, then routes the
    contact down the Error branch. The spacing of those retries is not documented: they follow at once here."""
    run.trace.labels.update(caller="Connect flow block")
    limit = int(ctx.get("block_timeout_s", 8)) * SECOND
    w = Waiting(
        run,
        ctx,
        "caller",
        "caller",
        "Connect flow block",
        "about to invoke",
        block_timeout_s=limit // SECOND,
        max_retries=CONNECT_RETRIES,
        retry_rule=f"an invoke that fails, times out or is throttled is tried again, up to {CONNECT_RETRIES} times, "
        "only while the block's timeout lasts",
    )
    for record in run.records:
        run.at(0, lambda r=record: _connect_attempt(run, ctx, w, r, 1, run.now + limit, 0))


def _connect_attempt(
    run: Run, ctx: Context, w: Waiting, record: Record, number: int, deadline: int, errors: int
) -> None:
    if run.now >= deadline:
        _connect_error_branch(run, record, "The block's timeout has run out")
        return
    w.wait(
        [record],
        "waiting",
        f"attempt {number}: waiting for the function (the block's timeout ends at {format_time(deadline)})",
        attempt=number,
        retries=number - 1 or None,
        deadline_ms=deadline,
    )
    w.start([record], number)
    run.step(
        "caller",
        "function",
        "invoke",
        f"Attempt {number}: the flow block invokes synchronously and waits (its timeout ends at "
        f"{format_time(deadline)}).",
        [record.id],
        doc=CONNECT_BLOCK,
        attempt=number,
    )
    outcome = run.invoke([record], number)
    duration = _duration(ctx, outcome)
    w.invoked([record], outcome, run.now + duration)
    if outcome.kind == "throttle":
        w.result([record], "throttle")
        run.step(
            "function",
            "caller",
            "throttle",
            "Throttled: Connect retries the request (the docs give no count for throttles; this simulation stops at "
            "the block's timeout or after 3 retries).",
            [record.id],
            doc=CONNECT_BLOCK,
        )
        w.leave([record])
        _connect_retry(run, ctx, w, record, number, deadline, errors + 1, "was throttled")
        return
    if run.now + duration > deadline:

        def no_answer() -> None:
            w.abandon([record])
            _connect_error_branch(run, record, "No answer within the block's timeout")

        run.at(deadline, no_answer)
        return
    run.after(duration, lambda: _connect_result(run, ctx, w, record, number, deadline, errors, outcome))


def _connect_result(
    run: Run, ctx: Context, w: Waiting, record: Record, number: int, deadline: int, errors: int, outcome: Outcome
) -> None:
    w.result([record], outcome.kind)
    if outcome.kind in ("error", "timeout"):
        what = "times out" if outcome.kind == "timeout" else "returns an error"
        run.step("function", "caller", "error", f"The function {what}.", [record.id], doc=CONNECT_BLOCK)
        w.leave([record])
        _connect_retry(run, ctx, w, record, number, deadline, errors + 1)
        return
    if outcome.kind == "malformed":
        run.step(
            "function",
            "caller",
            "error",
            "The response does not pass the block's response validation (a flat map of strings for STRING_MAP).",
            [record.id],
            doc=CONNECT_LAMBDA,
        )
        w.leave([record])
        _connect_error_branch(run, record, "The response was not understood")
        return
    run.step(
        "function",
        "caller",
        "return",
        "The function answers in time: its values are available to the flow, which continues on the Success branch.",
        [record.id],
        doc=CONNECT_BLOCK,
    )
    run.dispose(record, "returned-ok", "The contact continues on the Success branch.")
    w.leave([record])


def _connect_retry(
    run: Run, ctx: Context, w: Waiting, record: Record, number: int, deadline: int, errors: int, what: str = "failed"
) -> None:
    if errors > CONNECT_RETRIES:
        _connect_error_branch(run, record, f"{CONNECT_RETRIES} retries used up")
        return
    if run.now >= deadline:
        _connect_error_branch(run, record, "The block's timeout has run out")
        return
    w.wait(
        [record],
        "retry-wait",
        f"attempt {number} {what}; retry {errors} of at most {CONNECT_RETRIES} follows, within the block's timeout",
        retries=number - 1 or None,  # retries made so far: none before the first
    )
    run.step(
        "caller",
        None,
        "retry-wait",
        f"Connect retries (retry {errors} of at most {CONNECT_RETRIES}, within the block's timeout).",
        [record.id],
        doc=CONNECT_BLOCK,
        note="The docs do not give the wait between Connect's retries; none is shown.",
    )
    run.after(0, lambda: _connect_attempt(run, ctx, w, record, number + 1, deadline, errors))


def _connect_error_branch(run: Run, record: Record, why: str) -> None:
    run.step(
        "caller",
        None,
        "error",
        f"{why}: the contact is routed down the Error branch.",
        [record.id],
        doc=CONNECT_BLOCK,
    )
    run.dispose(record, "returned-error", f"{why}; the flow continues on the Error branch.", doc=CONNECT_BLOCK)


def simulate_cognito(run: Run, ctx: Context) -> None:
    """Cognito waits up to 5 seconds per attempt and may call again. The current Cognito guide gives no number of
    attempts (older versions said 3): the simulation stops after 3 and says so in the trace."""
    run.trace.labels.update(service="Cognito user pool", caller="App user")
    record = run.records[0]
    w = Waiting(
        run,
        ctx,
        "caller",
        "caller",
        "App user",
        "about to sign up",
        service="Cognito user pool",
        wait_per_attempt_s=5,
        attempts_simulated=3,  # the current guide gives no number (COGNITO_ATTEMPTS)
    )
    run.bin_labels = {"returned": "Answered to the app"}

    def attempt(number: int) -> None:
        if number == 1:
            w.wait([record], "waiting", "waiting for Cognito to answer")
            run.step(
                "caller", "service", "send", "A user signs up; Cognito runs the trigger before answering.", [record.id]
            )
        deadline = run.now + 5 * SECOND
        w.wait(
            [record],
            "waiting",
            f"waiting: Cognito's attempt {number} waits for the trigger until {format_time(deadline)}",
            attempt=number,
            deadline_ms=deadline,
        )
        w.start([record], number)
        run.step(
            "service",
            "function",
            "invoke",
            f"Attempt {number}: invoke and wait up to 5 seconds.",
            [record.id],
            doc=COGNITO,
            attempt=number,
        )
        outcome = run.invoke([record], number)
        too_slow = outcome.kind == "timeout" or outcome.duration_ms > 5 * SECOND
        run_time = ctx.run_time(outcome)
        w.invoked([record], outcome, run.now + run_time)
        if too_slow:
            # Cognito stops waiting for this attempt; the invocation runs on until its own timeout.
            run.now += 5 * SECOND
            w.abandon([record])
            w.wait(
                [record],
                "waiting",
                f"waiting: Cognito's attempt {number} got no answer within 5 seconds"
                + ("; Cognito may call again" if number < 3 else ""),
            )
            run.step(
                "service",
                None,
                "error",
                "No answer within 5 seconds: Cognito stops waiting for this attempt.",
                [record.id],
                doc=COGNITO,
                attempt=number,
                note=COGNITO_EARLY_TIMEOUT.format(run_time / SECOND) if run_time < 5 * SECOND else "",
            )
        elif outcome.kind == "throttle":
            w.result([record], "throttle")
            run.step(
                "function",
                "service",
                "throttle",
                "Throttled: Lambda rejects the invocation (429).",
                [record.id],
                doc=COGNITO,
                attempt=number,
                note=COGNITO_THROTTLE,
            )
            w.leave([record])
        if outcome.kind == "throttle" or too_slow:
            if number < 3:
                run.after(0, lambda: attempt(number + 1))
                return
            run.step(
                "service",
                "caller",
                "respond",
                "Still no answer after 3 attempts: the sign-up fails.",
                [record.id],
                doc=COGNITO,
                note=COGNITO_ATTEMPTS,
            )
            run.dispose(
                record,
                "returned-error",
                "Cognito gave up (after 3 attempts here); the user sees an error.",
                doc=COGNITO,
            )
            return
        run.now += outcome.duration_ms
        w.result([record], outcome.kind)
        if outcome.kind in ("error", "malformed"):
            run.step("function", "service", "error", "The trigger raises an error.", [record.id])
            w.leave([record])
            run.step(
                "service",
                "caller",
                "respond",
                "Cognito returns the trigger's error to the app.",
                [record.id],
                doc=COGNITO,
                note="Cognito retries only calls that can be retried, such as timeouts.",
            )
            run.dispose(record, "returned-error", "The app receives the trigger's error.", doc=COGNITO)
            return
        run.step("function", "service", "return", "The trigger returns the event with its response.", [record.id])
        w.leave([record])
        run.step("service", "caller", "respond", "Cognito completes the sign-up.", [record.id])
        run.dispose(record, "returned-ok", "The user's request completes.")

    run.at(0, lambda: attempt(1))


def simulate_firehose(run: Run, ctx: Context) -> None:
    """Firehose buffers records and invokes with the batch. It retries an invocation that fails on a network
    timeout or the Lambda invocation limit (3 times by default), then skips the batch. The Firehose docs name no
    retry for a function error or a malformed response: those records count as failed and go to S3 too."""
    run.trace.labels.update(service="Firehose stream", service_dlq="S3 processing-failed/")
    run.partial_responses = True  # every record gets its own result: Ok, Dropped or ProcessingFailed
    batch = list(run.records)
    ids = [r.id for r in batch]
    w = Waiting(
        run,
        ctx,
        "service",
        "service",
        "Firehose stream",
        "buffered",
        work_label="Function (transforming the batch)",
        retries=FIREHOSE_RETRIES,
        max_invocation_s=FIREHOSE_MAX_INVOCATION // SECOND,
    )
    run.bin_labels = {"processed": "Transformed (Ok), delivered", "service-dlq": "S3 processing-failed/"}

    def to_processing_failed(summary: str, detail: str, doc: str, note: str = "") -> None:
        run.step("service", "service-dlq", "dlq", summary, ids, doc=doc, note=note)
        for record in batch:
            run.dispose(record, "service-dlq", detail, doc=doc)

    def attempt(number: int) -> None:
        deadline = run.now + FIREHOSE_MAX_INVOCATION
        w.wait(
            batch,
            "waiting",
            f"in the batch sent to the function (attempt {number}); Firehose waits until {format_time(deadline)}",
            attempt=number,
            retries=number - 1 or None,
            deadline_ms=deadline,
            next_attempt_at_ms=None,
        )
        w.start(batch, number)
        run.step(
            "service",
            "function",
            "invoke",
            f"Invoke synchronously with {len(batch)} buffered records (attempt {number}).",
            ids,
            doc=FIREHOSE_TRANSFORM,
            attempt=number,
        )
        outcome = run.invoke(batch, number)
        duration = _duration(ctx, outcome)
        w.invoked(batch, outcome, run.now + duration)
        if outcome.kind == "throttle":
            w.result(batch, "throttle")
            run.step(
                "function",
                "service",
                "throttle",
                "Throttled: the Lambda invocation limit is reached, so the invocation fails.",
                ids,
                doc=FIREHOSE_FAILURE,
            )
            w.leave(batch)
            retry_or_skip(number)
        elif duration > FIREHOSE_MAX_INVOCATION:
            run.after(FIREHOSE_MAX_INVOCATION, lambda: firehose_timeout(number))
        else:
            run.after(duration, lambda: completed(number, outcome, duration))

    def firehose_timeout(number: int) -> None:
        w.abandon(batch)
        run.step(
            "service",
            None,
            "error",
            "No answer within 5 minutes, the longest Lambda invocation Firehose supports: the call times out.",
            ids,
            doc=FIREHOSE_TRANSFORM,
            note="The Firehose docs send this timeout to their failure-handling page, which retries an invocation "
            "that fails on a network timeout; the simulation treats it as one.",
        )
        retry_or_skip(number)

    def retry_or_skip(number: int) -> None:
        """A network timeout or the invocation limit: retried FIREHOSE_RETRIES times, then the batch is skipped."""
        if number <= FIREHOSE_RETRIES:
            w.wait(
                batch,
                "retry-wait",
                f"attempt {number} failed; retry {number} of {FIREHOSE_RETRIES} at {format_time(run.now + SECOND)} "
                "(the wait is illustrative)",
                retries=number - 1 or None,  # retries made so far: none before the first
                next_attempt_at_ms=run.now + SECOND,
                deadline_ms=None,
            )
            run.step(
                "service",
                None,
                "retry-wait",
                f"Firehose retries the invocation (retry {number} of {FIREHOSE_RETRIES}, the default).",
                ids,
                doc=FIREHOSE_FAILURE,
                note="The wait between Firehose's retries is not documented; 1 s here is illustrative.",
            )
            run.after(SECOND, lambda: attempt(number + 1))
            return
        to_processing_failed(
            f"Retries used up ({FIREHOSE_RETRIES}): Firehose skips the batch; its records count as unsuccessfully "
            "processed and go to S3 under processing-failed/.",
            "Skipped after the invocation retries: written to the S3 backup bucket under processing-failed/.",
            FIREHOSE_FAILURE,
        )

    def completed(number: int, outcome: Outcome, duration: int) -> None:
        w.result(batch, outcome.kind)
        if outcome.kind in ("error", "timeout"):
            what = (
                f"times out after {duration / 1000:g} s (the function's own timeout)"
                if outcome.kind == "timeout"
                else "raises an error"
            )
            run.step("function", "service", "error", f"The function {what}: the transformation failed.", ids)
            w.leave(batch)
            to_processing_failed(
                "Data transformation failed: the records go to S3 under processing-failed/.",
                "The transformation failed: written to the S3 backup bucket under processing-failed/.",
                FIREHOSE_FAILURE,
                note=FIREHOSE_NO_RETRY,
            )
            return
        if outcome.kind == "malformed":
            run.step(
                "function",
                "service",
                "error",
                "The response lacks the required recordId, result and data for each record: Firehose rejects it "
                "as a data transformation failure.",
                ids,
                doc=FIREHOSE_STATUS,
            )
            w.leave(batch)
            to_processing_failed(
                "Data transformation failed: the records go to S3 under processing-failed/.",
                "Rejected response: written to the S3 backup bucket under processing-failed/.",
                FIREHOSE_FAILURE,
                note=FIREHOSE_NO_RETRY,
            )
            return
        failed = set(outcome.failed) if outcome.kind == "partial" else set()
        bad = [r for r in batch if r.id in failed]
        good = [r for r in batch if r.id not in failed]
        # The stream keeps every record until the step that moves it: the results first, then the moves.
        w.wait(bad, "failed", "result: ProcessingFailed; goes to the S3 backup bucket under processing-failed/")
        w.wait(good, "delivering", "result: Ok; the transformed record goes on to the destination")
        w.result(bad, outcome.kind, "returned: result ProcessingFailed")
        w.result(good, outcome.kind, "returned: result Ok")
        run.step("function", "service", "return", "The function returns one result per recordId.", ids)
        w.leave(batch)
        if bad:
            run.step(
                "service",
                "service-dlq",
                "dlq",
                "Records marked ProcessingFailed go to the S3 backup bucket under processing-failed/.",
                [r.id for r in bad],
                doc=FIREHOSE_STATUS,
            )
            for record in bad:
                run.dispose(
                    record,
                    "service-dlq",
                    "ProcessingFailed: written to the S3 backup bucket under processing-failed/.",
                    doc=FIREHOSE_STATUS,
                )
        if good:
            run.step(
                "service",
                None,
                "deliver",
                "Firehose delivers the transformed records (result Ok) to the destination.",
                [r.id for r in good],
                doc=FIREHOSE_TRANSFORM,
                note="Firehose sends them when the destination's buffering size or interval is reached; the "
                "simulation shows the delivery at once.",
            )
            for record in good:
                run.dispose(record, "processed", "Ok: delivered to the destination.", doc=FIREHOSE_STATUS)

    run.at(0, lambda: attempt(1))


def simulate_s3_batch(run: Run, ctx: Context) -> None:
    """One invocation per task; TemporaryFailure makes S3 Batch Operations retry the task."""
    run.trace.labels.update(service="S3 Batch Operations job")
    run.partial_responses = True  # a task's TemporaryFailure result
    w = Waiting(run, ctx, "service", "service", "S3 Batch Operations job", "task not started")
    run.bin_labels = {"processed": "Succeeded (completion report)", "reported-failed": "Failed (completion report)"}
    for record in run.records:
        run.at(0, lambda r=record: _task(run, ctx, w, r, 1))


def _task(run: Run, ctx: Context, w: Waiting, record: Record, attempt: int) -> None:
    w.wait(
        [record],
        "waiting",
        f"invoked (attempt {attempt}); the job waits for the result",
        attempt=attempt,
        next_attempt_at_ms=None,
    )
    w.start([record], attempt)
    run.step(
        "service",
        "function",
        "invoke",
        f"Invoke for task {record.id} (attempt {attempt}).",
        [record.id],
        doc=S3_BATCH,
        attempt=attempt,
    )
    outcome = run.invoke([record], attempt)
    duration = _duration(ctx, outcome)
    w.invoked([record], outcome, run.now + duration)
    run.after(duration, lambda: _task_result(run, ctx, w, record, attempt, outcome))


def _task_result(run: Run, ctx: Context, w: Waiting, record: Record, attempt: int, outcome: Outcome) -> None:
    temporary = outcome.kind == "partial" and record.id in outcome.failed
    # a TemporaryFailure is the function's answer (it returned), asking for a retry
    w.result([record], outcome.kind, "returned: resultCode TemporaryFailure" if temporary else "")
    _task_answer(run, ctx, w, record, attempt, outcome, temporary)
    w.leave([record])


def _task_answer(
    run: Run, ctx: Context, w: Waiting, record: Record, attempt: int, outcome: Outcome, temporary: bool
) -> None:
    if temporary:
        w.wait(
            [record],
            "retry-wait",
            f"attempt {attempt}: TemporaryFailure; retried at {format_time(run.now + SECOND)} here (no spacing is "
            "documented)",
            next_attempt_at_ms=run.now + SECOND,
        )
        run.step(
            "function",
            "service",
            "error",
            "resultCode TemporaryFailure: S3 Batch Operations will retry the task.",
            [record.id],
            doc=S3_BATCH,
        )
        if run.will_repeat(outcome) and attempt >= 3:
            run.stop(
                "This task keeps returning TemporaryFailure. S3 Batch Operations retries such a task, but the docs "
                "give no limit or spacing for those retries, so the simulation stops here."
            )
            return
        run.after(SECOND, lambda: _task(run, ctx, w, record, attempt + 1))
    elif outcome.kind in ("error", "timeout", "throttle", "malformed"):
        run.step(
            "function",
            "service",
            "error",
            "The invocation fails; the task is recorded as failed.",
            [record.id],
            doc=S3_BATCH_REPORTS,
            note="The S3 docs show a timed-out function's task reported as failed; they document retries only for a "
            "TemporaryFailure result, so no retry is shown for a failed or throttled invocation.",
        )
        run.dispose(
            record,
            "records-failed",
            "Task failed (listed in the completion report): the invocation failed, so the function reported nothing.",
            doc=S3_BATCH,
        )
    else:
        run.step("function", "service", "return", "resultCode Succeeded.", [record.id], doc=S3_BATCH)
        run.dispose(record, "processed", "Succeeded: listed in the completion report.", doc=S3_BATCH)


def simulate_step_functions_task(run: Run, ctx: Context) -> None:
    """A Task state invokes and waits; its Retry field (if any) retries, otherwise Catch or failure."""
    run.trace.labels.update(service="Step Functions Task")
    record = run.records[0]
    max_retries = int(ctx.get("retry_max_attempts", 0))
    w = Waiting(
        run,
        ctx,
        "service",
        "service",
        "Step Functions Task state",
        "about to run",
        retry_max_attempts=max_retries,
        retry_interval_s=1,
        retry_backoff_rate=2.0,
    )
    run.bin_labels = {"returned": "Back to the workflow"}

    def attempt(number: int) -> None:
        w.wait(
            [record],
            "waiting",
            f"attempt {number}: waiting for the function",
            attempt=number,
            retries=number - 1 or None,
            next_attempt_at_ms=None,
        )
        w.start([record], number)
        run.step(
            "service",
            "function",
            "invoke",
            f"The Task state invokes and waits (attempt {number}).",
            [record.id],
            doc="https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html",
            attempt=number,
        )
        outcome = run.invoke([record], number)
        duration = _duration(ctx, outcome)
        w.invoked([record], outcome, run.now + duration)
        run.now += duration
        w.result([record], outcome.kind)
        if outcome.kind == "ok" or outcome.kind == "partial":
            run.step("function", "service", "return", "The result becomes the state's output.", [record.id])
            run.dispose(record, "returned-ok", "The workflow moves on to the next state.")
            w.leave([record])
            return
        error = {
            "throttle": "Lambda.TooManyRequestsException",
            "timeout": "States.Timeout or Lambda.Unknown",
            "malformed": "States.Runtime",
        }.get(outcome.kind, "your exception's type name")
        what = {
            "throttle": f"Lambda throttles the invocation: the Task state gets the error {error}",
            "timeout": f"The invocation times out: the Task state gets the error {error}",
            "malformed": f"The function's response cannot be used: the Task state gets the error {error}",
        }.get(outcome.kind, "The function error reaches the Task state as an error named after your exception's type")
        retry = number <= max_retries
        if retry:
            w.wait([record], "retry-wait", f"attempt {number} failed ({error}); the Retry field applies")
        else:
            w.wait([record], "failed", f"attempt {number} failed ({error}); no retries left")
        run.step(
            "function",
            "service",
            "error",
            what + ("; the Retry field matches it, so the state does not fail yet." if retry else "."),
            [record.id],
            doc=SFN_LAMBDA_ERRORS,
        )
        w.leave([record])
        if retry:
            wait = SECOND * 2 ** (number - 1)
            w.wait(
                [record],
                "retry-wait",
                f"attempt {number} failed; Retry {number} of {max_retries}: attempt {number + 1} at "
                f"{format_time(run.now + wait)}",
                retries=number - 1 or None,  # retries made so far: none before the first
                next_attempt_at_ms=run.now + wait,
            )
            run.step(
                "service",
                None,
                "retry-wait",
                f"Retry field (default IntervalSeconds 1 and BackoffRate 2.0): wait {wait // SECOND} s, then try "
                "again.",
                [record.id],
                doc=SFN_ERRORS,
            )
            run.after(wait, lambda: attempt(number + 1))
            return
        run.step(
            "service",
            "caller",
            "error",
            "No retries left: a Catch field can route the error, otherwise the execution fails.",
            [record.id],
            doc=SFN_ERRORS,
        )
        run.dispose(record, "returned-error", "The execution fails unless a Catch handles the error.", doc=SFN_ERRORS)

    run.at(0, lambda: attempt(1))
