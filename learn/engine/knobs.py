"""Which settings apply to a source, and checking a learner's values against the documented ranges.

Most knobs come from the source's retry rules in content/rules/. A few settings belong to the event
source service itself (an SQS queue's type, an EventBridge target's retry policy); they are declared here,
each with the AWS page that documents it.
"""

from __future__ import annotations

from typing import Any

from learn.catalog.types import Catalog, Knob

from .types import EngineError


def _knob(name, api_name, label, kind, default, description, doc, minimum=None, maximum=None, choices=(), unit=""):
    return Knob(
        name=name,
        api_name=api_name,
        label=label,
        type=kind,
        default=default,
        description=description,
        doc=doc,
        minimum=minimum,
        maximum=maximum,
        choices=tuple(choices),
        unit=unit,
    )


LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
INVOCATION_TYPE = _knob(
    "invocation_type",
    "InvocationType",
    "Invocation type",
    "choice",
    "RequestResponse",
    "RequestResponse waits for the result; Event queues the event for asynchronous invocation.",
    "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
    choices=("RequestResponse", "Event"),
)
RESERVED_ZERO = _knob(
    "reserved_concurrency_zero",
    "ReservedConcurrentExecutions = 0",
    "Reserved concurrency set to 0",
    "bool",
    False,
    "With reserved concurrency 0, new asynchronous events go straight to the DLQ or on-failure destination.",
    LDG + "invocation-async-retain-records.html",
)
TARGET_RETRY = (
    "maximum_retry_attempts",
    "RetryPolicy.MaximumRetryAttempts",
    "Target retry attempts",
    185,
    0,
    185,
    "attempts",
)
TARGET_AGE = (
    "maximum_event_age_s",
    "RetryPolicy.MaximumEventAgeInSeconds",
    "Target maximum event age",
    86_400,
    60,
    86_400,
    "seconds",
)


def _target_policy(prefix: str, doc: str) -> list[Knob]:
    knobs = []
    for name, api, label, default, lo, hi, unit in (TARGET_RETRY, TARGET_AGE):
        knobs.append(
            _knob(
                f"{prefix}_{name}",
                api,
                label,
                "int",
                default,
                f"How long the {prefix} keeps retrying delivery to the function.",
                doc,
                lo,
                hi,
                unit=unit,
            )
        )
    knobs.append(
        _knob(
            f"{prefix}_dlq",
            "DeadLetterConfig (target)",
            "Target dead-letter queue (SQS)",
            "bool",
            False,
            f"Where the {prefix} puts events it could not deliver.",
            doc,
        )
    )
    return knobs


SERVICE_KNOBS: dict[str, list[Knob]] = {
    "sqs": [
        _knob(
            "fifo",
            "FifoQueue",
            "FIFO queue",
            "bool",
            False,
            "FIFO queues keep order per message group, allow at most 10 messages per batch and no batching window.",
            LDG + "services-sqs-parameters.html",
        ),
        _knob(
            "redrive_policy",
            "RedrivePolicy",
            "Queue has a redrive policy (DLQ)",
            "bool",
            False,
            "Without one (the default for a new queue) a failing message returns until retention deletes it.",
            LDG + "services-sqs-configure.html",
        ),
        _knob(
            "message_size_kb",
            "(scenario)",
            "Size of each message",
            "int",
            1,
            "A what-if: how big each message is in the event. A batch also goes out once its payload reaches 6 MB, "
            "even below the batch size. An SQS message is at most 1 MiB.",
            LDG + "invocation-eventsourcemapping.html",
            1,
            1024,
            unit="KB",
        ),
    ],
    "kinesis": [
        _knob(
            "retention_hours",
            "RetentionPeriodHours",
            "Stream retention",
            "int",
            24,
            "How long the stream keeps records; unprocessed records are lost after it.",
            "https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html",
            24,
            8760,
            unit="hours",
        ),
    ],
    "documentdb": [
        _knob(
            "change_stream_retention_hours",
            "change_stream_log_retention_duration (cluster parameter)",
            "Change stream retention",
            "int",
            3,
            "How long the DocumentDB cluster keeps change stream events: 3 hours by default, at most 7 days. When "
            "the events a failing batch waits on expire, Lambda disables the mapping. (Triggerlab takes whole hours; "
            "its lower limit of 1 h is the simulation's, not a documented AWS minimum.)",
            "https://docs.aws.amazon.com/documentdb/latest/developerguide/change_streams.html",
            1,
            168,
            unit="hours",
        ),
    ],
    "mq": [
        _knob(
            "broker_type",
            "EngineType (broker)",
            "Broker engine",
            "choice",
            "activemq",
            "ActiveMQ: Lambda applies ActiveMQ's default redelivery policy (maximumRedeliveries 6). RabbitMQ: the "
            "Lambda docs give no redelivery count and point to RabbitMQ's own reliability guide.",
            LDG + "services-mq-errors.html",
            choices=("activemq", "rabbitmq"),
        ),
    ],
    "api-gateway-rest": [
        _knob(
            "integration_timeout_s",
            "timeoutInMillis",
            "Integration timeout",
            "int",
            29,
            "How long API Gateway waits for the function (Regional and private APIs can ask for more).",
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html",
            1,
            29,
            unit="seconds",
        ),
    ],
    "api-gateway-http": [
        _knob(
            "integration_timeout_s",
            "TimeoutInMillis",
            "Integration timeout",
            "int",
            30,
            "How long the HTTP API waits for the function; 30 seconds at most.",
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
            1,
            30,
            unit="seconds",
        ),
    ],
    "sns": [
        _knob(
            "subscription_dlq",
            "RedrivePolicy (subscription)",
            "Subscription dead-letter queue",
            "bool",
            False,
            "Where SNS puts messages it could not deliver to the function.",
            "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html",
        ),
    ],
    "eventbridge": _target_policy(
        "target", "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
    ),
    "eventbridge-scheduler": _target_policy(
        "schedule", "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"
    ),
    "connect": [
        _knob(
            "block_timeout_s",
            "InvocationTimeLimitSeconds (flow block Timeout)",
            "Flow block timeout",
            "int",
            8,
            "How long the AWS Lambda function block waits in synchronous mode: at most 8 seconds. Retries after an "
            "error also have to fit in it.",
            "https://docs.aws.amazon.com/connect/latest/adminguide/invoke-lambda-function-block.html",
            1,
            8,
            unit="seconds",
        ),
    ],
    "lex": [
        _knob(
            "fulfillment_timeout_s",
            "fulfillmentUpdatesSpecification.timeoutInSeconds",
            "Fulfillment timeout",
            "int",
            30,
            "How long Lex waits for the fulfillment function: 30 seconds by default; with fulfillment updates "
            "(streaming conversations only) you set 1–900 seconds.",
            "https://docs.aws.amazon.com/lexv2/latest/dg/streaming-progress.html",
            1,
            900,
            unit="seconds",
        ),
    ],
    "cloudformation": [
        _knob(
            "service_timeout_s",
            "ServiceTimeout",
            "Custom resource timeout",
            "int",
            3600,
            "How long CloudFormation waits for the function to answer on the ResponseURL.",
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html",
            1,
            3600,
            unit="seconds",
        ),
    ],
    "step-functions": [
        _knob(
            "retry_max_attempts",
            "Retry[].MaxAttempts",
            "Task Retry attempts",
            "int",
            0,
            "0 means the Task state has no Retry field: the error goes to Catch, or fails the execution.",
            "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html",
            0,
            10,
            unit="retries (Triggerlab simulates up to 10)",
        ),
    ],
}
for slug, doc in (
    ("sns", "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html"),
    ("eventbridge", "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"),
    ("eventbridge-scheduler", "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html"),
):
    SERVICE_KNOBS[slug].append(
        _knob(
            "delivery_failures",
            "(scenario)",
            "Failed deliveries before Lambda accepts the event",
            "int",
            0,
            "A what-if: how many of the service's own delivery attempts fail with an error it retries (the target "
            "unavailable, network conditions) before one succeeds. Errors it does not retry, such as a missing "
            "permission or a deleted function, are not simulated: SNS and EventBridge send those to the DLQ (or drop "
            "them) at once.",
            doc,
            0,
            200_000,
            unit="attempts",
        )
    )
MULTI_MODEL = ("sdk-invoke", "step-functions", "ses")


def knobs_for_source(catalog: Catalog, slug: str) -> list[Knob]:
    """Every setting that shapes this source's behaviour, without duplicates, rule knobs first."""
    source = catalog.sources[slug]
    knobs: dict[str, Knob] = {}
    if slug in MULTI_MODEL:
        knobs[INVOCATION_TYPE.name] = INVOCATION_TYPE
    for rule_id in source.retries.rules:
        for knob in catalog.rules[rule_id].knobs:
            knobs.setdefault(knob.name, knob)
    timeout = catalog.rules["sync-caller"].knob("timeout_s")
    if timeout is not None:
        knobs.setdefault(timeout.name, timeout)
    if "async" in source.retries.rules:
        knobs[RESERVED_ZERO.name] = RESERVED_ZERO
    for knob in SERVICE_KNOBS.get(slug, []):
        knobs[knob.name] = knob
    return list(knobs.values())


def resolve(knobs: list[Knob], given: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with the learner's values, each converted and range-checked."""
    by_name = {k.name: k for k in knobs}
    values = {k.name: k.default for k in knobs}
    for name, raw in (given or {}).items():
        knob = by_name.get(name)
        if knob is None:
            known = ", ".join(sorted(by_name))
            raise EngineError(f"{name!r} is not a setting for this source; the settings are: {known}")
        values[name] = convert(knob, raw)
    return values


def convert(knob: Knob, raw: Any) -> Any:
    where = f"{knob.label} ({knob.name})"
    if knob.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise EngineError(f"{where} must be true or false, got {raw!r}")
    if knob.type == "choice":
        if str(raw) not in knob.choices:
            raise EngineError(f"{where} must be one of {', '.join(knob.choices)}, got {raw!r}")
        return str(raw)
    try:
        value = float(raw) if knob.type == "float" else int(str(raw).strip())
    except (TypeError, ValueError):
        hint = ""
        if knob.type == "int" and isinstance(knob.default, float) and not knob.default.is_integer():
            hint = f" (the {knob.default:g} default cannot be set again once changed)"
        raise EngineError(
            f"{where} must be a {'number' if knob.type == 'float' else 'whole number'}{hint}, got {raw!r}"
        ) from None
    if value in knob.special:
        return value
    if knob.minimum is not None and knob.maximum is not None and not knob.minimum <= value <= knob.maximum:
        raise EngineError(f"{where} must be {knob.describe_range()}, got {raw}")
    return value
