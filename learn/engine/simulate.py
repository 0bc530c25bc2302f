"""engine.simulate(): pick the source's behaviour model, check its settings, run, and return the trace."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from learn.catalog import loader
from learn.catalog.types import Catalog, Knob

from . import knobs as knob_registry
from .async_flow import simulate_async, simulate_delivery_then_async
from .broker_flow import simulate_mq
from .context import Context
from .outcomes import Outcomes, OutcomeSource
from .queue_flow import simulate_sqs
from .run import Record, Run
from .stream_flow import simulate_stream
from .sync_flow import (
    simulate_caller,
    simulate_cognito,
    simulate_firehose,
    simulate_front_door,
    simulate_s3_batch,
    simulate_step_functions_task,
)
from .types import EngineError, Trace

DEFAULT_CONTENT = Path(__file__).resolve().parents[2] / "content"
MAX_RECORDS = 1000
FRONT_DOORS = ("api-gateway-rest", "api-gateway-http", "function-urls", "alb", "cloudfront")
STREAMS = ("kinesis", "dynamodb-streams", "msk", "kafka", "documentdb")


@functools.cache
def default_catalog() -> Catalog:
    return loader.load(DEFAULT_CONTENT)


def knobs_for(source: str, catalog: Catalog | None = None) -> list[Knob]:
    catalog = catalog or default_catalog()
    if source not in catalog.sources:
        raise EngineError(f"unknown source {source!r}")
    return knob_registry.knobs_for_source(catalog, source)


def simulate(
    source: str,
    settings: dict[str, Any] | None = None,
    records: int | list = 1,
    outcomes: Outcomes = None,
    *,
    catalog: Catalog | None = None,
    max_invocations: int = 400,
) -> Trace:
    """Simulate what happens to `records` sent by `source` when the function behaves as `outcomes` says.

    settings: knob name -> value (see knobs_for); unknown names and out-of-range values raise EngineError.
    records: a count, a list of ids, or a list of dicts (id, group, shard, key, matches_filter).
    outcomes: one outcome per invocation ('ok', 'error', 'timeout', 'throttle', 'malformed', 'partial:ID+ID',
    'poison:ID', 'flaky:ID'); the last one repeats. Or a callable(Invocation) -> outcome.
    max_invocations: stop (records still in play end as "blocking") after this many real invocations.
    """
    catalog = catalog or default_catalog()
    if source not in catalog.sources:
        raise EngineError(f"unknown source {source!r}; try one of: {', '.join(sorted(catalog.sources))}")
    src = catalog.sources[source]
    resolved = knob_registry.resolve(knobs_for(source, catalog), settings)
    _check_function_timeout(source, resolved)
    model = _model(src.models, resolved)
    rule = _rule(src.retries.rules, catalog, model)
    trace = Trace(
        source=source, model=model, rule=rule, settings=resolved, actors=[], steps=[], dispositions={}, records=[]
    )
    checked = _check_filtering(source, _records(records))
    run = Run(trace, OutcomeSource(outcomes), checked, max_invocations=max_invocations)
    trace.records = [r.id for r in run.records]
    ctx = Context(src, resolved)
    _dispatch(run, ctx, model)
    run.run()
    run.finish("blocking", "Still in play when the simulation stopped.")
    run.refresh()
    return trace


def _model(models: tuple[str, ...], settings: dict[str, Any]) -> str:
    invocation_type = settings.get("invocation_type")
    if invocation_type == "Event" and "async" in models:
        return "async"
    if invocation_type == "RequestResponse" and "sync" in models:
        return "sync"
    return models[0]


def _rule(rules: tuple[str, ...], catalog: Catalog, model: str) -> str:
    return next((r for r in rules if catalog.rules[r].model == model), rules[0])


def _records(spec: int | list) -> list[Record]:
    if isinstance(spec, bool):
        raise EngineError("records must be a count or a list of records")
    if isinstance(spec, int):
        if not 1 <= spec <= MAX_RECORDS:
            raise EngineError(f"records must be between 1 and {MAX_RECORDS}, got {spec}")
        return [Record(id=str(i), position=i) for i in range(1, spec + 1)]
    if not isinstance(spec, list) or not spec or len(spec) > MAX_RECORDS:
        raise EngineError(f"records must be a count or a list of 1 to {MAX_RECORDS} records")
    out: list[Record] = []
    for position, item in enumerate(spec, start=1):
        if isinstance(item, str | int):
            item = {"id": str(item)}
        if not isinstance(item, dict) or not str(item.get("id", "")).strip():
            raise EngineError(f"record {position} needs an id")
        unknown = set(item) - {"id", "group", "shard", "key", "matches_filter", "data"}
        if unknown:
            raise EngineError(f"record {position} has unknown fields {sorted(unknown)}")
        out.append(
            Record(
                id=str(item["id"]),
                position=position,
                group=str(item.get("group", "")),
                shard=str(item.get("shard", "shard-1")),
                key=str(item.get("key", "")),
                matches_filter=bool(item.get("matches_filter", True)),
                data=dict(item.get("data", {})),
            )
        )
    if len({r.id for r in out}) != len(out):
        raise EngineError("record ids must be unique")
    return out


FOURTEEN_MINUTE_SOURCES = {
    "msk": "Amazon MSK",
    "kafka": "self-managed Apache Kafka",
    "mq": "Amazon MQ",
    "documentdb": "Amazon DocumentDB",
}
FOURTEEN_MINUTES_S = 14 * 60


def _check_function_timeout(source: str, settings: dict[str, Any]) -> None:
    """with-kafka-configure: event source mappings for Amazon MSK, self-managed Apache Kafka, Amazon DocumentDB and
    Amazon MQ (ActiveMQ and RabbitMQ) "only support functions with a maximum timeout of 14 minutes"."""
    name = FOURTEEN_MINUTE_SOURCES.get(source)
    timeout = int(settings.get("timeout_s", 3))
    if name and timeout > FOURTEEN_MINUTES_S:
        raise EngineError(
            f"Event source mappings for {name} only support functions with a timeout of at most 14 minutes "
            f"({FOURTEEN_MINUTES_S} s), got {timeout} s."
        )


FILTERING_SOURCES = ("sqs", "kinesis", "dynamodb-streams", "msk", "kafka", "mq")


def _check_filtering(source: str, records: list[Record]) -> list[Record]:
    """A record that does not match the filter criteria only makes sense where Lambda filters events."""
    if all(r.matches_filter for r in records) or source in FILTERING_SOURCES:
        return records
    if source == "documentdb":
        raise EngineError(
            "Lambda doesn't support event filtering for Amazon DocumentDB: every change event reaches the function, "
            "so a record cannot have matches_filter false."
        )
    raise EngineError(
        f"Event filtering is a setting of event source mappings (SQS, Kinesis, DynamoDB, Kafka, Amazon MQ); {source} "
        "has none, so a record cannot have matches_filter false."
    )


def _dispatch(run: Run, ctx: Context, model: str) -> None:
    slug = ctx.source.slug
    if model == "async":
        if slug in ("sns", "eventbridge", "eventbridge-scheduler"):
            simulate_delivery_then_async(run, ctx, int(ctx.get("delivery_failures", 0)))
        else:
            simulate_async(run, ctx)
    elif slug == "sqs":
        simulate_sqs(run, ctx)
    elif slug in STREAMS:
        simulate_stream(run, ctx)
    elif slug == "mq":
        simulate_mq(run, ctx)
    elif slug in FRONT_DOORS:
        simulate_front_door(run, ctx)
    elif slug == "cognito":
        simulate_cognito(run, ctx)
    elif slug == "firehose":
        simulate_firehose(run, ctx)
    elif slug == "s3-batch":
        simulate_s3_batch(run, ctx)
    elif slug == "step-functions":
        simulate_step_functions_task(run, ctx)
    else:
        simulate_caller(run, ctx)
