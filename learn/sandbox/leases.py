"""Machine-wide leases, shared by every web and worker process: sandbox uids and per-learner run slots.

A lease is an exclusive `flock` on a small file in a private folder. The kernel drops it when its holder
exits, however it exits, so a crashed process never leaves a uid or a slot taken. Taking a uid also kills
whatever still runs under it (a sandbox left behind by a process that died), so two live environments never
share a uid (red team A8) and nothing outlives its owner for long (A1). `sweep()` does that for every free uid.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

UID_FIRST = 61000
UID_COUNT = 1000
LEARNER_BUCKETS = 4096  # learners hash into buckets: a collision only makes one wait for the other's run
_hint = [os.getpid() % UID_COUNT]  # processes start at different uids, so they rarely contend
_hint_lock = threading.Lock()
issued: set[int] = set()  # uids this process has leased (tests look for leftovers of these only)


_checked: dict[str, Path] = {}


def state_dir() -> Path:
    """A folder only this user can write (so nobody else can hold or fake our locks); checked once per process,
    not on every run."""
    name = os.environ.get("SANDBOX_STATE_DIR") or str(Path(tempfile.gettempdir()) / f"triggerlab-{os.geteuid()}")
    if name in _checked:
        return _checked[name]
    folder = Path(name)
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise OSError(f"{folder} is not a private folder of this user; set SANDBOX_STATE_DIR")
    _checked[name] = folder
    return folder


class Lease:
    def __init__(self, fd: int, value: int):
        self.fd, self.value = fd, value

    def release(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # closing the only descriptor drops the flock
            self.fd = -1


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def lock_file(name: str) -> Lease:
    """Hold `name` in the private folder for as long as this process lives (e.g. to own its cgroup folders)."""
    lease = try_lock_file(name)
    if lease is None:
        raise OSError(f"{name} is held by another process")
    return lease


def try_lock_file(name: str) -> Lease | None:
    fd = _try_lock(state_dir() / name)
    return None if fd is None else Lease(fd, 0)


def remove_lock_file(name: str) -> None:
    with contextlib.suppress(OSError):
        (state_dir() / name).unlink()


def processes_of(uid: int) -> list[int]:
    """Live pids whose /proc entry belongs to `uid` (the sandbox's processes run as that uid on the host)."""
    found = []
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if entry.stat().st_uid == uid:
                        found.append(int(entry.name))
    return found


def kill_all(uid: int, within_s: float = 2.0) -> bool:
    """SIGKILL every process of `uid` until none is left; False if some survive `within_s`."""
    deadline = time.monotonic() + within_s
    while pids := processes_of(uid):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)  # ours (we are a subreaper): reap it, or it stays a zombie
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def lease_uid() -> Lease | None:
    """A uid no live environment on this machine uses, with any leftover of it killed; None if all are taken."""
    folder = state_dir()
    with _hint_lock:
        start = _hint[0]
        _hint[0] = (start + 1) % UID_COUNT
    for offset in range(UID_COUNT):
        uid = UID_FIRST + (start + offset) % UID_COUNT
        fd = _try_lock(folder / f"uid-{uid}.lock")
        if fd is None:
            continue
        if kill_all(uid):
            with _hint_lock:
                _hint[0] = (uid - UID_FIRST + 1) % UID_COUNT
                issued.add(uid)
            return Lease(fd, uid)
        os.close(fd)  # something of that uid will not die: leave it for the next sweep
    return None


def sweep() -> int:
    """Kill the processes of every uid that no live process holds (at start-up and shutdown); returns how many."""
    folder = state_dir()
    owners: dict[int, int] = {}
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    uid = entry.stat().st_uid
                    if UID_FIRST <= uid < UID_FIRST + UID_COUNT:
                        owners[uid] = owners.get(uid, 0) + 1
    killed = 0
    for uid, count in owners.items():
        fd = _try_lock(folder / f"uid-{uid}.lock")
        if fd is None:
            continue  # a live environment of some process holds it
        try:
            if kill_all(uid):
                killed += count
        finally:
            os.close(fd)
    return killed


def learner_bucket(learner: str) -> int:
    """Grading runs use keys like `learner:exercise:step`: they share the learner's one slot."""
    base = learner.split(":", 1)[0]
    return int.from_bytes(hashlib.sha256(base.encode()).digest()[:4], "big") % LEARNER_BUCKETS


def lease_learner(learner: str, wait_s: float) -> Lease | None:
    """The learner's one run slot, machine-wide (all web processes); None if still taken after `wait_s`."""
    path = state_dir() / f"learner-{learner_bucket(learner)}.lock"
    deadline = time.monotonic() + wait_s
    while True:
        fd = _try_lock(path)
        if fd is not None:
            return Lease(fd, 0)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)
