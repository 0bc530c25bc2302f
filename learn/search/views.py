"""Search and glossary pages: thin views over learn.search.service and learn.search.glossary."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from learn import catalog
from learn.lessons import htmx
from learn.pagecache import public_page

from . import index, query, service
from .glossary import Term, glossary


@require_safe
@htmx.varies_on_htmx
def search_page(request: HttpRequest) -> HttpResponse:
    results = service.find(request.GET.get("q", ""), request.GET.get("kind", ""))
    swap = htmx.wants_partial(request)
    template = "search/search.html#results" if swap else "search/search.html"
    context = {"results": results, "query": results.query, "max_query": query.MAX_QUERY}
    return htmx.finish(request, render(request, template, context), swap)


@require_safe
@public_page
def glossary_page(request: HttpRequest) -> HttpResponse:
    terms = glossary().sorted()
    by_id = {t.id: t for t in terms}
    entries = [{"term": t, "places": places(t), "related": [by_id[i] for i in t.see_also if i in by_id]} for t in terms]
    letters = [(letter, list(group)) for letter, group in groupby(entries, key=lambda e: e["term"].letter)]
    used = {letter for letter, _ in letters}
    return render(
        request,
        "search/glossary.html",
        {
            "letters": letters,
            "alphabet": [(chr(c), chr(c) in used) for c in range(ord("A"), ord("Z") + 1)],
            "total": len(terms),
        },
    )


def places(term: Term) -> list[tuple[str, str]]:
    """(label, url) for every place a term is taught, in the order the glossary lists them."""
    cat, found = catalog.load(), []
    known_exercises = {e.slug: e for e in index.loaded_exercises()}
    for place in term.taught:
        if place.kind == "lesson":
            source = cat.sources[place.target]
            url = reverse("lessons:lesson", args=[place.target]) + (f"#{place.section}" if place.section else "")
            found.append((source.name + (f" ({place.section})" if place.section else ""), url))
        elif place.kind == "model":
            found.append((cat.models[place.target].name, reverse("lessons:model", args=[place.target])))
        elif place.kind == "exercise" and place.target in known_exercises:
            found.append(
                (f"Exercise: {known_exercises[place.target].title}", reverse("exercises:detail", args=[place.target]))
            )
    return found
