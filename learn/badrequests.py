"""Requests we refuse before any view sees them, and error pages that never read the request body.

- handler400 / handler500: Django's defaults are wrapped in `requires_csrf_token`, which reads request.POST;
  a body that cannot be decoded (e.g. `charset=utf-16`, security test F2) raised again inside the handler and
  became a bare 500. Ours render static pages and touch nothing of the request.
- RejectNulMiddleware: a NUL character in a query string or a posted form field is a 400 for the whole site.
  No form of ours takes one, PostgreSQL text columns cannot store one (security test F3: a problem report with
  a NUL was a 500), and the admin's list filters passed it straight into a query (F4). One rule at the door
  covers every present and future view, ours and the admin's.
- AdminBadInputMiddleware: the admin turns some malformed input into exceptions it does not handle (an action
  posted with a `_selected_action` that is not a valid primary key raises ValidationError/ValueError for every
  model, found by tests/fuzz/test_accounts_fuzz.py). Under /admin/ only, those become a logged 400.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger("triggerlab.requests")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.get_template("400.html").render(), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the security token was missing or stale (cookie expired or cleared, another tab).

    A site page that says saved answers are safe and how to go on; the exam's autosave (it asks for JSON) gets
    JSON that quiz.js turns into "your session expired, reload". Reads nothing of the request body."""
    if "application/json" in request.headers.get("Accept", ""):
        message = "Your session expired, so this was not saved. Reload the page: the answers already saved are kept."
        return JsonResponse({"saved": False, "csrf": True, "message": message}, status=403)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(request, "403_csrf.html", {"back": back or reverse("lessons:home")}, status=403)


def _has_nul(data) -> bool:
    return any("\x00" in name or any("\x00" in str(v) for v in values) for name, values in data.lists())


class RejectNulMiddleware:
    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            return bad_request(request)
        if request.method == "POST" and request.content_type in self.FORMS and _has_nul(request.POST):
            return bad_request(request)
        return self.get_response(request)


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ValidationError | ValueError | DataError) and request.path.startswith(
            reverse("admin:index")
        ):
            log.warning("Malformed admin request %s %s: %r", request.method, request.path, exception)
            return bad_request(request, exception)
        return None
