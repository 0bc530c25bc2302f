from __future__ import annotations

from django.http import HttpRequest

from learn.catalog.types import MODELS


def navigation(request: HttpRequest) -> dict:
    return {"nav_models": MODELS}
