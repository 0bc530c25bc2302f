"""Keep a learner's session on error responses (their draft code and event live in it)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def keep_on_error(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Django's SessionMiddleware neither saves the session nor sends its cookie with a 5xx response, so a
    "sandbox busy" 503 would lose what the learner just typed. Save it and send the cookie ourselves."""
    session = request.session
    if response.status_code < 500 or not session.modified:
        return response
    session.save()
    browser_session = session.get_expire_at_browser_close()
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=None if browser_session else session.get_expiry_age(),
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    return response
