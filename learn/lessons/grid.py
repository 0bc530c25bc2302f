"""The comparison grid: which sources to show for the filters a learner picked, in which order, and the compact
value each cell shows (numbers and short labels drawn from the catalog's data, not its sentences)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from learn.catalog.types import CATEGORIES, CATEGORY_LABELS, MODELS, Catalog, Source

#: Columns a learner can sort by, in table order, with their header text.
COLUMNS = (
    ("name", "Source"),
    ("model", "Model"),
    ("batch", "Batch size"),
    ("retries", "Who retries errors"),
    ("failure", "Failures go to"),
    ("ordering", "Ordering"),
)
SORTS = tuple(key for key, _ in COLUMNS)
MODEL_NAMES = {"sync": "Synchronous", "async": "Asynchronous", "poll": "Poll-based"}

ORDERING_LABELS = {
    "none": "None",
    "per-request": "Per request",
    "per-message-group": "FIFO: per group",
    "per-shard": "Per shard",
    "per-partition": "Per partition",
    "per-item": "Per item",
    "in-order": "In order",
}
DESTINATION_NAMES = {
    "sqs": "SQS",
    "sns": "SNS",
    "s3": "S3",
    "lambda": "Lambda",
    "eventbridge": "EventBridge",
    "kafka": "Kafka",
}


@dataclass(frozen=True)
class Filters:
    model: str = ""
    category: str = ""
    sort: str = ""  # a column of SORTS, "-" in front for descending; "" keeps the catalog's order
    notices: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.model or self.category)

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def query(self) -> str:
        """Everything that changes the grid (a cache key too)."""
        return self.url(model=self.model, category=self.category, sort=self.sort)

    @staticmethod
    def url(**params: str) -> str:
        return urlencode({k: v for k, v in params.items() if v})


def parse_filters(params: Mapping[str, str]) -> Filters:
    """Read ?model=, ?category= and ?sort=; values we do not know are dropped with a notice, never an error."""
    notices = []
    model = params.get("model", "").strip()
    if model and model not in MODELS:
        notices.append(f"Ignored unknown invocation model {model[:40]!r}; choose sync, async or poll.")
        model = ""
    category = params.get("category", "").strip()
    if category and category not in CATEGORIES:
        notices.append(f"Ignored unknown category {category[:40]!r}.")
        category = ""
    sort = params.get("sort", "").strip()
    if sort and sort.removeprefix("-") not in SORTS:
        notices.append(f"Ignored unknown sort {sort[:40]!r}; the grid is in its usual order.")
        sort = ""
    return Filters(model=model, category=category, sort=sort, notices=tuple(notices))


# -- compact cell values -----------------------------------------------------------------------------------
def _knob_default(catalog: Catalog, rule_id: str, knob: str):
    rule = catalog.rules.get(rule_id)
    return next((k.default for k in rule.knobs if k.name == knob), None) if rule else None


def retry_label(catalog: Catalog, rule_id: str) -> str:
    """Who retries a function error, and how often by default, in a few words."""
    if rule_id == "sync-caller":
        return "The caller"
    if rule_id == "async":
        retries = _knob_default(catalog, "async", "maximum_retry_attempts")
        return f"Lambda, {retries} {'retry' if retries == 1 else 'retries'}"
    if rule_id == "sqs":
        return "The queue, until maxReceiveCount"
    if rule_id == "mq":
        return f"The broker (ActiveMQ: {_knob_default(catalog, 'mq', 'maximum_redeliveries')} redeliveries)"
    if rule_id in ("stream", "kafka"):
        unlimited = _knob_default(catalog, rule_id, "maximum_retry_attempts") == -1
        return "Lambda, until success or expiry" if unlimited else "Lambda, limited"
    if rule_id == "docdb":
        return "Lambda, until success"
    return rule_id


def failure_label(source: Source) -> str:
    failure = source.failure
    destinations = ", ".join(DESTINATION_NAMES.get(d, d) for d in failure.on_failure_destinations)
    if failure.dlq == "function-dlq":
        return "DLQ ✓ · destination ✓" if destinations else "DLQ ✓"
    if failure.dlq == "queue-redrive":
        return "The queue's DLQ (redrive)"
    if failure.dlq == "broker-dlq":
        return "The broker's DLQ"
    if failure.dlq == "service-dlq":
        return "The service's failure output"
    if destinations:
        return f"Destination ✓ ({destinations})"
    if "sync" in source.models and "poll" not in source.models:
        return "Back to the caller"
    return "None"


@dataclass(frozen=True)
class GridRow:
    """One source and the compact values of its cells; attributes it lacks are the source's own."""

    source: Source
    batch: str
    window: str
    retries: str
    failure: str
    ordering: str

    def __getattr__(self, name: str):
        if name == "source":  # not set yet (copying): no delegation loop
            raise AttributeError(name)
        return getattr(self.source, name)


def grid_row(catalog: Catalog, source: Source) -> GridRow:
    batching = source.batching
    if batching.supported and batching.max_batch_size:
        batch = f"{batching.default_batch_size:,} · ≤ {batching.max_batch_size:,}"
        window = f"window ≤ {batching.window_max_s:g} s" if batching.window_max_s else ""
    else:
        batch, window = "—", ""
    return GridRow(
        source=source,
        batch=batch,
        window=window,
        retries=" / ".join(retry_label(catalog, r) for r in source.retries.rules) or "—",
        failure=failure_label(source),
        ordering=ORDERING_LABELS.get(source.ordering.guarantee, source.ordering.guarantee),
    )


def _sort_value(row: GridRow, key: str):
    if key == "name":
        return row.source.name.casefold()
    if key == "model":
        return min(MODELS.index(m) for m in row.source.models)
    if key == "batch":
        return row.source.batching.max_batch_size or 0 if row.source.batching.supported else 0
    return getattr(row, key).casefold()


# -- the grid: rows, filter options with counts, sortable headers -------------------------------------------
@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    href: str  # query string that sorts by this column (the other way round when it is already the sort)
    aria_sort: str  # "ascending", "descending" or "" when the grid is not sorted by it


class Grid(list):
    """The rows to show, plus what the filter bar and the headers need to describe them."""

    def __init__(self, rows, *, model_options, category_options, columns, widen):
        super().__init__(rows)
        self.model_options: list[Option] = model_options
        self.category_options: list[Option] = category_options
        self.columns: list[Column] = columns
        self.widen: list[tuple[str, str, int]] = widen  # (label, query, count): ways out of an empty result


def _matches(source: Source, model: str, category: str) -> bool:
    return (not model or model in source.models) and (not category or source.category == category)


def filter_sources(catalog: Catalog, filters: Filters) -> Grid:
    """The sources the filters keep, sorted as asked (ties keep the catalog's order)."""
    ordered = catalog.ordered_sources()
    rows = [grid_row(catalog, s) for s in ordered if _matches(s, filters.model, filters.category)]
    if filters.sort_key:
        rows.sort(key=lambda row: _sort_value(row, filters.sort_key), reverse=filters.descending)

    def count(model: str, category: str) -> int:
        return sum(1 for s in ordered if _matches(s, model, category))

    model_options = [Option("", "All models", count("", filters.category), not filters.model)] + [
        Option(m, MODEL_NAMES[m], count(m, filters.category), filters.model == m) for m in MODELS
    ]
    category_options = [Option("", "All categories", count(filters.model, ""), not filters.category)] + [
        Option(value, label, count(filters.model, value), filters.category == value)
        for value, label in category_choices(catalog)
    ]
    columns = []
    for key, label in COLUMNS:
        active = filters.sort_key == key
        next_sort = f"-{key}" if active and not filters.descending else key
        columns.append(
            Column(
                key=key,
                label=label,
                href=Filters.url(model=filters.model, category=filters.category, sort=next_sort),
                aria_sort=("descending" if filters.descending else "ascending") if active else "",
            )
        )
    widen = []
    if not rows and filters.model and filters.category:
        widen = [
            (
                f"every {MODEL_NAMES[filters.model].lower()} source",
                Filters.url(model=filters.model),
                count(filters.model, ""),
            ),
            (
                f"every source in {CATEGORY_LABELS[filters.category]}",
                Filters.url(category=filters.category),
                count("", filters.category),
            ),
        ]
    return Grid(rows, model_options=model_options, category_options=category_options, columns=columns, widen=widen)


def category_choices(catalog: Catalog) -> list[tuple[str, str]]:
    """Only categories that have at least one source, in catalog order."""
    used = {s.category for s in catalog.sources.values()}
    return [(c, CATEGORY_LABELS[c]) for c in CATEGORIES if c in used]
