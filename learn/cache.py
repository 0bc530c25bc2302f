"""A Redis cache that degrades instead of failing: while Redis is down, reads miss and writes are skipped.

Sessions use the cached_db engine, so they fall back to the database; rate limits and cached pages simply
start empty. Each failure is logged (at most once per 30 seconds) so operators see it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("triggerlab.cache")
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 30:
        _last_warning = time.monotonic()
        log.warning("Redis unavailable, running without the shared cache: %s", error)


def _errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class TolerantRedisCache(RedisCache):
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _errors() as error:
            _warn(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _errors() as error:
            _warn(error)
            return {}

    def has_key(self, key: str, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except _errors() as error:
            _warn(error)
            return False

    def set_many(self, *args, **kwargs) -> list:
        try:
            return super().set_many(*args, **kwargs)
        except _errors() as error:
            _warn(error)
            return []

    def set(self, *args, **kwargs) -> None:
        try:
            super().set(*args, **kwargs)
        except _errors() as error:
            _warn(error)

    def add(self, *args, **kwargs) -> bool:
        try:
            return super().add(*args, **kwargs)
        except _errors() as error:
            _warn(error)
            return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except _errors() as error:
            _warn(error)
            raise ValueError("cache unavailable") from error

    def delete(self, key: str, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except _errors() as error:
            _warn(error)
            return False

    def delete_many(self, keys, version=None) -> None:
        try:
            super().delete_many(keys, version)
        except _errors() as error:
            _warn(error)

    def touch(self, key: str, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except _errors() as error:
            _warn(error)
            return False
