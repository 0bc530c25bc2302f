"""Load and validate the question bank in content/quiz into frozen dataclasses.

Pure Python (no Django): errors name the file and the item, like the catalog loader.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from learn.catalog.errors import CatalogInvalid, ContentError
from learn.catalog.reader import Reader
from learn.catalog.rendering import inline_markdown, markdown_to_html

from . import factrows

ITEM_TYPES = ("single", "multiple", "ordering")
MODELS = ("sync", "async", "poll", "mixed")
ITEM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EXAM_TASK = re.compile(r"^(DVA-C02|SAA-C03) [1-4]\.[1-5]$")
# What an exam-style scenario is constrained by (the qualifier its stem asks about).
CONSTRAINTS = (
    "cost",
    "operational-overhead",
    "ordering",
    "latency",
    "durability",
    "security",
    "availability",
    "throughput",
)


@dataclass(frozen=True)
class Misconception:
    id: str
    belief: str
    truth: str
    doc: str


@dataclass(frozen=True)
class Option:
    key: str  # "a", "b", ... in authored order
    text: str
    html: str
    correct: bool
    rationale: str
    rationale_html: str
    misconception: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    stem: str
    stem_html: str
    choose: int
    difficulty: int
    sources: tuple[str, ...]
    model: str
    exam: tuple[str, ...]
    misconceptions: tuple[str, ...]
    docs: tuple[str, ...]
    last_verified: dt.date
    options: tuple[Option, ...]
    file: str
    facts: tuple[str, ...] = ()  # the aws-facts.md rows the item relies on
    scenario: str = ""  # the constraint of an exam-style scenario item (CONSTRAINTS), "" for a recall item
    length_reason: str = ""  # why one option may be more than twice as long as another

    @property
    def correct_keys(self) -> tuple[str, ...]:
        """Single/multiple: the correct option keys. Ordering: every key, in the right order."""
        return tuple(o.key for o in self.options if o.correct)


@dataclass(frozen=True)
class Bank:
    items: dict[str, Item]
    misconceptions: dict[str, Misconception]

    def for_source(self, slug: str) -> list[Item]:
        return [i for i in self.items.values() if slug in i.sources]


def load(quiz_dir: Path, source_slugs: set[str] | None = None) -> Bank:
    """Read misconceptions*.toml and items/*.toml; raise CatalogInvalid listing every problem.

    When `fact-rows.toml` is present, every item must cite the aws-facts.md rows it relies on, and none of them
    may be marked `conflict` or `unverified` (see factrows.py).
    """
    quiz_dir = Path(quiz_dir)
    rows = factrows.load(quiz_dir / "fact-rows.toml") if (quiz_dir / "fact-rows.toml").exists() else None
    base = quiz_dir.parent.parent
    errors: list[ContentError] = []
    misconceptions: dict[str, Misconception] = {}
    for path in sorted(quiz_dir.glob("misconceptions*.toml")):
        reader = _open(path, base, errors)
        for m in reader.tables("misconceptions", required=True) if reader else []:
            item = Misconception(m.text("id"), m.text("belief"), m.text("truth"), m.url("doc"))
            m.close()
            if item.id in misconceptions:
                m.error("id", f"{item.id!r} is defined twice")
            misconceptions[item.id] = item
        if reader:
            reader.close()
    items: dict[str, Item] = {}
    for path in sorted((quiz_dir / "items").glob("*.toml")):
        reader = _open(path, base, errors)
        if reader is None:
            continue
        for table in reader.tables("items", required=True):
            item = _item(table, misconceptions, source_slugs, rows)
            table.close()
            if item is None:
                continue
            if item.id in items:
                table.error("id", f"{item.id!r} is already used in {items[item.id].file}")
            items[item.id] = item
        reader.close()
    if errors:
        raise CatalogInvalid(errors)
    return Bank(items=items, misconceptions=misconceptions)


def _open(path: Path, base: Path, errors: list[ContentError]) -> Reader | None:
    rel = str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        errors.append(ContentError(rel, "", f"is not valid TOML: {error}"))
        return None
    return Reader(data, rel, errors)


def _item(
    table: Reader, misconceptions: dict[str, Misconception], slugs: set[str] | None, rows: dict[str, str] | None
) -> Item | None:
    item_id = table.text("id")
    table.path = f"items[{item_id or '?'}]"
    if item_id and not ITEM_ID.match(item_id):
        table.error("id", "must be lowercase letters, digits and hyphens")
    kind = table.choice("type", ITEM_TYPES, default="single")
    stem = table.text("stem")
    choose = table.integer("choose", required=kind == "multiple", default=1) or 1
    difficulty = table.integer("difficulty", default=2) or 2
    if not 1 <= difficulty <= 3:
        table.error("difficulty", "must be 1, 2 or 3")
    sources = table.text_list("sources", required=True, choices=sorted(slugs) if slugs else None)
    model = table.choice("model", MODELS, default="mixed")
    exam = table.text_list("exam", required=True)
    for task in exam:
        if not EXAM_TASK.match(task):
            table.error("exam", f"{task!r} is not an exam task statement like 'DVA-C02 1.2' or 'SAA-C03 2.1'")
    if exam and not any(task.startswith("DVA-C02 ") for task in exam):
        table.error("exam", "needs at least one DVA-C02 task statement (SAA-C03 ones are added where they fit)")
    scenario = table.text("scenario", required=False)
    if scenario and scenario not in CONSTRAINTS:
        table.error("scenario", f"{scenario!r} is not one of {', '.join(CONSTRAINTS)}")
    length_reason = table.text("length_reason", required=False)
    named = table.text_list("misconceptions")
    docs = []
    for position, url in enumerate(table.text_list("docs", required=True)):
        if not url.startswith(
            ("https://docs.aws.amazon.com/", "https://aws.amazon.com/", "https://docs.amazonaws.cn/")
        ):
            table.error(f"docs[{position}]", f"must be an AWS documentation URL, got {url!r}")
        docs.append(url)
    if not docs:
        table.error("docs", "needs at least one AWS documentation URL")
    last_verified = table.date("last_verified")
    facts = table.text_list("facts", required=rows is not None)
    for problem in factrows.problems(facts, rows) if rows is not None else []:
        table.error("facts", problem)
    options = []
    for position, o in enumerate(table.tables("options", required=True)):
        text, rationale = o.text("text"), o.text("rationale")
        correct = o.boolean("correct")
        misconception = o.text("misconception", required=False)
        if misconception and misconception not in misconceptions:
            o.error("misconception", f"{misconception!r} is not defined in misconceptions*.toml")
        o.close()
        options.append(
            Option(
                "abcdefgh"[position],
                text,
                inline_markdown(text),
                correct,
                rationale,
                inline_markdown(rationale),
                misconception,
            )
        )
    for name in named:
        if name not in misconceptions:
            table.error("misconceptions", f"{name!r} is not defined in misconceptions*.toml")
    _check_shape(table, kind, choose, options)
    return Item(
        item_id,
        kind,
        stem,
        markdown_to_html(stem),
        choose,
        difficulty,
        sources,
        model,
        exam,
        named,
        tuple(docs),
        last_verified,
        tuple(options),
        table.file,
        facts,
        scenario,
        length_reason,
    )


def _check_shape(table: Reader, kind: str, choose: int, options: list[Option]) -> None:
    correct = sum(o.correct for o in options)
    if kind == "single":
        if not 4 <= len(options) <= 5:
            table.error("options", f"a single-answer item needs 4 or 5 options, has {len(options)}")
        if correct != 1:
            table.error("options", f"a single-answer item needs exactly one correct option, has {correct}")
    elif kind == "multiple":
        if choose not in (2, 3):
            table.error("choose", "a multiple-response item asks to choose 2 or 3")
        if not 5 <= len(options) <= 6:
            table.error("options", f"a multiple-response item needs 5 or 6 options, has {len(options)}")
        if correct != choose:
            table.error("options", f"choose = {choose} but {correct} option(s) are marked correct")
    elif kind == "ordering":
        if not 3 <= len(options) <= 6:
            table.error("options", f"an ordering item needs 3 to 6 steps, has {len(options)}")
        if correct != len(options):
            table.error("options", "in an ordering item every step is written in order with correct = true")
    texts = [o.text.strip().lower() for o in options]
    if len(set(texts)) != len(texts):
        table.error("options", "two options have the same text")
