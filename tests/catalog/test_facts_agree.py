"""Key numbers in the catalog agree with ../shared/aws-facts.md (each case names the fact it checks)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("slug", "default", "maximum", "window_default", "window_max", "fact"),
    [
        ("sqs", 10, 10_000, 0, 300, "SQS BatchSize default 10, standard max 10,000; window 0–300 s"),
        ("kinesis", 100, 10_000, 0, 300, "Kinesis BatchSize default 100, max 10,000; window default 0"),
        ("dynamodb-streams", 100, 10_000, 0, 300, "DynamoDB BatchSize default 100, max 10,000 (not the CDK's 1,000)"),
        ("msk", 100, 10_000, 0.5, 300, "MSK BatchSize default 100, max 10,000; window default 500 ms"),
        ("kafka", 100, 10_000, 0.5, 300, "self-managed Kafka window default 500 ms"),
        ("mq", 100, 10_000, 0.5, 300, "MQ BatchSize default 100, max 10,000; window default 500 ms"),
    ],
)
def test_batching_numbers(real_catalog, slug, default, maximum, window_default, window_max, fact):
    b = real_catalog.sources[slug].batching
    assert (b.default_batch_size, b.max_batch_size, b.window_default_s, b.window_max_s) == (
        default,
        maximum,
        window_default,
        window_max,
    ), fact


def _knob(catalog, rule, name):
    return catalog.rules[rule].knob(name)


@pytest.mark.parametrize(
    ("rule", "knob", "default", "minimum", "maximum", "special", "fact"),
    [
        ("async", "maximum_retry_attempts", 2, 0, 2, (), "async MaximumRetryAttempts 0–2, default 2"),
        (
            "async",
            "maximum_event_age_s",
            21_600,
            60,
            21_600,
            (),
            "async MaximumEventAgeInSeconds 60–21,600, default 6 h",
        ),
        ("stream", "maximum_retry_attempts", -1, 0, 10_000, (-1,), "stream retries -1 (infinite) default, max 10,000"),
        ("stream", "maximum_record_age_s", -1, 60, 604_800, (-1,), "record age -1 or 60–604,800"),
        ("stream", "parallelization_factor", 1, 1, 10, (), "ParallelizationFactor 1–10"),
        ("sqs", "message_retention_s", 345_600, 60, 1_209_600, (), "SQS retention default 4 days, 60 s–14 days"),
        ("sync-caller", "timeout_s", 3, 1, 900, (), "function timeout default 3 s, max 900 s"),
    ],
)
def test_retry_knobs(real_catalog, rule, knob, default, minimum, maximum, special, fact):
    k = _knob(real_catalog, rule, knob)
    assert (k.default, k.minimum, k.maximum, tuple(k.special)) == (default, minimum, maximum, special), fact


@pytest.mark.parametrize(
    ("slug", "models"),
    [
        ("api-gateway-rest", ("sync",)),
        ("api-gateway-http", ("sync",)),
        ("function-urls", ("sync",)),
        ("alb", ("sync",)),
        ("s3", ("async",)),
        ("sns", ("async",)),
        ("eventbridge", ("async",)),
        ("eventbridge-scheduler", ("async",)),
        ("cloudwatch-logs", ("async",)),
        ("iot", ("async",)),
        ("codepipeline", ("async",)),
        ("config", ("async",)),
        ("cloudformation", ("async",)),
        ("codecommit", ("async",)),
        ("sqs", ("poll",)),
        ("kinesis", ("poll",)),
        ("dynamodb-streams", ("poll",)),
        ("msk", ("poll",)),
        ("kafka", ("poll",)),
        ("mq", ("poll",)),
        ("documentdb", ("poll",)),
        ("cognito", ("sync",)),
        ("lex", ("sync",)),
        ("firehose", ("sync",)),
        ("s3-batch", ("sync",)),
    ],
)
def test_invocation_model_per_source(real_catalog, slug, models):
    assert real_catalog.sources[slug].models == models


@pytest.mark.parametrize(
    ("slug", "models"),
    [("step-functions", {"sync", "async"}), ("ses", {"sync", "async"}), ("sdk-invoke", {"sync", "async"})],
)
def test_sources_with_several_models(real_catalog, slug, models):
    assert set(real_catalog.sources[slug].models) == models


def test_secrets_manager_model_is_flagged_as_a_conflict(real_catalog):
    assert any(f.status == "conflict" for f in real_catalog.sources["secrets-manager"].all_facts())


def test_sqs_has_no_on_failure_destination_but_a_queue_redrive(real_catalog):
    failure = real_catalog.sources["sqs"].failure
    assert failure.dlq == "queue-redrive" and failure.on_failure_destinations == ()


def test_stream_on_failure_destinations(real_catalog):
    for slug in ("kinesis", "dynamodb-streams"):
        assert set(real_catalog.sources[slug].failure.on_failure_destinations) == {"sqs", "sns", "s3"}


def test_async_destinations_match_the_documented_types(real_catalog):
    knobs = real_catalog.rules["async"]
    assert set(knobs.knob("on_failure_destination").choices) == {"none", "sqs", "sns", "s3", "lambda", "eventbridge"}
    assert "s3" not in knobs.knob("on_success_destination").choices  # S3 is on-failure only
    assert set(knobs.knob("dead_letter_queue").choices) == {"none", "sqs", "sns"}


def test_sns_fifo_topics_are_not_taught_as_triggers(real_catalog):
    text = " ".join(f.text for f in real_catalog.sources["sns"].all_facts()).lower()
    assert "fifo" in text and "standard" in text
