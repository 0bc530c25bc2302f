"""Sandbox runs on separate worker processes through RQ (a Redis-backed task queue), instead of in the web process.

Enabled by `SANDBOX_WORKERS=rq` (needs `REDIS_URL`). Each worker (`manage.py sandbox_worker`) runs RQ's
SimpleWorker on its own queue, `triggerlab-sandbox-<name>`, executing jobs in its own process so the
execution environments it keeps stay warm; it announces itself with a heartbeat key. The web process pins a
learner to one live worker by rendezvous hashing (the same learner always lands on the same worker while it
lives, so warm environments are found again), enqueues the run and waits for the result.

Why RQ rather than Celery: one small dependency on the Redis we already run, plain functions as jobs, a
SimpleWorker that executes in-process (which warm environments need), and per-worker queues without routing
configuration. Celery's prefork pool and broker abstraction buy nothing here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict
from typing import Any

from .environments import Busy, Unavailable

QUEUE_PREFIX = "triggerlab-sandbox-"
HEARTBEAT_KEY = "triggerlab:sandbox-worker:"
HEARTBEAT_S = 2
ALIVE_S = 6  # a worker whose heartbeat is older than this is considered gone
QUEUE_WAIT_S = 5  # how long a run may wait for its worker before the learner is told to retry


def enabled() -> bool:
    from django.conf import settings

    return getattr(settings, "SANDBOX_WORKERS", "") == "rq"


def connection():
    from django.conf import settings
    from redis import Redis

    return Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=30)


def live_workers(redis=None) -> list[str]:
    redis = redis or connection()
    now = time.time()
    names = []
    for key in redis.scan_iter(f"{HEARTBEAT_KEY}*"):
        seen = redis.get(key)
        if seen and now - float(seen) < ALIVE_S:
            names.append(key.decode()[len(HEARTBEAT_KEY) :])
    return sorted(names)


def pick(learner: str, workers: list[str]) -> str:
    """Rendezvous hashing: stable per learner; only learners of a worker that leaves move elsewhere."""
    return max(workers, key=lambda name: hashlib.sha256(f"{name}|{learner}".encode()).digest())


def status() -> tuple[str | None, str]:
    try:
        workers = live_workers()
    except Exception as error:  # noqa: BLE001 - Redis down or misconfigured: say so
        return None, f"the sandbox queue (Redis) is unreachable: {error}"
    if not workers:
        return None, "no sandbox worker is running (start one with `manage.py sandbox_worker`)"
    return "remote", f"{len(workers)} sandbox worker(s)"


def run(
    code: str,
    event: Any,
    *,
    learner: str,
    handler: str,
    timeout_s: float,
    memory_mb: int,
    force_cold: bool = False,
    aws: dict | None = None,
):
    """Enqueue on the learner's worker and wait; returns a runner.RunResult or raises Busy / Unavailable."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    from .runner import RunResult

    try:
        redis = connection()
        workers = live_workers(redis)
    except Exception as error:  # noqa: BLE001
        reason = type(error).__name__
        raise Unavailable(f"The sandbox queue is unreachable right now ({reason}). Retry soon.") from error
    if not workers:
        raise Unavailable("No sandbox worker is running right now, so handlers cannot run. Retry in a minute.")
    worker = pick(learner, workers)
    queue = Queue(QUEUE_PREFIX + worker, connection=redis, serializer=JSONSerializer)
    if queue.count > 8:
        raise Busy(3)
    job = queue.enqueue_call(
        "learn.sandbox.remote.execute",
        kwargs={
            "code": code,
            "event": event,
            "learner": learner,
            "handler": handler,
            "timeout_s": timeout_s,
            "memory_mb": memory_mb,
            "force_cold": force_cold,
            "aws": aws,
        },
        ttl=QUEUE_WAIT_S,  # not started by then: dropped, and the learner is told to retry
        result_ttl=60,
        failure_ttl=60,
        timeout=int(math.ceil(timeout_s)) + 30,
        job_id=f"run-{uuid.uuid4()}",
    )
    result = None
    deadline = time.monotonic() + timeout_s + QUEUE_WAIT_S + 5
    while result is None and time.monotonic() < deadline:
        result = job.latest_result(timeout=1)
        if result is None and worker not in live_workers(redis):  # its worker died: say so now, not at the deadline
            with contextlib.suppress(Exception):
                job.cancel()
            raise Unavailable(
                "The sandbox worker running your code stopped. Retry in a few seconds: the run will "
                "start in a fresh environment on another worker."
            )
    if result is None:  # the worker did not take it in time (busy): the learner retries
        with contextlib.suppress(Exception):
            job.cancel()
        raise Busy(3)
    if result.type != result.Type.SUCCESSFUL:
        raise Unavailable("The sandbox worker failed while running the handler. Retry in a moment.")
    payload = result.return_value
    if "refused" in payload:
        kind = {"busy": Busy, "unavailable": Unavailable}.get(payload["refused"], Unavailable)
        if kind is Busy:
            message = payload.get("message", "")
            raise Busy(int(payload.get("retry_after_s", 3)), "" if message == "busy" else message)
        raise kind(payload["message"])
    payload["logs"] = tuple(payload["logs"])
    return RunResult(**payload)


def execute(
    code: str,
    event: Any,
    learner: str,
    handler: str,
    timeout_s: float,
    memory_mb: int,
    force_cold: bool = False,
    aws: dict | None = None,
) -> dict:
    """The job, on the worker: the local sandbox run, as JSON-safe data."""
    from . import runner

    try:
        result = runner.run_local(
            code,
            event,
            learner=learner,
            handler=handler,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            force_cold=force_cold,
            aws=aws,
        )
    except Busy as error:
        return {"refused": "busy", "message": str(error), "retry_after_s": error.retry_after_s}
    except (Unavailable, runner.InvalidRequest) as error:
        return {"refused": "unavailable", "message": str(error)}
    data = asdict(result)
    json.dumps(data)  # responses were JSON-checked in the sandbox; fail loudly here if not
    return data


def work(name: str | None = None) -> None:
    """Run one sandbox worker until stopped (SIGTERM/SIGINT): heartbeat + RQ SimpleWorker on its own queue."""
    from rq import Queue
    from rq.serializers import JSONSerializer
    from rq.worker import SimpleWorker

    from . import runner

    ok, why = runner.probe()
    if not ok and not runner.fallback_allowed():
        raise SystemExit(f"This machine cannot isolate learner code: {why}")
    name = name or f"{socket.gethostname()}-{os.getpid()}"
    redis = connection()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):  # Redis briefly away: keep trying
                redis.set(HEARTBEAT_KEY + name, time.time(), ex=ALIVE_S * 2)
            stop.wait(HEARTBEAT_S)

    threading.Thread(target=beat, daemon=True, name="heartbeat").start()
    queue = Queue(QUEUE_PREFIX + name, connection=redis, serializer=JSONSerializer)
    worker = SimpleWorker(
        [queue], connection=redis, name=f"sandbox-{name}-{uuid.uuid4().hex[:6]}", serializer=JSONSerializer
    )
    try:
        worker.work(with_scheduler=False, logging_level="WARNING")
    finally:
        stop.set()
        redis.delete(HEARTBEAT_KEY + name)
        runner.shutdown()
