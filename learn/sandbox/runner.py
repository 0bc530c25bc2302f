"""`sandbox.run()`: run a learner's handler once, in its execution environment, and report it like Lambda.

Learner code never runs in the web process. Normally it runs in bubblewrap with a seccomp filter. Where that
cannot work (no bubblewrap, no user namespaces, no python3-seccomp), the sandbox refuses to run, unless
DEBUG is on AND settings.SANDBOX_ALLOW_UNSAFE_FALLBACK is set: then a limits-only fallback runs and every
result says plainly that isolation is weak. `manage.py check` warns in both cases.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import math
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any

from . import aws_reports, environments, leases, remote, seccomp_filter
from .environments import Busy, Pool, Unavailable

MAX_CODE = 64 * 1024
MAX_EVENT = 1_000_000
RESPONSE_CAP = 6 * 1024 * 1024
MAX_LOG_LINES = 5000  # per invocation, on top of the 256 KB cap: the page renders every line
QUEUE_WAIT_S = 5  # how long a run waits for a free slot before the learner is told to retry
AWS_REPORT_S = 1.0  # time to read the emulated resources back after the handler's answer (then: discarded)
ISOLATION = "bubblewrap (namespaces, read-only /usr, no network, seccomp, rlimits)"
UNSAFE = "none (UNSAFE: rlimits only — no filesystem, network or process isolation)"
log = logging.getLogger(__name__)
_pools: dict[str, Pool] = {}
_pool_lock = threading.Lock()
_probe: tuple[bool, str] | None = None


class InvalidRequest(ValueError):
    pass


@dataclass(frozen=True)
class RunResult:
    status: str  # ok | error | timeout | crash
    response: Any
    error: dict | None
    logs: tuple[str, ...]
    duration_ms: float
    billed_duration_ms: float
    init_duration_ms: float | None
    max_memory_used_mb: int | None
    cold: bool
    isolation: str
    request_id: str
    prestarted: bool = False  # a cold start from a pre-started runtime: Init Duration is the module's code only
    # What the handler did to emulated AWS, when it imported boto3: {"calls": [...], "state": {...}} (aws_report)
    aws: dict | None = None


def probe() -> tuple[bool, str]:
    """Can this machine isolate code? Runs a tiny program through bubblewrap + seccomp once per process."""
    global _probe
    if _probe is None:
        _probe = _probe_once()
    return _probe


def _probe_once() -> tuple[bool, str]:
    if not environments.bwrap_path():
        return False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    path, why = seccomp_filter.compiled()
    if path is None:
        return False, f"the seccomp filter cannot be built: {why}"
    fd = seccomp_filter.open_fd()
    try:
        check = subprocess.run(
            [*environments.bwrap_prefix(fd), environments.PYTHON, "-I", "-S", "-c", "print(1)"],
            capture_output=True,
            text=True,
            timeout=20,
            env=environments.BWRAP_ENV,
            pass_fds=(fd,),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bubblewrap cannot start: {error}"
    finally:
        os.close(fd)
    if check.returncode == 0 and check.stdout.strip() == "1":
        return True, "ok"
    return False, f"bubblewrap cannot create a sandbox here (user namespaces blocked?): {check.stderr.strip()[:200]}"


def isolation(kind: str) -> str:
    """What protects this run, for the result header (and how the memory size is enforced)."""
    if kind != "bwrap":
        return UNSAFE
    from . import memcg

    cgroups, _ = memcg.available()
    return ISOLATION + (
        "; memory size enforced by a memory cgroup"
        if cgroups
        else "; memory size enforced by sampling (no memory cgroup here)"
    )


def fallback_allowed() -> bool:
    from django.conf import settings

    return bool(settings.DEBUG and getattr(settings, "SANDBOX_ALLOW_UNSAFE_FALLBACK", False))


def mode() -> tuple[str | None, str]:
    """("bwrap", "ok"), ("remote", workers), ("unsafe", why) when the weak fallback is allowed, or (None, why)."""
    if remote.enabled():
        return remote.status()
    return local_mode()


def local_mode() -> tuple[str | None, str]:
    ok, why = probe()
    if ok:
        return "bwrap", "ok"
    if fallback_allowed():
        return "unsafe", why
    return None, why


def pool(kind: str = "bwrap") -> Pool:
    with _pool_lock:
        if kind not in _pools:
            if not _pools:
                from . import memcg

                memcg.parent()  # made first, so that its removal at exit runs after the shutdown below
                atexit.register(shutdown)  # a normal exit kills every environment and sweeps leftovers
            _pools[kind] = Pool(mode=kind)
        return _pools[kind]


def forget(learner_prefix: str) -> None:
    """Drop this process's environments for `learner_prefix…` (workers' environments simply idle out)."""
    for each in list(_pools.values()):
        each.forget(learner_prefix)


def shutdown() -> None:
    for each in list(_pools.values()):
        each.shutdown()


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
) -> RunResult:
    """Run on a sandbox worker through the queue when SANDBOX_WORKERS=rq, else here (embedded default).

    `force_cold` discards the learner's warm environment first, so this invocation is a cold start. `aws` is
    the learner's emulated resources, `{"state": {...}, "deny": ["dynamodb:PutItem", ...]}` (aws_emulation);
    the result's `aws` carries the calls and the state after the run, which the caller keeps for next time."""
    validate(code, event, handler, timeout_s, memory_mb)
    options = {"learner": learner, "handler": handler, "timeout_s": timeout_s, "memory_mb": memory_mb}
    if remote.enabled():
        return remote.run(code, event, **options, force_cold=force_cold, aws=aws)
    return _run_here(code, event, **options, force_cold=force_cold, aws=aws)


def validate(code: str, event: Any, handler: str, timeout_s: float, memory_mb: int) -> None:
    if not isinstance(code, str):
        raise InvalidRequest("The code must be text.")
    try:
        code_size = len(code.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidRequest("The code contains a character that is not valid text (a lone surrogate).") from None
    if code_size > MAX_CODE:
        raise InvalidRequest("The code is larger than 64 KB.")
    try:
        event_size = len(json.dumps(event))
    except (TypeError, ValueError, RecursionError):
        raise InvalidRequest("The event must be JSON.") from None
    if event_size > MAX_EVENT:
        raise InvalidRequest("The event is larger than 1 MB.")
    numbers_ok = (
        not isinstance(timeout_s, bool)
        and isinstance(timeout_s, int | float)
        and math.isfinite(timeout_s)
        and not isinstance(memory_mb, bool)
        and isinstance(memory_mb, int)
    )
    if not numbers_ok or not 1 <= timeout_s <= 15 or not 128 <= memory_mb <= 10240:
        raise InvalidRequest("The timeout must be 1–15 s and memory a whole number of MB from 128 to 10,240.")
    if not isinstance(handler, str) or not handler.isidentifier():
        raise InvalidRequest(f"{handler!r} is not a Python function name.")


def run_local(
    code: str,
    event: Any,
    *,
    learner: str,
    handler: str = "handler",
    timeout_s: float = 3,
    memory_mb: int = 128,
    force_cold: bool = False,
    aws: dict | None = None,
) -> RunResult:
    """Run in a sandbox this process spawns; for sandbox workers, whose jobs arrive from another process."""
    validate(code, event, handler, timeout_s, memory_mb)
    options = {"learner": learner, "handler": handler, "timeout_s": timeout_s, "memory_mb": memory_mb}
    return _run_here(code, event, **options, force_cold=force_cold, aws=aws)


def _run_here(
    code: str,
    event: Any,
    *,
    learner: str,
    handler: str,
    timeout_s: float,
    memory_mb: int,
    force_cold: bool = False,
    aws: dict | None = None,
) -> RunResult:
    """The local run itself, on inputs already validated (the event is serialised once, not per check).

    A learner holds at most one run at a time on this machine (all processes); then a free core, waiting
    briefly for either before being told when to retry."""
    kind, why = local_mode()
    if kind is None:
        raise Unavailable(f"The sandbox cannot run here ({why}), so handlers are not executed.")
    if kind == "unsafe":
        log.warning("Running learner code WITHOUT isolation (limits-only fallback): %s", why)
    runs = pool(kind)
    try:
        slot = leases.lease_learner(learner, QUEUE_WAIT_S)
    except OSError as error:
        raise Unavailable(f"The sandbox cannot keep track of runs here: {error}") from error
    if slot is None:
        raise Busy(
            3, "Your previous run is still going (in another tab or request). Retry in 3 s, when it has finished."
        )
    try:
        if not runs.running.acquire(timeout=QUEUE_WAIT_S):  # queued briefly, then "busy, retry"
            raise Busy(3)
        try:
            env, cold = runs.checkout(learner, code, handler, timeout_s, memory_mb, force_cold=force_cold, aws=aws)
            try:
                return _invoke(runs, env, cold, event, timeout_s, memory_mb, isolation(kind), aws)
            finally:
                runs.release(env)
        finally:
            runs.running.release()
    finally:
        slot.release()


def _number(value: Any, default: float = 0.0) -> float:
    """A figure the sandbox reported (learner-controlled): a finite, non-negative float, else `default`."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if math.isfinite(number) and number >= 0 else default


def _invoke(
    runs: Pool, env, cold: bool, event: Any, timeout_s: float, memory_mb: int, isolation: str, aws: dict | None = None
) -> RunResult:
    rid = environments.request_id()
    lines: list[str] = []

    def init_ms() -> float | None:
        return env.init_ms if cold else None

    def crash(message: str, out_of_memory: bool = False) -> RunResult:
        """The runtime process is gone (exit, signal, memory limit, garbled channel): reported like Lambda."""
        runs.discard(env)
        if out_of_memory:
            error_type = "Runtime.OutOfMemory"
            text = f"RequestId: {rid} Error: Runtime exited with error: signal: killed"
        elif message.startswith("Runtime exited"):
            error_type, text = "Runtime.ExitError", f"RequestId: {rid} Error: {message}"
        else:
            error_type, text = "Runtime.ExitError", message
        lines.extend(
            [
                text,
                error_type,
                f"END RequestId: {rid}",
                _report(rid, 0, memory_mb, memory_mb if out_of_memory else None, init_ms()),
            ]
        )
        if out_of_memory or message.startswith("Runtime exited"):  # the platform's own two keys, in its order
            error = {"errorType": error_type, "errorMessage": text}
        else:
            error = {"errorMessage": text, "errorType": error_type, "requestId": rid, "stackTrace": []}
        return RunResult(
            "crash",
            None,
            error,
            tuple(lines),
            0,
            0,
            init_ms(),
            memory_mb if out_of_memory else None,
            cold,
            isolation,
            rid,
            cold and env.prestarted,
        )

    def timed_out(phase: str) -> RunResult:  # the host's wall clock ran out: the environment is reset, as in Lambda
        runs.discard(env)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        message = f"{stamp}Z {rid} Task timed out after {timeout_s:.2f} seconds"
        if phase == "init":
            lines.append("[Triggerlab] The module-level code (INIT) did not finish in time.")
        lines.extend([message, f"END RequestId: {rid}", _report(rid, timeout_s * 1000, memory_mb, None, init_ms())])
        error = {"errorMessage": message, "errorType": "Sandbox.Timedout", "requestId": rid, "stackTrace": []}
        return RunResult(
            "timeout",
            None,
            error,
            tuple(lines),
            timeout_s * 1000,
            timeout_s * 1000,
            init_ms(),
            None,
            cold,
            isolation,
            rid,
            cold and env.prestarted,
        )

    env.start_invocation()
    if cold:
        lines.append("INIT_START Runtime Version: python:3.11.triggerlab\tRuntime Version ARN: (sandbox)")
        try:
            init = env.receive(timeout_s + environments.INIT_ALLOWANCE_S)
        except environments.OutOfMemory as error:
            return crash(str(error), out_of_memory=True)
        except Unavailable as error:  # module-level code ended or garbled the runtime
            return crash(str(error))
        if init is None:
            return timed_out("init")
        env.init_ms = _number(init.get("init_ms"))
        lines += _log_lines(init.get("logs", ""))
        lines += _emulator_note(init, "Init Duration")
    lines.append(f"START RequestId: {rid} Version: $LATEST")
    deadline = time.monotonic() + timeout_s + 0.25
    request = {
        "event": event,
        "request_id": rid,
        "timeout_s": timeout_s,
        "memory_mb": memory_mb,
        "function_name": "triggerlab-function",
        "log_stream": env.log_stream,
    }
    sent_digest = None
    if environments.aws_layer() is not None:
        request["aws"] = {"deny": list((aws or {}).get("deny") or ())}
        state = (aws or {}).get("state")
        if state is not None and environments.state_digest(state) != env.aws_digest:
            request["aws"]["state"], sent_digest = state, environments.state_digest(state)
    sent = env.send(request, timeout_s)
    env.invocations += 1
    if not sent:  # the runtime stopped reading its requests
        return timed_out("invoke")
    try:
        frame = env.receive(max(0.0, deadline - time.monotonic()))
        while frame is not None and frame.get("request_id") != rid:  # stale or forged: not this invocation's
            env.note_stale()
            frame = env.receive(max(0.0, deadline - time.monotonic()))
    except environments.OutOfMemory as error:
        return crash(str(error), out_of_memory=True)
    except Unavailable as error:
        return crash(str(error))
    if frame is None:
        return timed_out("invoke")
    env.last_used = time.monotonic()
    lines += _log_lines(frame.get("logs", ""))
    lines += _emulator_note(frame, "Duration")
    if frame.get("dropped"):
        lines.append(f"[Triggerlab] {int(_number(frame['dropped']))} characters of output were dropped (256 KB cap).")
    duration = _number(frame.get("duration_ms"))
    rss = env.peak_mb() or None
    status = "ok" if frame.get("status") == "ok" else "error"
    response = frame.get("response") if status == "ok" else None
    error = frame.get("error") if isinstance(frame.get("error"), dict) else None
    if status == "ok" and _too_large(response):
        status, response = "error", None
        error = {
            "errorMessage": "The response is over the 6 MB limit for a synchronous response.",
            "errorType": "Triggerlab.ResponseTooLarge",
            "requestId": rid,
            "stackTrace": [],
        }
    if status == "error" and error is None:
        error = {
            "errorMessage": "The function failed.",
            "errorType": "Runtime.Unknown",
            "requestId": rid,
            "stackTrace": [],
        }
    if sent_digest is not None:
        env.aws_digest = sent_digest
    aws_report = None
    if frame.get("aws") is True:  # the calls and resources follow, read outside the function's Duration
        aws_report = _aws_report(env, rid)
        if aws_report is None:
            lines.append("[Triggerlab] The emulated AWS resources could not be read after this run.")
            runs.discard(env)
        elif aws_report.get("state") is not None:
            env.aws_digest = environments.state_digest(aws_report["state"])
    if frame.get("reset"):  # the runtime exited after this answer (sys.exit, init error): the next invoke is cold
        runs.discard(env)
    lines += [f"END RequestId: {rid}", _report(rid, duration, memory_mb, rss, init_ms())]
    return RunResult(
        status,
        response,
        error,
        tuple(lines),
        duration,
        math.ceil(duration),
        init_ms(),
        rss,
        cold,
        isolation,
        rid,
        cold and env.prestarted,
        aws_report,
    )


def _aws_report(env, rid: str) -> dict | None:
    """The runtime's `aws` frame for this request, checked (learner data: bounded, plain JSON), or None."""
    try:
        frame = env.receive(AWS_REPORT_S)
    except (environments.OutOfMemory, Unavailable):
        return None
    if not isinstance(frame, dict) or frame.get("request_id") != rid or not isinstance(frame.get("aws"), dict):
        return None
    return aws_reports.report(frame["aws"])


def _emulator_note(frame: dict, figure: str) -> list[str]:
    """Say what starting the emulated AWS cost, which the runtime left out of `figure` (Lambda has no emulator)."""
    spent = _number(frame.get("emulator_ms"))
    if not spent:
        return []
    return [f"[Triggerlab] Emulated AWS started in {spent:.0f} ms (moto, and your resources); not in the {figure}."]


def _log_lines(logs: Any) -> list[str]:
    """The sandbox's log text, capped on the host too (a forged frame can carry more than the runtime's cap)."""
    text = logs if isinstance(logs, str) else ""
    lines = text[: environments.LOG_CAP].splitlines()
    dropped = max(0, len(text) - environments.LOG_CAP)
    if len(lines) > MAX_LOG_LINES:
        dropped += sum(len(line) + 1 for line in lines[MAX_LOG_LINES:])
        lines = lines[:MAX_LOG_LINES]
    if dropped:
        lines.append(
            f"[Triggerlab] {dropped} characters of output were dropped (256 KB and {MAX_LOG_LINES:,} lines cap)."
        )
    return lines


def _too_large(response: Any) -> bool:
    try:
        return len(json.dumps(response)) > RESPONSE_CAP
    except (TypeError, ValueError, RecursionError):
        return True


def _report(rid: str, duration: float, memory_mb: int, rss: int | None, init_ms: float | None) -> str:
    parts = [
        f"REPORT RequestId: {rid}",
        f"Duration: {duration:.2f} ms",
        f"Billed Duration: {math.ceil(duration)} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {rss or 0} MB",
    ]
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    return "\t".join(parts)
