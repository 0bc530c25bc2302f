"""Our semantic checks: what cfn-lint cannot know about how a source is wired to a function.

Each check has a stable code, a level (error: AWS refuses it or messages are lost silently; warning: it deploys
but fails badly under failure; info), the AWS page that documents the rule and the lesson that teaches it. The
numbers come from ../shared/aws-facts.md (rows marked yes) and the catalog.
"""

from __future__ import annotations

from .model import ASYNC_SOURCES, DEFAULT_RETENTION, DEFAULT_VISIBILITY, STREAM_SOURCES, Template, Trigger
from .triggers import permissions_for
from .types import Finding

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
LAPI = "https://docs.aws.amazon.com/lambda/latest/api/"
CFN_TYPES = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html"

# code -> (level, doc, lesson); the lesson may hold {slug}
CHECKS: dict[str, tuple[str, str, str]] = {
    "sqs-visibility-timeout": ("warning", LDG + "services-sqs-configure.html", "/sources/sqs/#limits"),
    "sqs-visibility-below-timeout": ("error", LDG + "services-sqs-configure.html", "/sources/sqs/#limits"),
    "fifo-batching": ("error", LDG + "services-sqs-parameters.html", "/sources/sqs/#batching"),
    "batch-without-window": ("error", LAPI + "API_CreateEventSourceMapping.html", "/sources/sqs/#batching"),
    "missing-report-batch-item-failures": (
        "error",
        LDG + "services-sqs-errorhandling.html",
        "/sources/{slug}/#failures",
    ),
    "queue-without-redrive": ("warning", LDG + "services-sqs-configure.html", "/sources/sqs/#failures"),
    "stream-unbounded-retries": ("warning", LDG + "services-kinesis-parameters.html", "/sources/{slug}/#failures"),
    "stream-discards-failed-records": (
        "warning",
        LDG + "kinesis-on-failure-destination.html",
        "/sources/{slug}/#failures",
    ),
    "sqs-on-failure-destination": ("error", LAPI + "API_CreateEventSourceMapping.html", "/sources/sqs/#failures"),
    "function-dlq-for-sqs": ("warning", LDG + "invocation-async-retain-records.html", "/sources/sqs/#failures"),
    "push-without-permission": ("error", LDG + "access-control-resource-based.html", "/sources/{slug}/#wiring"),
    "permission-without-source-condition": (
        "warning",
        LDG + "permissions-function-services.html",
        "/sources/{slug}/#wiring",
    ),
    "async-without-failure-target": (
        "warning",
        LDG + "invocation-async-retain-records.html",
        "/sources/{slug}/#failures",
    ),
    "mapping-timeout-limit": ("error", LDG + "with-kafka-configure.html", "/sources/{slug}/#limits"),
    "fifo-failure-target": ("error", LDG + "invocation-async-retain-records.html", "/sources/{slug}/#failures"),
    "timeout-above-caller": ("warning", LDG + "configuration-timeout.html", "/sources/{slug}/#limits"),
    "unknown-resource-type": (
        "warning",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html",
        "/wiring/",
    ),
}

# Mappings with MaximumRetryAttempts / MaximumRecordAgeInSeconds (DocumentDB has neither: a failing batch is
# retried until its change-stream events expire).
RETRY_SOURCES = tuple(slug for slug in STREAM_SOURCES if slug != "documentdb")
STREAM_DOCS = {
    "kinesis": LDG + "services-kinesis-parameters.html",
    "dynamodb-streams": LDG + "services-ddb-params.html",
    "msk": LDG + "kafka-retry-configurations.html",
    "kafka": LDG + "kafka-retry-configurations.html",
    "documentdb": LDG + "with-documentdb.html",
}
RBIF_DOCS = {
    "sqs": LDG + "services-sqs-errorhandling.html",
    "kinesis": LDG + "services-kinesis-batchfailurereporting.html",
    "dynamodb-streams": LDG + "services-ddb-batchfailurereporting.html",
    "msk": LDG + "kafka-retry-configurations.html",
    "kafka": LDG + "kafka-retry-configurations.html",
}
# How long each caller waits for a synchronous answer, in seconds (aws-facts.md: API Gateway REST 29 s by default,
# HTTP API 30 s and not increasable, Cognito 5 s, SES RequestResponse 30 s; the catalog's knobs: Connect's flow
# block 8 s at most in synchronous mode and 60 s in asynchronous mode, Lex fulfillment 30 s by default).
CALLER_WAITS = {
    "api-gateway-rest": (
        29,
        "API Gateway (REST) waits at most 29 seconds by default for the integration",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html",
    ),
    "api-gateway-http": (
        30,
        "an HTTP API waits at most 30 seconds for the integration (not increasable)",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
    ),
    "cognito": (
        5,
        "Cognito waits 5 seconds for a trigger's answer",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html",
    ),
    "connect": (
        8,
        "in synchronous mode an Amazon Connect Lambda block waits at most 8 seconds (asynchronous mode: up to 60 s)",
        "https://docs.aws.amazon.com/connect/latest/adminguide/invoke-lambda-function-block.html",
    ),
    "lex": (
        30,
        "Lex waits 30 seconds for the fulfillment function by default",
        "https://docs.aws.amazon.com/lexv2/latest/dg/streaming-progress.html",
    ),
    "ses": (
        30,
        "SES waits 30 seconds for a RequestResponse function",
        "https://docs.aws.amazon.com/ses/latest/APIReference/API_LambdaAction.html",
    ),
}


# An Amazon Connect flow's Lambda block in asynchronous mode waits up to 60 s; only above that is the finding a warning.
ASYNC_CONNECT_WAIT = 60


def _finding(code: str, message: str, line: int | None, slug: str = "", doc: str = "", level: str = "") -> Finding:
    default_level, default_doc, lesson = CHECKS[code]
    return Finding(
        origin="semantic",
        level=level or default_level,
        code=code,
        message=message,
        line=line,
        doc=doc or default_doc,
        lesson=lesson.format(slug=slug or "sqs"),
    )


def _has_rbif(t: Template, props: dict) -> bool:
    types = t.value(props.get("FunctionResponseTypes"), "FunctionResponseTypes", [])
    return isinstance(types, list) and "ReportBatchItemFailures" in [str(x) for x in types]


def _queue_props(t: Template, trig: Trigger) -> dict | None:
    if trig.queue and t.type_of(trig.queue) == "AWS::SQS::Queue":
        return t.props(trig.queue)
    return None


def is_fifo(t: Template, trig: Trigger) -> bool:
    props = _queue_props(t, trig)
    if props is None:
        return False
    name = t.value(props.get("QueueName"), f"{trig.queue} QueueName", "")
    return t.boolean(props.get("FifoQueue"), f"{trig.queue} FifoQueue") or str(name).endswith(".fifo")


def _check_sqs(t: Template, trig: Trigger) -> list[Finding]:
    out = []
    p = trig.props
    where = trig.sam_event or trig.resource
    batch = t.number(p.get("BatchSize"), f"{where} BatchSize", 10)
    window = t.number(p.get("MaximumBatchingWindowInSeconds"), f"{where} MaximumBatchingWindowInSeconds", 0)
    batch_line = _prop_line(t, trig, "BatchSize")
    window_line = _prop_line(t, trig, "MaximumBatchingWindowInSeconds")
    fifo = is_fifo(t, trig)
    if fifo and ((window or 0) > 0 or (batch or 0) > 10):
        what = []
        if (batch or 0) > 10:
            what.append(f"a batch size of {batch} (at most 10 for a FIFO queue)")
        if (window or 0) > 0:
            what.append(f"a batching window of {window} s (FIFO queues have none)")
        out.append(
            _finding(
                "fifo-batching",
                f"{where} reads the FIFO queue {trig.queue} with {' and '.join(what)}: Lambda refuses this mapping.",
                window_line if (window or 0) > 0 else batch_line,
            )
        )
    elif (batch or 0) > 10 and (window or 0) < 1:
        out.append(
            _finding(
                "batch-without-window",
                f"{where} asks for batches of {batch} messages without a batching window: above 10 messages, Lambda "
                "requires MaximumBatchingWindowInSeconds of at least 1 second, so it refuses this mapping.",
                batch_line,
            )
        )
    if p.get("DestinationConfig") is not None:
        out.append(
            _finding(
                "sqs-on-failure-destination",
                f"{where} gives an SQS mapping an on-failure destination: Lambda only accepts one on stream and Kafka "
                "mappings. Failed SQS messages go where the queue's redrive policy sends them (its dead-letter queue).",
                _prop_line(t, trig, "DestinationConfig"),
            )
        )
    queue = _queue_props(t, trig)
    if queue is not None:
        timeout = t.timeout(trig.function)
        vt = t.number(queue.get("VisibilityTimeout"), f"{trig.queue} VisibilityTimeout", DEFAULT_VISIBILITY)
        vt_line = t.line(trig.queue, "VisibilityTimeout")
        given = "" if "VisibilityTimeout" in queue else " (the default, as none is set)"
        if vt is not None and vt < timeout:
            out.append(
                _finding(
                    "sqs-visibility-below-timeout",
                    f"Queue {trig.queue} has a visibility timeout of {vt} s{given}, shorter than {trig.function}'s "
                    f"timeout of {timeout} s: Lambda refuses to create the mapping. Set it to at least 6 × {timeout} "
                    f"= {6 * timeout} s.",
                    vt_line,
                )
            )
        elif vt is not None and vt < 6 * timeout:
            out.append(
                _finding(
                    "sqs-visibility-timeout",
                    f"Queue {trig.queue} has a visibility timeout of {vt} s{given}, under 6 × {trig.function}'s "
                    f"timeout ({6 * timeout} s): AWS recommends six times the function timeout so Lambda has time "
                    "to retry a batch that was throttled; otherwise its messages can become visible again and be "
                    "received again (counting toward maxReceiveCount). Set it to at least six times the function "
                    "timeout.",
                    vt_line,
                )
            )
        if queue.get("RedrivePolicy") is None:
            retention = t.number(
                queue.get("MessageRetentionPeriod"), f"{trig.queue} MessageRetentionPeriod", DEFAULT_RETENTION
            )
            days = (retention or DEFAULT_RETENTION) / 86_400
            out.append(
                _finding(
                    "queue-without-redrive",
                    f"Queue {trig.queue} has no redrive policy: a message that always fails comes back after every "
                    f"visibility timeout until retention deletes it ({days:g} days), and nothing keeps it. Add a "
                    "RedrivePolicy with a dead-letter queue and a maxReceiveCount.",
                    t.line(trig.queue),
                )
            )
    return out


def _prop_line(t: Template, trig: Trigger, key: str) -> int | None:
    if trig.sam_event:
        return t.line(trig.function, "Events", trig.sam_event, "Properties", key) or trig.line
    return t.line(trig.resource, key) or trig.line


def _check_stream(t: Template, trig: Trigger) -> list[Finding]:
    p = trig.props
    where = trig.sam_event or trig.resource
    retries = t.number(p.get("MaximumRetryAttempts"), f"{where} MaximumRetryAttempts", -1)
    age = t.number(p.get("MaximumRecordAgeInSeconds"), f"{where} MaximumRecordAgeInSeconds", -1)
    dest = p.get("DestinationConfig")
    has_dest = isinstance(dest, dict) and isinstance(dest.get("OnFailure"), dict)
    if retries not in (-1, None) or age not in (-1, None):
        return [] if has_dest else _discarded(t, trig, retries, age)
    bisect = t.boolean(p.get("BisectBatchOnFunctionError"), f"{where} BisectBatchOnFunctionError")
    if has_dest and trig.source in ("msk", "kafka"):
        return []  # Lambda caps retries at 10 when a Kafka mapping has an on-failure destination
    if trig.source in ("msk", "kafka"):
        return [
            _finding(
                "stream-unbounded-retries",
                f"{where} retries a failing batch without limit (MaximumRetryAttempts and MaximumRecordAgeInSeconds "
                "are -1, the default): one poison record holds up its partition until the records leave the topic. "
                "Retry/age limits, batch splitting and partial batch responses require provisioned mode "
                "(ProvisionedPollerConfig); set them with an on-failure destination.",
                trig.line,
                trig.source,
                doc=STREAM_DOCS.get(trig.source, ""),
            )
        ]
    if has_dest or bisect:
        extra = (
            " The on-failure destination only receives a batch once retries or record age run out, which never "
            "happens here before the records expire."
            if has_dest
            else " Splitting the batch narrows the failure down to the bad record, but it is still retried for ever."
        )
    else:
        extra = " Failed records are then lost without a trace: there is no on-failure destination either."
    explicit = [key for key in ("MaximumRetryAttempts", "MaximumRecordAgeInSeconds") if p.get(key) is not None]
    how = "set to -1 here" if len(explicit) == 2 else "-1, the default" if not explicit else "both -1"
    return [
        _finding(
            "stream-unbounded-retries",
            f"{where} retries a failing batch without limit (MaximumRetryAttempts and MaximumRecordAgeInSeconds are "
            f"{how}): one poison record blocks its shard until it expires from the stream."
            + extra
            + " Set MaximumRetryAttempts or MaximumRecordAgeInSeconds, with an on-failure destination.",
            _prop_line(t, trig, explicit[0]) if explicit else trig.line,
            trig.source,
            doc=STREAM_DOCS.get(trig.source, ""),
        )
    ]


def _discarded(t: Template, trig: Trigger, retries: object, age: object) -> list[Finding]:
    """Bounded retries or record age with no on-failure destination: the failed records are thrown away."""
    if trig.source not in ("kinesis", "dynamodb-streams"):
        return []  # Kafka's bounded retries need provisioned mode: its own check covers that
    where = trig.sam_event or trig.resource
    limits = []
    if retries not in (-1, None):
        limits.append(f"after {retries} retr{'y' if retries == 1 else 'ies'} (MaximumRetryAttempts)")
    if age not in (-1, None):
        limits.append(f"once a record is {age} s old (MaximumRecordAgeInSeconds)")
    key = "MaximumRetryAttempts" if retries not in (-1, None) else "MaximumRecordAgeInSeconds"
    return [
        _finding(
            "stream-discards-failed-records",
            f"{where} gives up on a failing batch {' or '.join(limits)}, but it has no on-failure destination: "
            "Lambda then skips the batch and its records are discarded, with no copy anywhere. Add "
            "DestinationConfig: OnFailure: Destination: with an SQS queue, SNS topic or S3 bucket ARN, which "
            "receives the batch's details (shard, sequence numbers) so you can read the records again.",
            _prop_line(t, trig, key),
            trig.source,
            doc=LDG + "kinesis-on-failure-destination.html" if trig.source == "kinesis" else STREAM_DOCS[trig.source],
        )
    ]


def _check_rbif(t: Template, trig: Trigger) -> list[Finding]:
    if trig.source not in RBIF_DOCS or _has_rbif(t, trig.props):
        return []
    code = t.inline_code(trig.function)
    if "batchItemFailures" not in code:
        return []
    where = trig.sam_event or trig.resource
    return [
        _finding(
            "missing-report-batch-item-failures",
            f"{trig.function}'s code returns batchItemFailures, but {where} does not list ReportBatchItemFailures in "
            "FunctionResponseTypes: Lambda ignores the list and counts the batch as a success, so the failed "
            "records are deleted (or checkpointed past) and lost.",
            trig.line,
            trig.source,
            doc=RBIF_DOCS[trig.source],
        )
    ]


def _principal_matches(t: Template, raw, principal: str) -> bool:
    text = t.text(raw).lower()
    service = principal.split(".")[0]
    return text == principal or (text.startswith(service + ".") and text.endswith((".amazonaws.com", ".amazon.com")))


def _check_push(t: Template, trig: Trigger) -> list[Finding]:
    if not trig.principal or trig.creates_permission:
        return []
    grants = [
        props
        for _, props in permissions_for(t, trig.function)
        if _principal_matches(t, props.get("Principal"), trig.principal)
    ]
    if grants:
        return []
    return [
        _finding(
            "push-without-permission",
            f"{trig.resource} invokes {trig.function}, but no AWS::Lambda::Permission lets {trig.principal} invoke "
            "it: the function's resource-based policy must allow the service, or the invocation is refused.",
            trig.line,
            trig.source,
        )
    ]


def _check_permissions(t: Template) -> list[Finding]:
    out = []
    for lid in t.of_type("AWS::Lambda::Permission"):
        props = t.props(lid)
        principal = t.text(props.get("Principal")).lower()
        if not principal.endswith((".amazonaws.com", ".amazon.com")):
            continue
        if props.get("SourceArn") is None and props.get("SourceAccount") is None:
            if principal.startswith("alexa-appkit"):
                continue  # Alexa skills use EventSourceToken
            slug = _slug_for_principal(principal)
            out.append(
                _finding(
                    "permission-without-source-condition",
                    f"{lid} lets {principal} invoke the function with neither SourceArn nor SourceAccount: any "
                    f"{principal.split('.')[0]} resource, in any account, could invoke it. Name the source resource "
                    "(SourceArn) and your account (SourceAccount).",
                    t.line(lid),
                    slug,
                )
            )
    return out


def _slug_for_principal(principal: str) -> str:
    from .triggers import PRINCIPALS

    service = principal.split(".")[0]
    return next((slug for slug, p in PRINCIPALS.items() if p.split(".")[0] == service), "sqs")


def _check_async(t: Template, triggers: list[Trigger]) -> list[Finding]:
    out = []
    seen = set()
    for trig in triggers:
        if trig.source not in ASYNC_SOURCES or trig.function in seen or _sync_ses(trig):
            continue
        seen.add(trig.function)
        dlq, _ = t.dead_letter(trig.function)
        config = t.invoke_config(trig.function)
        if dlq or config.get("OnFailure"):
            continue
        out.append(
            _finding(
                "async-without-failure-target",
                f"{trig.function} is invoked asynchronously ({trig.sam_event or trig.resource}) but has neither a "
                "dead-letter queue nor an on-failure destination: an event that fails every retry, or grows older "
                "than the maximum event age, is dropped without a trace.",
                t.line(trig.function),
                trig.source,
            )
        )
    return out


def _is_fifo_target(t: Template, lid: str) -> bool:
    props = t.props(lid)
    if t.type_of(lid) == "AWS::SQS::Queue":
        name = t.value(props.get("QueueName"), f"{lid} QueueName", "")
        return t.boolean(props.get("FifoQueue"), f"{lid} FifoQueue") or str(name).endswith(".fifo")
    if t.type_of(lid) == "AWS::SNS::Topic":
        name = t.value(props.get("TopicName"), f"{lid} TopicName", "")
        return t.boolean(props.get("FifoTopic"), f"{lid} FifoTopic") or str(name).endswith(".fifo")
    return False


def _failure_targets(t: Template, fn: str) -> list[tuple[str, object, int | None]]:
    """(what, ARN value, line) of the function's dead-letter queue and asynchronous destinations."""
    out: list[tuple[str, object, int | None]] = []
    sam = t.type_of(fn) == "AWS::Serverless::Function"
    dlq = t.fn_prop(fn, "DeadLetterQueue") if sam else None
    if isinstance(dlq, dict):
        out.append(("dead-letter queue", dlq.get("TargetArn"), t.line(fn, "DeadLetterQueue")))
    dlc = t.props(fn).get("DeadLetterConfig")
    if isinstance(dlc, dict):
        out.append(("dead-letter queue", dlc.get("TargetArn"), t.line(fn, "DeadLetterConfig")))
    configs: list[tuple[dict, int | None]] = []
    sam_config = t.fn_prop(fn, "EventInvokeConfig") if sam else None
    if isinstance(sam_config, dict):
        configs.append((sam_config, t.line(fn, "EventInvokeConfig")))
    for lid in t.of_type("AWS::Lambda::EventInvokeConfig"):
        props = t.props(lid)
        if t.function_of(props.get("FunctionName")) == fn:
            configs.append((props, t.line(lid, "DestinationConfig")))
    for config, line in configs:
        dest = config.get("DestinationConfig")
        for side, what in (("OnFailure", "on-failure destination"), ("OnSuccess", "on-success destination")):
            node = dest.get(side) if isinstance(dest, dict) else None
            if isinstance(node, dict):
                out.append((what, node.get("Destination"), line))
    return out


def _check_fifo_targets(t: Template, triggers: list[Trigger]) -> list[Finding]:
    out = []
    for fn in dict.fromkeys(tr.function for tr in triggers if tr.source in ASYNC_SOURCES and not _sync_ses(tr)):
        for what, raw, line in _failure_targets(t, fn):
            target = t.target(raw) if raw is not None else ""
            if target and _is_fifo_target(t, target):
                slug = next(tr.source for tr in triggers if tr.function == fn)
                kind = "queue" if t.type_of(target) == "AWS::SQS::Queue" else "topic"
                out.append(
                    _finding(
                        "fifo-failure-target",
                        f"{fn}'s {what} is {target}, a FIFO {kind}: "
                        "Lambda cannot deliver asynchronous failures or results to a FIFO queue or topic, so those "
                        "records are lost. Use a standard queue or topic.",
                        line,
                        slug,
                    )
                )
    return out


def _sync_ses(trig: Trigger) -> bool:
    return trig.source == "ses" and trig.extra.get("invocation_type") == "RequestResponse"


def _check_caller_timeout(t: Template, trig: Trigger) -> list[Finding]:
    if trig.source not in CALLER_WAITS or (trig.source == "ses" and not _sync_ses(trig)):
        return []
    waits, said, doc = CALLER_WAITS[trig.source]
    ms = trig.extra.get("timeout_ms")
    if isinstance(ms, int | float) and ms > 0:
        waits, said = ms / 1000, f"this integration waits {ms / 1000:g} seconds (TimeoutInMillis)"
    timeout = t.timeout(trig.function)
    if timeout <= waits:
        return []
    level = ""
    if trig.source == "connect" and timeout <= ASYNC_CONNECT_WAIT:
        level = "info"  # a template cannot show whether the flow's Lambda block runs synchronously or not
    return [
        _finding(
            "timeout-above-caller",
            f"{trig.function} may run for {timeout} s, but {said}: the caller gives up first and gets an error "
            "while the function keeps running. Keep the function's timeout at or below what the caller waits, or "
            "move long work behind a queue.",
            t.line(trig.function, "Timeout") or trig.line,
            trig.source,
            doc=doc,
            level=level,
        )
    ]


FOURTEEN_MINUTE_SOURCES = {
    "msk": "Amazon MSK",
    "kafka": "self-managed Apache Kafka",
    "mq": "Amazon MQ",
    "documentdb": "Amazon DocumentDB",
}


def _check_mapping_timeout(t: Template, trig: Trigger) -> list[Finding]:
    name = FOURTEEN_MINUTE_SOURCES.get(trig.source)
    timeout = t.timeout(trig.function)
    if not name or timeout <= 14 * 60:
        return []
    return [
        _finding(
            "mapping-timeout-limit",
            f"{trig.function} has a timeout of {timeout} s, but event source mappings for {name} only support "
            "functions with a timeout of at most 14 minutes (840 s).",
            t.line(trig.function, "Timeout") or trig.line,
            trig.source,
        )
    ]


def _check_function_dlq(t: Template, triggers: list[Trigger]) -> list[Finding]:
    out = []
    for fn in t.functions():
        mine = [tr for tr in triggers if tr.function == fn]
        if not mine or any(tr.source != "sqs" for tr in mine):
            continue
        dlq, line = t.dead_letter(fn)
        if dlq:
            out.append(
                _finding(
                    "function-dlq-for-sqs",
                    f"{fn} has a dead-letter queue, but its only trigger is an SQS queue: a function's DLQ only "
                    "catches failed asynchronous invocations, and the SQS mapping invokes synchronously, so no failed "
                    "message ever lands there. Put the DLQ on the source queue's RedrivePolicy instead.",
                    line,
                )
            )
    return out


def _check_types(t: Template) -> list[Finding]:
    import re

    out = []
    pattern = re.compile(r"^(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?$|^Custom::[\w@-]+$")
    for lid, res in t.resources.items():
        kind = res.get("Type") if isinstance(res, dict) else None
        if not isinstance(kind, str) or not pattern.match(kind):
            shown = "no Type" if kind is None else f"the type {kind!r}"
            out.append(
                _finding(
                    "unknown-resource-type",
                    f"Resource {lid} has {shown}, which is not a CloudFormation resource type "
                    "(AWS::Service::Resource); the checker skipped it.",
                    t.line(lid),
                )
            )
    return out


def run_checks(t: Template) -> list[Finding]:
    out: list[Finding] = []
    out.extend(_check_types(t))
    triggers = t.triggers()
    for trig in triggers:
        if trig.source == "sqs":
            out.extend(_check_sqs(t, trig))
        if trig.source in RETRY_SOURCES:
            out.extend(_check_stream(t, trig))
        out.extend(_check_rbif(t, trig))
        out.extend(_check_push(t, trig))
        out.extend(_check_caller_timeout(t, trig))
        out.extend(_check_mapping_timeout(t, trig))
    out.extend(_check_permissions(t))
    out.extend(_check_async(t, triggers))
    out.extend(_check_fifo_targets(t, triggers))
    out.extend(_check_function_dlq(t, triggers))
    unique: dict[tuple, Finding] = {}
    for f in out:
        unique.setdefault((f.code, f.line, f.message), f)
    return list(unique.values())
