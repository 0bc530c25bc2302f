"""Execution environments: one bubblewrap sandbox per (learner, code, settings), reused while warm.

The first invocation is a cold start (spawn + INIT, reported as Init Duration); later ones are warm and
keep module state and /tmp, like Lambda. An environment is reaped after an idle time, a number of
invocations, a timeout or a crash; environments are never shared between learners; a cap bounds how many
live at once, and a semaphore bounds how many run at once. The host owns the wall clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from . import seccomp_filter

BOOTSTRAP = (Path(__file__).with_name("bootstrap.py")).read_text(encoding="utf-8")
PYTHON = "/usr/bin/python3"
MAX_LIVE = 16
IDLE_S = 300
MAX_INVOCATIONS = 200
MAX_FRAME = 8 * 1024 * 1024
UID_BASE = 61000
# bwrap's own init becomes pid 1 inside the sandbox and its /proc/1/environ is readable there: start it with
# nothing from the web process's environment (secrets, DATABASE_URL...), not just --clearenv for the child.
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
INIT_ALLOWANCE_S = 5.0  # time for bwrap + interpreter start, on top of the timeout


class Busy(Exception):
    def __init__(self, retry_after_s: int = 2):
        super().__init__(f"The sandbox is busy running other handlers. Retry in {retry_after_s} s.")
        self.retry_after_s = retry_after_s


class Unavailable(Exception):
    pass


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def bwrap_prefix(seccomp_fd: int | None = None) -> list[str]:
    """bubblewrap's arguments up to the command it runs (shared/sandbox-design.md, Part 2)."""
    seccomp = ["--seccomp", str(seccomp_fd)] if seccomp_fd is not None else []
    return [
        bwrap_path() or "bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
        "--new-session", "--clearenv",
        "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8",
        "--setenv", "MALLOC_ARENA_MAX", "2",
        "--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
        "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
        "--size", str(16 * 1024 * 1024), "--tmpfs", "/tmp",
        "--remount-ro", "/", "--hostname", "sandbox", "--chdir", "/tmp", *seccomp,
    ]


def bwrap_args(seccomp_fd: int | None = None) -> list[str]:
    # the result pipe's fd number is appended as the bootstrap's argument
    return [*bwrap_prefix(seccomp_fd), PYTHON, "-I", "-S", "-B", "-c", BOOTSTRAP]


def fallback_args() -> list[str]:
    """The limits-only fallback (developer machines without bubblewrap): same bootstrap, no namespaces."""
    # the system interpreter, which a switched uid can execute (a virtualenv under /root is not readable)
    python = PYTHON if os.path.exists(PYTHON) else sys.executable
    return [python, "-I", "-S", "-B", "-c", BOOTSTRAP]


def _limit_values(memory_mb: int, count_processes: bool) -> list[tuple[str, int, int]]:
    """(prlimit option, resource constant, value) for one environment."""
    # twice the configured memory (the interpreter reserves address space it never touches), at least 512 MB,
    # and never more than 1 GB whatever the learner asks for: the host is shared
    address_space = min(max(512, memory_mb * 2), 1024) * 1024 * 1024
    values = [("as", resource.RLIMIT_AS, address_space), ("fsize", resource.RLIMIT_FSIZE, 8 * 1024 * 1024),
              ("nofile", resource.RLIMIT_NOFILE, 64), ("core", resource.RLIMIT_CORE, 0),
              ("cpu", resource.RLIMIT_CPU, 120)]
    if count_processes:  # only under a dedicated uid: NPROC counts every process of the uid
        values.append(("nproc", resource.RLIMIT_NPROC, 32))
    return values


def limits_prefix(memory_mb: int, count_processes: bool = True) -> list[str]:
    """`prlimit --as=… -- ` so the limits are set by exec, not by a preexec_fn in a threaded web server
    (Python warns that preexec_fn may deadlock with threads). Empty where prlimit is missing (not Linux)."""
    prlimit = shutil.which("prlimit")
    if not prlimit:
        return []
    return [prlimit, *(f"--{name}={value}" for name, _, value in _limit_values(memory_mb, count_processes)), "--"]


def _limits(memory_mb: int, count_processes: bool = True):
    """The same limits through preexec_fn, only where prlimit is missing (developer machines)."""
    def apply() -> None:
        for _, limit, value in _limit_values(memory_mb, count_processes):
            resource.setrlimit(limit, (value, value))

    return apply


class Environment:
    def __init__(self, key: tuple, code: str, handler: str, memory_mb: int, slot: int, mode: str = "bwrap"):
        self.key, self.memory_mb, self.lock = key, memory_mb, threading.Lock()
        self.invocations, self.last_used, self.dead = 0, time.monotonic(), False
        self.init_ms: float | None = None
        self.workdir: str | None = None
        read_fd, write_fd = os.pipe()
        as_root = os.geteuid() == 0
        user = {"user": UID_BASE + slot, "group": UID_BASE + slot, "extra_groups": []} if as_root else {}
        if mode == "bwrap":
            seccomp_fd = seccomp_filter.open_fd()
            command, keep, cwd = [*bwrap_args(seccomp_fd), str(write_fd)], (write_fd, seccomp_fd), None
        else:  # limits only, in a throw-away working directory
            self.workdir = tempfile.mkdtemp(prefix="triggerlab-unsafe-")
            os.chmod(self.workdir, 0o777)
            command, keep, cwd, seccomp_fd = [*fallback_args(), str(write_fd)], (write_fd,), self.workdir, None
        prefix = limits_prefix(memory_mb, count_processes=as_root)
        try:
            self.process = subprocess.Popen(
                [*prefix, *command], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=None if prefix else _limits(memory_mb, count_processes=as_root), pass_fds=keep,
                start_new_session=True,
                env=BWRAP_ENV if mode == "bwrap" else {**BWRAP_ENV, "HOME": self.workdir, "TMPDIR": self.workdir},
                cwd=cwd, **user)
        finally:
            os.close(write_fd)
            if seccomp_fd is not None:
                os.close(seccomp_fd)
        self.results = read_fd
        self.buffer = b""
        self.log_stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{uuid.uuid4().hex}"
        env = {"AWS_LAMBDA_FUNCTION_NAME": "triggerlab-function", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb), "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
               "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/triggerlab-function", "LAMBDA_TASK_ROOT": "/var/task",
               "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream, "TZ": ":UTC", "_HANDLER": f"lambda_function.{handler}"}
        self.send({"code": code, "handler": handler, "env": env})

    def send(self, data: dict) -> None:
        payload = json.dumps(data).encode()
        self.process.stdin.write(b"%08d" % len(payload) + payload)
        self.process.stdin.flush()

    def receive(self, timeout_s: float) -> dict | None:
        """The next frame from the sandbox, or None when `timeout_s` passes first.

        Everything on this pipe is learner-controlled (code can write to the descriptor): a malformed frame
        raises Unavailable instead of crashing the host, and bytes after a frame are kept for the next call.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            if len(self.buffer) >= 8:
                header = self.buffer[:8]
                if not header.isdigit():
                    raise Unavailable("The sandbox sent a malformed answer.")
                size = int(header)
                if size > MAX_FRAME:
                    raise Unavailable("The response was larger than 6 MB.")
                if len(self.buffer) >= 8 + size:
                    body, self.buffer = self.buffer[8: 8 + size], self.buffer[8 + size:]
                    try:
                        frame = json.loads(body)
                    except ValueError:
                        raise Unavailable("The sandbox sent a malformed answer.") from None
                    if not isinstance(frame, dict):
                        raise Unavailable("The sandbox sent a malformed answer.")
                    return frame
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.results], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.results, 65536)
            if not chunk:
                raise Unavailable("The sandbox process ended without an answer.")
            self.buffer += chunk

    def kill(self) -> None:
        self.dead = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        for closer in (lambda: os.close(self.results), lambda: self.process.stdin.close()):
            with contextlib.suppress(OSError):
                closer()


class Pool:
    def __init__(self, concurrency: int | None = None, mode: str = "bwrap"):
        self.mode = mode
        self.envs: OrderedDict[tuple, Environment] = OrderedDict()
        self.lock = threading.Lock()
        self.running = threading.BoundedSemaphore(concurrency or os.cpu_count() or 2)
        self.next_slot = 0  # rotate through uids so a just-killed environment's uid is not reused at once

    def key(self, learner: str, code: str, handler: str, timeout_s: float, memory_mb: int) -> tuple:
        return (learner, hashlib.sha256(code.encode()).hexdigest(), handler, timeout_s, memory_mb)

    def checkout(
        self, learner: str, code: str, handler: str, timeout_s: float, memory_mb: int
    ) -> tuple[Environment, bool]:
        key = self.key(learner, code, handler, timeout_s, memory_mb)
        with self.lock:
            self._reap()
            for other in [k for k in self.envs if k[0] == learner and k != key]:
                self._drop(other)  # a code or settings change gives a fresh environment
            env = self.envs.get(key)
            if env is not None and not env.dead:
                self.envs.move_to_end(key)
                return env, False
            while len(self.envs) >= MAX_LIVE:
                self._drop(next(iter(self.envs)))
            self.next_slot = self.next_slot % 999 + 1
            try:
                env = Environment(key, code, handler, memory_mb, self.next_slot, self.mode)
            except OSError as error:
                raise Unavailable(f"The sandbox could not start: {error}") from error
            self.envs[key] = env
            return env, True

    def _drop(self, key: tuple) -> None:
        env = self.envs.pop(key, None)
        if env is not None:
            env.kill()

    def _reap(self) -> None:
        now = time.monotonic()
        for key, env in list(self.envs.items()):
            if env.dead or now - env.last_used > IDLE_S or env.invocations >= MAX_INVOCATIONS:
                self._drop(key)

    def discard(self, env: Environment) -> None:
        with self.lock:
            if self.envs.get(env.key) is env:
                self.envs.pop(env.key)
            env.kill()

    def forget(self, learner_prefix: str) -> int:
        """Drop the environments of learners whose key starts with `learner_prefix` (e.g. finished grading)."""
        with self.lock:
            doomed = [key for key in self.envs if key[0].startswith(learner_prefix)]
            for key in doomed:
                self._drop(key)
        return len(doomed)

    def shutdown(self) -> None:
        with self.lock:
            for key in list(self.envs):
                self._drop(key)


def request_id() -> str:
    return str(uuid.uuid4())
