"""One sandbox run from the page or the CLI: check inputs, run, check the contract, replay what happens next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from learn.catalog import contracts
from learn.catalog.types import Catalog

from . import events, replay, runtime

MAX_CODE_BYTES = 64 * 1024
RUNS_PER_MINUTE = 30


class RateLimited(Exception):
    pass


@dataclass
class Outcome:
    run: runtime.Run
    contract_problems: list[str] = field(default_factory=list)
    replay: replay.Replay | None = None
    lint: list[str] = field(default_factory=list)


def check_rate(learner: str) -> None:
    key = f"sandbox-runs:{learner}"
    if cache.add(key, 1, 60):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        return
    if count > RUNS_PER_MINUTE:
        raise RateLimited(
            f"You have run {RUNS_PER_MINUTE} handlers in the last minute. Wait a moment and run again: "
            "your code and event are kept."
        )


def validate(code: str, timeout_s: float, memory_mb: int) -> None:
    if not code.strip():
        raise events.BadEvent("Write a handler first: the code box is empty.")
    if len(code.encode()) > MAX_CODE_BYTES:
        raise events.BadEvent("The code is larger than 64 KB.")
    if not 1 <= timeout_s <= 15:
        raise events.BadEvent("The timeout must be between 1 and 15 seconds here.")
    if not 128 <= memory_mb <= 10240:
        raise events.BadEvent("Memory must be between 128 and 10,240 MB.")


def execute(
    catalog: Catalog,
    slug: str,
    code: str,
    event: Any,
    *,
    learner: str,
    handler: str = "handler",
    timeout_s: float = 3,
    memory_mb: int = 128,
    settings: dict | None = None,
    simulate: bool = True,
) -> Outcome:
    """Run once in the sandbox; then let the engine re-run it as the source would (same environment)."""
    validate(code, timeout_s, memory_mb)
    source = catalog.sources[slug]
    lint = events.lint(event, source.events[0].data) if source.events else []
    first = runtime.run(code, event, learner=learner, handler=handler, timeout_s=timeout_s, memory_mb=memory_mb)
    problems = contracts.check(source.response.contract, event, first.response) if first.status == "ok" else []
    outcome = Outcome(first, problems, lint=lint)
    if simulate:

        pending_first = [first]  # the engine's first delivery IS the run above: do not invoke twice

        def again(batch_event: Any):
            if pending_first and batch_event == event:
                result = pending_first.pop()
            else:
                pending_first.clear()
                result = runtime.run(
                    code, batch_event, learner=learner, handler=handler, timeout_s=timeout_s, memory_mb=memory_mb
                )
            status = result.status if result.status in ("ok", "error", "timeout") else "error"
            return status, result.response, result.error

        outcome.replay = replay.replay(
            slug, settings or {}, event, again, catalog=catalog, contract=source.response.contract
        )
    return outcome
