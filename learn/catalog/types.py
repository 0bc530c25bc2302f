"""The catalog's shape: frozen dataclasses built once from content/ by the loader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

MODELS = ("sync", "async", "poll")
CATEGORIES = (
    "http",
    "storage",
    "messaging",
    "events",
    "streams",
    "data",
    "ops",
    "identity",
    "conversation",
    "orchestration",
    "iot",
    "direct",
)
CATEGORY_LABELS = {
    "http": "HTTP front doors",
    "storage": "Storage",
    "messaging": "Messaging",
    "events": "Events and schedules",
    "streams": "Streams and change data",
    "data": "Data delivery",
    "ops": "Operations and tooling",
    "identity": "Identity",
    "conversation": "Conversational",
    "orchestration": "Orchestration",
    "iot": "IoT",
    "direct": "Direct invoke",
}
WIRING_KINDS = ("trigger", "event-source-mapping", "invoker-role")
WIRING_LABELS = {
    "trigger": "Trigger (resource-based policy)",
    "event-source-mapping": "Event source mapping (execution role)",
    "invoker-role": "Caller's own role calls Invoke",
}
ORDERING = ("none", "per-message-group", "per-shard", "per-partition", "per-item", "per-request", "in-order")
DLQ_KINDS = ("none", "function-dlq", "queue-redrive", "service-dlq", "broker-dlq")
DESTINATIONS = ("sqs", "sns", "s3", "lambda", "eventbridge", "kafka")
CONTRACTS = (
    "ignored",
    "esm-batch",
    "json",
    "apigw-v1",
    "apigw-v2",
    "alb",
    "sqs-batch",
    "stream-batch",
    "firehose",
    "s3-batch",
    "cognito",
    "lex-v2",
    "alexa",
    "connect",
    "cloudfront",
)
FACT_STATUSES = ("verified", "conflict", "unverified")


@dataclass(frozen=True)
class Fact:
    """One checkable statement with the AWS documentation page it comes from."""

    text: str
    doc: str
    html: str
    status: str = "verified"
    note: str = ""

    @property
    def disputed(self) -> bool:
        return self.status != "verified"


@dataclass(frozen=True)
class Section:
    """A lesson section: a one-line summary for the grid plus the facts behind it."""

    summary: str = ""
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Wiring(Section):
    kind: str = "trigger"

    @property
    def label(self) -> str:
        return WIRING_LABELS[self.kind]


@dataclass(frozen=True)
class Batching(Section):
    supported: bool = False
    default_batch_size: int | None = None
    max_batch_size: int | None = None
    window_default_s: float | None = None
    window_max_s: float | None = None


@dataclass(frozen=True)
class Ordering(Section):
    guarantee: str = "none"


@dataclass(frozen=True)
class Retries(Section):
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure(Section):
    dlq: str = "none"
    on_failure_destinations: tuple[str, ...] = ()
    on_success_destinations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response(Section):
    contract: str = "ignored"
    example: str = ""
    example_html: str = ""


@dataclass(frozen=True)
class SampleEvent:
    file: str
    title: str
    description: str
    data: Any
    text: str
    html: str
    field_names: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.file.removesuffix(".json")


@dataclass(frozen=True)
class ExampleHandler:
    file: str
    function: str
    title: str
    description: str
    events: tuple[str, ...]
    code: str
    html: str
    path: str

    @property
    def name(self) -> str:
        return self.file.removesuffix(".py")


@dataclass(frozen=True)
class EventField:
    path: str
    meaning: str
    meaning_html: str


@dataclass(frozen=True)
class DocLink:
    title: str
    url: str


@dataclass(frozen=True)
class SourceKeyNumber:
    """A figure an author lifts onto the lesson's key numbers card from one of the source's own facts.

    `quote` is a phrase of that fact, and `doc` is the fact's page, so the card never cites a number differently
    from the fact that states it (the loader checks both, and that every number in `value` is in the fact).
    """

    label: str
    value: str
    detail: str
    quote: str
    doc: str


@dataclass(frozen=True)
class Source:
    slug: str
    name: str
    short_name: str
    category: str
    models: tuple[str, ...]
    summary: str
    keywords: tuple[str, ...]
    main_risk: str
    last_verified: dt.date
    related: tuple[str, ...]
    order: int
    wiring: Wiring
    batching: Batching
    ordering: Ordering
    retries: Retries
    failure: Failure
    response: Response
    limits: Section
    pitfalls: Section
    best_practices: Section
    use_when: tuple[str, ...]
    avoid_when: tuple[str, ...]
    events: tuple[SampleEvent, ...]
    handlers: tuple[ExampleHandler, ...]
    fields: tuple[EventField, ...]
    docs: tuple[DocLink, ...]
    lesson_html: str
    key_numbers: tuple[SourceKeyNumber, ...] = ()

    @property
    def model(self) -> str:
        """The main invocation model (the first listed)."""
        return self.models[0]

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    def all_facts(self) -> tuple[Fact, ...]:
        sections = (
            self.wiring,
            self.batching,
            self.ordering,
            self.retries,
            self.failure,
            self.response,
            self.limits,
            self.pitfalls,
            self.best_practices,
        )
        return tuple(fact for section in sections for fact in section.facts)

    def disputed_facts(self) -> tuple[Fact, ...]:
        return tuple(fact for fact in self.all_facts() if fact.disputed)

    def event(self, name: str) -> SampleEvent | None:
        return next((e for e in self.events if name in (e.name, e.file)), None)


@dataclass(frozen=True)
class Knob:
    """A setting that shapes retries, with its documented default and range."""

    name: str
    api_name: str
    label: str
    type: str
    default: Any
    description: str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    special: tuple[Any, ...] = ()
    choices: tuple[str, ...] = ()
    unit: str = ""

    def describe_range(self) -> str:
        if self.type == "bool":
            return "true or false"
        if self.type == "choice":
            return ", ".join(self.choices)
        parts = []
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{_number(self.minimum)}–{_number(self.maximum)}")
        parts.extend(f"or {_number(value)}" for value in self.special)
        unit = f" {self.unit}" if self.unit else ""
        return " ".join(parts) + unit


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@dataclass(frozen=True)
class RetryRule:
    id: str
    name: str
    model: str
    who_retries: str
    summary: str
    facts: tuple[Fact, ...]
    knobs: tuple[Knob, ...]

    def knob(self, name: str) -> Knob | None:
        return next((k for k in self.knobs if k.name == name), None)


@dataclass(frozen=True)
class InvocationModel:
    id: str
    name: str
    tagline: str
    summary: str
    who_waits: str
    who_retries: str
    facts: tuple[Fact, ...]
    prose_html: str


@dataclass(frozen=True)
class GuidePoint:
    source: str
    points: int
    reason: str
    doc: str = ""


@dataclass(frozen=True)
class GuideOption:
    value: str
    label: str
    points: tuple[GuidePoint, ...]


@dataclass(frozen=True)
class GuideQuestion:
    id: str
    text: str
    help: str
    options: tuple[GuideOption, ...]

    def option(self, value: str) -> GuideOption | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Catalog:
    sources: dict[str, Source]
    models: dict[str, InvocationModel]
    rules: dict[str, RetryRule]
    guide: tuple[GuideQuestion, ...] = field(default=())
    changes: tuple = field(default=())  # learn.catalog.changes.Change, newest first

    def changes_for(self, slug: str) -> tuple:
        """The "What changed" entries that changed this source's lesson, newest first."""
        return tuple(change for change in self.changes if slug in change.lessons)

    def ordered_sources(self) -> list[Source]:
        return sorted(self.sources.values(), key=lambda s: (s.order, s.name))

    def sources_for_model(self, model: str) -> list[Source]:
        return [s for s in self.ordered_sources() if model in s.models]

    def neighbours(self, slug: str) -> tuple[Source | None, Source | None]:
        ordered = self.ordered_sources()
        index = [s.slug for s in ordered].index(slug)
        previous = ordered[index - 1] if index > 0 else None
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        return previous, following
