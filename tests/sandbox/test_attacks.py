"""The attack table of shared/sandbox-design.md, row by row, against the real bubblewrap + seccomp sandbox.

Each test names its row. Skipped (with the reason) where bubblewrap, user namespaces or python3-seccomp are
missing; CI installs them, so it runs there.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from learn.sandbox import runner

from .support import PRELUDE, requires_sandbox, with_and_without_boto3  # noqa: F401 - with_and_without_boto3 is a fixture

pytestmark = [requires_sandbox, pytest.mark.usefixtures("with_and_without_boto3")]
ROOT = Path(__file__).resolve().parents[2]


def run(code: str, event=None, learner: str = "attacker", **kw):
    return runner.run(PRELUDE["code"] + code, event if event is not None else {}, learner=learner, **kw)


def sandbox_uid_processes() -> list[str]:
    """Live host processes under the sandbox uids this process leased (61000-61999, used when the app runs as
    root), as "pid:state". Other processes' sandboxes (another test run on the machine) are not ours to count.

    Zombies are left out: they hold no memory or CPU, only a pid entry until the host's init reaps them.
    """
    from learn.sandbox import leases

    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, StopIteration):
            lines = status.read_text().splitlines()
            uid = int(next(line for line in lines if line.startswith("Uid:")).split()[1])
            state = next(line for line in lines if line.startswith("State:")).split()[1]
            if uid in leases.issued and state != "Z":
                found.append(f"{status.parent.name}:{state}")
    return found


def settled(probe, within_s: float = 3.0):
    """Poll until `probe()` is empty (torn-down namespaces take a moment to reap), then return its last value."""
    deadline = time.monotonic() + within_s
    while (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_spinning_is_stopped_by_the_host_clock():  # row 1
    started = time.monotonic()
    result = run("def handler(e, c):\n    while True:\n        pass\n", timeout_s=1)
    assert result.status == "timeout" and time.monotonic() - started < 3


def test_sleeping_past_the_timeout():  # row 2
    started = time.monotonic()
    result = run("import time\ndef handler(e, c):\n    time.sleep(30)\n", timeout_s=1)
    assert result.status == "timeout" and time.monotonic() - started < 3


@pytest.mark.parametrize(
    "attack",
    [
        "for _ in range(200):\n        os.fork()",  # row 3: fork bomb
        "for _ in range(13):\n        if os.fork() == 0:\n            b = bytearray(200 * 1024 * 1024)\n"
        "            time.sleep(30)",  # row 4c: memory spread over many processes
        "if os.fork() == 0:\n        os.setsid()\n        time.sleep(60)",  # row 16: daemonise
        "import subprocess\n    subprocess.run(['/usr/bin/python3', '-c', 'pass'])",  # any child process
    ],
    ids=["fork-bomb", "multi-process-memory", "daemon", "subprocess"],
)
def test_no_new_processes_but_threads_work(attack):  # rows 3, 4c, 16: seccomp "nofork"
    code = f"import os, time\ndef handler(e, c):\n    {attack}\n    return 'escaped'\n"
    result = run(code, timeout_s=3)
    assert result.status == "error" and result.error["errorType"] == "PermissionError", result.error
    threads = run(
        "import threading\nR = []\ndef handler(e, c):\n    t = threading.Thread(target=R.append, args=(1,))\n"
        "    t.start()\n    t.join()\n    return R\n",
        learner="threads",
    )
    assert threads.response == [1]
    runner.shutdown()
    assert settled(sandbox_uid_processes) == []


def test_one_huge_allocation_is_a_memory_error():  # row 4a
    result = run("def handler(e, c):\n    return len(bytearray(8 * 1024 ** 3))\n")
    assert result.status == "error" and result.error["errorType"] == "MemoryError"


def test_growing_memory_past_the_memory_size_kills_the_runtime_as_lambda_does():  # row 4b
    code = "def handler(e, c):\n    hoard = []\n    while True:\n        hoard.append(b'x' * 1024 * 1024)\n"
    result = run(code, timeout_s=10)
    assert result.status == "crash" and result.error["errorType"] == "Runtime.OutOfMemory"
    assert result.max_memory_used_mb == 128 and "Max Memory Used: 128 MB" in result.logs[-1]


def test_printed_output_is_capped_and_raw_output_goes_nowhere():  # rows 5a, 5b
    code = (
        "import os\ndef handler(e, c):\n    print('x' * 100_000_000)\n"
        "    os.write(1, b'y' * 50_000_000)\n    os.write(2, b'z' * 1_000_000)\n    return 'done'\n"
    )
    result = run(code, timeout_s=10)
    assert result.response == "done"
    assert any("characters of output were dropped" in line for line in result.logs)
    assert sum(len(line) for line in result.logs) < 300_000


def test_one_big_file_hits_the_file_size_limit():  # row 6a
    code = (
        "def handler(e, c):\n    try:\n        open('/tmp/big', 'wb').write(b'0' * 20_000_000)\n"
        "    except OSError as error:\n        return error.errno\n    return 'wrote'\n"
    )
    assert run(code).response == 27  # EFBIG


def test_many_files_only_fill_the_small_private_tmp():  # row 6b
    code = (
        "def handler(e, c):\n    for i in range(40):\n        try:\n"
        "            open(f'/tmp/f{i}', 'wb').write(b'0' * 7_000_000)\n        except OSError as error:\n"
        "            return [i, error.errno]\n    return 'wrote 280 MB'\n"
    )
    written, errno = run(code).response
    assert errno == 28 and written <= 3  # ENOSPC at the 16 MB tmpfs


@pytest.mark.parametrize("path", ["/x", "/usr/x", "/proc/x", "/dev/x"])
def test_everything_but_tmp_is_read_only(path):  # rows 6c, 6d
    code = f"def handler(e, c):\n    try:\n        open({path!r}, 'w')\n    except OSError as error:\n        return error.errno\n"
    assert run(code).response in (13, 30, 2)  # EACCES, EROFS or ENOENT: never written


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/shadow", "/root/.bash_history", str(ROOT / "learn/settings.py")])
def test_host_files_are_absent(path):  # row 7
    result = run(f"def handler(e, c):\n    return open({path!r}).read()[:50]\n")
    assert result.status == "error" and result.error["errorType"] == "FileNotFoundError"


def test_only_sandbox_processes_are_visible_and_no_environment_leaks():  # row 7
    code = (
        "import os\ndef handler(e, c):\n    pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "    fake = 'triggerlab/emulated/secret/key/not/real'  # the emulated role's key, as Lambda sets one\n"
        "    leaked = sorted(k for k in os.environ if ('SECRET' in k or 'DJANGO' in k or 'DATABASE' in k)"
        " and os.environ[k] != fake)\n"
        "    return [len(pids), open('/proc/1/environ').read(), leaked]\n"
    )
    count, environ, leaked = run(code).response
    assert count <= 3 and leaked == []  # the sandbox's init and the runtime: no host processes
    assert "DJANGO" not in environ and "SECRET" not in environ and "/root" not in environ


def test_tcp_to_the_host_is_refused():  # row 8
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    result = run(f"import socket\ndef handler(e, c):\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n")
    listener.settimeout(0.2)
    with pytest.raises(OSError):
        listener.accept()
    listener.close()
    # IP sockets are refused outright (seccomp): the namespace has only loopback anyway (second red team, F3)
    assert result.status == "error" and result.error["errorType"] == "PermissionError"


def test_abstract_unix_socket_on_the_host_is_unreachable():  # row 8
    host = socket.socket(socket.AF_UNIX)
    name = f"\0triggerlab-test-{time.monotonic_ns()}"
    host.bind(name)
    host.listen()
    code = (
        "import socket\ndef handler(e, c):\n    s = socket.socket(socket.AF_UNIX)\n"
        f"    s.connect({name!r})\n    return 'connected'\n"
    )
    result = run(code)
    host.close()
    assert result.status == "error" and result.error["errorType"] == "ConnectionRefusedError"


def test_a_segfault_is_a_crash_and_the_environment_is_replaced():  # row 9a
    result = run("import ctypes\ndef handler(e, c):\n    return ctypes.string_at(0)\n")
    assert result.status == "crash" and result.error["errorType"] == "Runtime.ExitError"
    assert run("def handler(e, c):\n    return 1\n").response == 1


@pytest.mark.parametrize(
    "call",
    [
        "libc.ptrace(16, 1, 0, 0)",  # row 9c: PTRACE_ATTACH to the sandbox's init
        "libc.unshare(0x10000000)",  # row 9b: a new user namespace
        "libc.unshare(0x40000000)",  # a new network namespace
        "libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)",
        "libc.setuid(0)",
    ],
)
def test_ctypes_cannot_reach_dangerous_syscalls(call):  # rows 9b, 9c: EPERM
    code = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\ndef handler(e, c):\n"
        f"    rc = {call}\n    return [rc, ctypes.get_errno()]\n"
    )
    assert run(code).response in ([-1, 1], [-1, 22])  # EPERM, or EINVAL for a uid with no mapping


def test_signals_cannot_reach_outside():  # rows 10, 10b
    code = (
        "import os\ndef handler(e, c):\n    out = []\n    for target in (os.getppid(), -1):\n        try:\n"
        "            os.kill(target, 9)\n            out.append('sent')\n        except OSError as error:\n"
        "            out.append(error.errno)\n    return out\n"
    )
    result = run(code)
    assert result.status == "ok" and result.response[1] == 3  # kill(-1): ESRCH, nobody else to kill
    assert run("def handler(e, c):\n    return 'alive'\n").response == "alive"


def test_threads_are_capped():  # row 11
    code = (
        "import threading, time\ndef handler(e, c):\n    started = 0\n    try:\n        for _ in range(200):\n"
        "            threading.Thread(target=time.sleep, args=(1,), daemon=True).start()\n            started += 1\n"
        "    except RuntimeError:\n        pass\n    return started\n"
    )
    assert 0 < run(code).response < 200


@pytest.mark.parametrize(
    ("code", "status", "error_type"),
    [
        ("def f(n):\n    return f(n + 1)\ndef handler(e, c):\n    return f(0)\n", "error", "RecursionError"),  # 12a
        (
            "import sys\nsys.setrecursionlimit(10**8)\ndef handler(e, c):\n    x = []\n    for _ in range(10**6):\n"
            "        x = [x]\n    return len(repr(x))\n",
            "crash",
            "Runtime.ExitError",
        ),  # 12c: C stack overflow
        ("def handler(e, c):\n    return {1, 2}\n", "error", "Runtime.MarshalError"),  # 13
    ],
    ids=["recursion", "c-stack", "set"],
)
def test_runaway_recursion_and_bad_returns(code, status, error_type):  # rows 12, 13
    result = run(code, timeout_s=5)
    assert (result.status, result.error["errorType"]) == (status, error_type)


def test_os_exit_is_a_crash():  # row 14b
    result = run("import os\ndef handler(e, c):\n    os._exit(3)\n")
    assert result.status == "crash" and result.error["errorType"] == "Runtime.ExitError"
    assert result.error["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_tmp_and_memory_are_private_to_one_learner():  # rows 17, 19
    write = "SECRET = []\ndef handler(e, c):\n    open('/tmp/secret', 'w').write('mine')\n    SECRET.append(e)\n"
    read = (
        "import os, gc\ndef handler(e, c):\n    seen = repr(gc.get_objects())\n"
        "    return [os.path.exists('/tmp/secret'), (chr(104) + 'unter2') in seen, len(seen) > 1000]\n"
    )
    assert run(write + "    return 1\n", {"password": "hunter2"}, learner="alice").response == 1
    assert run(read, learner="bob").response == [False, False, True]
    control = "import os, gc\n" + write + read.split("\n", 2)[2]  # the same scan, in the learner's own environment
    assert run(control, {"password": "hunter2"}, learner="carol").response == [True, True, True]


def test_killing_the_host_runner_leaves_nothing_behind(tmp_path):  # row 18
    script = tmp_path / "host.py"
    script.write_text(
        "import os, sys, threading, time\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'learn.settings')\n"
        "import django\ndjango.setup()\nfrom learn.sandbox import runner\n"
        "code = 'import time\\ndef handler(e, c):\\n    time.sleep(60)\\n'\n"
        "threading.Thread(target=runner.run, args=(code, {}), kwargs={'learner': 'x', 'timeout_s': 15}).start()\n"
        "time.sleep(1.5)\nfrom learn.sandbox import leases\nenv = next(iter(runner.pool().envs.values()))\n"
        "print(env.process.pid, env.pid, *sorted(leases.issued), flush=True)\ntime.sleep(60)\n"
    )
    host = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    bwrap_pid, sandbox_pid, *uids = map(int, host.stdout.readline().split())
    assert Path(f"/proc/{bwrap_pid}").exists() and Path(f"/proc/{sandbox_pid}").exists()
    host.kill()
    host.wait()

    def left() -> list[int]:
        from learn.sandbox import leases

        alive = [
            pid
            for pid in (bwrap_pid, sandbox_pid)
            if Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()
        ]
        return alive + [
            pid
            for uid in uids
            for pid in leases.processes_of(uid)
            if " Z " not in Path(f"/proc/{pid}/stat").read_text()
        ]

    assert settled(left) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attack",
    ["while True:\n        pass", "b = bytearray(8 * 1024 ** 3)", "print('x' * 50_000_000)"],
    ids=["spin", "memory", "output"],
)
def test_the_app_keeps_answering_during_attacks(client, attack):
    assert client.get("/sources/sqs/").status_code == 200  # warm the catalog and templates first
    attacker = threading.Thread(target=run, args=(f"def handler(e, c):\n    {attack}\n",), kwargs={"timeout_s": 3})
    attacker.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert client.get("/sources/sqs/").status_code == 200
    assert time.monotonic() - started < 2
    attacker.join()


def test_asking_for_more_memory_does_not_lift_the_host_cap():  # row 4a with the 10,240 MB setting
    result = run("def handler(e, c):\n    return len(bytearray(3 * 1024 ** 3))\n", memory_mb=10240)
    assert result.status == "error" and result.error["errorType"] == "MemoryError"


FORGE = (
    "import json, os, sys\nN = []\ndef forge(payload):\n    data = json.dumps(payload).encode()\n"
    "    os.write(int(sys.argv[1]), b'%08d' % len(data) + data)\n"
)


def test_a_forged_frame_only_fools_its_own_invocation():  # row 15
    code = FORGE + (
        "def handler(e, c):\n    N.append(1)\n    if e.get('forge'):\n"
        "        forge({'request_id': c.aws_request_id, 'status': 'ok', 'response': 'forged', 'max_rss_mb': 'x'})\n"
        "    return ['real', len(N)]\n"
    )
    forged = run(code, {"forge": True})
    # the learner's own result; the memory figure is measured by the host, whatever the frame claims
    assert forged.response == "forged" and isinstance(forged.max_memory_used_mb, int) and forged.max_memory_used_mb > 0
    assert run(code).response == ["real", 2]  # the real frame left behind is skipped, not taken for the next run


@pytest.mark.parametrize(
    "garbage",
    [
        "os.write(int(sys.argv[1]), b'not a frame at all')",
        "os.write(int(sys.argv[1]), b'00000005[1,2]')",
        "os.write(int(sys.argv[1]), b'00000003{x}')",
    ],
    ids=["header", "not-an-object", "bad-json"],
)
def test_garbage_on_the_result_pipe_is_a_crash_not_a_server_error(garbage):  # row 15
    result = run(FORGE + f"def handler(e, c):\n    {garbage}\n    return 1\n")
    assert result.status == "crash" and "malformed" in result.error["errorMessage"]
    assert run("def handler(e, c):\n    return 'fine'\n").response == "fine"


@pytest.mark.parametrize(
    ("module_code", "status"),
    [("import os\nos._exit(1)\n", "crash"), ("while True:\n    pass\n", "timeout")],
    ids=["exit-at-import", "spin-at-import"],
)
def test_module_level_failures_are_reported_like_invocations(module_code, status):
    result = run(module_code + "def handler(e, c):\n    return 1\n", timeout_s=1)
    assert result.status == status and result.cold


@pytest.mark.parametrize(("memory_mb", "address_space_mb"), [(128, 1024), (384, 1024), (10240, 1024)])
def test_the_rlimits_are_in_force_inside(memory_mb, address_space_mb):  # the memory size itself: test_redteam.py
    code = (
        "import resource as r\ndef handler(e, c):\n"
        "    return [r.getrlimit(x)[0] for x in (r.RLIMIT_AS, r.RLIMIT_FSIZE, r.RLIMIT_NOFILE, r.RLIMIT_CORE)]\n"
    )
    assert run(code, memory_mb=memory_mb).response == [address_space_mb * 1024 * 1024, 8 * 1024 * 1024, 64, 0]
