"""Who is learning: an account, or an anonymous learner identified by a token kept in the session.

The token (not Django's session key, which changes at login) owns anonymous work, so signing up or logging
in can hand everything over to the account.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from learn import ratelimit
from learn.quiz.services import Owner

SESSION_KEY = "learner"


def token(request: HttpRequest, *, create: bool = True) -> str:
    """The anonymous learner's token; made (and the session with it) only when `create` is set."""
    value = request.session.get(SESSION_KEY)
    if not value and create:
        # each new learner is a stored session: bounded per address (second web red team, W14)
        ratelimit.allow(request, "new-learner")
        value = request.session[SESSION_KEY] = uuid.uuid4().hex
    return value or ""


def owner_of(request: HttpRequest, *, create: bool = True) -> Owner:
    """Who is learning. Pages that only read pass create=False: a visitor who has done nothing then gets an
    owner of nothing (Owner.known is False) and no session is stored for them (W6); anything that records
    work keeps the default and so starts the learner's session."""
    if request.user.is_authenticated:
        return Owner(request.user.id, "")
    return Owner(None, token(request, create=create))


def is_learner(request: HttpRequest) -> bool:
    """An account, or an anonymous visitor who already did something (has a token)."""
    return request.user.is_authenticated or bool(request.session.get(SESSION_KEY))
