"""Diagram pages and the what-if endpoint: thin views over the engine and learn.diagrams.layout."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from learn import catalog
from learn.lessons import htmx
from learn.lessons.views import not_found
from learn.pagecache import public_page

from .flows import flow_context


@require_safe
@public_page
@htmx.varies_on_htmx
def diagram(request: HttpRequest, slug: str) -> HttpResponse:
    cat = catalog.load()
    if slug not in cat.sources:
        return not_found(request)
    uid = re.sub(r"[^a-z0-9-]", "", request.GET.get("uid", "main").lower())[:40] or "main"
    context = flow_context(slug, request.GET, uid, cat)
    context["source"] = cat.sources[slug]
    partial = htmx.wants_partial(request)
    template = "diagrams/flow.html#flow" if partial else "diagrams/page.html"
    return htmx.finish(request, render(request, template, context), partial)
