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
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
