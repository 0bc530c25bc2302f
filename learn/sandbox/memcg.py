"""A memory cgroup per execution environment, where the machine lets us make one (cgroup v1, as root).

It makes the function's memory size a hard limit, as in Lambda: past it the kernel kills the runtime, and the
environment's page cache, tmpfs and shared memory count too. Where no memory cgroup can be made (not root,
cgroup v2 without delegation, a container), `available()` says why and the runner falls back to sampling the
process's resident memory from the host (the address-space rlimit stays as a backstop either way).
Set SANDBOX_CGROUPS=0 to force the fallback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import uuid
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/memory")
_lock = threading.Lock()
_parent: tuple[Path | None, str] | None = None


def _own_path() -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return path
    raise OSError("no memory controller in /proc/self/cgroup")


def parent() -> tuple[Path | None, str]:
    """This process's folder for its environments' cgroups (made once, removed at exit), or (None, why)."""
    global _parent
    with _lock:
        if _parent is None:
            _parent = _make_parent()
        return _parent


def _make_parent() -> tuple[Path | None, str]:
    if os.environ.get("SANDBOX_CGROUPS", "1") == "0":
        return None, "memory cgroups switched off (SANDBOX_CGROUPS=0)"
    if not (V1_ROOT / "memory.limit_in_bytes").exists():
        return None, "no cgroup v1 memory controller"
    try:
        folder = V1_ROOT / _own_path().lstrip("/") / f"triggerlab-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
    except OSError as error:
        return None, f"cannot create a memory cgroup: {error.strerror or error}"
    atexit.register(_remove_tree, folder)
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


class Cage:
    """One environment's memory cgroup."""

    def __init__(self):
        folder, why = parent()
        if folder is None:
            raise OSError(why)
        self.path = folder / f"env-{uuid.uuid4().hex[:12]}"
        self.path.mkdir()

    def _write(self, name: str, value: str) -> None:
        (self.path / name).write_text(value)

    def _read(self, name: str) -> str:
        return (self.path / name).read_text()

    def add(self, pid: int) -> None:
        self._write("cgroup.procs", str(pid))

    def limit(self, megabytes: int) -> None:
        self._write("memory.limit_in_bytes", str(megabytes * 1024 * 1024))
        with contextlib.suppress(OSError):
            self._write("memory.swappiness", "0")

    def usage_mb(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            return int(self._read("memory.usage_in_bytes")) // (1024 * 1024)
        return 0

    def oom_kills(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in self._read("memory.oom_control").splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        return 0

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.rmdir()
