"""The one door to learner code: the isolated sandbox (learn.sandbox). Never runs code in this process.

If the sandbox is not installed or refuses to run (no bubblewrap in production, busy, bad input), the
caller gets a Refused with a message for the learner.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any


class Refused(Exception):
    """The run did not happen; `busy` says whether retrying soon can help."""

    def __init__(self, message: str, busy: bool = False, retry_after_s: int = 0):
        super().__init__(message)
        self.busy = busy
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Run:
    status: str
    response: Any = None
    error: dict | None = None
    logs: tuple[str, ...] = ()
    duration_ms: float = 0
    billed_duration_ms: float = 0
    init_duration_ms: float | None = None
    max_memory_used_mb: float | None = None
    cold: bool = True
    isolation: str = ""
    request_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def weak_isolation(self) -> bool:
        return "UNSAFE" in self.isolation or self.isolation.startswith("none")


def _sandbox():
    try:
        return importlib.import_module("learn.sandbox.runner")
    except ImportError as error:
        raise Refused("The sandbox is not installed on this server, so handlers cannot run here.") from error


def run(
    code: str, event: Any, *, learner: str, handler: str = "handler", timeout_s: float = 3, memory_mb: int = 128
) -> Run:
    runner = _sandbox()
    try:
        result = runner.run(code, event, learner=learner, handler=handler, timeout_s=timeout_s, memory_mb=memory_mb)
    except Exception as error:  # the sandbox's typed errors carry learner-facing messages
        busy = "busy" in type(error).__name__.lower() or "busy" in str(error).lower()
        raise Refused(str(error), busy=busy, retry_after_s=int(getattr(error, "retry_after_s", 2) or 2)) from error
    get = lambda name, default=None: getattr(result, name, default)  # noqa: E731
    return Run(
        status=str(get("status", "error")),
        response=get("response"),
        error=get("error"),
        logs=tuple(get("logs", ()) or ()),
        duration_ms=float(get("duration_ms", 0) or 0),
        billed_duration_ms=float(get("billed_duration_ms", 0) or 0),
        init_duration_ms=get("init_duration_ms"),
        max_memory_used_mb=get("max_memory_used_mb"),
        cold=bool(get("cold", True)),
        isolation=str(get("isolation", "")),
        request_id=str(get("request_id", "")),
    )
