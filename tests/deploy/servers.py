"""Start the production profile for real: gunicorn instances (and sandbox workers) as separate processes.

Used by the two-servers test and by the load benchmark (tests/bench/load.py). Profiles:
- "sqlite": a throw-away SQLite file, local-memory cache, sandboxes spawned by the web processes;
- "postgres": a throw-away PostgreSQL database, Redis for cache/sessions/rate limits, and sandbox runs sent
  through Redis (RQ) to `manage.py sandbox_worker` processes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN = os.environ.get("LOAD_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres_up() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001
        return False


def redis_up(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


class Stack:
    def __init__(
        self,
        profile: str,
        ports=(8101, 8102),
        web_workers: int = 2,
        threads: int = 4,
        sandbox_workers: int = 2,
        redis_url: str = "redis://127.0.0.1:6379/13",
        log_dir: Path | None = None,
    ):
        self.profile, self.ports, self.web_workers, self.threads = profile, tuple(ports), web_workers, threads
        self.sandbox_count = sandbox_workers if profile == "postgres" else 0
        self.redis_url = redis_url
        self.folder = Path(tempfile.mkdtemp(prefix=f"triggerlab-{profile}-"))
        self.log_dir = log_dir or self.folder
        self.web: dict[int, subprocess.Popen] = {}
        self.sandboxes: dict[str, subprocess.Popen] = {}
        self.database_url = ""
        self.db_name = f"triggerlab_load_{secrets.token_hex(4)}"

    # -- set-up -------------------------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
        env.update(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="load-test-" + "x" * 40,
            DJANGO_HTTPS="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_STATIC_ROOT=str(self.folder / "static"),
            DATABASE_URL=self.database_url,
        )
        if self.profile == "postgres":
            env.update(REDIS_URL=self.redis_url, SANDBOX_WORKERS="rq")
        return env

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL
        )

    def start(self) -> Stack:
        if self.profile == "postgres":
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.db_name}"')
            self.database_url = POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + self.db_name
            from redis import Redis

            Redis.from_url(self.redis_url).flushdb()
        else:
            self.database_url = f"sqlite:///{self.folder / 'load.sqlite3'}"
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        for port in self.ports:
            self.start_web(port)
        for n in range(self.sandbox_count):
            self.start_sandbox_worker(f"load-{n}")
        for port in self.ports:
            self.wait_for(port)
        return self

    def start_web(self, port: int) -> None:
        log = open(self.log_dir / f"gunicorn-{port}.log", "ab")  # noqa: SIM115 - closed with the process
        self.web[port] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "learn.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.web_workers),
                "--threads",
                str(self.threads),
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
                "--keep-alive",
                "5",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def start_sandbox_worker(self, name: str) -> None:
        log = open(self.log_dir / f"sandbox-{name}.log", "ab")  # noqa: SIM115
        self.sandboxes[name] = subprocess.Popen(
            [sys.executable, "manage.py", "sandbox_worker", "--name", name],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def wait_for(self, port: int, within_s: float = 30) -> None:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                if page.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {port} did not come up; see {self.log_dir}")

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    # -- faults -------------------------------------------------------------------------------------------
    def web_worker_pids(self, port: int) -> list[int]:
        master = self.web[port].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_web_worker(self, port: int) -> int:
        pid = self.web_worker_pids(port)[0]
        os.kill(pid, signal.SIGKILL)  # gunicorn's master starts a replacement
        return pid

    def kill_sandbox_worker(self, name: str) -> None:
        worker = self.sandboxes[name]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    # -- tear-down ----------------------------------------------------------------------------------------
    def stop(self) -> None:
        for process in [*self.web.values(), *self.sandboxes.values()]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.web.values(), *self.sandboxes.values()]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if self.profile == "postgres" and self.database_url:
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
