"""The personal fragment: what a cached public page cannot hold, fetched by htmx right after the page loads.

A public page (learn.pagecache) is the same bytes for everybody. This fragment fills in, by out-of-band swaps,
the parts that are the learner's own: the account menu (signed in or not), pending messages, a lesson's
"read" state and its "Mark as read" form, and the "Mark as done and continue" bar on a model or diagram page that
is the learner's next step. Rendering it sets the `csrftoken` cookie, from which static/site/csrf.js gives the page's
POST forms and htmx requests their token. It is never stored by any cache (`private, no-store`), and for a
visitor who has done nothing it reads nothing from the database and starts no session.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from learn import catalog

from .learners import owner_of


def _page_of(full_path: str) -> tuple[str, dict, dict]:
    """The named URL, arguments and query of the page that asks ("", {}, {} for anything unknown)."""
    if not full_path.startswith("/") or len(full_path) > 500:
        return "", {}, {}
    path, _, query = full_path.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        return "", {}, {}
    return match.view_name, match.kwargs, {k: v[0] for k, v in parse_qs(query).items()}


def _step_bar(owner, key: str) -> dict | None:
    """The path bar's context when the page is the learner's next step (learn.course's path_step, per learner)."""
    from learn.course import paths
    from learn.course import progress as course_progress

    step = course_progress.next_step(owner)
    if step is None or step.key != key:
        return None
    return {"step": step, "path": paths.all_paths()[step.path_id]}


def _asking_page(request: HttpRequest) -> str:
    """The page's path and query: `?path=`, or the HX-Current-URL header htmx sends (so the cached page need not
    echo its own query into its body, web red team finding 3)."""
    if "path" in request.GET:
        return request.GET["path"]
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path + (f"?{current.query}" if current.query else "")


@require_safe
def personal(request: HttpRequest) -> HttpResponse:
    """GET /me/fragment/ (htmx names the page in HX-Current-URL; ?path= also works): out-of-band pieces for that
    page (see the module docstring)."""
    from learn.progress import services as progress

    view_name, kwargs, query = _page_of(_asking_page(request))
    owner = owner_of(request, create=False)
    context: dict = {"lesson": None, "read": False, "step_bar": None}
    if view_name == "lessons:lesson":
        source = catalog.load().sources.get(kwargs.get("slug", ""))
        if source is not None:
            context.update(lesson=source, source=source, read=progress.has_read(owner, source.slug))
    elif view_name == "lessons:model":
        context["step_bar"] = _step_bar(owner, f"model:{kwargs.get('model_id', '')}")
    elif view_name == "diagrams:diagram":
        preset = query.get("preset", "")
        context["step_bar"] = _step_bar(owner, f"diagram:{kwargs.get('slug', '')}" + (f":{preset}" if preset else ""))
    get_token(request)  # always: the page's forms and htmx requests take their token from this cookie (csrf.js)
    response = render(request, "progress/_personal.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response
