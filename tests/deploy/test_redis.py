"""With REDIS_URL the cache and sessions use Redis; when Redis is unreachable, pages still work."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches

from learn.cache import TolerantRedisCache

pytestmark = pytest.mark.django_db


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
        return True
    except OSError:
        return False


def make(location: str) -> TolerantRedisCache:
    return TolerantRedisCache(
        location, {"KEY_PREFIX": "triggerlab-test", "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}}
    )


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_real_redis_round_trip():
    cache = make("redis://127.0.0.1:6379/15")
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    assert cache.add("n", 1, 30) in (True, False) and cache.incr("n") >= 2
    cache.delete_many(["k", "n"])


def test_an_unreachable_redis_behaves_like_an_empty_cache():
    cache = make("redis://127.0.0.1:1/0")  # nothing listens on port 1
    cache.set("k", "v")
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", 1) is False and cache.get_many(["a"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")


def test_pages_and_sessions_survive_redis_being_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "learn.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert isinstance(caches["default"], TolerantRedisCache)  # the settings fixture reset the cache handlers
    assert client.get("/sources/sqs/").status_code == 200
    assert client.post("/quiz/start/", {"mode": "practice", "size": "5"}).status_code == 302
    assert client.get("/progress/").status_code == 200
