"""One URL, two renderings: the full page for a browser, a partial for an htmx swap (security test W3).

Such responses must say that they depend on the HX-Request header (`Vary: HX-Request`, as django-htmx
documents), or a browser's cache hands the bare partial back on Back/Forward or a reload; and a partial is
never worth storing (`Cache-Control: no-store`). htmx's own history restore (on a miss in its local history
cache) is sent with HX-Request too but swaps the whole body, so it gets the full page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.vary import vary_on_headers

#: Decorate every view that branches on request.htmx: each of its responses (errors too) varies on HX-Request.
varies_on_htmx = vary_on_headers("HX-Request")


def wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def finish(request: HttpRequest, response: HttpResponse, partial: bool) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    if partial:
        patch_cache_control(response, no_store=True)
    return response
