"""Synchronous sources: someone waits, Lambda never retries, the caller (or the service) decides."""

from __future__ import annotations

from .context import LDG, Context
from .run import SECOND, Record, Run
from .types import Outcome

APIGW_ERRORS = LDG + "services-apigateway-errors.html"
APIGW_504 = "https://repost.aws/knowledge-center/api-gateway-504-errors"
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
SFN_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
SFN_LAMBDA_ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html"
CLOUDFRONT_ERRORS = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html"
)
URL_THROTTLE = LDG + "apig-http-invoke-decision.html"
HTTP_API_CODE = (
    "The status code is not settled in the docs: the Lambda guide gives 502 for API Gateway proxy integrations, "
    'while the HTTP API troubleshooting page files these failures under {"message":"Internal Server Error"} '
    "without naming a code."
)
COGNITO_ATTEMPTS = (
    "The Cognito guide says only that Cognito may call the trigger again when the call can be retried; older "
    "versions of the page said it gives up after 3 unsuccessful attempts. The simulation uses 3."
)

FRONT_DOOR_LABELS = {
    "api-gateway-rest": "API Gateway (REST)",
    "api-gateway-http": "API Gateway (HTTP API)",
    "function-urls": "Function URL",
    "alb": "Load balancer",
    "cloudfront": "CloudFront",
}


def _duration(ctx: Context, outcome: Outcome) -> int:
    return ctx.run_time(outcome)


def simulate_front_door(run: Run, ctx: Context) -> None:
    """API Gateway, function URLs, ALB and CloudFront: an HTTP request answered with a status code."""
    slug = ctx.source.slug
    run.trace.labels.update(caller="Client", service=FRONT_DOOR_LABELS[slug])
    for record in run.records:
        run.at(0, lambda r=record: _http_request(run, ctx, r))


def _http_request(run: Run, ctx: Context, record: Record) -> None:
    slug = ctx.source.slug
    run.step("caller", "service", "send", f"Request {record.id} arrives; the client waits for the answer.", [record.id])
    run.step(
        "service",
        "function",
        "invoke",
        "Invoke synchronously with the request as the event.",
        [record.id],
        doc=LDG + "invocation-sync.html",
    )
    outcome = run.invoke([record], 1)
    if outcome.kind == "throttle":
        status, doc, note = _throttle_status(slug)
        run.step(
            "function",
            "service",
            "throttle",
            "Lambda rejects the invocation: no concurrency left (429).",
            [record.id],
            doc=RETRIES,
        )
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
    duration = _duration(ctx, outcome)
    limit = ctx.get("integration_timeout_s")
    if limit is not None and duration > limit * SECOND:
        run.after(limit * SECOND, lambda: _integration_timeout(run, record, limit))
        return
    run.after(duration, lambda: _http_response(run, ctx, record, outcome, duration))


def _integration_timeout(run: Run, record: Record, limit: int) -> None:
    run.step(
        "service",
        "caller",
        "error",
        f"The integration timeout ({limit} s) passes first.",
        [record.id],
        doc=APIGW_504,
    )
    _answer(
        run,
        record,
        504,
        "returned-error",
        f"API Gateway gave up after {limit} s and answered 504; the function may still be running.",
        APIGW_504,
    )


def _http_response(run: Run, ctx: Context, record: Record, outcome: Outcome, duration: int) -> None:
    slug = ctx.source.slug
    if outcome.kind in ("error", "timeout"):
        what = f"Task timed out after {duration / 1000:.2f} seconds" if outcome.kind == "timeout" else "Unhandled error"
        run.step("function", "service", "error", f"The function fails: {what}.", [record.id])
        status, doc, note = _error_status(slug)
        _answer(
            run,
            record,
            status,
            "returned-error",
            f"Function error: the client gets {status or 'an error'}; "
            "API Gateway, load balancers and function URLs never retry.",
            doc,
            note,
        )
    elif outcome.kind == "malformed":
        run.step("function", "service", "error", "The function returns a response in the wrong shape.", [record.id])
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
    return None, RETRIES, "AWS documents no status code for a throttled load-balancer target."


def _error_status(slug: str, malformed: bool = False) -> tuple[int | None, str, str]:
    if slug == "api-gateway-rest":
        return 502, APIGW_ERRORS, ""
    if slug == "api-gateway-http":
        return 502, APIGW_ERRORS, HTTP_API_CODE
    if slug == "cloudfront":
        return (502, CLOUDFRONT_ERRORS, "") if malformed else (503, CLOUDFRONT_ERRORS, "")
    return 502, "", "Not confirmed in the AWS docs: a 502 is what front doors commonly return here."


def simulate_caller(run: Run, ctx: Context) -> None:
    """Direct synchronous callers (Invoke RequestResponse, Lex, Alexa, Connect, Secrets Manager...)."""
    slug = ctx.source.slug
    label = "Your code (SDK)" if slug == "sdk-invoke" else ctx.source.short_name
    run.trace.labels.update(caller=label)
    for record in run.records:
        run.at(0, lambda r=record: _call(run, ctx, r))


def _call(run: Run, ctx: Context, record: Record) -> None:
    run.step(
        "caller",
        "function",
        "invoke",
        "Invoke synchronously (RequestResponse) and wait.",
        [record.id],
        doc=LDG + "invocation-sync.html",
    )
    outcome = run.invoke([record], 1)
    if outcome.kind == "throttle":
        run.step(
            "function",
            "caller",
            "throttle",
            "429 TooManyRequestsException: the caller must retry itself.",
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
        return
    run.after(_duration(ctx, outcome), lambda: _call_result(run, record, outcome))


def _call_result(run: Run, record: Record, outcome: Outcome) -> None:
    if outcome.kind in ("error", "timeout", "malformed"):
        run.step(
            "function",
            "caller",
            "error",
            "The error payload goes back to the caller (FunctionError set).",
            [record.id],
            doc="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
        )
        run.dispose(
            record,
            "returned-error",
            "The caller gets the error and decides whether to retry.",
            status_code=200,
            doc=RETRIES,
        )
    else:
        run.step("function", "caller", "return", "The result goes back to the caller (HTTP 200).", [record.id])
        run.dispose(record, "returned-ok", "The caller received the result.", status_code=200)


def simulate_cognito(run: Run, ctx: Context) -> None:
    """Cognito waits up to 5 seconds per attempt and may call again. The current Cognito guide gives no number of
    attempts (older versions said 3): the simulation stops after 3 and says so in the trace."""
    run.trace.labels.update(service="Cognito user pool", caller="App user")
    record = run.records[0]

    def attempt(number: int) -> None:
        if number == 1:
            run.step(
                "caller", "service", "send", "A user signs up; Cognito runs the trigger before answering.", [record.id]
            )
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
        if outcome.kind == "throttle" or too_slow:
            run.now += 5 * SECOND if too_slow else 0
            run.step(
                "function",
                "service",
                "error",
                "No answer within 5 seconds." if too_slow else "Throttled.",
                [record.id],
                doc=COGNITO,
                attempt=number,
            )
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
        if outcome.kind in ("error", "malformed"):
            run.step("function", "service", "error", "The trigger raises an error.", [record.id])
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

    def to_processing_failed(summary: str, detail: str, doc: str, note: str = "") -> None:
        run.step("service", "service-dlq", "dlq", summary, ids, doc=doc, note=note)
        for record in batch:
            run.dispose(record, "service-dlq", detail, doc=doc)

    def attempt(number: int) -> None:
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
        if outcome.kind == "throttle":
            run.step(
                "function",
                "service",
                "throttle",
                "Throttled: the Lambda invocation limit is reached, so the invocation fails.",
                ids,
                doc=FIREHOSE_FAILURE,
            )
            retry_or_skip(number)
        elif duration > FIREHOSE_MAX_INVOCATION:
            run.after(FIREHOSE_MAX_INVOCATION, lambda: firehose_timeout(number))
        else:
            run.after(duration, lambda: completed(number, outcome, duration))

    def firehose_timeout(number: int) -> None:
        run.step(
            "function",
            "service",
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
            "Skipped after the invocation retries; written to S3 under processing-failed/.",
            FIREHOSE_FAILURE,
        )

    def completed(number: int, outcome: Outcome, duration: int) -> None:
        if outcome.kind in ("error", "timeout"):
            what = (
                f"times out after {duration / 1000:g} s (the function's own timeout)"
                if outcome.kind == "timeout"
                else "raises an error"
            )
            run.step("function", "service", "error", f"The function {what}: the transformation failed.", ids)
            to_processing_failed(
                "Data transformation failed: the records go to S3 under processing-failed/.",
                "The transformation failed; written to S3 under processing-failed/.",
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
            to_processing_failed(
                "Data transformation failed: the records go to S3 under processing-failed/.",
                "Rejected response; written to S3 under processing-failed/.",
                FIREHOSE_FAILURE,
                note=FIREHOSE_NO_RETRY,
            )
            return
        failed = set(outcome.failed) if outcome.kind == "partial" else set()
        run.step("function", "service", "return", "The function returns one result per recordId.", ids)
        for record in batch:
            if record.id in failed:
                run.dispose(
                    record,
                    "service-dlq",
                    "ProcessingFailed: written to S3 under processing-failed/.",
                    doc=FIREHOSE_STATUS,
                )
            else:
                run.dispose(record, "processed", "Ok: delivered to the destination.", doc=FIREHOSE_STATUS)
        if failed:
            run.step(
                "service",
                "service-dlq",
                "dlq",
                "Records marked ProcessingFailed go to processing-failed/.",
                sorted(failed),
                doc=FIREHOSE_STATUS,
            )

    run.at(0, lambda: attempt(1))


def simulate_s3_batch(run: Run, ctx: Context) -> None:
    """One invocation per task; TemporaryFailure makes S3 Batch Operations retry the task."""
    run.trace.labels.update(service="S3 Batch Operations job")
    run.partial_responses = True  # a task's TemporaryFailure result
    for record in run.records:
        run.at(0, lambda r=record: _task(run, ctx, r, 1))


def _task(run: Run, ctx: Context, record: Record, attempt: int) -> None:
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
    run.after(_duration(ctx, outcome), lambda: _task_result(run, ctx, record, attempt, outcome))


def _task_result(run: Run, ctx: Context, record: Record, attempt: int, outcome: Outcome) -> None:
    if outcome.kind == "partial" and record.id in outcome.failed:
        run.step(
            "function",
            "service",
            "error",
            "resultCode TemporaryFailure: S3 Batch Operations will retry the task.",
            [record.id],
            doc=S3_BATCH,
        )
        if run.will_repeat(outcome) and attempt >= 3:
            run.stop("This task keeps returning TemporaryFailure; S3 Batch Operations keeps retrying it.")
            return
        run.after(SECOND, lambda: _task(run, ctx, record, attempt + 1))
    elif outcome.kind in ("error", "timeout", "throttle", "malformed"):
        run.step("function", "service", "error", "The invocation fails; the task is recorded as failed.", [record.id])
        run.dispose(record, "records-failed", "Listed as failed in the job's completion report.", doc=S3_BATCH)
    else:
        run.step("function", "service", "return", "resultCode Succeeded.", [record.id], doc=S3_BATCH)
        run.dispose(record, "processed", "Succeeded: listed in the completion report.", doc=S3_BATCH)


def simulate_step_functions_task(run: Run, ctx: Context) -> None:
    """A Task state invokes and waits; its Retry field (if any) retries, otherwise Catch or failure."""
    run.trace.labels.update(service="Step Functions Task")
    record = run.records[0]
    max_retries = int(ctx.get("retry_max_attempts", 0))

    def attempt(number: int) -> None:
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
        if outcome.kind != "throttle":
            run.now += _duration(ctx, outcome)
        if outcome.kind == "ok" or outcome.kind == "partial":
            run.step("function", "service", "return", "The result becomes the state's output.", [record.id])
            run.dispose(record, "returned-ok", "The workflow moves on to the next state.")
            return
        error = {
            "throttle": "Lambda.TooManyRequestsException",
            "timeout": "States.Timeout or Lambda.Unknown",
            "malformed": "States.Runtime",
        }.get(outcome.kind, "your exception's type name")
        run.step("function", "service", "error", f"The state fails with {error}.", [record.id], doc=SFN_LAMBDA_ERRORS)
        if number <= max_retries:
            wait = SECOND * 2 ** (number - 1)
            run.step(
                "service",
                None,
                "retry-wait",
                f"Retry field: wait {wait // SECOND} s, then try again.",
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
