"""Graded exercises from content/exercises/<slug>/: statement, starter code, events, visible and hidden steps.

A step runs one or more events through the learner's handler in ONE environment (so idempotency and warm
state can be tested) and checks the last invocation. Hidden steps' events and expectations stay on the
host: the learner sees only whether ALL hidden steps passed, with the first failure's generic hint (grading.py).

Exercises with side effects name a `resources` file (a TOML file in the exercise folder, in the format of
content/sources/<slug>/resources.toml, see learn/playground/resources.py), for the whole exercise or per step.
Each such step starts from that file's fresh emulated AWS state, the state is threaded through the step's events
in order (they are redeliveries and retries of one another), and the checks in checks.STATE_CHECKS read the
state the last event left, e.g. `expect = { table_item = { table = "totals", key = { meter = "m-1" },
values = { total = 8 } } }`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learn.catalog.errors import CatalogInvalid, ContentError
from learn.catalog.reader import Reader
from learn.catalog.rendering import highlight_json, highlight_python, markdown_to_html

from .checks import CHECKS, STATE_CHECKS


@dataclass(frozen=True)
class Step:
    name: str
    visible: bool
    events: tuple[Any, ...]
    event_files: tuple[str, ...]
    expect: tuple[tuple[str, Any], ...]
    # Emulated AWS the step starts from, fresh each time ({"state": ..., "deny": [...]}, as the sandbox takes
    # it), or None; its state is threaded through the step's events in order (they are redeliveries)
    aws: dict | None = None
    resources_file: str = ""


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    source: str
    difficulty: int
    summary: str
    statement_html: str
    handler: str
    hints: tuple[str, ...]
    docs: tuple[str, ...]
    starter: str
    solution: str
    steps: tuple[Step, ...]
    examples: tuple[tuple[str, str], ...]  # (file, highlighted JSON) of the visible events
    discussion_html: str = ""  # optional: alternatives to the reference solution, shown after a pass
    solution_html: str = ""  # the reference solution, highlighted

    @property
    def visible_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.visible)


def load(root: Path, sources: set[str]) -> dict[str, Exercise]:
    root = Path(root)
    errors: list[ContentError] = []
    exercises: dict[str, Exercise] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        exercise = _load_one(folder, root.parent.parent, errors, sources)
        if exercise:
            exercises[exercise.slug] = exercise
    if errors:
        raise CatalogInvalid(errors)
    return exercises


def _resources(folder: Path, name: str, specs: dict[str, dict | None], error, field: str) -> dict | None:
    """The sandbox's `aws` options from a resources TOML file in the exercise folder (same format as
    content/sources/<slug>/resources.toml), parsed once per file; None (and an error) when it is unusable."""
    from learn.playground.resources import SpecError, parse

    if name not in specs:
        specs[name] = None
        path = folder / name
        if "/" in name or "\\" in name or not name.endswith(".toml"):
            error(field, f"{name!r} must be a .toml file in the exercise folder")
        elif not path.is_file():
            error(field, f"{name} is missing")
        else:
            try:
                spec = parse(folder.name, path.read_text(encoding="utf-8"))
            except SpecError as problem:
                error(field, f"{name}: {problem}")
            else:
                specs[name] = {"state": spec.state, "deny": list(spec.deny)}
    return specs[name]


def _load_one(folder: Path, base: Path, errors: list[ContentError], sources: set[str]) -> Exercise | None:
    path = folder / "exercise.toml"
    rel = str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
    try:
        reader = Reader(tomllib.loads(path.read_text(encoding="utf-8")), rel, errors)
    except (OSError, tomllib.TOMLDecodeError) as error:
        errors.append(ContentError(rel, "", f"cannot be read: {error}"))
        return None
    slug = reader.text("slug")
    if slug != folder.name:
        reader.error("slug", f"must equal the folder name {folder.name!r}")
    source = reader.choice("source", sorted(sources))
    specs: dict[str, dict | None] = {}
    default_resources = reader.text("resources", required=False)
    if default_resources:
        _resources(folder, default_resources, specs, reader.error, "resources")
    events: dict[str, Any] = {}
    steps = []
    for table in reader.tables("steps", required=True):
        files = table.text_list("events", required=True, unique=False)  # a repeat = a redelivered event
        loaded = []
        for name in files:
            if name not in events:
                event_path = folder / "events" / name
                try:
                    events[name] = json.loads(event_path.read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError) as error:
                    table.error("events", f"{name}: {error}")
                    continue
            loaded.append(events.get(name))
        expect = table.raw("expect", required=True) or {}
        for check in expect:
            if check not in CHECKS:
                table.error("expect", f"{check!r} is not a check; use {', '.join(CHECKS)}")
        resources_file = table.text("resources", required=False) or default_resources or ""
        aws = _resources(folder, resources_file, specs, table.error, "resources") if resources_file else None
        for check, spec in expect.items():
            if check in STATE_CHECKS and spec is not False:
                needed = ("bus", "topic") if check == "published" else (STATE_CHECKS[check],)
                if not isinstance(spec, dict) or not any(isinstance(spec.get(n), str) for n in needed):
                    table.error("expect", f'{check} needs a table of the form {{ {needed[0]} = "name", ... }}')
                elif check == "table_item" and not isinstance(spec.get("key"), dict):
                    table.error("expect", 'table_item needs the item\'s key, e.g. key = { orderId = "o-1" }')
        if not resources_file and any(check in STATE_CHECKS for check in expect):
            table.error("expect", "checks of the emulated AWS state need a `resources` file (step or exercise)")
        steps.append(
            Step(
                table.text("name"),
                table.boolean("visible", required=False),
                tuple(loaded),
                files,
                tuple(expect.items()),
                aws,
                resources_file,
            )
        )
        table.close()
    texts = {}
    for name in ("starter.py", "solution.py"):
        file = folder / name
        if not file.exists():
            reader.error("", f"{name} is missing")
        texts[name] = file.read_text(encoding="utf-8") if file.exists() else ""
    hints = reader.text_list("hints", required=True)
    discussion = reader.text("discussion", required=False)
    if len(hints) < 2:
        reader.error("hints", "give at least two progressive hints")
    if not any(s.visible for s in steps) or all(s.visible for s in steps):
        reader.error("steps", "needs both visible steps (examples) and hidden steps")
    exercise = Exercise(
        slug=slug,
        title=reader.text("title"),
        source=source,
        difficulty=reader.integer("difficulty", default=2) or 2,
        summary=reader.text("summary"),
        statement_html=markdown_to_html(reader.text("statement")),
        handler=reader.text("handler", required=False, default="handler"),
        hints=hints,
        docs=tuple(reader.text_list("docs", required=True)),
        starter=texts["starter.py"],
        solution=texts["solution.py"],
        steps=tuple(steps),
        examples=tuple(
            (f, highlight_json(events[f])[1]) for s in steps if s.visible for f in s.event_files if f in events
        ),
        discussion_html=markdown_to_html(discussion) if discussion else "",
        solution_html=highlight_python(texts["solution.py"]) if texts["solution.py"] else "",
    )
    reader.close()
    return exercise
