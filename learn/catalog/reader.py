"""Typed, error-collecting access to parsed TOML tables.

Every getter records a ContentError (file + dotted field path) instead of raising, so one check run
reports every problem in the content at once. `close()` flags keys nobody asked for: typos fail loudly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .errors import ContentError

DOC_URL_PREFIXES = ("https://docs.aws.amazon.com/", "https://aws.amazon.com/", "https://docs.amazonaws.cn/")
_MISSING = object()


class Reader:
    def __init__(self, data: Any, file: str, errors: list[ContentError], path: str = ""):
        self.data = data if isinstance(data, dict) else {}
        self.file = file
        self.errors = errors
        self.path = path
        self._seen: set[str] = set()
        if not isinstance(data, dict):
            self.error("", "must be a table")

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path and key else (key or self.path)

    def error(self, key: str, message: str) -> None:
        self.errors.append(ContentError(self.file, self.where(key), message))

    def _get(self, key: str, required: bool) -> Any:
        self._seen.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            self.error(key, "is required")
        return value

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(key, "must be a non-empty string")
            return default
        return value.strip()

    def integer(self, key: str, required: bool = True, default: int | None = None) -> int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"must be a whole number, got {value!r}")
            return default
        return value

    def number(self, key: str, required: bool = True, default: float | None = None) -> float | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(key, f"must be a number, got {value!r}")
            return default
        return value

    def boolean(self, key: str, required: bool = True, default: bool = False) -> bool:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, f"must be true or false, got {value!r}")
            return default
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = True, default: str = "") -> str:
        choices = tuple(choices)
        value = self.text(key, required, default)
        if value and value not in choices:
            self.error(key, f"must be one of {', '.join(choices)}; got {value!r}")
            return default
        return value

    def text_list(
        self, key: str, required: bool = False, choices: Iterable[str] | None = None, unique: bool = True
    ) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(key, "must be a list of non-empty strings")
            return ()
        allowed = tuple(choices) if choices is not None else None
        for item in value:
            if allowed is not None and item not in allowed:
                self.error(key, f"{item!r} is not one of {', '.join(allowed)}")
        if unique and len(set(value)) != len(value):
            self.error(key, "has duplicates")
        return tuple(v.strip() for v in value if allowed is None or v in allowed)

    def date(self, key: str) -> dt.date:
        value = self._get(key, True)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if value is not _MISSING:
            self.error(key, f"must be a TOML date like 2026-11-22 (no quotes), got {value!r}")
        return dt.date(1970, 1, 1)

    def url(self, key: str, required: bool = True, aws_only: bool = True) -> str:
        value = self.text(key, required)
        if value and aws_only and not value.startswith(DOC_URL_PREFIXES):
            self.error(key, f"must be an AWS documentation URL (https://docs.aws.amazon.com/...), got {value!r}")
        elif value and not value.startswith("https://"):
            self.error(key, f"must be an https:// URL, got {value!r}")
        return value

    def table(self, key: str, required: bool = True) -> Reader:
        value = self._get(key, required)
        if value is _MISSING:
            return Reader({}, self.file, self.errors, self.where(key))
        return Reader(value, self.file, self.errors, self.where(key))

    def tables(self, key: str, required: bool = False) -> list[Reader]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, "must be a list of tables")
            return []
        return [Reader(item, self.file, self.errors, f"{self.where(key)}[{i}]") for i, item in enumerate(value)]

    def raw(self, key: str, required: bool = False) -> Any:
        value = self._get(key, required)
        return None if value is _MISSING else value

    def close(self) -> None:
        for key in self.data:
            if key not in self._seen:
                self.error(key, "is not a known field (check the spelling and the table it sits in)")
