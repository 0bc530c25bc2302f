"""Load content/ into a validated, frozen Catalog.

All Markdown and highlighting happens here, once. Every problem found is collected and raised together
as CatalogInvalid, each naming the file and the field.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from . import rendering
from .changes import load_changes
from .errors import CatalogInvalid, ContentError
from .reader import Reader
from .types import (
    CATEGORIES,
    CONTRACTS,
    DESTINATIONS,
    DLQ_KINDS,
    FACT_STATUSES,
    MODELS,
    ORDERING,
    WIRING_KINDS,
    Batching,
    Catalog,
    DocLink,
    EventField,
    ExampleHandler,
    Fact,
    Failure,
    GuideOption,
    GuidePoint,
    GuideQuestion,
    InvocationModel,
    Knob,
    Ordering,
    Response,
    Retries,
    RetryRule,
    SampleEvent,
    Section,
    Source,
    SourceKeyNumber,
    Wiring,
)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_EVENT_BYTES = 1_000_000
KNOB_TYPES = ("int", "float", "bool", "choice")
MAX_KEY_NUMBERS = 8
# "29", "10,000", "0.5": the figures a key number's value must share with the fact it quotes
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def load(content_dir: Path) -> Catalog:
    """Read and validate the whole catalog; raise CatalogInvalid listing every problem."""
    content_dir = Path(content_dir)
    errors: list[ContentError] = []
    base = content_dir.parent
    rules = {rule.id: rule for rule in _load_all(content_dir / "rules", base, errors, _load_rule)}
    models = {model.id: model for model in _load_all(content_dir / "models", base, errors, _load_model)}
    for model_id in MODELS:
        if model_id not in models:
            errors.append(ContentError(_rel(content_dir / "models", base), "", f"missing {model_id}.toml"))
    sources: dict[str, Source] = {}
    sources_dir = content_dir / "sources"
    if not sources_dir.is_dir():
        errors.append(ContentError(_rel(sources_dir, base), "", "folder is missing"))
    else:
        for folder in sorted(p for p in sources_dir.iterdir() if p.is_dir()):
            source = load_source(folder, base, errors, rules)
            if source is not None:
                sources[source.slug] = source
    for source in sources.values():
        for slug in source.related:
            if slug not in sources:
                errors.append(
                    ContentError(
                        _rel(sources_dir / source.slug / "source.toml", base),
                        "related",
                        f"{slug!r} is not a source in the catalog",
                    )
                )
    guide_file = content_dir / "guide" / "guide.toml"
    guide = _load_guide(guide_file, base, errors, set(sources)) if guide_file.exists() else ()
    changes_file = content_dir / "changes.toml"
    changes = (
        load_changes(changes_file, _rel(changes_file, base), errors, set(sources)) if changes_file.exists() else ()
    )
    if errors:
        raise CatalogInvalid(errors)
    return Catalog(sources=sources, models=models, rules=rules, guide=guide, changes=changes)


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _read_toml(path: Path, base: Path, errors: list[ContentError]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        errors.append(ContentError(_rel(path, base), "", "file is missing"))
    except tomllib.TOMLDecodeError as error:
        errors.append(ContentError(_rel(path, base), "", f"is not valid TOML: {error}"))
    return None


def _load_all(folder: Path, base: Path, errors: list[ContentError], load_one) -> list:
    if not folder.is_dir():
        errors.append(ContentError(_rel(folder, base), "", "folder is missing"))
        return []
    loaded = []
    for path in sorted(folder.glob("*.toml")):
        item = load_one(path, base, errors)
        if item is not None:
            if item.id != path.stem:
                errors.append(ContentError(_rel(path, base), "id", f"must equal the file name {path.stem!r}"))
            loaded.append(item)
    return loaded


def _facts(reader: Reader, key: str = "facts", required: bool = False) -> tuple[Fact, ...]:
    facts = []
    for item in reader.tables(key, required):
        text = item.text("text")
        doc = item.url("doc")
        status = item.choice("status", FACT_STATUSES, required=False, default="verified")
        note = item.text("note", required=False)
        if status != "verified" and not note:
            item.error("note", f"is required when status is {status!r}: say what disagrees or is unchecked")
        item.close()
        facts.append(Fact(text=text, doc=doc, html=rendering.inline_markdown(text), status=status, note=note))
    return tuple(facts)


def _section(reader: Reader, key: str, cls=Section, required: bool = True, **extra_keys) -> Any:
    table = reader.table(key, required)
    values = {name: getter(table) for name, getter in extra_keys.items()}
    section = cls(summary=table.text("summary", required=cls is not Section), facts=_facts(table), **values)
    table.close()
    return section


def _load_rule(path: Path, base: Path, errors: list[ContentError]) -> RetryRule | None:
    data = _read_toml(path, base, errors)
    if data is None:
        return None
    reader = Reader(data, _rel(path, base), errors)
    knobs = []
    for item in reader.tables("knobs"):
        knob_type = item.choice("type", KNOB_TYPES, default="int")
        knob = Knob(
            name=item.text("name"),
            api_name=item.text("api_name"),
            label=item.text("label"),
            type=knob_type,
            default=item.raw("default", required=True),
            description=item.text("description"),
            doc=item.url("doc"),
            minimum=item.number("min", required=knob_type in ("int", "float")),
            maximum=item.number("max", required=knob_type in ("int", "float")),
            special=tuple(item.raw("special") or ()),
            choices=item.text_list("choices", required=knob_type == "choice"),
            unit=item.text("unit", required=False),
        )
        _check_knob_default(knob, item)
        item.close()
        knobs.append(knob)
    rule = RetryRule(
        id=reader.text("id"),
        name=reader.text("name"),
        model=reader.choice("model", MODELS),
        who_retries=reader.text("who_retries"),
        summary=reader.text("summary"),
        facts=_facts(reader, required=True),
        knobs=tuple(knobs),
    )
    reader.close()
    return rule


def _check_knob_default(knob: Knob, item: Reader) -> None:
    value = knob.default
    if knob.type == "bool":
        if not isinstance(value, bool):
            item.error("default", "must be true or false for a bool knob")
    elif knob.type == "choice":
        if value not in knob.choices:
            item.error("default", f"must be one of the choices {list(knob.choices)}")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        item.error("default", f"must be a number for an {knob.type} knob")
    elif (
        value not in knob.special
        and knob.minimum is not None
        and knob.maximum is not None
        and not knob.minimum <= value <= knob.maximum
    ):
        item.error("default", f"{value} is outside the range {knob.minimum}–{knob.maximum}")


def _load_model(path: Path, base: Path, errors: list[ContentError]) -> InvocationModel | None:
    data = _read_toml(path, base, errors)
    if data is None:
        return None
    reader = Reader(data, _rel(path, base), errors)
    prose_path = path.with_suffix(".md")
    if not prose_path.exists():
        errors.append(ContentError(_rel(prose_path, base), "", "file is missing (the model's prose)"))
    prose = prose_path.read_text(encoding="utf-8") if prose_path.exists() else ""
    model = InvocationModel(
        id=reader.choice("id", MODELS),
        name=reader.text("name"),
        tagline=reader.text("tagline"),
        summary=reader.text("summary"),
        who_waits=reader.text("who_waits"),
        who_retries=reader.text("who_retries"),
        facts=_facts(reader, required=True),
        prose_html=rendering.markdown_to_html(prose),
    )
    reader.close()
    return model


def load_source(folder: Path, base: Path, errors: list[ContentError], rules: dict[str, RetryRule]) -> Source | None:
    """Load one content/sources/<slug>/ folder, appending any problems to `errors`."""
    toml_path = folder / "source.toml"
    data = _read_toml(toml_path, base, errors)
    if data is None:
        return None
    file = _rel(toml_path, base)
    reader = Reader(data, file, errors)
    slug = reader.text("slug")
    if slug and slug != folder.name:
        reader.error("slug", f"must equal the folder name {folder.name!r}")
    if slug and not SLUG.match(slug):
        reader.error("slug", "must be lowercase letters, digits and single hyphens")
    models = reader.text_list("models", required=True, choices=MODELS)
    if not models:
        reader.error("models", "must list at least one of sync, async, poll")

    retries = _section(reader, "retries", Retries, rules=lambda t: t.text_list("rules", required=True))
    for rule_id in retries.rules:
        rule = rules.get(rule_id)
        if rule is None:
            reader.error("retries.rules", f"{rule_id!r} is not a rule in content/rules/")
        elif rule.model not in models:
            reader.error("retries.rules", f"rule {rule_id!r} is for the {rule.model} model, which is not in models")

    batching_table = reader.table("batching")
    batching = _batching(batching_table)
    response_table = reader.table("response")
    response = _response(response_table)
    when = reader.table("when")
    use_when, avoid_when = when.text_list("use", required=True), when.text_list("avoid", required=True)
    when.close()

    events = _events(reader, folder, base)
    handlers = _handlers(reader, folder, base, {e.file for e in events})
    lesson_path = folder / "lesson.md"
    lesson = lesson_path.read_text(encoding="utf-8") if lesson_path.exists() else ""
    if not lesson.strip():
        errors.append(ContentError(_rel(lesson_path, base), "", "is missing or empty (the lesson's prose)"))

    fields = []
    for item in reader.tables("fields", required=True):
        meaning = item.text("meaning")
        fields.append(
            EventField(path=item.text("path"), meaning=meaning, meaning_html=rendering.inline_markdown(meaning))
        )
        item.close()
    docs = []
    for item in reader.tables("docs", required=True):
        docs.append(DocLink(title=item.text("title"), url=item.url("url")))
        item.close()

    source = Source(
        slug=slug,
        name=reader.text("name"),
        short_name=reader.text("short_name"),
        category=reader.choice("category", CATEGORIES),
        models=models,
        summary=reader.text("summary"),
        keywords=reader.text_list("keywords"),
        main_risk=reader.text("main_risk"),
        last_verified=reader.date("last_verified"),
        related=reader.text_list("related"),
        order=reader.integer("order", required=False, default=100) or 100,
        wiring=_section(reader, "wiring", Wiring, kind=lambda t: t.choice("kind", WIRING_KINDS, default="trigger")),
        batching=batching,
        ordering=_section(
            reader, "ordering", Ordering, guarantee=lambda t: t.choice("guarantee", ORDERING, default="none")
        ),
        retries=retries,
        failure=_section(
            reader,
            "failure",
            Failure,
            dlq=lambda t: t.choice("dlq", DLQ_KINDS, default="none"),
            on_failure_destinations=lambda t: t.text_list("on_failure_destinations", choices=DESTINATIONS),
            on_success_destinations=lambda t: t.text_list("on_success_destinations", choices=DESTINATIONS),
        ),
        response=response,
        limits=_section(reader, "limits"),
        pitfalls=_section(reader, "pitfalls"),
        best_practices=_section(reader, "best_practices"),
        use_when=use_when,
        avoid_when=avoid_when,
        events=events,
        handlers=handlers,
        fields=tuple(fields),
        docs=tuple(docs),
        lesson_html=rendering.markdown_to_html(lesson),
    )
    source = dataclasses.replace(source, key_numbers=_key_numbers(reader, source))
    reader.close()
    return source


def _key_numbers(reader: Reader, source: Source) -> tuple[SourceKeyNumber, ...]:
    """The source's [[key_numbers]]: each quotes one of the source's verified facts and takes that fact's page."""
    tables = reader.tables("key_numbers")
    if len(tables) > MAX_KEY_NUMBERS:
        reader.error("key_numbers", f"has {len(tables)} rows; the card shows at most {MAX_KEY_NUMBERS}")
    facts = source.all_facts()
    numbers = []
    for item in tables:
        label, value, quote = item.text("label"), item.text("value"), item.text("quote")
        detail = item.text("detail", required=False)
        item.close()
        if not (label and value and quote):
            continue
        fact = _quoted_fact(facts, quote)
        if fact is None:
            item.error("quote", f"{quote!r} is not a phrase of any of this source's facts")
            continue
        if fact.disputed:
            item.error("quote", f"quotes a fact whose status is {fact.status!r}; quote a verified fact")
            continue
        stated = {_figure(figure) for figure in FIGURE.findall(fact.text)}
        if missing := [figure for figure in FIGURE.findall(value) if _figure(figure) not in stated]:
            item.error("value", f"{', '.join(missing)} does not appear in the quoted fact: {fact.text!r}")
            continue
        numbers.append(SourceKeyNumber(label=label, value=value, detail=detail, quote=quote, doc=fact.doc))
    return tuple(numbers)


def _quoted_fact(facts: tuple[Fact, ...], quote: str) -> Fact | None:
    """The first fact containing the quote verbatim (runs of white space count as one space)."""
    wanted = " ".join(quote.split())
    return next((fact for fact in facts if wanted in " ".join(fact.text.split())), None)


def _figure(figure: str) -> str:
    """'10,000' and '10000' are the same figure."""
    return figure.replace(",", "")


def _batching(table: Reader) -> Batching:
    supported = table.boolean("supported")
    batching = Batching(
        summary=table.text("summary"),
        facts=_facts(table),
        supported=supported,
        default_batch_size=table.integer("default_batch_size", required=supported),
        max_batch_size=table.integer("max_batch_size", required=supported),
        window_default_s=table.number("window_default_s", required=supported),
        window_max_s=table.number("window_max_s", required=supported),
    )
    sizes = (batching.default_batch_size, batching.max_batch_size)
    if supported and None not in sizes and not 1 <= sizes[0] <= sizes[1]:
        table.error("default_batch_size", "must be between 1 and max_batch_size")
    windows = (batching.window_default_s, batching.window_max_s)
    if supported and None not in windows and not 0 <= windows[0] <= windows[1]:
        table.error("window_default_s", "must be between 0 and window_max_s")
    table.close()
    return batching


def _response(table: Reader) -> Response:
    example = table.text("example", required=False)
    example_html = ""
    if example:
        try:
            _, example_html = rendering.highlight_json(json.loads(example))
        except json.JSONDecodeError as error:
            table.error("example", f"is not valid JSON: {error}")
    response = Response(
        summary=table.text("summary"),
        facts=_facts(table),
        contract=table.choice("contract", CONTRACTS, default="ignored"),
        example=example,
        example_html=example_html,
    )
    table.close()
    return response


def _safe_file(item: Reader, folder: Path, subfolder: str, suffix: str) -> Path | None:
    name = item.text("file")
    if not name:
        return None
    if not FILE_NAME.match(name) or not name.endswith(suffix):
        item.error("file", f"must be a plain file name ending in {suffix}, got {name!r}")
        return None
    path = folder / subfolder / name
    if not path.is_file():
        item.error("file", f"{subfolder}/{name} does not exist")
        return None
    return path


def _events(reader: Reader, folder: Path, base: Path) -> tuple[SampleEvent, ...]:
    events = []
    listed = set()
    for item in reader.tables("events", required=True):
        listed.add(item.data.get("file"))
        path = _safe_file(item, folder, "events", ".json")
        title, description = item.text("title"), item.text("description")
        item.close()
        if path is None:
            continue
        raw = path.read_bytes()
        if len(raw) > MAX_EVENT_BYTES:
            reader.errors.append(ContentError(_rel(path, base), "", "is larger than 1 MB"))
            continue
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            reader.errors.append(ContentError(_rel(path, base), "", f"is not valid JSON: {error}"))
            continue
        text, html = rendering.highlight_json(data)
        events.append(SampleEvent(path.name, title, description, data, text, html, frozenset(_keys(data))))
    for path in sorted((folder / "events").glob("*.json")):
        if path.name not in listed:
            reader.errors.append(ContentError(_rel(path, base), "", "is not listed in source.toml [[events]]"))
    if not events and not any(err.file == reader.file and err.field.startswith("events") for err in reader.errors):
        reader.error("events", "needs at least one sample event")
    return tuple(events)


def _keys(data: Any) -> set[str]:
    """Every object key in a JSON document, for search over event field names."""
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _handlers(reader: Reader, folder: Path, base: Path, event_files: set[str]) -> tuple[ExampleHandler, ...]:
    handlers = []
    for item in reader.tables("handlers", required=True):
        path = _safe_file(item, folder, "handlers", ".py")
        function = item.text("function", required=False, default="handler")
        title, description = item.text("title"), item.text("description")
        events = item.text_list("events")
        for name in events:
            if name not in event_files:
                item.error("events", f"{name!r} is not one of this source's sample events")
        item.close()
        if path is None:
            continue
        code = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(code, filename=path.name)
        except SyntaxError as error:
            reader.errors.append(ContentError(_rel(path, base), f"line {error.lineno}", f"syntax error: {error.msg}"))
            continue
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if function not in defined:
            reader.errors.append(
                ContentError(_rel(path, base), "", f"does not define a top-level function {function}()")
            )
            continue
        handlers.append(
            ExampleHandler(
                file=path.name,
                function=function,
                title=title,
                description=description,
                events=events or tuple(sorted(event_files)),
                code=code,
                html=rendering.highlight_python(code),
                path=str(path),
            )
        )
    if not handlers and not any(err.file == reader.file and err.field.startswith("handlers") for err in reader.errors):
        reader.error("handlers", "needs at least one example handler")
    return tuple(handlers)


def _load_guide(path: Path, base: Path, errors: list[ContentError], slugs: set[str]) -> tuple[GuideQuestion, ...]:
    data = _read_toml(path, base, errors)
    if data is None:
        return ()
    reader = Reader(data, _rel(path, base), errors)
    questions = []
    for q in reader.tables("questions", required=True):
        options = []
        for o in q.tables("options", required=True):
            points = []
            for p in o.tables("points", required=True):
                slug = p.text("source")
                if slug and slug not in slugs:
                    p.error("source", f"{slug!r} is not a source in the catalog")
                points.append(
                    GuidePoint(slug, p.integer("points") or 0, p.text("reason"), p.url("doc", required=False))
                )
                p.close()
            options.append(GuideOption(value=o.text("value"), label=o.text("label"), points=tuple(points)))
            o.close()
        questions.append(
            GuideQuestion(
                id=q.text("id"), text=q.text("text"), help=q.text("help", required=False), options=tuple(options)
            )
        )
        q.close()
    reader.close()
    return tuple(questions)
