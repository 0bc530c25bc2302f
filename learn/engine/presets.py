"""Named scenarios for diagrams and quizzes: 'what if the function ... ?' for any source."""

from __future__ import annotations

from typing import Any

from learn.catalog.types import Catalog

from .types import Trace

PRESETS = {
    "success": "The function succeeds",
    "transient-error": "It fails once, then succeeds",
    "function-error": "It always fails (function error)",
    "timeout": "It always times out",
    "throttle": "It is throttled",
    "malformed": "It returns a malformed response",
    "partial": "One record fails once (partial batch failure)",
    "poison": "One record always fails (poison record)",
}
BATCH_SOURCES = ("sqs", "kinesis", "dynamodb-streams", "msk", "kafka", "documentdb", "mq", "firehose")
HTTP_SOURCES = ("api-gateway-rest", "api-gateway-http", "function-urls", "alb", "cloudfront")


def presets_for(source: str, catalog: Catalog | None = None) -> list[tuple[str, str]]:
    from .simulate import default_catalog

    src = (catalog or default_catalog()).sources[source]
    names = ["success", "transient-error", "function-error", "timeout", "throttle"]
    if source in HTTP_SOURCES:
        names = ["success", "function-error", "timeout", "throttle", "malformed"]
    elif source == "firehose":
        names = ["success", "partial", "function-error"]
    elif source in BATCH_SOURCES:
        names += ["partial", "poison"]
    elif src.model == "sync":
        names.remove("transient-error")
    return [(name, PRESETS[name]) for name in names]


def preset_label(name: str) -> str:
    return PRESETS.get(name, name)


def preset_inputs(source: str, preset: str) -> tuple[int, list[str]]:
    """The records and outcomes a preset stands for."""
    records = 3 if source in BATCH_SOURCES else 1
    outcomes = {
        "success": ["ok"],
        "transient-error": ["flaky:*"],
        "function-error": ["error"],
        "timeout": ["timeout"],
        "throttle": ["throttle"] if source in HTTP_SOURCES or source == "cognito" else ["throttle"] * 3 + ["ok"],
        "malformed": ["malformed"],
        "partial": ["partial:2", "ok"] if source == "firehose" else ["flaky:2"],
        "poison": ["poison:2"],
    }[preset]
    return records, outcomes


def scenario(source: str, preset: str, settings: dict[str, Any] | None = None, catalog: Catalog | None = None) -> Trace:
    from .simulate import simulate
    from .types import EngineError

    if preset not in PRESETS:
        raise EngineError(f"unknown scenario {preset!r}; choose one of {', '.join(PRESETS)}")
    records, outcomes = preset_inputs(source, preset)
    return simulate(source, settings, records, outcomes, catalog=catalog)
