"""The seccomp filter every sandbox runs under: a deny-list, plus "no new processes" (threads still work).

The BPF program is compiled once per web process by Debian's `python3-seccomp` (libseccomp's own Python
binding, which lives with the system interpreter, not in our virtualenv) and handed to bubblewrap as a file
descriptor (`--seccomp FD`). Without new processes, RLIMIT_AS caps the whole run and fork bombs cannot
multiply memory (shared/sandbox-design.md, rows 3, 4c and 9c). SysV shared memory, memfd and message queues are
denied too: they hold memory outside RLIMIT_AS (docs/sandbox-threat-model.md).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"

# Runs under the system interpreter; writes the BPF program to argv[1].
BUILD = r"""
import errno, sys
import seccomp

DENY = [
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr", "unshare", "setns",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "syslog", "name_to_handle_at", "open_by_handle_at",
    "quotactl", "lookup_dcookie", "personality", "settimeofday", "clock_settime", "adjtimex",
    "fork", "vfork",
    # memory outside the address-space limit (red team A4), and message queues' kernel memory
    "shmget", "shmat", "shmctl", "memfd_create", "memfd_secret", "msgget", "msgsnd", "semget",
    # reaching into another process by pid file descriptor
    "pidfd_getfd", "pidfd_open", "process_madvise",
    # signals the environment could send itself while frozen (a SIGCONT timer thaws a SIGSTOP freeze)
    "timer_create", "mq_notify",
]
TIOCSTI, TIOCLINUX, CLONE_THREAD, AF_VSOCK, PR_SET_PDEATHSIG = 0x5412, 0x541C, 0x00010000, 40, 1
AF_INET, AF_INET6, AF_PACKET, F_SETOWN, F_SETSIG, F_SETOWN_EX = 2, 10, 17, 8, 10, 15

rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
# Only the native ABI: a 32-bit syscall table would bypass the rules below.
rules.remove_arch(seccomp.Arch.NATIVE)
rules.add_arch(seccomp.Arch.NATIVE)
rules.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
for name in DENY:
    try:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
    except (RuntimeError, ValueError):
        pass  # a syscall this kernel/arch does not have
rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # glibc falls back to clone(), filtered next
rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
rules.add_rule(seccomp.ERRNO(errno.EPERM), "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
rules.add_rule(seccomp.ERRNO(errno.EPERM), "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCLINUX))
rules.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, AF_VSOCK))
# no IP sockets: the network namespace has only loopback, and TCP buffers on it hold memory no limit counts
for family in (AF_INET, AF_INET6, AF_PACKET):
    rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
# no signal of the learner's choosing on I/O (F_SETSIG/F_SETOWN): nothing may wake a frozen environment
for command in (F_SETOWN, F_SETSIG, F_SETOWN_EX):
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, command))
# the runtime must die with its parent: clearing the parent-death signal is refused
rules.add_rule(seccomp.ERRNO(errno.EPERM), "prctl", seccomp.Arg(0, seccomp.EQ, PR_SET_PDEATHSIG))
with open(sys.argv[1], "wb") as out:
    rules.export_bpf(out)
"""

_lock = threading.Lock()
_compiled: tuple[Path | None, str] | None = None


def compiled() -> tuple[Path | None, str]:
    """(path of the BPF program, "") or (None, why it could not be built). Built once per process."""
    global _compiled
    with _lock:
        if _compiled is None:
            _compiled = _build()
        return _compiled


def _build() -> tuple[Path | None, str]:
    if not os.path.exists(SYSTEM_PYTHON):
        return None, f"{SYSTEM_PYTHON} is missing"
    folder = Path(tempfile.mkdtemp(prefix="triggerlab-seccomp-"))  # private (0700): nobody can swap the filter
    atexit.register(shutil.rmtree, folder, True)
    target = folder / "filter.bpf"
    try:
        done = subprocess.run(
            [SYSTEM_PYTHON, "-I", "-c", BUILD, str(target)],
            capture_output=True,
            text=True,
            timeout=20,
            env={"PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"the seccomp filter could not be built: {error}"
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        if "No module named 'seccomp'" in done.stderr:
            reason = "python3-seccomp is not installed (apt-get install python3-seccomp)"
        return None, reason
    return target, ""


def open_fd() -> int:
    """A fresh read-only descriptor on the program, for one bubblewrap start (bwrap reads it to the end)."""
    path, why = compiled()
    if path is None:
        raise OSError(why)
    return os.open(path, os.O_RDONLY)
