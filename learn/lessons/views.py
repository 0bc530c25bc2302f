"""Lesson pages: thin views over the catalog and the plain modules beside them."""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from learn import catalog
from learn.catalog.export import catalog_to_dict
from learn.diagrams.flows import MODEL_FLOWS, render_flow
from learn.pagecache import public_page
from learn.progress import services as progress
from learn.progress.learners import owner_of

from . import grid, guide, htmx, outline


def _partial_or_page(
    request: HttpRequest, template: str, partial: str, context: dict, status: int = 200
) -> HttpResponse:
    """One template, two renderings: the named partial for htmx swaps, the full page otherwise (W3: both vary on
    HX-Request, the partial is never stored, htmx's history restore gets the page)."""
    swap = htmx.wants_partial(request)
    response = render(request, f"{template}#{partial}" if swap else template, context, status=status)
    return htmx.finish(request, response, swap)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    return render(
        request,
        "lessons/home.html",
        {
            "models": [cat.models[m] for m in ("sync", "async", "poll")],
            "counts": {m: len(cat.sources_for_model(m)) for m in ("sync", "async", "poll")},
            "source_count": len(cat.sources),
            "featured": [cat.sources[s] for s in ("api-gateway-http", "sqs", "s3", "kinesis") if s in cat.sources],
        },
    )


@require_safe
@public_page
@htmx.varies_on_htmx
def source_list(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    filters = grid.parse_filters(request.GET)
    return _partial_or_page(
        request,
        "lessons/sources.html",
        "grid",
        {
            "filters": filters,
            "sources": grid.filter_sources(cat, filters),
            "total": len(cat.sources),
            "categories": grid.category_choices(cat),
            "models": [cat.models[m] for m in ("sync", "async", "poll")],
        },
    )


@require_safe
@public_page
@htmx.varies_on_htmx
def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    cat = catalog.load()
    source = cat.sources.get(slug)
    if source is None:
        return not_found(request)
    # One rendering for every learner (learn.pagecache): whether they read it comes from the personal fragment.
    # Opening a lesson records nothing (W6, and issue 13: a visit is not learning): a lesson counts as read when
    # the learner presses "Mark as read" or reaches its end (the beacon), both through mark_read.
    previous, following = cat.neighbours(slug)
    # lazy: built only when a cached lesson fragment has to be rendered again
    page = SimpleLazyObject(lambda: outline.build(cat, source))
    return render(
        request,
        "lessons/lesson.html",
        {
            "source": source,
            "outline": page,
            "citations": SimpleLazyObject(lambda: page.citations),
            "try_it": outline.try_it_links(source),
            "models": [cat.models[m] for m in source.models],
            "related": [cat.sources[s] for s in source.related],
            "changes": cat.changes_for(slug),
            "exercises": _exercises_for(slug),
            "wiring_code": _wiring_for(slug),
            "wiring_exercises": _wiring_exercises_for(slug),
            "practice": _practice_for(slug),
            "previous": previous,
            "next": following,
            "read": False,
        },
    )


def _wiring_for(slug: str):
    """The source's shipped SAM template, notes and CLI (learn.wiring.shipped), or None."""
    from learn.wiring import shipped

    return shipped.load(slug)


def _wiring_exercises_for(slug: str) -> list:
    from learn.wiring import exercises

    return [exercise for exercise in exercises.load().values() if exercise.source == slug]


PRACTICE_SIZE = 10


def _exercises_for(slug: str) -> list:
    """The source's graded exercises, in the exercise index's order."""
    from learn.exercises import service as exercises

    return [exercise for exercise in exercises.ordered() if exercise.source == slug]


def _practice_for(slug: str) -> dict[str, int]:
    """How many bank questions are on the source, and how many a practice round draws (one per question family,
    as learn.quiz.services.pick does)."""
    count, families = _practice_counts().get(slug, (0, 0))
    return {"count": count, "size": min(PRACTICE_SIZE, families)}


@functools.cache
def _practice_counts() -> dict[str, tuple[int, int]]:
    """(questions, question families) per source, counted once per process like the bank it counts."""
    from learn.quiz import questions

    items: dict[str, int] = defaultdict(int)
    families: dict[str, set[str]] = defaultdict(set)
    for item in questions.load().items.values():
        for slug in item.sources:
            items[slug] += 1
            families[slug].add(item.id.partition("--")[0])
    return {slug: (items[slug], len(families[slug])) for slug in items}


@require_safe
@public_page
@htmx.varies_on_htmx
def code(request: HttpRequest, slug: str, kind: str, number: int) -> HttpResponse:
    """One sample event or example handler of a lesson, fetched when its fold is opened (the lesson stays light):
    the highlighted block for htmx, the file as plain text for a browser without JavaScript."""
    source = catalog.load().sources.get(slug)
    blocks = _code_blocks(source, kind) if source else ()
    if not 0 <= number < len(blocks):
        return not_found(request)
    label, text, html = blocks[number]
    if not htmx.wants_partial(request):
        return htmx.finish(request, HttpResponse(text, content_type="text/plain; charset=utf-8"), False)
    return htmx.finish(request, render(request, "lessons/_code_block.html", {"label": label, "html": html}), True)


def _code_blocks(source, kind: str) -> list[tuple[str, str, str]]:
    """(label, plain text, highlighted HTML) of a lesson's folded code blocks of one kind."""
    if kind == "event":
        return [(f"Sample event {e.title}", e.text, e.html) for e in source.events]
    if kind == "handler":
        return [(f"Handler {h.title}", h.code, h.html) for h in source.handlers]
    if kind == "wiring" and (wiring := _wiring_for(source.slug)):
        html = format_html('<pre class="mb-0 p-2 small"><code>{}</code></pre>', wiring.template)
        return [(f"{source.short_name} wiring template", wiring.template, html)]
    return []


@require_http_methods(["GET", "HEAD", "POST"])
def mark_read(request: HttpRequest, slug: str) -> HttpResponse:
    """POST: the "Mark as read" button, and static/site/lesson-read.js's beacon (beacon=1: 204, no page).
    GET: the button on a page of its own, for a browser without JavaScript (the cached lesson links here, as it
    holds no form token); it shows whether the lesson counts as read and stores nothing."""
    source = catalog.load().sources.get(slug)
    if source is None:
        return not_found(request)
    if request.method != "POST":
        owner = owner_of(request, create=False)
        page = render(request, "lessons/read.html", {"source": source, "read": progress.has_read(owner, slug)})
        patch_cache_control(page, private=True, no_store=True)  # the learner's own form token and state
        return page
    progress.mark_lesson_read(owner_of(request), slug)  # an action: this starts the learner's session
    if request.POST.get("beacon"):
        return HttpResponse(status=204)
    if request.POST.get("back") == "here":
        return redirect("lessons:read", slug)
    return redirect(reverse("lessons:lesson", args=[slug]) + "#lesson-read")


@require_safe
@public_page
def model_page(request: HttpRequest, model_id: str) -> HttpResponse:
    cat = catalog.load()
    model = cat.models.get(model_id)
    if model is None:
        return not_found(request)

    def flows() -> list:  # called by the template only when its cached fragment is rendered again
        return [
            mark_safe(render_flow(request, slug, f"{model_id}-{n}", params))  # our own rendered template
            for n, (slug, params) in enumerate(MODEL_FLOWS[model_id], start=1)
        ]

    return render(
        request,
        "lessons/model.html",
        {
            "model": model,
            "flows": flows,
            "sources": cat.sources_for_model(model_id),
            "rules": [r for r in cat.rules.values() if r.model == model_id],
            "other_models": [cat.models[m] for m in ("sync", "async", "poll") if m != model_id],
        },
    )


@require_safe
@public_page
@htmx.varies_on_htmx
def choose(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    state = guide.read_state(cat, request.GET)
    return _partial_or_page(
        request,
        "lessons/choose.html",
        "guide",
        {
            "state": state,
            "answered": [
                (q, q.option(state.answers[q.id]), state.query_without(q.id))
                for q in cat.guide
                if q.id in state.answers
            ],
            "recommendations": guide.recommend(cat, state.answers) if state.finished else [],
        },
    )


@require_safe
@public_page
def changes(request: HttpRequest) -> HttpResponse:
    """What changed in the lessons, newest first, each entry linking the lessons it changed."""
    cat = catalog.load()
    return render(
        request, "lessons/changes.html", {"changes": cat.changes, "sources": cat.sources, "models": cat.models}
    )


@require_safe
def catalog_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(catalog_to_dict(catalog.load()), json_dumps_params={"indent": 2})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A friendly 404 that suggests the lessons the learner probably meant."""
    cat = catalog.load()
    wanted = request.path.strip("/").split("/")[-1]
    slugs = list(cat.sources)
    close = difflib.get_close_matches(wanted, slugs, n=4, cutoff=0.4)
    close += [s for s in slugs if wanted and wanted in s and s not in close][: 4 - len(close)]
    return render(
        request,
        "404.html",
        {
            "suggestions": [cat.sources[s] for s in close],
            "path": request.path,
        },
        status=404,
    )
