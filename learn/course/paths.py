"""Learning paths from content/paths/*.toml: ordered steps through lessons, model pages, diagrams, exercises and
lesson checkpoints.

`load(folder, known)` is pure Python: it validates every step against what exists (`Known`) and raises
CatalogInvalid naming the file and the field, like the catalog's loader. `all_paths()` loads the real folder
once per process against the real catalog, exercises and question bank; `manage.py check` reports its errors.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from learn.catalog.errors import CatalogInvalid, ContentError
from learn.catalog.reader import DOC_URL_PREFIXES, Reader

KINDS = ("lesson", "model", "diagram", "exercise", "checkpoint")
PATH_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Known:
    """What a path may point at: source slug -> short name, model id -> name, source slug -> its diagram presets,
    exercise slug -> title, and the sources whose checkpoint has questions."""

    sources: Mapping[str, str]
    models: Mapping[str, str]
    presets: Mapping[str, Mapping[str, str]]  # source slug -> {preset name: label}
    exercises: Mapping[str, str]
    checkpointable: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Step:
    path_id: str
    number: int  # 1-based position in its path
    kind: str
    target: str  # a source slug, model id or exercise slug
    preset: str  # diagrams only
    title: str
    intro: str
    url: str
    subject: str  # what the step is about, for "Continue: Kinesis — checkpoint 2 of 4"
    note: str = ""  # filled in per learner by learn.course.progress, e.g. "2 of 4"

    @property
    def key(self) -> str:
        """Identifies the thing to do, whichever path it sits in (evidence is kept per key)."""
        return f"{self.kind}:{self.target}" + (f":{self.preset}" if self.preset else "")

    @property
    def label(self) -> str:
        """Short words for a "Continue" link: "Kinesis — checkpoint 2 of 4", "Asynchronous invocation — model page"."""
        what = {"lesson": "lesson", "model": "model page", "diagram": "diagram", "exercise": "exercise"}
        kind = what.get(self.kind, self.kind)
        return f"{self.subject} — {kind}" + (f" {self.note}" if self.note else "")


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    order: int
    audience: str
    intro: str
    docs: tuple[str, ...]  # AWS pages behind the facts in the intros
    steps: tuple[Step, ...]
    file: str

    @property
    def short_title(self) -> str:
        """ "Foundations" for "Foundations: the three invocation models"."""
        return self.title.partition(":")[0]


def step_url(kind: str, target: str, preset: str = "") -> str:
    if kind == "lesson":
        return f"/sources/{target}/"
    if kind == "checkpoint":
        return f"/sources/{target}/#checkpoint"
    if kind == "model":
        return f"/models/{target}/"
    if kind == "diagram":
        return f"/diagrams/{target}/" + (f"?preset={preset}" if preset else "")
    return f"/exercises/{target}/"


def load(folder: Path, known: Known) -> dict[str, LearningPath]:
    """Every *.toml in `folder`, ordered by their `order`; raise CatalogInvalid listing every problem."""
    folder = Path(folder)
    base = folder.parent.parent
    errors: list[ContentError] = []
    paths: dict[str, LearningPath] = {}
    for file in sorted(folder.glob("*.toml")):
        rel = str(file.relative_to(base)) if file.is_relative_to(base) else str(file)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            errors.append(ContentError(rel, "", f"is not valid TOML: {error}"))
            continue
        path = _path(Reader(data, rel, errors), file.stem, known)
        if path is not None:
            paths[path.id] = path
    if errors:
        raise CatalogInvalid(errors)
    return dict(sorted(paths.items(), key=lambda kv: (kv[1].order, kv[0])))


def _path(reader: Reader, path_id: str, known: Known) -> LearningPath | None:
    if not PATH_ID.match(path_id):
        reader.error("", "the file name must be lowercase letters, digits and hyphens (it is the path's id)")
    title = reader.text("title")
    order = reader.integer("order", default=100) or 100
    audience = reader.text("audience")
    intro = " ".join(reader.text("intro").split())
    docs = reader.text_list("docs", required=True)
    for position, url in enumerate(docs):
        if not url.startswith(DOC_URL_PREFIXES):
            reader.error(f"docs[{position}]", f"must be an AWS documentation URL, got {url!r}")
    steps: list[Step] = []
    seen: set[str] = set()
    for number, table in enumerate(reader.tables("steps", required=True), start=1):
        step = _step(table, path_id, number, known)
        table.close()
        if step is None:
            continue
        if step.key in seen:
            table.error("target", f"{step.key!r} is already a step of this path")
        seen.add(step.key)
        steps.append(step)
    if not reader.data.get("steps"):
        reader.error("steps", "needs at least one step")
    reader.close()
    return LearningPath(path_id, title, order, audience, intro, docs, tuple(steps), reader.file)


def _step(table: Reader, path_id: str, number: int, known: Known) -> Step | None:
    kind = table.choice("kind", KINDS)
    target = table.text("target")
    preset = table.text("preset", required=False)
    intro = table.text("intro")
    title = table.text("title", required=False)
    if not kind or not target:
        return None
    if kind in ("lesson", "checkpoint", "diagram"):
        if target not in known.sources:
            table.error("target", f"{target!r} is not a source in content/sources")
            return None
        subject = known.sources[target]
    elif kind == "model":
        if target not in known.models:
            table.error("target", f"{target!r} is not an invocation model ({', '.join(sorted(known.models))})")
            return None
        subject = known.models[target]
    else:
        if target not in known.exercises:
            table.error("target", f"{target!r} is not an exercise in content/exercises")
            return None
        subject = known.exercises[target]
    if kind == "checkpoint" and target not in known.checkpointable:
        table.error("target", f"the {target!r} checkpoint has no questions: the bank has none for this source")
    if preset and kind != "diagram":
        table.error("preset", "only a diagram step takes a preset")
    if kind == "diagram" and preset and preset not in known.presets.get(target, {}):
        choices = ", ".join(sorted(known.presets.get(target, ())))
        table.error("preset", f"{preset!r} is not a scenario of the {target} diagram (choose from {choices})")
    default_titles = {
        "lesson": f"Read the {subject} lesson",
        "checkpoint": f"{subject} checkpoint",
        "model": subject,
        "diagram": f"{subject} diagram: {known.presets.get(target, {}).get(preset, 'the default scenario').lower()}",
        "exercise": subject,
    }
    return Step(
        path_id,
        number,
        kind,
        target,
        preset if kind == "diagram" else "",
        title or default_titles[kind],
        intro,
        step_url(kind, target, preset),
        subject,
    )


def known_now() -> Known:
    """What exists in the loaded catalog, exercises and question bank."""
    from learn import catalog, engine
    from learn.exercises import service as exercises
    from learn.quiz import questions

    from . import checkpoints

    cat, bank = catalog.load(), questions.load()
    return Known(
        sources={slug: source.short_name for slug, source in cat.sources.items()},
        models={model_id: model.name for model_id, model in cat.models.items()},
        presets={slug: dict(engine.presets_for(slug, cat)) for slug in cat.sources},
        exercises={slug: exercise.title for slug, exercise in exercises.exercises().items()},
        checkpointable=frozenset(slug for slug in cat.sources if checkpoints.choose_items(bank, slug)),
    )


@functools.cache
def all_paths() -> dict[str, LearningPath]:
    from learn import catalog

    return load(catalog.content_dir() / "paths", known_now())
