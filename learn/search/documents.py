"""Turn the catalog, the exercises, the question bank and the glossary into search documents.

Pure Python over the loaded content (URLs come from Django's `reverse`); `learn.search.index.build()` stores them.
Weighting is by column, not by hand: a thing's own name goes in `title`, its authored keywords and API names in
`keywords`, the glossary concepts it teaches in `concepts`, its prose in `body` (where snippets come from) and text
that may match but must never be shown (a question's options) in `extra`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags

from learn.catalog.types import Catalog, Fact, Source

from .glossary import Glossary, Term

#: The lesson section each group of a source's facts belongs to (anchor, label).
SECTION_ANCHORS = {
    "wiring": ("wiring", "Wiring and permissions"),
    "batching": ("batching", "Batching"),
    "ordering": ("batching", "Ordering"),
    "retries": ("retries", "Retries"),
    "failure": ("retries", "When it fails"),
    "response": ("response", "Response"),
    "limits": ("limits", "Limits"),
    "pitfalls": ("pitfalls", "Pitfalls"),
    "best_practices": ("practices", "Best practices"),
}
#: A prior per kind (multiplies the engine's rank): lessons and definitions first, quiz questions last.
KIND_BOOST = {
    "lesson": 1.6,
    "glossary": 1.4,
    "model": 1.3,
    "rule": 1.1,
    "exercise": 1.1,
    "field": 1.0,
    "fact": 0.9,
    "question": 0.7,
}
SECTION_BOOST = 1.0  # a section of a lesson's prose: a lesson, but not the lesson itself
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARKUP = re.compile(r"[`*_]{1,2}(?=\S)|(?<=\S)[`*_]{1,2}")


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    url: str
    context: str = ""
    keywords: str = ""
    concepts: str = ""
    body: str = ""
    extra: str = ""
    source: str = ""
    boost: float = 0.0  # 0: the kind's prior (KIND_BOOST)

    @property
    def prior(self) -> float:
        return self.boost or KIND_BOOST[self.kind]


def clean(text: str) -> str:
    """Plain text for the index: no HTML, no Markdown emphasis or code marks, no control characters (the snippet
    markers are control characters, so content can never forge a highlight)."""
    text = html.unescape(strip_tags(text))
    text = _MARKUP.sub("", text)
    return " ".join(_CONTROL.sub(" ", text).split())


def distinct(*names: str) -> str:
    """Names joined with " · ", each once whatever its case ("Kinesis", "kinesis")."""
    first: dict[str, str] = {}
    for name in names:
        if name:
            first.setdefault(name.lower(), name)
    return " · ".join(first.values())


def sentences(*parts: str) -> str:
    """Join short texts into prose a snippet can cut from: each ends with a full stop."""
    return " ".join(p if p.rstrip()[-1:] in ".!?:" else f"{p.rstrip()}." for p in parts if p.strip())


def build(catalog: Catalog, glossary: Glossary, exercises: Iterable, questions: Iterable) -> list[Document]:
    """Every document, in the order that breaks ties between equal ranks: lessons first, questions last."""
    documents = list(_lessons(catalog, glossary))
    documents += _glossary(glossary)
    documents += _models(catalog, glossary)
    documents += _rules(catalog)
    documents += _fields(catalog)
    documents += _facts(catalog)
    documents += _exercises(catalog, glossary, exercises)
    documents += _questions(catalog, questions)
    return documents


def _concepts(terms: Iterable[Term]) -> str:
    """The concepts' names, once each: a query is widened to every synonym of a concept (learn.search.query), so
    the name alone finds them, and a snippet from this column stays readable."""
    return " · ".join(term.term for term in terms)


def _lesson_url(slug: str, anchor: str = "") -> str:
    url = reverse("lessons:lesson", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def _lessons(catalog: Catalog, glossary: Glossary) -> Iterator[Document]:
    """One short document per lesson (its name, keywords, the concepts it is built around, its summaries), then one
    per section of its prose: a long body would drown the lesson's own words in bm25's length normalisation."""
    for source in catalog.ordered_sources():
        home = glossary.home_of(source.slug)
        others = [t for t in glossary.taught_in_lesson(source.slug) if t not in home]
        event_fields = sorted({name for event in source.events for name in event.field_names})
        yield Document(
            kind="lesson",
            title=source.name,
            url=_lesson_url(source.slug),
            context=f"Lesson · {source.category_label} · {', '.join(source.models)}",
            keywords=clean(
                distinct(source.short_name, source.slug.replace("-", " "), *source.keywords, *(t.term for t in home))
            ),
            concepts=_concepts(others),
            body=clean(
                sentences(
                    source.summary,
                    f"Retries: {source.retries.summary}",
                    f"Failures go to: {source.failure.summary}",
                    f"Batching: {source.batching.summary}",
                    f"Main risk: {source.main_risk}",
                    *source.use_when,
                    *source.avoid_when,
                )
            ),
            extra=" ".join(event_fields),
            source=source.slug,
        )
    for source in catalog.ordered_sources():
        for heading, text in _prose_sections(source.lesson_html):
            yield Document(
                kind="lesson",
                title=f"{source.short_name}: {heading or 'introduction'}",
                url=_lesson_url(source.slug, "overview"),
                context=f"{source.name} · lesson section",
                keywords=source.short_name,
                body=text,
                source=source.slug,
                boost=SECTION_BOOST,
            )


def _prose_sections(lesson_html: str) -> Iterator[tuple[str, str]]:
    """(heading, plain text) for each <h2> section of a lesson's prose; text before the first heading has none."""
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", lesson_html, flags=re.DOTALL)
    if clean(parts[0]):
        yield "", clean(parts[0])
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        if clean(body):
            yield clean(heading), clean(body)


def _glossary(glossary: Glossary) -> Iterator[Document]:
    url = reverse("search:glossary")
    for term in glossary.sorted():
        yield Document(
            kind="glossary",
            title=term.term,
            url=f"{url}#{term.id}",
            context="Glossary",
            keywords=clean(" · ".join(term.synonyms)),
            body=clean(term.definition),
        )


def _models(catalog: Catalog, glossary: Glossary) -> Iterator[Document]:
    for model in catalog.models.values():
        taught = [t for t in glossary.terms if any(p.kind == "model" and p.target == model.id for p in t.taught)]
        yield Document(
            kind="model",
            title=model.name,
            url=reverse("lessons:model", args=[model.id]),
            context="Invocation model",
            keywords=clean(f"{model.id} {model.tagline}"),
            concepts=_concepts(taught),
            body=clean(
                sentences(model.summary, f"Who waits: {model.who_waits}", f"Who retries: {model.who_retries}")
                + " "
                + model.prose_html
            ),
        )


def _rule_url(catalog: Catalog, rule_id: str, model: str) -> str:
    users = [s for s in catalog.ordered_sources() if rule_id in s.retries.rules]
    owner = next((s for s in users if s.slug == rule_id), users[0] if users else None)
    return _lesson_url(owner.slug, "retries") if owner else reverse("lessons:model", args=[model])


def _rules(catalog: Catalog) -> Iterator[Document]:
    for rule in catalog.rules.values():
        yield Document(
            kind="rule",
            title=rule.name,
            url=_rule_url(catalog, rule.id, rule.model),
            context=f"Retry rule · {rule.model}",
            keywords=clean(" · ".join(f"{k.api_name} ({k.label})" for k in rule.knobs)),
            body=clean(
                sentences(
                    rule.summary,
                    f"Who retries: {rule.who_retries}",
                    *(f.text for f in rule.facts),
                    *(f"{k.label}: {k.description}" for k in rule.knobs),
                )
            ),
        )


def _fields(catalog: Catalog) -> Iterator[Document]:
    for source in catalog.ordered_sources():
        for event_field in source.fields:
            leaf = re.split(r"[.\[\]]+", event_field.path.strip(".[]"))[-1]
            yield Document(
                kind="field",
                title=event_field.path,
                url=_lesson_url(source.slug, "event"),
                context=f"{source.name} · event field",
                keywords=clean(f"{leaf} {source.short_name}"),
                body=clean(event_field.meaning),
                source=source.slug,
            )


def _source_facts(source: Source) -> Iterator[tuple[str, Fact]]:
    for section in SECTION_ANCHORS:
        for fact in getattr(source, section).facts:
            yield section, fact


def _facts(catalog: Catalog) -> Iterator[Document]:
    from learn.lessons.citations import fact_id  # the lesson page's own anchor for a fact

    for source in catalog.ordered_sources():
        for section, fact in _source_facts(source):
            _, label = SECTION_ANCHORS[section]
            yield Document(
                kind="fact",
                title=f"{source.short_name}: {label.lower()}",
                url=_lesson_url(source.slug, fact_id(fact)),
                context=f"{source.name} · {label}",
                keywords=source.short_name,
                body=clean(fact.text),
                source=source.slug,
            )
    for model in catalog.models.values():
        for fact in model.facts:
            yield Document(
                kind="fact",
                title=f"{model.name}",
                url=reverse("lessons:model", args=[model.id]),
                context="Invocation model",
                body=clean(fact.text),
            )


def _exercises(catalog: Catalog, glossary: Glossary, exercises: Iterable) -> Iterator[Document]:
    for exercise in exercises:
        source = catalog.sources.get(exercise.source)
        taught = [
            t for t in glossary.terms if any(p.kind == "exercise" and p.target == exercise.slug for p in t.taught)
        ]
        yield Document(
            kind="exercise",
            title=exercise.title,
            url=reverse("exercises:detail", args=[exercise.slug]),
            context=f"Exercise · {source.name if source else exercise.source}",
            keywords=clean(source.short_name if source else ""),
            concepts=_concepts(taught),
            body=clean(f"{exercise.summary} {exercise.statement_html}"),
            source=exercise.source,
        )


def _questions(catalog: Catalog, questions: Iterable) -> Iterator[Document]:
    """Only the stem is ever shown; the options match but are never snippeted, and rationales (which give the
    answer away) are not indexed at all."""
    for item in questions:
        slug = item.sources[0] if item.sources else ""
        source = catalog.sources.get(slug)
        stem = clean(item.stem)
        yield Document(
            kind="question",
            title=_shorten(stem, 90),
            url=_lesson_url(slug)
            if source
            else reverse("lessons:model", args=[item.model])
            if item.model in catalog.models
            else reverse("quiz:home"),
            context=f"Question · {source.name if source else item.model}",
            keywords=clean(" ".join(catalog.sources[s].short_name for s in item.sources if s in catalog.sources)),
            body=stem,
            extra=clean(" ".join(option.text for option in item.options)),
            source=slug,
        )


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
