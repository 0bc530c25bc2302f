"""Execution environments: one bubblewrap sandbox per (learner, code, settings), reused while warm.

The first invocation is a cold start (INIT, reported as Init Duration); later ones are warm and keep module
state and /tmp, like Lambda. Between invocations the environment is frozen (SIGSTOP), as Lambda freezes it:
background threads run only while an invocation does. The learner's code runs as pid 1 of its own pid
namespace (`--as-pid-1`), so there is no second sandbox process it could tamper with, and the host knows that
pid (bwrap `--info-fd`) and kills it directly: a pid namespace dies with its init. Each environment has a
machine-wide unique uid (leases.py) and, where possible, a memory cgroup that makes the memory size a hard
limit (memcg.py); otherwise the host samples its resident memory during the invocation.

A few empty environments are kept started (spares), so a cold start pays only the learner's INIT, as with
Lambda's own pool of prepared runtimes. The host owns the wall clock and bounds everything it reads.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import queue
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
from concurrent.futures import Future
from pathlib import Path

from . import leases, memcg, seccomp_filter

log = logging.getLogger(__name__)

BOOTSTRAP = (Path(__file__).with_name("bootstrap.py")).read_text(encoding="utf-8")
PYTHON = "/usr/bin/python3"
MAX_LIVE = 16  # assigned environments per process
SPARES = int(os.environ.get("SANDBOX_SPARES", "2"))  # started, empty environments kept ready
IDLE_S = 300
IDLE_MEMORY_MB = int(os.environ.get("SANDBOX_IDLE_MEMORY_MB", "2048"))  # idle environments' RSS, all together
MAX_INVOCATIONS = 200
MAX_MEMORY_MB = 1024  # whatever memory size the learner sets, one environment never gets more of the host
MAX_FRAME = 7 * 1024 * 1024  # a 6 MB response plus the 256 KB log, JSON-escaped
READ_BUDGET = 2 * MAX_FRAME  # bytes one invocation may put on the result pipe, stale frames included
STALE_FRAMES = 3  # frames for another request before the environment is treated as tampered with
LOG_CAP = 256 * 1024
SAMPLE_S = 0.01  # how often the host samples memory where there is no memory cgroup
# bwrap's own environment: nothing from the web process's (secrets, DATABASE_URL...).
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
INIT_ALLOWANCE_S = 5.0  # time for bwrap + interpreter start, on top of the timeout
SPAWN_S = 10.0
# What the runtime needs of /usr, read-only; the rest of the host's /usr (compilers, SDKs, /usr/local) is absent.
USR_BINDS = [
    "/usr/bin/python3.11",
    "/usr/lib/python3.11",
    "/usr/lib64",
    "/usr/share/zoneinfo",
    *sorted(str(p) for p in Path("/usr/lib").glob("*-linux-gnu")),
]
# boto3 and moto for learner handlers (learn/sandbox/aws_emulation.py), pinned in pyproject.toml and installed
# by `make install` outside the web app's own environment; read-only inside the sandbox, where the Python 3.11
# runtime keeps its bundled boto3.
AWS_LAYER = Path(os.environ.get("SANDBOX_AWS_LAYER") or Path(__file__).resolve().parents[2] / ".venv" / "sandbox-layer")
AWS_MODULE = Path(__file__).with_name("aws_emulation.py")
SANDBOX_LAYER_PATH = "/var/lang/lib/python3.11/site-packages"
SANDBOX_AWS_MODULE = "/var/runtime/triggerlab_aws.py"
# moto, the emulator, holds about 40 MB more than boto3 alone (tests/bench/aws_cold.py): code that imports boto3
# gets it on top of its memory size, so a 128 MB function that would fit on Lambda fits here.
EMULATOR_MB = 64


def aws_layer() -> Path | None:
    """The boto3/moto layer, if installed (else `import boto3` fails in the sandbox, as before)."""
    return AWS_LAYER if (AWS_LAYER / "boto3").is_dir() and (AWS_LAYER / "moto").is_dir() else None


def aws_binds() -> tuple[str, ...]:
    layer = aws_layer()
    if layer is None:
        return ()
    return ("--ro-bind", str(layer), SANDBOX_LAYER_PATH, "--ro-bind", str(AWS_MODULE), SANDBOX_AWS_MODULE)


# Host-wide /proc files that tell a learner about other learners' activity or the host: fixed stand-ins.
PROC_MASKS = {
    "loadavg": "0.00 0.00 0.00 1/1 1\n",
    "stat": "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nbtime 0\nprocesses 1\n"
    "procs_running 1\nprocs_blocked 0\n",
    "meminfo": "MemTotal:        1048576 kB\nMemFree:          524288 kB\nMemAvailable:     524288 kB\n",
    "uptime": "0.00 0.00\n",
    "sys/kernel/random/boot_id": "00000000-0000-0000-0000-000000000000\n",
    # counters of the whole host (second red team, F10): memory, pressure, files, interrupts, disks
    **dict.fromkeys(
        (
            "vmstat",
            "zoneinfo",
            "buddyinfo",
            "pagetypeinfo",
            "slabinfo",
            "interrupts",
            "softirqs",
            "diskstats",
            "partitions",
            "swaps",
            "schedstat",
            "sched_debug",
            "key-users",
            "pressure/cpu",
            "pressure/memory",
            "pressure/io",
            "pressure/irq",
            "sys/fs/file-nr",
            "sys/fs/dentry-state",
            "sys/fs/inode-nr",
            "sys/fs/inode-state",
        ),
        "",
    ),
}
PR_SET_CHILD_SUBREAPER = 36


class Busy(Exception):
    def __init__(self, retry_after_s: int = 2, message: str = ""):
        super().__init__(message or f"The sandbox is busy running other handlers. Retry in {retry_after_s} s.")
        self.retry_after_s = retry_after_s


class Unavailable(Exception):
    pass


class OutOfMemory(Unavailable):
    pass


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


_masks: Path | None = None
_masks_lock = threading.Lock()


def proc_masks() -> Path:
    """A folder of the /proc stand-ins, readable by the sandbox uids (the content is public and fixed)."""
    global _masks
    with _masks_lock:
        if _masks is None or not _masks.exists():
            folder = Path(tempfile.mkdtemp(prefix="triggerlab-proc-"))
            for name, text in PROC_MASKS.items():
                (folder / name.replace("/", "_")).write_text(text)
                os.chmod(folder / name.replace("/", "_"), 0o444)
            os.chmod(folder, 0o755)
            import atexit

            atexit.register(shutil.rmtree, folder, True)
            _masks = folder
        return _masks


def bwrap_prefix(seccomp_fd: int | None = None, info_fd: int | None = None, binds: tuple[str, ...] = ()) -> list[str]:
    """bubblewrap's arguments up to the command it runs (shared/sandbox-design.md, Part 2)."""
    seccomp = ["--seccomp", str(seccomp_fd)] if seccomp_fd is not None else []
    info = ["--info-fd", str(info_fd)] if info_fd is not None else []
    usr = [arg for path in USR_BINDS if os.path.exists(path) for arg in ("--ro-bind", path, path)]
    masks = proc_masks()
    proc = [
        arg
        for name in PROC_MASKS
        if os.path.exists(f"/proc/{name}")
        for arg in ("--ro-bind", str(masks / name.replace("/", "_")), f"/proc/{name}")
    ]
    return [
        bwrap_path() or "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "MALLOC_ARENA_MAX",
        "2",
        *usr,
        "--symlink",
        "python3.11",
        "/usr/bin/python3",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        "--proc",
        "/proc",
        *proc,
        "--dev",
        "/dev",
        "--ro-bind",
        "/dev/null",
        "/dev/pts/ptmx",  # no pseudo-terminals: each holds a host-wide pty slot
        "--remount-ro",
        "/dev",
        "--size",
        str(16 * 1024 * 1024),
        "--tmpfs",
        "/tmp",
        *binds,
        "--remount-ro",
        "/",
        "--hostname",
        "sandbox",
        "--chdir",
        "/tmp",
        *info,
        *seccomp,
    ]


_compiled_bootstrap: Path | None = None


def compiled_bootstrap() -> Path | None:
    """The bootstrap compiled once by the sandbox's own interpreter (same magic number), so a new sandbox does
    not compile ~600 lines at every start (~8 ms of each cold start without a spare). None if that fails."""
    global _compiled_bootstrap
    with _masks_lock:
        if _compiled_bootstrap is None or not _compiled_bootstrap.exists():
            folder = Path(tempfile.mkdtemp(prefix="triggerlab-runtime-"))
            target = folder / "bootstrap.pyc"
            source = Path(__file__).with_name("bootstrap.py")
            compile_it = (
                "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], "
                "dfile='<string>', doraise=True)"
            )
            try:
                subprocess.run(
                    [PYTHON, "-I", "-S", "-c", compile_it, str(source), str(target)],
                    check=True,
                    capture_output=True,
                    timeout=30,
                    env=BWRAP_ENV,
                )
            except (OSError, subprocess.SubprocessError):
                shutil.rmtree(folder, ignore_errors=True)
                return None
            os.chmod(target, 0o444)
            os.chmod(folder, 0o755)  # the sandbox uids read it through a read-only bind
            import atexit

            atexit.register(shutil.rmtree, folder, True)
            _compiled_bootstrap = target
        return _compiled_bootstrap


def bwrap_args(seccomp_fd: int | None = None, info_fd: int | None = None) -> list[str]:
    # the result pipe's fd number is appended as the bootstrap's argument
    compiled = compiled_bootstrap()
    if compiled is None:
        return [*bwrap_prefix(seccomp_fd, info_fd, aws_binds()), PYTHON, "-I", "-S", "-B", "-c", BOOTSTRAP]
    binds = ("--ro-bind", str(compiled), "/var/runtime/bootstrap.pyc", *aws_binds())
    return [*bwrap_prefix(seccomp_fd, info_fd, binds), PYTHON, "-I", "-S", "-B", "/var/runtime/bootstrap.pyc"]


def fallback_args() -> list[str]:
    """The limits-only fallback (developer machines without bubblewrap): same bootstrap, no namespaces."""
    python = PYTHON if os.path.exists(PYTHON) else sys.executable
    return [python, "-I", "-S", "-B", "-c", BOOTSTRAP]


def _limit_values(memory_mb: int, count_processes: bool) -> list[tuple[str, int, int]]:
    """(prlimit option, resource constant, value) for one environment.

    The address space is a backstop only (the memory size itself is enforced by the memory cgroup or the
    host's sampling, as Lambda kills a runtime that goes over): it is set when the sandbox starts, before its
    memory size is known, since even root may not change another user's limits here (no CAP_SYS_RESOURCE)."""
    values = [
        ("as", resource.RLIMIT_AS, memory_mb * 1024 * 1024),
        ("fsize", resource.RLIMIT_FSIZE, 8 * 1024 * 1024),
        ("nofile", resource.RLIMIT_NOFILE, 64),
        ("core", resource.RLIMIT_CORE, 0),
        ("cpu", resource.RLIMIT_CPU, 120),
    ]
    if count_processes:  # only under a dedicated uid: NPROC counts every process of the uid
        values.append(("nproc", resource.RLIMIT_NPROC, 32))
    return values


def limits_prefix(memory_mb: int, count_processes: bool = True) -> list[str]:
    """`prlimit --as=… -- ` so the limits are set by exec, not by a preexec_fn in a threaded web server."""
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


def become_subreaper() -> None:
    """Orphaned sandbox processes become our children (not init's), so we can still reap and kill them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _status_kb(pid: int, field: str) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/status", "rb") as status:
        for line in status:
            if line.startswith(field.encode()):
                return int(line.split()[1])
    return 0


def state_digest(state: dict | None) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


class Environment:
    """One sandbox process. Started empty (a spare); `assign` gives it a learner's code and settings."""

    def __init__(self, mode: str = "bwrap"):
        self.mode = mode
        self.key: tuple | None = None
        self.memory_mb = self.limit_mb = 128
        self.lock = threading.Lock()
        self.invocations, self.last_used, self.dead, self.retired = 0, time.monotonic(), False, False
        self.frozen = False
        self.prestarted = False  # started before the learner asked (a spare): INIT is the module's code only
        self.init_ms: float | None = None
        self.workdir: str | None = None
        self.uid: leases.Lease | None = None
        self.cage: memcg.Cage | None = None
        self.buffer = bytearray()
        self.budget = READ_BUDGET
        self.stale = 0
        self.log_stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{uuid.uuid4().hex}"
        self.aws_digest = state_digest(None)  # the emulated resources this process holds
        self.pid = 0  # the learner's process on the host (pid 1 of the sandbox)
        self.pidfd = -1  # signals go through this, so they never reach a process that reused the pid
        try:
            self._spawn()
        except BaseException:
            self.kill()
            raise

    def _spawn(self) -> None:
        as_root = os.geteuid() == 0
        user = {}
        if as_root:
            self.uid = leases.lease_uid()
            if self.uid is None:
                raise Busy(5, "Every sandbox uid on this machine is in use. Retry in 5 s.")
            user = {"user": self.uid.value, "group": self.uid.value, "extra_groups": []}
        read_fd, write_fd = os.pipe()
        info_read, info_write = os.pipe() if self.mode == "bwrap" else (-1, -1)
        seccomp_fd = None
        try:
            if self.mode == "bwrap":
                seccomp_fd = seccomp_filter.open_fd()
                command, keep, cwd = (
                    [*bwrap_args(seccomp_fd, info_write), str(write_fd)],
                    (write_fd, seccomp_fd, info_write),
                    None,
                )
            else:  # limits only, in a throw-away working directory
                self.workdir = tempfile.mkdtemp(prefix="triggerlab-unsafe-")
                os.chmod(self.workdir, 0o777)
                command, keep, cwd = [*fallback_args(), str(write_fd)], (write_fd,), self.workdir
            prefix = limits_prefix(MAX_MEMORY_MB, count_processes=as_root)
            self.process = subprocess.Popen(
                [*prefix, *command],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=None if prefix else _limits(MAX_MEMORY_MB, count_processes=as_root),
                pass_fds=keep,
                start_new_session=True,
                env=BWRAP_ENV if self.mode == "bwrap" else {**BWRAP_ENV, "HOME": self.workdir, "TMPDIR": self.workdir},
                cwd=cwd,
                **user,
            )
        except BaseException:
            for fd in (read_fd, info_read):
                if fd >= 0:
                    os.close(fd)
            raise
        finally:
            for fd in (write_fd, seccomp_fd, info_write):
                if fd is not None and fd >= 0:
                    os.close(fd)
        self.results = read_fd
        os.set_blocking(self.process.stdin.fileno(), False)
        if self.mode == "bwrap":
            self.pid = self._child_pid(info_read)
        else:
            self.pid = self.process.pid
        # The learner's code has not run yet (it waits for its first frame), so this pid is still the sandbox's.
        self.pidfd = os.pidfd_open(self.pid)
        with contextlib.suppress(OSError):
            self.cage = memcg.Cage()
            self.cage.limit(MAX_MEMORY_MB)
            self.cage.add(self.pid)

    def _child_pid(self, info_fd: int) -> int:
        """bwrap writes the sandbox's pid 1 (as the host sees it) once the namespaces exist."""
        data, deadline = b"", time.monotonic() + SPAWN_S
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([info_fd], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    break
                chunk = os.read(info_fd, 4096)
                if not chunk:
                    break
                data += chunk
                with contextlib.suppress(ValueError):
                    return int(json.loads(data)["child-pid"])
        finally:
            os.close(info_fd)
        raise Unavailable("The sandbox could not start (bubblewrap gave no process id).")

    def aws_config(self, aws: dict | None) -> dict | None:
        """What the runtime needs to start emulated AWS: where the layer is, and the learner's resources."""
        if aws_layer() is None:
            return None
        inside = self.mode == "bwrap"
        config = {
            "layer": SANDBOX_LAYER_PATH if inside else str(AWS_LAYER),
            "module": SANDBOX_AWS_MODULE if inside else str(AWS_MODULE),
            "deny": list((aws or {}).get("deny") or ()),
        }
        if aws and aws.get("state") is not None:
            config["state"] = aws["state"]
        self.aws_digest = state_digest(config.get("state"))
        return config

    def assign(self, key: tuple, code: str, handler: str, memory_mb: int, aws: dict | None = None) -> None:
        """Make this (spare) environment the learner's: its limits, then the code, which INIT runs at once."""
        self.key, self.memory_mb = key, memory_mb
        aws_config = self.aws_config(aws)
        if aws_config is not None and ("boto3" in code or "botocore" in code):
            self.limit_mb = memory_mb + EMULATOR_MB  # the emulator's own memory is not the learner's
        else:
            self.limit_mb = memory_mb
        if self.cage is not None:
            try:
                self.cage.limit(min(self.limit_mb, MAX_MEMORY_MB + EMULATOR_MB))
            except OSError as error:
                raise Unavailable(f"The sandbox could not be prepared: {error}") from error
        env = {
            "AWS_LAMBDA_FUNCTION_NAME": "triggerlab-function",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/triggerlab-function",
            "LAMBDA_TASK_ROOT": "/var/task",
            "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream,
            "TZ": ":UTC",
            "_HANDLER": f"lambda_function.{handler}",
        }
        self.last_used = time.monotonic()
        first = {"code": code, "handler": handler, "env": env}
        if aws_config is not None:
            first["aws"] = aws_config
        if not self.send(first, INIT_ALLOWANCE_S):
            raise Unavailable("The sandbox did not take the code in time.")

    # -- the pipes ---------------------------------------------------------------------------------------
    def send(self, data: dict, within_s: float) -> bool:
        """Write one frame with a deadline (the sandbox may stop reading its stdin): False if it did not go."""
        payload = json.dumps(data).encode()
        view = memoryview(b"%08d" % len(payload) + payload)
        deadline = time.monotonic() + within_s
        fd = self.process.stdin.fileno()
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                _, ready, _ = select.select([], [fd], [], left)
                if ready:
                    view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                return False
        return True

    def start_invocation(self) -> None:
        self.budget, self.stale = READ_BUDGET, 0
        self.thaw()

    def receive(self, timeout_s: float) -> dict | None:
        """The next frame from the sandbox, or None when `timeout_s` passes first.

        Everything on this pipe is learner-controlled: the host reads at most READ_BUDGET bytes per invocation
        and frames of at most MAX_FRAME; a malformed, too deep or too large frame raises Unavailable, and a
        memory overrun raises OutOfMemory.
        """
        deadline = time.monotonic() + timeout_s
        sample = self.cage is None and self.key is not None
        while True:
            frame = self._frame()
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if sample and _status_kb(self.pid, "VmRSS:") > self.limit_mb * 1024:
                self.kill()
                raise OutOfMemory("The function used more memory than its memory size.")
            ready, _, _ = select.select([self.results], [], [], min(left, SAMPLE_S) if sample else left)
            if not ready:
                continue
            try:
                chunk = os.read(self.results, min(65536, self.budget + 1))
            except OSError:
                chunk = b""
            if not chunk:
                raise self._ended()
            self.budget -= len(chunk)
            if self.budget < 0:
                raise Unavailable("The sandbox wrote more than the runtime allows to its result channel.")
            self.buffer += chunk

    def _frame(self) -> dict | None:
        if len(self.buffer) < 8:
            return None
        header = bytes(self.buffer[:8])
        if not header.isdigit():
            raise Unavailable("The sandbox sent a malformed answer.")
        size = int(header)
        if size > MAX_FRAME:
            raise Unavailable("The response was larger than 6 MB.")
        if len(self.buffer) < 8 + size:
            return None
        body = bytes(self.buffer[8 : 8 + size])
        del self.buffer[: 8 + size]
        try:
            frame = json.loads(body)
        except (ValueError, RecursionError):
            raise Unavailable("The sandbox sent a malformed answer.") from None
        if not isinstance(frame, dict):
            raise Unavailable("The sandbox sent a malformed answer.")
        return frame

    def note_stale(self) -> None:
        """A frame for another request: the learner's code wrote to the runtime's channel. A few are tolerated."""
        self.stale += 1
        if self.stale > STALE_FRAMES:
            raise Unavailable("The sandbox kept writing to the runtime's result channel.")

    def _ended(self) -> Unavailable:
        """Why the sandbox process is gone: the memory limit, a signal or an exit status, like Lambda says."""
        code = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = self.process.wait(timeout=1)
        if self.cage is not None and self.cage.oom_kills():
            self.kill()
            return OutOfMemory("The function used more memory than its memory size.")
        self.kill()
        if code is not None and code > 128:
            name = {
                9: "killed",
                11: "segmentation fault",
                6: "aborted",
                7: "bus error",
                4: "illegal instruction",
                31: "bad system call",
            }.get(code - 128, f"signal {code - 128}")
            return Unavailable(f"Runtime exited with error: signal: {name}")
        if code is not None:
            return Unavailable(f"Runtime exited with error: exit status {code}")
        return Unavailable("The sandbox process ended without an answer.")

    # -- freeze, measure, kill ---------------------------------------------------------------------------
    def _signal(self, number: int) -> None:
        """Signal the sandbox's pid 1 through its pidfd: never a process that later took the same pid."""
        if self.pidfd >= 0:
            with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
                signal.pidfd_send_signal(self.pidfd, number)

    def alive(self) -> bool:
        """False once the sandbox's process has exited (its pidfd turns readable), whatever its pid is now."""
        if self.dead or self.pidfd < 0:
            return False
        try:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
        except (OSError, ValueError):
            return False
        return not ready

    def freeze(self) -> None:
        """Between invocations nothing of the environment runs (Lambda freezes it too): the freezer cgroup
        where there is one (no signal the code sends itself can undo it), else SIGSTOP."""
        if not self.frozen and not self.dead:
            if not (self.cage is not None and self.cage.freeze()):
                self._signal(signal.SIGSTOP)
            self.frozen = True

    def thaw(self) -> None:
        if self.frozen and not self.dead:
            if self.cage is not None:
                self.cage.thaw()
            self._signal(signal.SIGCONT)
        self.frozen = False

    def peak_mb(self) -> int:
        """The highest memory of the environment so far, read by the host (not reported by the function): its
        memory cgroup's peak where there is one (page cache, /tmp and kernel objects count), else peak RSS."""
        if not self.pid:
            return 0
        hwm = -(-_status_kb(self.pid, "VmHWM:") // 1024) if self.alive() else 0
        return max(1, hwm, self.cage.peak_mb() if self.cage is not None else 0)

    def resident_mb(self) -> int:
        if self.cage is not None:
            return self.cage.usage_mb()
        return _status_kb(self.pid, "VmRSS:") // 1024 if self.alive() else 0

    def kill(self) -> bool:
        """Remove every process of this environment, whatever its code did to itself, then free its uid and
        cgroups. Idempotent. False if something is still there (the pool retries later): the uid stays leased
        until nothing of it is left, so it is never handed to another learner too early."""
        if not self.dead:
            self.dead = True
            self._signal(signal.SIGKILL)  # the sandbox's pid 1 first: its namespace dies with it
            if self.cage is not None:
                self.cage.thaw()  # a task frozen by the cgroup freezer dies only once thawed
            process = getattr(self, "process", None)
            if process is not None:
                if process.returncode is None:  # never signal a pid (or group) we have already reaped
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=2)
                with contextlib.suppress(OSError):
                    process.stdin.close()
            with contextlib.suppress(OSError, AttributeError):
                os.close(self.results)
            self.results = -1
        return self._tidy()

    def _tidy(self) -> bool:
        """Reap, then release the uid and the cgroups once nothing of the environment is left."""
        if self.pidfd >= 0:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitid(os.P_PIDFD, self.pidfd, os.WEXITED | os.WNOHANG)  # ours if bwrap died first (subreaper)
            if self._exited():
                os.close(self.pidfd)
                self.pidfd = -1
        if self.uid is not None:
            if not leases.kill_all(self.uid.value, within_s=0.5):  # anything that escaped our pid bookkeeping
                return False
            self.uid.release()
            self.uid = None
        if self.cage is not None:
            if not self.cage.remove(within_s=0.5):
                return False
            self.cage = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        return self.pidfd < 0

    def _exited(self) -> bool:
        try:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)


class Pool:
    """A process's execution environments. Its lock guards only the bookkeeping: environments are killed
    after it is released (a slow death must not hold up other learners), and one that does not die at once
    waits in the morgue, still holding its uid, until it has."""

    def __init__(self, concurrency: int | None = None, mode: str = "bwrap", spares: int | None = None):
        self.mode = mode
        self.envs: OrderedDict[tuple, Environment] = OrderedDict()
        self.spares: list[Environment] = []
        self.spare_target = SPARES if spares is None else spares
        self.lock = threading.Lock()
        self.running = threading.BoundedSemaphore(concurrency or os.cpu_count() or 2)
        self.refilling = threading.Event()
        self.closed = False
        self.doomed: list[Environment] = []  # taken out of the pool, to be killed once the lock is released
        self.morgue: list[Environment] = []  # killed, but something of them is still there
        # Every sandbox is started by one long-lived thread: bwrap's --die-with-parent follows the THREAD that
        # started it, so one started by a request thread (runserver has one per request) would die with it.
        self.requests: queue.Queue = queue.Queue()
        self.spawner = threading.Thread(target=self._spawn_loop, daemon=True, name="sandbox-spawner")
        self.spawner.start()
        become_subreaper()
        sweep_leftovers()  # of a process that died without cleaning up

    def key(self, learner: str, code: str, handler: str, timeout_s: float, memory_mb: int) -> tuple:
        digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()
        return (learner, digest, handler, timeout_s, memory_mb)

    def checkout(
        self,
        learner: str,
        code: str,
        handler: str,
        timeout_s: float,
        memory_mb: int,
        force_cold: bool = False,
        aws: dict | None = None,
    ) -> tuple[Environment, bool]:
        """The learner's warm environment, or a new one (from the spares when there is one). Locked for the
        caller: hand it back with `release` when the invocation is over."""
        key = self.key(learner, code, handler, timeout_s, memory_mb)
        try:
            with self.lock:
                self.closed = False
                self._reap()
                for other in [k for k in self.envs if k[0] == learner and (k != key or force_cold)]:
                    self._drop(other)  # a code or settings change (or a forced cold start): a fresh environment
                env = self.envs.get(key)
                if env is not None and env.lock.acquire(blocking=False):
                    if env.alive():
                        self.envs.move_to_end(key)
                        return env, False
                    env.lock.release()  # its runtime exited on its own: the next invoke is a cold start
                    self._drop(key)
                self._make_room()
                spare = self.spares.pop(0) if self.spares else None
        finally:
            self._bury()
        env = spare
        if env is not None:
            env.prestarted = True
        try:
            if env is None or not env.alive():
                if env is not None:
                    self._kill(env)
                env = self.new_environment()
                env.prestarted = False
            env.lock.acquire()
            env.assign(key, code, handler, memory_mb, aws)
        except OSError as error:
            if env is not None:
                self._kill(env)
            raise Unavailable(f"The sandbox could not start: {error}") from error
        except BaseException:
            if env is not None:
                self._kill(env)
            raise
        finally:
            self._refill_soon()
        with self.lock:
            previous = self.envs.pop(key, None)
            self.envs[key] = env
            if previous is not None and previous is not env:
                self.doomed.append(previous)
        self._bury()
        return env, True

    def _make_room(self) -> None:
        """Evict idle environments only (never one that is running): the oldest first, at the live cap, and
        while idle environments together hold more than IDLE_MEMORY_MB."""
        idle = [k for k, e in self.envs.items() if not e.lock.locked()]
        while len(self.envs) >= MAX_LIVE and idle:
            self._drop(idle.pop(0))
        if len(self.envs) >= MAX_LIVE:
            raise Busy(3)
        held = {k: self.envs[k].resident_mb() for k in idle if k in self.envs}
        while idle and sum(held.values()) > IDLE_MEMORY_MB:
            victim = idle.pop(0)
            held.pop(victim, None)
            self._drop(victim)

    def _drop(self, key: tuple) -> None:
        """(Under the lock.) Take it out of the pool; `_bury` kills it once the lock is released."""
        env = self.envs.pop(key, None)
        if env is not None:
            self.doomed.append(env)

    def _bury(self) -> None:
        """(Not under the lock.) Kill what was dropped: now if idle; if an invocation is running in it, its
        runner kills it when it finishes. Then retry the morgue."""
        with self.lock:
            doomed, self.doomed = self.doomed, []
            morgue, self.morgue = self.morgue, []
        for env in doomed:
            if env.lock.acquire(blocking=False):
                try:
                    self._kill(env)
                finally:
                    env.lock.release()
            else:
                env.retired = True
        for env in morgue:
            self._kill(env)

    def _kill(self, env: Environment) -> None:
        if not env.kill():
            with self.lock:
                if env not in self.morgue:
                    self.morgue.append(env)

    def release(self, env: Environment) -> None:
        """The invocation is over: freeze the environment, or kill it if it was retired or died meanwhile."""
        try:
            if env.retired or env.dead or not env.alive():
                with self.lock:
                    if env.key is not None and self.envs.get(env.key) is env:
                        self.envs.pop(env.key)
                self._kill(env)
            else:
                env.freeze()
        finally:
            env.lock.release()

    def _reap(self) -> None:
        """(Under the lock.) Drop idle-too-long, worn-out and exited environments and spares."""
        now = time.monotonic()
        for key, env in list(self.envs.items()):
            if env.lock.locked():
                continue
            if env.dead or now - env.last_used > IDLE_S or env.invocations >= MAX_INVOCATIONS or not env.alive():
                self._drop(key)
        for spare in [s for s in self.spares if not s.alive()]:
            self.spares.remove(spare)
            self.doomed.append(spare)

    def new_environment(self) -> Environment:
        """A new empty environment, started by the spawner thread."""
        future: Future = Future()
        self.requests.put(future)
        try:
            return future.result(timeout=SPAWN_S * 2)
        except TimeoutError:
            if not future.cancel():  # already being started: kill it when it arrives, nobody will use it
                future.add_done_callback(lambda done: done.exception() is None and self._kill(done.result()))
            raise Busy(5, "The sandbox is starting environments slowly right now. Retry in 5 s.") from None

    def _refill_soon(self) -> None:
        if self.spare_target > 0 and not self.refilling.is_set():
            self.refilling.set()
            self.requests.put("refill")

    def _spawn_loop(self) -> None:
        """The spawner thread: starts environments asked for, refills the spares, retries the morgue. Nothing
        may end it (every request would then wait for it in vain), so each step's failure is logged and left."""
        while True:
            try:
                self._spawn_step()
            except Exception:  # noqa: BLE001 - keep serving; the failing step's callers get their own errors
                log.exception("The sandbox spawner hit an error; it goes on.")
                self.refilling.clear()

    def _spawn_step(self) -> None:
        try:
            job = self.requests.get(timeout=1)
        except queue.Empty:  # idle: retry what did not die at once (the morgue)
            if self.morgue:
                self._bury()
            return
        if isinstance(job, Future):
            if job.set_running_or_notify_cancel():
                try:
                    job.set_result(Environment(self.mode))
                except BaseException as error:  # noqa: BLE001 - handed to the waiting request
                    job.set_exception(error)
            return
        self._refill_one()

    def _refill_one(self) -> None:
        """One spare at a time, so a learner's cold start waits for at most one spare's start."""
        self._bury()
        with self.lock:
            wanted = not self.closed and len(self.spares) < self.spare_target
        if not wanted:
            self.refilling.clear()
            return
        try:
            spare = Environment(self.mode)
        except Exception:  # noqa: BLE001 - no spare this time; the next checkout starts one itself
            self.refilling.clear()
            return
        with self.lock:
            if self.closed:
                self.doomed.append(spare)
                spare = None
            else:
                self.spares.append(spare)
        if spare is None:
            self._bury()
            self.refilling.clear()
            return
        self.requests.put("refill")

    def discard(self, env: Environment) -> None:
        """Kill it now (the caller holds its lock: a timeout, a crash, a reset)."""
        with self.lock:
            if env.key is not None and self.envs.get(env.key) is env:
                self.envs.pop(env.key)
        self._kill(env)

    def forget(self, learner_prefix: str) -> int:
        """Drop the environments of learners whose key starts with `learner_prefix` (e.g. finished grading)."""
        with self.lock:
            doomed = [key for key in self.envs if key[0].startswith(learner_prefix)]
            for key in doomed:
                self._drop(key)
        self._bury()
        return len(doomed)

    def shutdown(self) -> None:
        with self.lock:
            self.closed = True
            for key in list(self.envs):
                self._drop(key)
            self.doomed += self.spares
            self.spares.clear()
        deadline = time.monotonic() + SPAWN_S
        while self.refilling.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.lock:
            self.doomed += self.spares
            self.spares.clear()
        self._bury()
        sweep_leftovers()


def sweep_leftovers() -> None:
    """What a process that died left behind: processes under free sandbox uids, and its cgroup folders."""
    if os.geteuid() != 0:
        return
    with contextlib.suppress(OSError):
        leases.sweep()
    with contextlib.suppress(OSError):
        memcg.sweep_all()


def request_id() -> str:
    return str(uuid.uuid4())
