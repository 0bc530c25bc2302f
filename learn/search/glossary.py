"""The glossary (content/glossary.toml): every concept defined once, with its synonyms and where it is taught.

`load()` validates against the catalog and the exercises (an unknown lesson, section, model, exercise or related
term is an error naming the file and the entry); `glossary()` is the cached copy the site uses.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from learn.catalog.errors import CatalogInvalid, ContentError
from learn.catalog.reader import DOC_URL_PREFIXES, Reader
from learn.catalog.rendering import inline_markdown
from learn.catalog.types import MODELS, Catalog

#: The lesson sections a glossary entry may point into (the lesson page's anchors).
LESSON_SECTIONS = (
    "overview",
    "model",
    "wiring",
    "event",
    "handlers",
    "response",
    "flow",
    "retries",
    "batching",
    "limits",
    "pitfalls",
    "practices",
    "when",
    "checkpoint",
)
TERM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_BRACKETED = re.compile(r"^(.+?)\s*\((.+)\)\s*$")


@dataclass(frozen=True)
class Taught:
    """One place a concept is taught: a lesson (optionally one section of it), a model page or an exercise."""

    kind: str  # "lesson", "model" or "exercise"
    target: str  # source slug, model id or exercise slug
    section: str = ""


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    synonyms: tuple[str, ...]
    definition: str
    definition_html: str
    doc: str
    taught: tuple[Taught, ...]
    see_also: tuple[str, ...]
    home: tuple[str, ...] = ()  # source slugs of the lessons built around this concept
    also: tuple[str, ...] = ()  # further AWS pages that back parts of the definition

    @property
    def letter(self) -> str:
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"

    @property
    def names(self) -> tuple[str, ...]:
        """What a learner may type for this concept: the term (a bracketed term as its two halves: "Dead-letter
        queue (DLQ)" is "Dead-letter queue" and "DLQ") and every synonym."""
        match = _BRACKETED.match(self.term)
        names = [match.group(1).strip(), match.group(2).strip()] if match else [self.term]
        names += self.synonyms
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    def get(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def sorted(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: t.term.lower())

    def taught_in_lesson(self, slug: str) -> list[Term]:
        return [t for t in self.terms if any(p.kind == "lesson" and p.target == slug for p in t.taught)]

    def home_of(self, slug: str) -> list[Term]:
        """The concepts a lesson is built around."""
        return [t for t in self.terms if slug in t.home]


def load(path: Path, catalog: Catalog, exercise_slugs: set[str]) -> Glossary:
    """Read and validate the glossary; a missing file is an empty glossary. Raises CatalogInvalid on errors."""
    path = Path(path)
    if not path.exists():
        return Glossary(())
    errors: list[ContentError] = []
    rel = f"content/{path.name}"
    try:
        reader = Reader(tomllib.loads(path.read_text(encoding="utf-8")), rel, errors)
    except tomllib.TOMLDecodeError as error:
        raise CatalogInvalid([ContentError(rel, "", f"is not valid TOML: {error}")]) from error
    terms: list[Term] = []
    for index, table in enumerate(reader.tables("terms", required=True)):
        table.path = f"terms[{index}]"
        term_id = table.text("id")
        if term_id and not TERM_ID.match(term_id):
            table.error("id", f"{term_id!r} must be lowercase words joined by hyphens (it is the page anchor)")
        if any(t.id == term_id for t in terms):
            table.error("id", f"{term_id!r} is defined twice")
        definition = table.text("definition")
        taught = tuple(
            place
            for text in table.text_list("taught", required=True)
            if (place := _taught(table, text, catalog, exercise_slugs))
        )
        terms.append(
            Term(
                id=term_id,
                term=table.text("term"),
                synonyms=table.text_list("synonyms", unique=True),
                definition=definition,
                definition_html=inline_markdown(definition),
                doc=table.url("doc"),
                taught=taught,
                see_also=table.text_list("see_also"),
                home=_home(table, catalog),
                also=_also(table),
            )
        )
        table.close()
    reader.close()
    ids = {t.id for t in terms}
    for index, term in enumerate(terms):
        for other in term.see_also:
            if other not in ids:
                errors.append(ContentError(rel, f"terms[{index}].see_also", f"{other!r} is not a glossary term id"))
    if errors:
        raise CatalogInvalid(errors)
    return Glossary(tuple(terms))


def _also(table) -> tuple[str, ...]:
    """Further AWS documentation pages for a definition that draws on more than one."""
    pages = table.text_list("also")
    for page in pages:
        if not page.startswith(DOC_URL_PREFIXES):
            table.error("also", f"must list AWS documentation URLs (https://docs.aws.amazon.com/...), got {page!r}")
    return pages


def _home(table: Reader, catalog: Catalog) -> tuple[str, ...]:
    slugs = table.text_list("home")
    for slug in slugs:
        if slug not in catalog.sources:
            table.error("home", f"{slug!r}: no lesson {slug!r} in content/sources")
    return tuple(s for s in slugs if s in catalog.sources)


def _taught(table: Reader, text: str, catalog: Catalog, exercise_slugs: set[str]) -> Taught | None:
    if text.startswith("model:"):
        model = text.removeprefix("model:")
        if model not in MODELS or model not in catalog.models:
            table.error("taught", f"{text!r}: no invocation model {model!r}")
            return None
        return Taught("model", model)
    if text.startswith("exercise:"):
        slug = text.removeprefix("exercise:")
        if slug not in exercise_slugs:
            table.error("taught", f"{text!r}: no exercise {slug!r} in content/exercises")
            return None
        return Taught("exercise", slug)
    slug, _, section = text.partition("#")
    if slug not in catalog.sources:
        table.error("taught", f"{text!r}: no lesson {slug!r} in content/sources")
        return None
    if section and section not in LESSON_SECTIONS:
        table.error("taught", f"{text!r}: no section #{section} on a lesson (use one of {', '.join(LESSON_SECTIONS)})")
        return None
    return Taught("lesson", slug, section)


def exercise_slugs(root: Path) -> set[str]:
    """The exercises' folder names: the glossary checks its links against these, and the exercises' own check
    validates what is inside them (so one broken exercise does not take the glossary down with it)."""
    return {p.name for p in Path(root).iterdir() if p.is_dir()} if Path(root).is_dir() else set()


@functools.cache
def glossary() -> Glossary:
    from learn import catalog

    root = catalog.content_dir()
    return load(root / "glossary.toml", catalog.load(), exercise_slugs(root / "exercises"))
