"""Who is learning: an account, or an anonymous learner identified by a token kept in the session.

The token (not Django's session key, which changes at login) owns anonymous work, so signing up or logging
in can hand everything over to the account.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from learn.quiz.services import Owner

SESSION_KEY = "learner"


def token(request: HttpRequest) -> str:
    value = request.session.get(SESSION_KEY)
    if not value:
        value = request.session[SESSION_KEY] = uuid.uuid4().hex
    return value


def owner_of(request: HttpRequest) -> Owner:
    if request.user.is_authenticated:
        return Owner(request.user.id, "")
    return Owner(None, token(request))
