"""Login throttling: after repeated failures for one username or one address, refuse for a while.

Counts live in Django's cache (Redis in production, so every web process shares them).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_S = 15 * 60


def _keys(username: str, address: str) -> list[str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{digest}", f"login-fail:ip:{address}"]


def blocked(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES for key in _keys(username, address))


def failed(username: str, address: str) -> None:
    for key in _keys(username, address):
        if not cache.add(key, 1, WINDOW_S):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_S)


def succeeded(username: str, address: str) -> None:
    cache.delete_many(_keys(username, address)[:1])
