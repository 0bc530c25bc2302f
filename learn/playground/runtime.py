"""The one door to learner code: the isolated sandbox (learn.sandbox). Never runs code in this process.

When the sandbox refuses (not available here, busy, bad input) the caller gets a Refused with a message for
the learner and the HTTP status that fits it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from learn.sandbox import runner
from learn.sandbox.environments import Busy, Unavailable


class Refused(Exception):
    """The run did not happen; `retry_after_s` > 0 when retrying soon can help (the sandbox was busy)."""

    def __init__(self, message: str, retry_after_s: int = 0, status: int = 503):
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.status = status


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
    prestarted: bool = False  # cold start from a pre-started runtime (INIT = the module's code only)
    extra: dict[str, Any] = field(default_factory=dict)
    aws: dict | None = None  # calls and resources after the run, when the handler imported boto3

    @property
    def weak_isolation(self) -> bool:
        return "UNSAFE" in self.isolation or self.isolation.startswith("none")


def status() -> tuple[str | None, str]:
    """What the sandbox page should say before a run: ("bwrap"|"unsafe"|None, why)."""
    return runner.mode()


def run(
    code: str,
    event: Any,
    *,
    learner: str,
    handler: str = "handler",
    timeout_s: float = 3,
    memory_mb: int = 128,
    force_cold: bool = False,
    aws: dict | None = None,
) -> Run:
    """One invocation; `force_cold` discards the learner's warm environment first; `aws` is the learner's
    emulated resources (learn/playground/resources.aws_options)."""
    try:
        result = runner.run(
            code,
            event,
            learner=learner,
            handler=handler,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            force_cold=force_cold,
            aws=aws,
        )
    except runner.InvalidRequest as error:
        raise Refused(str(error), status=400) from error
    except Busy as error:
        raise Refused(str(error), retry_after_s=error.retry_after_s) from error
    except Unavailable as error:
        raise Refused(str(error)) from error
    return Run(
        status=result.status,
        response=result.response,
        error=result.error,
        logs=result.logs,
        duration_ms=result.duration_ms,
        billed_duration_ms=result.billed_duration_ms,
        init_duration_ms=result.init_duration_ms,
        max_memory_used_mb=result.max_memory_used_mb,
        cold=result.cold,
        isolation=result.isolation,
        request_id=result.request_id,
        prestarted=getattr(result, "prestarted", False),
        aws=getattr(result, "aws", None),
    )
