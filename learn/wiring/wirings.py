"""From the template's triggers to report.wirings: each source -> function connection with the engine's knobs."""

from __future__ import annotations

from typing import Any

from .model import ASYNC_SOURCES, DEFAULT_RETENTION, DEFAULT_VISIBILITY, MAPPING_SOURCES, Template, Trigger
from .types import Wiring

NAMES = {
    "sqs": "SQS queue",
    "kinesis": "Kinesis stream",
    "dynamodb-streams": "DynamoDB stream",
    "msk": "MSK topic",
    "kafka": "Kafka topic",
    "mq": "Amazon MQ broker",
    "documentdb": "DocumentDB change stream",
    "s3": "S3 bucket",
    "sns": "SNS topic",
    "eventbridge": "EventBridge rule",
    "eventbridge-scheduler": "EventBridge Scheduler schedule",
    "api-gateway-rest": "REST API",
    "api-gateway-http": "HTTP API",
    "alb": "Application Load Balancer",
    "cloudwatch-logs": "CloudWatch Logs subscription",
    "iot": "IoT rule",
    "cognito": "Cognito user pool",
    "alexa": "Alexa skill",
    "function-urls": "function URL",
    "cloudformation": "custom resource",
    "codecommit": "CodeCommit repository",
    "codepipeline": "CodePipeline pipeline",
    "config": "Config rule",
    "connect": "Amazon Connect",
    "firehose": "Firehose stream",
    "lex": "Lex bot alias",
    "sdk-invoke": "SDK caller (IAM)",
    "ses": "SES receipt rule",
    "step-functions": "state machine",
    "secrets-manager": "Secrets Manager rotation",
    "cloudfront": "CloudFront distribution",
}


def build_wirings(t: Template) -> list[Wiring]:
    from learn import engine
    from learn.engine import knobs as knob_registry

    out = []
    for trig in t.triggers():
        try:
            knobs = {k.name: k for k in engine.knobs_for(trig.source)}
        except engine.EngineError:
            continue
        raw = _settings(t, trig)
        settings: dict[str, Any] = {}
        for name, value in raw.items():
            knob = knobs.get(name)
            if knob is None or value is None:
                continue
            try:
                settings[name] = knob_registry.convert(knob, value)
            except engine.EngineError as exc:
                t.assume(f"{trig.sam_event or trig.resource}: {exc}; the simulation uses the default.")
        source = trig.queue or trig.resource
        label = f"{NAMES.get(trig.source, trig.source)} {source} → function {trig.function}"
        if trig.queue == trig.function or not trig.queue:
            label = (
                f"{NAMES.get(trig.source, trig.source)} ({trig.sam_event or trig.resource}) → function {trig.function}"
            )
        out.append(
            Wiring(
                source=trig.source,
                function=trig.function,
                line=trig.line,
                settings=settings,
                resource=trig.sam_event or trig.resource,
                label=label,
            )
        )
    return out


def _settings(t: Template, trig: Trigger) -> dict[str, Any]:
    p = trig.props
    where = trig.sam_event or trig.resource
    s: dict[str, Any] = {"timeout_s": t.timeout(trig.function)}
    if trig.source in MAPPING_SOURCES:
        s["batch_size"] = t.number(p.get("BatchSize"), f"{where} BatchSize", None)
        window = t.number(p.get("MaximumBatchingWindowInSeconds"), f"{where} MaximumBatchingWindowInSeconds", None)
        s["maximum_batching_window_s"] = window
        types = t.value(p.get("FunctionResponseTypes"), f"{where} FunctionResponseTypes", [])
        s["report_batch_item_failures"] = isinstance(types, list) and "ReportBatchItemFailures" in types
        s["maximum_retry_attempts"] = t.number(p.get("MaximumRetryAttempts"), f"{where} MaximumRetryAttempts", None)
        s["maximum_record_age_s"] = t.number(
            p.get("MaximumRecordAgeInSeconds"), f"{where} MaximumRecordAgeInSeconds", None
        )
        if p.get("BisectBatchOnFunctionError") is not None:
            s["bisect_batch_on_function_error"] = t.boolean(p.get("BisectBatchOnFunctionError"), where)
        s["parallelization_factor"] = t.number(p.get("ParallelizationFactor"), f"{where} ParallelizationFactor", None)
        dest = p.get("DestinationConfig")
        on_failure = dest.get("OnFailure") if isinstance(dest, dict) else None
        if isinstance(on_failure, dict) and on_failure.get("Destination") is not None:
            s["on_failure_destination"] = t.destination_kind(on_failure.get("Destination"), on_failure.get("Type"))
        scaling = p.get("ScalingConfig")
        if isinstance(scaling, dict):
            s["maximum_concurrency"] = t.number(scaling.get("MaximumConcurrency"), f"{where} MaximumConcurrency", None)
    if trig.source in ("sqs", "kinesis") and not (trig.queue and trig.queue in t.resources):
        t.assume(
            f"{where}: its {NAMES[trig.source]} is not defined in this template; its own settings (visibility "
            "timeout, redrive policy, retention) were not checked, and the simulation uses their defaults."
            if trig.source == "sqs"
            else f"{where}: its {NAMES[trig.source]} is not defined in this template; the simulation assumes the "
            "default retention of 24 hours."
        )
    if trig.source == "sqs" and trig.queue and t.type_of(trig.queue) == "AWS::SQS::Queue":
        from .semantic import is_fifo

        q = t.props(trig.queue)
        s["visibility_timeout_s"] = t.number(
            q.get("VisibilityTimeout"), f"{trig.queue} VisibilityTimeout", DEFAULT_VISIBILITY
        )
        s["message_retention_s"] = t.number(
            q.get("MessageRetentionPeriod"), f"{trig.queue} MessageRetentionPeriod", DEFAULT_RETENTION
        )
        s["fifo"] = is_fifo(t, trig)
        redrive = q.get("RedrivePolicy")
        s["redrive_policy"] = redrive is not None
        if isinstance(redrive, dict):
            s["max_receive_count"] = t.number(redrive.get("maxReceiveCount"), f"{trig.queue} maxReceiveCount", None)
    if trig.source == "kinesis" and trig.queue and t.type_of(trig.queue) == "AWS::Kinesis::Stream":
        s["retention_hours"] = t.number(
            t.props(trig.queue).get("RetentionPeriodHours"), f"{trig.queue} RetentionPeriodHours", None
        )
    if trig.source == "mq" and trig.queue and t.type_of(trig.queue) == "AWS::AmazonMQ::Broker":
        engine_type = str(t.value(t.props(trig.queue).get("EngineType"), f"{trig.queue} EngineType", "")).lower()
        if engine_type in ("activemq", "rabbitmq"):
            s["broker_type"] = engine_type
    if trig.source == "ses":
        s["invocation_type"] = trig.extra.get("invocation_type", "Event")
    if trig.source in ASYNC_SOURCES and s.get("invocation_type") != "RequestResponse":
        config = t.invoke_config(trig.function)
        s["maximum_retry_attempts"] = config.get("MaximumRetryAttempts")
        s["maximum_event_age_s"] = config.get("MaximumEventAgeInSeconds")
        dlq, _ = t.dead_letter(trig.function)
        s["dead_letter_queue"] = dlq or "none"
        s["on_failure_destination"] = config.get("OnFailure", "none")
        s["on_success_destination"] = config.get("OnSuccess", "none")
        reserved = t.number(
            t.fn_prop(trig.function, "ReservedConcurrentExecutions"),
            f"{trig.function} ReservedConcurrentExecutions",
            None,
        )
        s["reserved_concurrency_zero"] = reserved == 0
        if trig.source in ("eventbridge", "eventbridge-scheduler"):
            prefix = "target" if trig.source == "eventbridge" else "schedule"
            policy = p.get("RetryPolicy")
            if isinstance(policy, dict):
                s[f"{prefix}_maximum_retry_attempts"] = t.number(
                    policy.get("MaximumRetryAttempts"), f"{where} RetryPolicy.MaximumRetryAttempts", None
                )
                s[f"{prefix}_maximum_event_age_s"] = t.number(
                    policy.get("MaximumEventAgeInSeconds"), f"{where} RetryPolicy.MaximumEventAgeInSeconds", None
                )
            dlc = p.get("DeadLetterConfig")
            s[f"{prefix}_dlq"] = isinstance(dlc, dict) and bool(dlc)
        if trig.source == "sns":
            s["subscription_dlq"] = bool(trig.extra.get("subscription_dlq")) or p.get("RedrivePolicy") is not None
    if trig.source in ("api-gateway-rest", "api-gateway-http"):
        ms = trig.extra.get("timeout_ms")
        if isinstance(ms, int | float) and ms > 0:
            s["integration_timeout_s"] = max(1, round(ms / 1000))
    return s
