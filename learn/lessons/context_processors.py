from __future__ import annotations

from django.http import HttpRequest

from learn.catalog.types import MODELS


def navigation(request: HttpRequest) -> dict:
    from learn import catalog

    # hx_request: cached page fragments vary on the HX-Request header (htmx swaps get partials)
    hx = "1" if request.headers.get("HX-Request") == "true" else "0"
    return {"nav_models": MODELS, "content_version": catalog.version(), "hx_request": hx}


def csp_nonce(request: HttpRequest) -> dict:
    """django-htmx's {% htmx_script %} looks for `csp_nonce`; django-csp puts it on the request lazily."""
    if getattr(request, "public_page", False):
        return {"csp_nonce": None}  # one rendering for all: no per-response nonce (its scripts are all 'self')
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def public_page(request: HttpRequest) -> dict:
    """On a public page (learn.pagecache) the template gets no CSRF token, so rendering it never sets the CSRF
    cookie: forms take the token from the cookie in the browser (static/site/csrf.js)."""
    if getattr(request, "public_page", False):
        return {"public_page": True, "csrf_token": ""}
    return {"public_page": False}
