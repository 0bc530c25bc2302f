from __future__ import annotations

from django.http import HttpRequest

from learn.catalog.types import MODELS


def navigation(request: HttpRequest) -> dict:
    return {"nav_models": MODELS}


def csp_nonce(request: HttpRequest) -> dict:
    """django-htmx's {% htmx_script %} looks for `csp_nonce`; django-csp puts it on the request lazily."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
