"""One sandbox run from the page or the CLI: check inputs, run, check the contract, replay what happens next.

Every REAL invocation of learner code is charged against two rate limits before it happens: one per learner
(account or anonymous session) and one per client address, so dropping the session cookie does not buy a fresh
allowance. A replay re-invokes the handler as the source would; each of those invocations is charged too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache

from learn.catalog import contracts
from learn.catalog.types import Catalog

from . import events, replay, runtime

MAX_CODE_BYTES = 64 * 1024
WINDOW_S = 60
KEPT = "Your code and event are kept."


def runs_per_minute() -> int:
    """Real invocations a learner may make per minute (settings.SANDBOX_RUNS_PER_MINUTE)."""
    return int(getattr(django_settings, "SANDBOX_RUNS_PER_MINUTE", 30))


def address_runs_per_minute() -> int:
    """Real invocations one client address may make per minute, whatever the session."""
    return int(getattr(django_settings, "SANDBOX_ADDRESS_RUNS_PER_MINUTE", 60))


# Kept for callers that read the old constant; the limit itself lives in settings.
RUNS_PER_MINUTE = 30


class RateLimited(Exception):
    """Nothing ran: the learner (or their address) used up this minute's invocations."""

    def __init__(self, message: str, retry_after_s: int = WINDOW_S, *, kept: str = ""):
        super().__init__(f"{message} {kept}" if kept else message)
        self.advice = message  # the message without the "your work is kept" sentence, for other pages
        self.retry_after_s = retry_after_s


@dataclass
class Outcome:
    run: runtime.Run
    contract_problems: list[str] = field(default_factory=list)
    replay: replay.Replay | None = None
    lint: list[str] = field(default_factory=list)
    stopped: str = ""  # why the replay ended early (rate limit, cancelled, sandbox busy), in plain words
    invocations: int = 1  # real invocations made (the first run included)
    aws_state: dict | None = None  # the learner's emulated resources after the last run that reported them
    all_runs: list[runtime.Run] = field(default_factory=list)  # every real invocation, in order

    @property
    def aws_runs(self) -> list[tuple[int, runtime.Run]]:
        """(invocation number, run) of every real invocation that reported emulated AWS calls or state."""
        return [(number, run) for number, run in enumerate(self.all_runs, start=1) if run.aws]


# -- who is asking -----------------------------------------------------------------------------------------


def client_address(request) -> str:
    """The client's address for rate limiting: one rule for the whole site (see learn.ratelimit)."""
    from learn import ratelimit

    return ratelimit.client_address(request)


# -- rate limits -------------------------------------------------------------------------------------------


def _window() -> tuple[int, int]:
    now = time.time()
    return int(now // WINDOW_S), max(1, int(WINDOW_S - now % WINDOW_S) + 1)


def _keys(learner: str, client: str) -> list[tuple[str, int, str]]:
    window, _ = _window()
    keys = [(f"sandbox-runs:learner:{_digest(learner)}:{window}", runs_per_minute(), "you")]
    if client:
        keys.append((f"sandbox-runs:addr:{_digest(client)}:{window}", address_runs_per_minute(), "your address"))
    return keys


def _digest(name: str) -> str:  # any learner or address string becomes a short, cache-safe key part
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _add(key: str, amount: int) -> int | None:
    """Atomically add `amount` to the counter; None when the cache cannot count (then nothing is limited)."""
    for _ in range(2):
        if cache.add(key, amount, WINDOW_S + 5):
            return amount
        try:
            return cache.incr(key, amount)
        except ValueError:  # expired between add and incr (try again), or the cache is down
            continue
    return None


def _limited_message(who: str, limit: int, retry_after: int) -> str:
    if who == "you":  # the learner's own allowance
        return (
            f"You have used this minute's {limit} handler invocations (each retry the source makes counts). "
            f"Run again in about {retry_after} seconds."
        )
    return (
        f"Learners at your network address have used this minute's {limit} handler invocations. "
        f"Run again in about {retry_after} seconds."
    )


def charge(learner: str, client: str = "", invocations: int = 1) -> list[str]:
    """Count `invocations` real invocations for the learner and the address, or raise RateLimited (then nothing
    is counted). Returns the counters charged, for `refund`."""
    _, retry_after = _window()
    done: list[str] = []
    for key, limit, who in _keys(learner, client):
        count = _add(key, invocations)
        if count is None:
            continue
        done.append(key)
        if count > limit:
            refund(done, invocations)  # refused: give back what this attempt took
            raise RateLimited(_limited_message(who, limit, retry_after), retry_after, kept=KEPT)
    return done


def refund(charged: list[str], invocations: int) -> None:
    """Give back `invocations` that were charged (by `charge`) but did not run."""
    if invocations <= 0:
        return
    for key in charged:
        with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
            cache.decr(key, invocations)


def check_rate(learner: str, client: str = "") -> None:
    """Raise RateLimited when the learner or address has no invocation left this minute; charges nothing.

    `execute` charges each real invocation itself; this is only an early, cheap refusal."""
    _, retry_after = _window()
    for key, limit, who in _keys(learner, client):
        count = cache.get(key)
        if isinstance(count, int) and count >= limit:
            raise RateLimited(_limited_message(who, limit, retry_after), retry_after, kept=KEPT)


# -- running -----------------------------------------------------------------------------------------------


def validate(code: str, timeout_s: float, memory_mb: int) -> None:
    if not code.strip():
        raise events.BadEvent("Write a handler first: the code box is empty.")
    if len(code.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES:
        raise events.BadEvent("The code is larger than 64 KB: shorten it and run again.")
    if not 1 <= timeout_s <= 15:
        raise events.BadEvent("The timeout must be between 1 and 15 seconds here.")
    if not 128 <= memory_mb <= 10240:
        raise events.BadEvent("Memory must be between 128 and 10,240 MB.")


def _runtime_run(code, event, *, learner, handler, timeout_s, memory_mb, force_cold=False, aws=None) -> runtime.Run:
    extra = {"force_cold": True} if force_cold else {}  # only when asked: older runtimes lack the keyword
    if aws is not None:
        extra["aws"] = aws
    run = runtime.run(code, event, learner=learner, handler=handler, timeout_s=timeout_s, memory_mb=memory_mb, **extra)
    return _printable_run(run)


class _Resources:
    """The learner's emulated resources through one run and its replay: each invocation starts from the state
    the previous one left."""

    def __init__(self, aws: dict | None):
        self.aws = dict(aws) if aws is not None else None

    def options(self) -> dict | None:
        return self.aws

    def after(self, outcome: Outcome, run: runtime.Run) -> None:
        outcome.all_runs.append(run)
        state = (run.aws or {}).get("state")
        if state is not None:
            outcome.aws_state = state
            if self.aws is not None:
                self.aws["state"] = state


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
    client: str = "",
    force_cold: bool = False,
    on_run: Callable[[int, runtime.Run], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    aws: dict | None = None,
) -> Outcome:
    """Run once in the sandbox; then let the engine re-run it as the source would (same environment).

    Raises RateLimited before anything runs when the first invocation is over a limit; a later invocation that
    would go over the limit (or `cancelled()` turning true, or a busy sandbox) ends the replay early, with the
    reason in Outcome.stopped. `on_run(index, run)` is called after every real invocation (index from 1)."""
    validate(code, timeout_s, memory_mb)
    source = catalog.sources[slug]
    settings = settings or {}
    lint = events.lint(event, source.events[0].data) if source.events else []
    cap = replay.planned_invocations(slug, settings, event, catalog=catalog) if simulate else 1  # checks settings
    charge(learner, client)
    resources = _Resources(aws)
    options = {"learner": learner, "handler": handler, "timeout_s": timeout_s, "memory_mb": memory_mb}
    first = _runtime_run(code, event, **options, force_cold=force_cold, aws=resources.options())
    problems = contracts.check(source.response.contract, event, first.response) if first.status == "ok" else []
    outcome = Outcome(first, problems, lint=lint)
    resources.after(outcome, first)
    if on_run:
        on_run(1, first)
    if simulate:
        pending_first = [first]  # the engine's first delivery IS the run above: do not invoke twice

        def again(batch_event: Any):
            if pending_first and batch_event == event:
                result = pending_first.pop()
            else:
                pending_first.clear()
                made = outcome.invocations
                if cancelled is not None and cancelled():
                    raise replay.Stop(f"Cancelled by you after {made} invocation{'s' if made != 1 else ''}.")
                try:
                    charge(learner, client)
                except RateLimited as error:
                    raise replay.Stop(
                        f"Stopped after {made} invocation{'s' if made != 1 else ''}: the source would invoke your "
                        f"handler again, but {error.advice[0].lower()}{error.advice[1:]}"
                    ) from None
                try:
                    result = _runtime_run(code, batch_event, **options, aws=resources.options())
                except runtime.Refused as error:
                    raise replay.Stop(
                        f"Stopped after {made} invocation{'s' if made != 1 else ''}: the next one could not run "
                        f"({error}). Run again to see the rest."
                    ) from None
                outcome.invocations += 1
                resources.after(outcome, result)
                if on_run:
                    on_run(outcome.invocations, result)
            status = result.status if result.status in ("ok", "error", "timeout") else "error"
            return status, result.response, result.error

        outcome.replay = replay.replay(
            slug, settings, event, again, catalog=catalog, contract=source.response.contract, max_invocations=cap
        )
        outcome.stopped = outcome.replay.stopped
        if aws is not None and slug == "sqs":
            _redrive_into_resources(outcome, event, resources)
    return outcome


def _redrive_into_resources(outcome: Outcome, event: Any, resources: _Resources) -> None:
    """Messages the replay moved to the queue's dead-letter queue land in the scenario's DLQ resource too, so
    the Resources panel shows them where the verdict says they went."""
    from . import resources as specs

    moved = [d.record for d in outcome.replay.trace.dispositions.values() if d.kind == "queue-dlq"]
    rows = {str(r.get("messageId")): r for r in replay._rows(event) if isinstance(r, dict)}
    bodies = [str(rows[record].get("body", "")) for record in moved if isinstance(rows.get(record), dict)]
    state = outcome.aws_state if outcome.aws_state is not None else (resources.options() or {}).get("state")
    if bodies and state is not None:
        outcome.aws_state = specs.into_dead_letter_queue(state, bodies)


# -- what the page shows must be printable ---------------------------------------------------------------


def printable(value: Any) -> Any:
    """`value` with lone surrogates (e.g. "\\ud800", which cannot be sent as UTF-8) written as escapes."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    except (TypeError, ValueError, RecursionError):
        return value
    try:
        return _clean(value)
    except RecursionError:
        return "[Triggerlab: this value is too deeply nested to show]"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def _printable_run(run: runtime.Run) -> runtime.Run:
    response, error, logs = printable(run.response), printable(run.error), printable(run.logs)
    aws = printable(run.aws)
    if response is run.response and error is run.error and logs is run.logs and aws is run.aws:
        return run
    return dataclasses.replace(run, response=response, error=error, logs=logs, aws=aws)
