"""Cgroups per execution environment, where the machine lets us make them (cgroup v1, as root).

The memory cgroup makes the function's memory size a hard limit, as in Lambda: past it the kernel kills the
runtime, and the environment's page cache, tmpfs and kernel objects count too. The freezer cgroup freezes an
environment between invocations in a way no signal can undo. Where no memory cgroup can be made (not root,
cgroup v2 without delegation, a container), `available()` says why and the runner falls back to sampling the
process's resident memory from the host and freezing with SIGSTOP (the address-space rlimit stays as a
backstop either way). Set SANDBOX_CGROUPS=0 to force the fallback.

Folder names are random (a sandbox can read its own cgroup path), and each process holds a lock file for its
folders, so the folders of a process that died are removed by the next one (`sweep`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import uuid
from pathlib import Path

from . import leases

V1 = Path("/sys/fs/cgroup")
_lock = threading.Lock()
_parent: tuple[Path | None, str] | None = None
_freezer: Path | None = None
_owner: leases.Lease | None = None


def _own_path(controller: str) -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    raise OSError(f"no {controller} controller in /proc/self/cgroup")


def parent() -> tuple[Path | None, str]:
    """This process's memory folder for its environments' cgroups (made once, removed at exit), or (None, why)."""
    global _parent
    with _lock:
        if _parent is None:
            _parent = _make_parents()
        return _parent


def _make_parents() -> tuple[Path | None, str]:
    global _freezer, _owner
    if os.environ.get("SANDBOX_CGROUPS", "1") == "0":
        return None, "cgroups switched off (SANDBOX_CGROUPS=0)"
    if not (V1 / "memory" / "memory.limit_in_bytes").exists():
        return None, "no cgroup v1 memory controller"
    name = f"triggerlab-{uuid.uuid4().hex[:12]}"
    try:
        base = V1 / "memory" / _own_path("memory").lstrip("/")
        sweep(base)
        owner = leases.lock_file(f"cgroup-{name}.lock")
        folder = base / name
        folder.mkdir()
    except OSError as error:
        return None, f"cannot create a memory cgroup: {error.strerror or error}"
    _owner = owner
    atexit.register(_remove_tree, folder)
    with contextlib.suppress(OSError):
        freezer_base = V1 / "freezer" / _own_path("freezer").lstrip("/")
        if (freezer_base / "freezer.state").exists() or (V1 / "freezer" / "tasks").exists():
            sweep(freezer_base)
            (freezer_base / name).mkdir()
            _freezer = freezer_base / name
            atexit.register(_remove_tree, _freezer)
    return folder, ""


def available() -> tuple[bool, str]:
    folder, why = parent()
    return folder is not None, why


def _remove_tree(folder: Path) -> None:
    for child in folder.glob("env-*"):
        with contextlib.suppress(OSError):
            child.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()


def sweep(base: Path) -> int:
    """Remove the folders of processes that died without cleaning up (their lock file is free); returns how many."""
    removed = 0
    for folder in base.glob("triggerlab-*"):
        lease = leases.try_lock_file(f"cgroup-{folder.name}.lock")
        if lease is None:
            continue  # a live process owns it
        try:
            for child in folder.glob("env-*"):
                with contextlib.suppress(OSError):
                    for pid in (child / "cgroup.procs").read_text().split():
                        with contextlib.suppress(OSError):
                            os.kill(int(pid), 9)
                    _thaw(child)
                    child.rmdir()
            with contextlib.suppress(OSError):
                folder.rmdir()
                removed += 1
        finally:
            lease.release()
            leases.remove_lock_file(f"cgroup-{folder.name}.lock")
    return removed


def sweep_all() -> int:
    """`sweep` the memory and freezer folders this process's own cgroups live in."""
    removed = 0
    for controller in ("memory", "freezer"):
        with contextlib.suppress(OSError):
            base = V1 / controller / _own_path(controller).lstrip("/")
            if base.exists():
                removed += sweep(base)
    return removed


def _thaw(folder: Path) -> None:
    with contextlib.suppress(OSError):
        if (folder / "freezer.state").exists():
            (folder / "freezer.state").write_text("THAWED")


class Cage:
    """One environment's memory cgroup (and freezer cgroup, where there is one)."""

    def __init__(self):
        folder, why = parent()
        if folder is None:
            raise OSError(why)
        name = f"env-{uuid.uuid4().hex[:12]}"
        self.path = folder / name
        self.path.mkdir()
        self.freezer: Path | None = None
        if _freezer is not None:
            with contextlib.suppress(OSError):
                (_freezer / name).mkdir()
                self.freezer = _freezer / name

    def _write(self, name: str, value: str) -> None:
        (self.path / name).write_text(value)

    def _read(self, name: str) -> str:
        return (self.path / name).read_text()

    def add(self, pid: int) -> None:
        self._write("cgroup.procs", str(pid))
        if self.freezer is not None:
            try:
                (self.freezer / "cgroup.procs").write_text(str(pid))
            except OSError:
                self.freezer = None  # freeze with signals instead

    def limit(self, megabytes: int) -> None:
        self._write("memory.limit_in_bytes", str(megabytes * 1024 * 1024))
        with contextlib.suppress(OSError):
            self._write("memory.swappiness", "0")

    def usage_mb(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            return int(self._read("memory.usage_in_bytes")) // (1024 * 1024)
        return 0

    def peak_mb(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            return -(-int(self._read("memory.max_usage_in_bytes")) // (1024 * 1024))
        return 0

    def oom_kills(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in self._read("memory.oom_control").splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        return 0

    def freeze(self) -> bool:
        """Freeze every task of the environment; False if this cage has no freezer (use signals then)."""
        if self.freezer is None:
            return False
        try:
            (self.freezer / "freezer.state").write_text("FROZEN")
        except OSError:
            return False
        return True

    def thaw(self) -> None:
        if self.freezer is not None:
            _thaw(self.freezer)

    def frozen(self) -> bool:
        with contextlib.suppress(OSError):
            return (self.freezer / "freezer.state").read_text().strip() == "FROZEN" if self.freezer else False
        return False

    def remove(self, within_s: float = 2.0) -> bool:
        """Remove the folders once their tasks are gone; False if they are still busy (retry later)."""
        self.thaw()
        deadline = time.monotonic() + within_s
        for folder in [f for f in (self.path, self.freezer) if f is not None]:
            while folder.exists():
                try:
                    folder.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.01)
        return True
