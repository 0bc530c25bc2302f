"""Load benchmark: a class of simulated learners against the production profile (prints figures, asserts nothing).

Starts the profile itself (two gunicorn instances on loopback; see tests/deploy/servers.py), then runs N
learners for a fixed time. Each learner's requests alternate at random between the two servers. A learner
browses lessons (pages and htmx grid filters), takes a 15-question exam (answers every question, flags some,
reloads some pages, submits), and runs sandbox handlers. At the end it prints p50/p95/p99 latency,
throughput and errors per endpoint, and checks from the database that every answer a server acknowledged was
recorded exactly once (and nothing else was).

Faults (`--fault`), injected a third of the way through:
- `web-worker`: SIGKILL one gunicorn worker (its master starts another);
- `redis`: (postgres profile) the app's Redis is a private redis-server started by this script; it is stopped
  for ten seconds, then started again;
- `sandbox-worker`: (postgres profile) SIGKILL one sandbox worker; a supervisor would restart it, and so does
  this script, five seconds later.

Answers that fail (connection reset, 5xx) are retried up to three times, as a learner pressing the button
again would; the server must record them once.

Run: `.venv/bin/python tests/bench/load.py --profile sqlite --learners 50 --seconds 60 [--fault web-worker]`
     `.venv/bin/python tests/bench/load.py --profile postgres --learners 200 --seconds 60 [--fault redis]`

That is the closed loop (`--mode closed`, the default: each learner acts again as soon as it has its answer).
Two more modes live in tests/bench/openloop.py (see its docstring):
- `--mode open`: learners arrive at `--arrival-rate` per second until `--learners` are on the site, each acting
  on its own schedule with exponential think times (`--think-mean`, 10 s) whatever the server's speed; steady
  state measured for `--seconds` after the ramp; p50/p95/p99, errors and late requests per endpoint, the sandbox
  apart, the exactly-once answer check, the client's CPU and event-loop lag:
  `.venv/bin/python tests/bench/load.py --mode open --profile sqlite --learners 1000 --seconds 45`
- `--mode saturate`: req/s and req/s per web core for a static file, a cached lesson and the answer POST:
  `.venv/bin/python tests/bench/load.py --mode saturate --profile sqlite [--concurrency 64 --client-procs 2]`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import openloop  # noqa: E402
from tests.deploy.servers import Stack  # noqa: E402

LESSONS = ["sqs", "s3", "kinesis", "api-gateway-http", "eventbridge", "sns", "dynamodb-streams", "alb"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: list[tuple[str, int, list[str] | dict]] = field(default_factory=list)  # attempt, number, answer
    lost: list[tuple[str, int]] = field(default_factory=list)  # answers never acknowledged after retries
    events: list[str] = field(default_factory=list)
    trouble: list[tuple[float, str, str]] = field(default_factory=list)  # (wall time, endpoint, status)


class Learner:
    def __init__(self, n: int, urls: list[str], stats: Stats, sandbox_share: float):
        self.n, self.urls, self.stats, self.sandbox_share = n, urls, stats, sandbox_share
        # keep idle connections shorter than the server does (gunicorn --keep-alive 5), as browsers and proxies
        # do, so a request never races the server closing an idle connection
        self.client = httpx.AsyncClient(timeout=60, follow_redirects=False, limits=httpx.Limits(keepalive_expiry=2))
        self.random = random.Random(n)
        self.token = ""  # the CSRF token parsed from a page, when the csrftoken cookie is not there

    def url(self, path: str) -> str:
        return self.random.choice(self.urls) + path

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or self.token}

    async def call(self, name: str, method: str, path: str, ok=(200, 302), **kw) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, self.url(path), **kw)
        except httpx.HTTPError as error:
            self.stats.trouble.append((time.time(), name, type(error).__name__))
            self.stats.statuses[name][type(error).__name__] += 1
            self.stats.errors[name].append(type(error).__name__)
            return None
        self.stats.latencies[name].append((time.perf_counter() - started) * 1000)
        self.stats.statuses[name][str(response.status_code)] += 1
        if response.status_code >= 429:
            self.stats.trouble.append((time.time(), name, str(response.status_code)))
        if response.status_code not in ok:
            self.stats.errors[name].append(f"{response.status_code} {response.text[:120]!r}")
        if "text/html" in response.headers.get("content-type", "") and (match := TOKEN.search(response.text)):
            self.token = match.group(1)
        return response

    async def run(self, until: float) -> None:
        await self.call("GET home", "GET", "/")
        while time.monotonic() < until:
            roll = self.random.random()
            if roll < self.sandbox_share:
                await self.sandbox()
            elif roll < 0.55:
                await self.browse()
            else:
                await self.exam(until)
        await self.client.aclose()

    async def browse(self) -> None:
        await self.call("GET lesson", "GET", f"/sources/{self.random.choice(LESSONS)}/")
        await self.call(
            "GET grid (htmx)",
            "GET",
            f"/sources/?model={self.random.choice(['sync', 'async', 'poll'])}",
            headers={"HX-Request": "true"},
        )
        if self.random.random() < 0.3:
            await self.call("GET model page", "GET", f"/models/{self.random.choice(['sync', 'async', 'poll'])}/")

    async def sandbox(self) -> None:
        await openloop.run_handler(self, self.stats.events)

    async def exam(self, until: float) -> None:
        await self.call("GET quiz home", "GET", "/quiz/")
        started = await self.call(
            "POST exam start", "POST", "/quiz/start/", data={"mode": "exam", "size": "15"}, headers=self.csrf()
        )
        if started is None or started.status_code != 302:
            return
        match = re.search(r"/quiz/a/([0-9a-f-]+)/1/", started.headers.get("location", ""))
        if not match:
            return
        attempt = match.group(1)
        for number in range(1, 16):
            if time.monotonic() > until:
                return
            page = await self.call("GET question", "GET", f"/quiz/a/{attempt}/{number}/")
            if page is None or page.status_code != 200:
                return
            if self.random.random() < 0.1:  # a reload
                page = await self.call("GET question", "GET", f"/quiz/a/{attempt}/{number}/") or page
            if self.random.random() < 0.1:
                await self.call(
                    "POST flag", "POST", f"/quiz/a/{attempt}/{number}/", data={"action": "flag"}, headers=self.csrf()
                )
            await self.answer(attempt, number, page.text)
        await self.call("GET review", "GET", f"/quiz/a/{attempt}/review/")
        if self.random.random() < 0.5:
            await self.call("POST submit", "POST", f"/quiz/a/{attempt}/submit/", headers=self.csrf())

    async def answer(self, attempt: str, number: int, html: str) -> None:
        keys = re.findall(r'name="choice" id="opt-(\w)"', html)
        steps = re.findall(r'name="position-(\w)"', html)
        choose = int(m.group(1)) if (m := re.search(r"Choose (\d)", html)) else 1
        if keys:
            chosen = sorted(self.random.sample(keys, choose))
            data: dict = {"choice": chosen}
            sent: list[str] | dict = chosen
        else:
            order = steps[:]
            self.random.shuffle(order)
            data = {f"position-{k}": str(n) for n, k in enumerate(order, 1)}
            sent = order
        for _ in range(4):  # the first try and up to three retries, like pressing the button again
            response = await self.call(
                "POST answer", "POST", f"/quiz/a/{attempt}/{number}/", data=data, headers=self.csrf()
            )
            if response is not None and response.status_code == 302:
                if "results" in response.headers.get("location", ""):
                    return  # refused: time up or submitted (not expected within a run)
                self.stats.acknowledged.append((attempt, number, sent))
                return
            await asyncio.sleep(0.5)
        self.stats.lost.append((attempt, number))


def check_answers(stack: Stack, stats: Stats) -> tuple[int, list[str]]:
    """Every acknowledged answer is stored once, as sent; answers nobody sent are not recorded."""
    os.environ.update({"DATABASE_URL": stack.database_url, "DJANGO_SETTINGS_MODULE": "learn.settings"})
    import django

    django.setup()
    from learn.quiz.models import Answer, Attempt

    problems: list[str] = []
    sent: dict[tuple[str, str], list[str] | dict] = {}
    attempts = {str(a.id): a for a in Attempt.objects.filter(id__in={a for a, _, _ in stats.acknowledged})}
    for attempt_id, number, answer in stats.acknowledged:
        sent[(attempt_id, attempts[attempt_id].item_ids[number - 1])] = answer
    rows = Answer.objects.filter(attempt_id__in=attempts.keys())
    by_key: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        by_key[(str(row.attempt_id), row.item_id)].append(row)
    for key, answer in sent.items():
        stored = by_key.get(key, [])
        if len(stored) != 1:
            problems.append(f"{key}: {len(stored)} rows")
        elif stored[0].answered_at is None or sorted(stored[0].choice or []) != sorted(answer):
            problems.append(f"{key}: stored {stored[0].choice}, sent {answer}")
    extra = [k for k, rs in by_key.items() if k not in sent and any(r.answered_at for r in rs)]
    problems += [
        f"{k}: recorded but never acknowledged"
        for k in extra
        if k not in {(a, attempts[a].item_ids[n - 1]) for a, n in stats.lost if a in attempts}
    ]
    return len(sent), problems


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(stats: Stats, seconds: float) -> None:
    print(f"\n{'endpoint':<20}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    total = 0
    for name in sorted(stats.statuses):
        values = stats.latencies.get(name, [])
        count = sum(stats.statuses[name].values())
        total += count
        codes = " ".join(f"{code}:{n}" for code, n in sorted(stats.statuses[name].items()))
        if values:
            print(
                f"{name:<20}{count:>9}{count / seconds:>8.1f}{statistics.median(values):>9.1f}"
                f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}  {codes}"
            )
        else:
            print(f"{name:<20}{count:>9}{'':>35}  {codes}")
    errors = sum(len(v) for v in stats.errors.values())
    print(f"{'all':<20}{total:>9}{total / seconds:>8.1f}   errors (unexpected status or no answer): {errors}")
    for name, found in stats.errors.items():
        if found:
            print(f"  {name}: {found[:3]}")


class PrivateRedis:
    """A redis-server of our own for the `redis` fault, so the machine's shared Redis is never stopped."""

    def __init__(self, port: int = 6391):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait()


async def main_async(args: argparse.Namespace) -> None:
    private = PrivateRedis() if args.fault == "redis" else None
    if private:
        private.start()
    redis_url = f"redis://127.0.0.1:{private.port}/0" if private else "redis://127.0.0.1:6379/13"
    logs = Path(tempfile.mkdtemp(prefix="triggerlab-load-logs-"))
    stack = Stack(
        args.profile,
        web_workers=args.web_workers,
        threads=args.threads,
        redis_url=redis_url,
        sandbox_workers=args.sandbox_workers,
        log_dir=logs,
    )
    print(
        f"profile {args.profile}: {len(stack.ports)} gunicorn instances × {args.web_workers} workers × "
        f"{args.threads} threads; {args.learners} learners for {args.seconds} s; fault: {args.fault or 'none'}"
    )
    stack.start()
    stats = Stats()
    try:
        until = time.monotonic() + args.seconds
        learners = [Learner(n, stack.urls, stats, args.sandbox_share) for n in range(args.learners)]
        tasks = [asyncio.create_task(learner.run(until)) for learner in learners]
        if args.fault:
            await asyncio.sleep(args.seconds / 3)
            await inject(args.fault, stack, stats, private)
        await asyncio.gather(*tasks)
        report(stats, args.seconds)
        count, problems = await asyncio.to_thread(check_answers, stack, stats)
        print(
            f"\nanswers acknowledged: {count}; never acknowledged after 3 retries: {len(stats.lost)}; "
            f"exactly-once check: {'OK' if not problems else f'{len(problems)} PROBLEMS'}"
        )
        for problem in problems[:10]:
            print("  ", problem)
        for event in sorted({e for e in stats.events if not e.startswith("fault")})[:5]:
            print("  message seen:", event)
        for event in stats.events:
            if event.startswith("fault"):
                print(" ", event)
        if stats.trouble:
            first, last = min(t for t, _, _ in stats.trouble), max(t for t, _, _ in stats.trouble)
            kinds = sorted({f"{name} {status}" for _, name, status in stats.trouble})
            print(
                f"  failed or refused requests between {time.strftime('%H:%M:%S', time.localtime(first))} and "
                f"{time.strftime('%H:%M:%S', time.localtime(last))}: {', '.join(kinds)}"
            )
    finally:
        stack.stop()
        if private:
            private.stop()
        print(f"server logs: {logs}")


async def inject(fault: str, stack: Stack, stats: Stats, private: PrivateRedis | None) -> None:
    moment = time.strftime("%H:%M:%S")
    if fault == "web-worker":
        pid = stack.kill_web_worker(stack.ports[0])
        stats.events.append(f"fault {moment}: killed gunicorn worker {pid} on port {stack.ports[0]}")
    elif fault == "redis" and private:
        private.stop()
        stats.events.append(f"fault {moment}: stopped Redis")
        await asyncio.sleep(10)
        private.start()
        stats.events.append(f"fault {time.strftime('%H:%M:%S')}: Redis started again (empty)")
    elif fault == "sandbox-worker":
        name = next(iter(stack.sandboxes))
        stack.kill_sandbox_worker(name)
        stats.events.append(f"fault {moment}: killed sandbox worker {name}")
        await asyncio.sleep(5)
        stack.start_sandbox_worker(name)
        stats.events.append(f"fault {time.strftime('%H:%M:%S')}: sandbox worker {name} restarted")


def main_other(args: argparse.Namespace) -> None:
    """The open-loop and saturation modes (tests/bench/openloop.py) against a fresh production profile."""

    # every simulated learner has its own loopback address, so per-address limits apply per learner; the
    # sandbox's per-learner limit (SANDBOX_RUNS_PER_MINUTE) stays as deployed
    logs = Path(tempfile.mkdtemp(prefix="triggerlab-load-logs-"))
    stack = Stack(
        args.profile,
        web_workers=args.web_workers,
        threads=args.threads,
        sandbox_workers=args.sandbox_workers,
        log_dir=logs,
    )
    print(
        f"profile {args.profile}: {len(stack.ports)} gunicorn instances × {args.web_workers} workers × "
        f"{args.threads} threads; {os.cpu_count()} CPUs; before start: load average {os.getloadavg()[0]:.2f}, "
        f"{openloop.machine_busy():.2f} cores busy with other work"
    )
    head = subprocess.run(["git", "log", "-1", "--format=%h %cI"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "learn", "templates"], cwd=ROOT, capture_output=True, text=True
    )
    print(f"code: {head.strip()}{' + uncommitted changes in learn/ or templates/' if dirty.stdout.strip() else ''}")
    stack.start()
    try:
        run = openloop.run_open if args.mode == "open" else openloop.run_saturate
        run(args, stack, check_answers)
    finally:
        stack.stop()
        print(f"server logs: {logs}; load average at the end {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=["closed", "open", "saturate"], default="closed")
    parser.add_argument("--profile", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--learners", type=int, default=50, help="closed: learners; open: the population reached")
    parser.add_argument("--seconds", type=int, default=60, help="closed: the run; open: steady state after ramp")
    parser.add_argument("--arrival-rate", type=float, help="open: learners arriving per s (default learners/25)")
    parser.add_argument("--think-mean", type=float, default=10.0, help="open: mean exponential think time, s")
    parser.add_argument("--client-procs", type=int, default=1, help="open/saturate: client processes")
    parser.add_argument("--concurrency", type=int, default=64, help="saturate: closed-loop clients")
    parser.add_argument("--saturate-seconds", type=int, default=10, help="saturate: seconds per target")
    parser.add_argument("--fault", choices=["web-worker", "redis", "sandbox-worker"])
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sandbox-workers", type=int, default=2)
    parser.add_argument(
        "--sandbox-share", type=float, help="share of learner actions that run code (closed 0.1, open 0.04)"
    )
    args = parser.parse_args()
    if args.fault in ("redis", "sandbox-worker") and args.profile != "postgres":
        parser.error(f"--fault {args.fault} needs --profile postgres (SQLite uses no Redis or sandbox workers)")
    if args.sandbox_share is None:
        args.sandbox_share = 0.1 if args.mode == "closed" else 0.04
    if args.mode != "closed":
        if args.fault:
            parser.error("--fault is for the closed loop")
        main_other(args)
        return
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
