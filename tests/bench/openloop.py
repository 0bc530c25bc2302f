"""Open-loop and saturation modes of the load benchmark (tests/bench/load.py `--mode open|saturate`).

Open loop (`--mode open`): learners arrive as a Poisson process at `--arrival-rate` per second until
`--learners` are on the site, and stay until the end. Each learner is its own asyncio task with its own client
(cookies, connections, and its own loopback source address 127.10.x.y, so per-address rate limits see one
learner each, as on the internet). A learner acts on a schedule: the next action is due an exponential think
time (mean `--think-mean` s) after the previous one was *due*, not after it finished; when the previous action
is still running at that moment, the next starts as soon as it finishes and counts as late (a slow server
delays only that learner). Actions, picked at random with weights:
- read a public page as a browser does: the page (a lesson mostly; also /sources/, /models/<id>/, /choose/,
  /glossary/), revalidated with If-None-Match when the learner already holds its ETag, then the personal
  fragment `/me/fragment/?path=<page>` with HX-Request (a 404 there, before that endpoint lands, is counted
  under its own name and is not an error);
- step a diagram: `GET /diagrams/<slug>/?step=k` with HX-Request (the flow partial the Next button swaps in);
- answer a question: the learner's exam (started on the first such action: /quiz/, POST /quiz/start/, question
  1), one answer POST per action, then the next question as the browser follows the redirect; after question
  15 the review page and, for half of them, submit. Acknowledged answers feed the exactly-once check;
- run a handler in the sandbox (page, then the run POST): reported separately.

Only requests *due* after the ramp (steady state) are in the tables; the exactly-once check covers the run.
Latency is from sending the request; "p99 due" adds the lateness (time from when the action was due), which is
what the learner felt. "late" counts actions due while the learner's previous action was still waiting for
the server (queued: caused by the server); "lag" those that started > 10 ms after due for the client's own
sake (its event loop was busy or starved of CPU). Learners run in `--client-procs` separate processes (default 1); each reports its CPU
and its event-loop lag, so a client that became the bottleneck shows.

Saturation (`--mode saturate`): for each of a static file, a cached lesson and the answer POST, closed-loop
clients with no think time (`--concurrency`, default 64, split over `--client-procs`) for `--saturate-seconds`
(default 10). Prints req/s, req/s per web core (cores = min(gunicorn worker processes, CPUs of this machine))
and req/s per CPU-second the gunicorn processes actually used (read from /proc; the client shares the machine).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import random
import re
import ssl
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.deploy.servers import Stack  # noqa: E402

LESSONS = ["sqs", "s3", "kinesis", "api-gateway-http", "eventbridge", "sns", "dynamodb-streams", "alb"]
PUBLIC = [("GET catalogue", "/sources/"), ("GET model page", "/models/async/"), ("GET model page", "/models/sync/")]
PUBLIC += [("GET model page", "/models/poll/"), ("GET choose", "/choose/"), ("GET glossary", "/glossary/")]
HANDLER = "import json\ndef handler(event, context):\n    print(len(event.get('Records', [])))\n    return {'batchItemFailures': []}\n"
EVENT = '{"Records": [{"messageId": "m-1", "body": "{}", "attributes": {"ApproximateReceiveCount": "1"}}]}'
ACTIONS = {"read": 0.45, "step": 0.25, "answer": 0.26, "sandbox": 0.04}


def actions_with(sandbox_share: float) -> dict[str, float]:
    """The action weights with the sandbox at `sandbox_share`, the others scaled to fill the rest."""
    others = {k: v for k, v in ACTIONS.items() if k != "sandbox"}
    scale = (1 - sandbox_share) / sum(others.values())
    return {**{k: round(v * scale, 3) for k, v in others.items()}, "sandbox": sandbox_share}


SANDBOX_NAMES = ("GET sandbox", "POST sandbox run")
ANSWER_NAMES = ("POST answer",)
LATE_MS = 10.0  # an action that starts this much after it was due is late
FRAGMENT_404 = "GET fragment (404: not landed)"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SSL = ssl.create_default_context()  # one context for every client (loopback http never uses it)


def address(n: int, block: int = 10) -> str:
    """A distinct loopback source address per simulated learner (all of 127.0.0.0/8 is local on Linux)."""
    return f"127.{block}.{n // 250}.{n % 250 + 1}"


def make_client(n: int, block: int = 10, connections: int = 6) -> httpx.AsyncClient:
    # idle connections close sooner than the server's keep-alive (5 s), as browsers and proxies do, so a
    # request never races the server closing it; with 10 s think times most actions open a new connection
    transport = httpx.AsyncHTTPTransport(
        local_address=address(n, block),
        verify=_SSL,
        limits=httpx.Limits(max_connections=connections, keepalive_expiry=2),
    )
    return httpx.AsyncClient(transport=transport, timeout=60, follow_redirects=False, trust_env=False)


class Recorder:
    """Plain dicts and lists only, so a client process can hand it back to the parent."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.due: dict[str, list[float]] = {}  # latency plus lateness of the action, ms
        self.statuses: dict[str, dict[str, int]] = {}
        self.errors: dict[str, list[str]] = {}
        self.late: dict[str, list[float]] = {}  # lateness of actions queued behind the learner's previous one, ms
        self.lagged: dict[str, list[float]] = {}  # lateness > LATE_MS of the others: the client's own delay, ms
        self.acknowledged: list[tuple[str, int, list[str]]] = []
        self.lost: list[tuple[str, int]] = []
        self.events: list[str] = []
        self.ramp_requests = 0
        self.ramp_errors = 0

    def add(self, name, status: str, ms: float | None, lateness_ms: float, error, steady: bool, queued=False):
        if not steady:
            self.ramp_requests += 1
            self.ramp_errors += error is not None
            return
        codes = self.statuses.setdefault(name, {})
        codes[status] = codes.get(status, 0) + 1
        if ms is not None:
            self.latencies.setdefault(name, []).append(ms)
            self.due.setdefault(name, []).append(ms + lateness_ms)
        if queued:
            self.late.setdefault(name, []).append(lateness_ms)
        elif lateness_ms > LATE_MS:
            self.lagged.setdefault(name, []).append(lateness_ms)
        if error is not None:
            self.errors.setdefault(name, []).append(error)

    def merge(self, other: Recorder) -> None:
        for attr in ("latencies", "due", "errors", "late", "lagged"):
            mine = getattr(self, attr)
            for key, values in getattr(other, attr).items():
                mine.setdefault(key, []).extend(values)
        for name, codes in other.statuses.items():
            for code, count in codes.items():
                self.statuses.setdefault(name, {})[code] = self.statuses.get(name, {}).get(code, 0) + count
        self.acknowledged += other.acknowledged
        self.lost += other.lost
        self.events += other.events
        self.ramp_requests += other.ramp_requests
        self.ramp_errors += other.ramp_errors


class OpenLearner:
    def __init__(
        self, n: int, urls: list[str], rec: Recorder, think_mean: float, steady_at: float, until: float, actions
    ):
        self.n, self.urls, self.rec, self.think_mean, self.actions = n, urls, rec, think_mean, actions
        self.steady_at, self.until = steady_at, until
        self.random = random.Random(n)
        self.client: httpx.AsyncClient | None = None
        self.token = ""  # the CSRF token parsed from a page, for when the cookie is not there
        self.etags: dict[str, str] = {}
        self.slug = self.random.choice(LESSONS)
        self.diagram_step = 0
        self.attempt: str | None = None
        self.number = 0
        self.question_html = ""
        self.exam_starts = 0
        # the action now running: when it was due and how late it started
        self.due_at = 0.0
        self.lateness_ms = 0.0
        self.queued = False  # the previous action was still running when this one was due

    def csrf(self) -> dict[str, str]:
        assert self.client is not None
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or self.token}

    async def call(self, name: str, method: str, path: str, ok=(200, 302), **kw) -> httpx.Response | None:
        assert self.client is not None
        steady = self.due_at >= self.steady_at
        # only the action's first request can be late
        lateness, queued, self.lateness_ms, self.queued = self.lateness_ms, self.queued, 0.0, False
        started = time.perf_counter()
        try:
            response = await self.client.request(method, self.random.choice(self.urls) + path, **kw)
        except httpx.HTTPError as error:
            self.rec.add(name, type(error).__name__, None, lateness, type(error).__name__, steady, queued)
            return None
        ms = (time.perf_counter() - started) * 1000
        if name == "GET fragment" and response.status_code == 404:
            name = FRAGMENT_404
            ok = (404,)
        error = None if response.status_code in ok else f"{response.status_code} {response.text[:100]!r}"
        self.rec.add(name, str(response.status_code), ms, lateness, error, steady, queued)
        if "text/html" in response.headers.get("content-type", "") and (match := TOKEN.search(response.text)):
            self.token = match.group(1)
        return response

    async def life(self, loop: asyncio.AbstractEventLoop) -> None:
        self.client = make_client(self.n)
        due = loop.time()
        action = "read"  # a learner lands on a page
        try:
            while due < self.until:
                now = loop.time()
                self.queued = now > due
                if now < due:
                    await asyncio.sleep(due - now)
                self.due_at, self.lateness_ms = due, max(0.0, (loop.time() - due) * 1000)
                await getattr(self, action)()
                due += self.random.expovariate(1 / self.think_mean)
                action = self.random.choices(list(self.actions), weights=list(self.actions.values()))[0]
        finally:
            await self.client.aclose()

    # -- actions ------------------------------------------------------------------------------------------
    async def read(self) -> None:
        if self.random.random() < 0.75:
            self.slug = self.random.choice(LESSONS)
            name, path = "GET lesson", f"/sources/{self.slug}/"
            self.diagram_step = 0
        else:
            name, path = self.random.choice(PUBLIC)
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        page = await self.call(name, "GET", path, ok=(200, 304), headers=headers)
        if page is None or page.status_code not in (200, 304):
            return
        if etag := page.headers.get("etag"):
            self.etags[path] = etag
        await self.call("GET fragment", "GET", f"/me/fragment/?path={quote(path, safe='')}", headers=HX)

    async def step(self) -> None:
        self.diagram_step = self.diagram_step % 8 + 1  # the trace's last step is clamped by the server
        await self.call(
            "GET diagram step (htmx)", "GET", f"/diagrams/{self.slug}/?step={self.diagram_step}", headers=HX
        )

    async def answer(self) -> None:
        if self.attempt is None:
            await self.start_exam()
            return
        if not self.question_html:  # the question page failed to load: the learner reloads it first
            page = await self.call("GET question", "GET", f"/quiz/a/{self.attempt}/{self.number}/")
            if page is None or page.status_code != 200:
                return
            self.question_html = page.text
        sent, data = choose_answer(self.question_html, self.random)
        for _ in range(4):  # the first try and up to three retries, like pressing the button again
            response = await self.call(
                "POST answer", "POST", f"/quiz/a/{self.attempt}/{self.number}/", data=data, headers=self.csrf()
            )
            if response is not None and response.status_code == 302:
                if "results" in response.headers.get("location", ""):
                    self.attempt = None  # time up or submitted (not expected within a run)
                    return
                self.rec.acknowledged.append((self.attempt, self.number, sent))
                break
            if response is not None and response.status_code < 500:
                self.rec.lost.append((self.attempt, self.number))  # refused: pressing again would not help
                break
            await asyncio.sleep(0.5)
        else:
            self.rec.lost.append((self.attempt, self.number))
        self.number += 1
        if self.number > 15:
            await self.call("GET review", "GET", f"/quiz/a/{self.attempt}/review/")
            if self.random.random() < 0.5:
                await self.call("POST submit", "POST", f"/quiz/a/{self.attempt}/submit/", headers=self.csrf())
            self.attempt = None
            return
        page = await self.call("GET question", "GET", f"/quiz/a/{self.attempt}/{self.number}/")
        self.question_html = page.text if page is not None and page.status_code == 200 else ""

    async def start_exam(self) -> None:
        await self.call("GET quiz home", "GET", "/quiz/")
        self.exam_starts += 1
        started = await self.call(
            "POST exam start", "POST", "/quiz/start/", data={"mode": "exam", "size": "15"}, headers=self.csrf()
        )
        match = re.search(r"/quiz/a/([0-9a-f-]+)/1/", started.headers.get("location", "") if started else "")
        if not match:
            return
        page = await self.call("GET question", "GET", f"/quiz/a/{match.group(1)}/1/")
        if page is not None and page.status_code == 200:
            self.attempt, self.number, self.question_html = match.group(1), 1, page.text

    async def sandbox(self) -> None:
        await run_handler(self, self.rec.events)


HX = {"HX-Request": "true"}


async def run_handler(learner, events: list[str]) -> None:
    """A learner runs HANDLER in the SQS sandbox (both load modes): the page, then the run; a 503 is noted."""
    await learner.call("GET sandbox", "GET", "/sources/sqs/sandbox/")
    form = {"action": "run", "code": HANDLER, "event": EVENT, "handler": "handler", "timeout": "3", "memory": "128"}
    response = await learner.call(
        "POST sandbox run",
        "POST",
        "/sources/sqs/sandbox/",
        ok=(200, 429, 503),
        data=form,
        headers={**learner.csrf(), **HX},
    )
    if response is not None and response.status_code == 503:
        events.append("sandbox 503: " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).strip()[:140])


def merged(results: list[dict]) -> Recorder:
    """One Recorder from what each client process recorded."""
    rec = Recorder()
    for result in results:
        share = Recorder()
        share.__dict__.update(result["rec"])
        rec.merge(share)
    return rec


def choose_answer(html: str, rng: random.Random) -> tuple[list[str], dict]:
    keys = re.findall(r'name="choice" id="opt-(\w)"', html)
    steps = re.findall(r'name="position-(\w)"', html)
    choose = int(m.group(1)) if (m := re.search(r"Choose (\d)", html)) else 1
    if keys:
        chosen = sorted(rng.sample(keys, min(choose, len(keys))))
        return chosen, {"choice": chosen}
    order = steps[:]
    rng.shuffle(order)
    return order, {f"position-{k}": str(n) for n, k in enumerate(order, 1)}


async def loop_lag(until: float, lags: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        before = loop.time()
        await asyncio.sleep(0.05)
        lags.append(max(0.0, (loop.time() - before - 0.05) * 1000))


# -- one client process -------------------------------------------------------------------------------------
def open_share(config: dict, share: int, shares: int) -> dict:
    """Run this process's learners (every `shares`-th one); the run starts at wall time config['t0']."""
    return asyncio.run(_open_share(config, share, shares))


async def _open_share(config: dict, share: int, shares: int) -> dict:
    loop = asyncio.get_running_loop()
    base = loop.time() + (config["t0"] - time.time())
    steady_at, until = base + config["ramp"], base + config["ramp"] + config["seconds"]
    if base > loop.time():
        await asyncio.sleep(base - loop.time())
    rec, lags = Recorder(), []
    cpu0, wall0 = time.process_time(), time.monotonic()
    cpu_steady = []
    rng = random.Random(1000 + share)
    rate = config["rate"] / shares
    mine = list(range(share, config["learners"], shares))
    learners, tasks = [], [asyncio.create_task(loop_lag(until, lags))]

    async def mark_steady() -> None:
        await asyncio.sleep(max(0.0, steady_at - loop.time()))
        cpu_steady.append((time.process_time(), time.monotonic()))

    tasks.append(asyncio.create_task(mark_steady()))
    arrival = loop.time()
    for n in mine:
        arrival += rng.expovariate(rate)
        if arrival > loop.time():
            await asyncio.sleep(arrival - loop.time())
        learner = OpenLearner(n, config["urls"], rec, config["think_mean"], steady_at, until, config["actions"])
        learners.append(learner)
        tasks.append(asyncio.create_task(learner.life(loop)))
    arrived_by = loop.time() - base
    await asyncio.gather(*tasks)
    cpu1, wall1 = time.process_time(), time.monotonic()
    steady_cpu, steady_wall = cpu_steady[0] if cpu_steady else (cpu0, wall0)
    return {
        "rec": rec.__dict__,
        "lags": lags,
        "cpu_total": (cpu1 - cpu0) / max(1e-9, wall1 - wall0),
        "cpu_steady": (cpu1 - steady_cpu) / max(1e-9, wall1 - steady_wall),
        "learners": len(mine),
        "last_arrival_s": arrived_by,
        "exam_starts": sum(learner.exam_starts for learner in learners),
    }


# -- CPU accounting from /proc --------------------------------------------------------------------------------
def proc_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15])  # utime + stime + waited-for children's (sandbox runs)
    except (OSError, IndexError, ValueError):
        return 0


def server_pids(stack: Stack) -> list[int]:
    pids = []
    for port, master in stack.web.items():
        pids += [master.pid, *stack.web_worker_pids(port)]
    return pids + [p.pid for p in stack.sandboxes.values()]


def machine_busy(seconds: float = 2.0) -> float:
    """Cores busy on the whole machine over a short sample (before our stack starts: other work)."""
    busy0, total0 = machine_ticks()
    time.sleep(seconds)
    busy1, total1 = machine_ticks()
    return (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1)


def store_pids() -> list[int]:
    """PostgreSQL and Redis processes on this machine (shared: other work using them counts too)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "redis-server"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU-seconds used by the gunicorn/sandbox processes and by the whole machine over a window."""

    def __init__(self, stack: Stack):
        self.stack, self.hz = stack, os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.pids = server_pids(self.stack)
        self.server0 = {pid: proc_ticks(pid) for pid in self.pids}
        self.stores0 = {pid: proc_ticks(pid) for pid in store_pids()}
        self.machine0, self.t0 = machine_ticks(), time.monotonic()

    def stop(self) -> dict:
        wall = time.monotonic() - self.t0
        server = sum(max(0, proc_ticks(pid) - before) for pid, before in self.server0.items())
        stores1 = {pid: proc_ticks(pid) for pid in store_pids()}
        stores = sum(max(0, t - self.stores0.get(pid, 0)) for pid, t in stores1.items())
        busy1, total1 = machine_ticks()
        busy = (busy1 - self.machine0[0]) / max(1, total1 - self.machine0[1]) * (os.cpu_count() or 1)
        return {
            "wall": wall,
            "server_cpu_s": server / self.hz,
            "server_cores": server / self.hz / wall,
            "store_cores": stores / self.hz / wall,
            "busy": busy,
        }


# -- reporting -------------------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def table(rec: Recorder, names: list[str], seconds: float) -> None:
    print(
        f"{'endpoint':<32}{'count':>7}{'req/s':>7}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'p99 due':>9}{'late':>6}{'lag':>5}  statuses"
    )
    for name in names:
        values, count = rec.latencies.get(name, []), sum(rec.statuses[name].values())
        codes = " ".join(f"{c}:{k}" for c, k in sorted(rec.statuses[name].items()))
        late, lagged = len(rec.late.get(name, [])), len(rec.lagged.get(name, []))
        figures = (
            f"{statistics.median(values):>8.1f}{percentile(values, 95):>8.1f}{percentile(values, 99):>8.1f}"
            f"{percentile(rec.due[name], 99):>9.1f}"
            if values
            else f"{'':>33}"
        )
        print(
            f"{name:<32}{count:>7}{count / seconds:>7.1f}{len(rec.errors.get(name, [])):>7}{figures}{late:>6}{lagged:>5}  {codes}"
        )


def report_open(rec: Recorder, seconds: float) -> dict:
    names = sorted(rec.statuses)
    site = [n for n in names if n not in SANDBOX_NAMES]
    sandbox = [n for n in names if n in SANDBOX_NAMES]
    print(f"\nSteady state, {seconds:.0f} s (requests due after the ramp):")
    table(rec, site, seconds)
    if sandbox:
        print("\nSandbox (reported separately):")
        table(rec, sandbox, seconds)
    pages = [v for n in site if n.startswith("GET") for v in rec.latencies.get(n, [])]
    answers = [v for n in ANSWER_NAMES for v in rec.latencies.get(n, [])]
    late = [v for values in rec.late.values() for v in values]
    lagged = [v for values in rec.lagged.values() for v in values]
    total = sum(sum(c.values()) for c in rec.statuses.values())
    errors = sum(len(v) for v in rec.errors.values())
    print(
        f"all: {total} requests, {total / seconds:.1f} req/s, errors {errors}; ramp: {rec.ramp_requests} requests, "
        f"{rec.ramp_errors} errors\nlate actions (due while the learner's previous action was still waiting for the "
        f"server): {len(late)}, lateness p99 {percentile(late, 99):.0f} ms, max {max(late, default=0):.0f} ms; "
        f"lag (started > {LATE_MS:.0f} ms after due because the client itself was slow): {len(lagged)}, p99 "
        f"{percentile(lagged, 99):.0f} ms"
    )
    for name, found in rec.errors.items():
        if found:
            print(f"  {name}: {found[:3]}")
    return {"pages_p99": percentile(pages, 99), "answers_p99": percentile(answers, 99), "pages_n": len(pages)}


# -- the open-loop run -----------------------------------------------------------------------------------------
def run_open(args, stack: Stack, check_answers) -> None:
    rate = args.arrival_rate or args.learners / 25
    ramp = args.learners / rate  # the mean time for the last learner to arrive (Poisson arrivals)
    ramp = ramp + 3 * (args.learners**0.5) / rate  # plus three standard deviations
    config = {
        "urls": stack.urls,
        "learners": args.learners,
        "rate": rate,
        "think_mean": args.think_mean,
        "actions": actions_with(args.sandbox_share),
        "ramp": ramp,
        "seconds": args.seconds,
        "t0": time.time() + 4,  # the client processes start (and import httpx) meanwhile
    }
    print(
        f"open loop: {args.learners} learners arriving at {rate:.1f}/s (ramp ≈ {ramp:.0f} s), think time "
        f"exponential mean {args.think_mean} s, steady state {args.seconds} s, {args.client_procs} client "
        f"process(es); actions {config['actions']}"
    )
    meter = CpuMeter(stack)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(args.client_procs, mp_context=context) as pool:
        futures = [pool.submit(open_share, config, k, args.client_procs) for k in range(args.client_procs)]
        time.sleep(max(0.0, config["t0"] + ramp - time.time()))
        meter.start()
        time.sleep(max(0.0, config["t0"] + ramp + args.seconds - time.time()))
        cpu = meter.stop()
        results = [f.result() for f in futures]
    rec = merged(results)
    summary = report_open(rec, args.seconds)
    count, problems = check_answers(stack, rec)
    print(
        f"\nexactly-once check: {count} answers acknowledged, {len(rec.lost)} refused or never acknowledged after 3 retries: "
        f"{'OK' if not problems else f'{len(problems)} PROBLEMS'}; exam starts {sum(r['exam_starts'] for r in results)}"
    )
    for problem in problems[:10]:
        print("  ", problem)
    for event in sorted(set(rec.events))[:5]:
        print("  message seen:", event)
    lags = [v for r in results for v in r["lags"]]
    busiest = max(r["cpu_steady"] for r in results)
    for k, r in enumerate(results):
        print(
            f"client process {k}: {r['learners']} learners (last arrived at {r['last_arrival_s']:.0f} s), CPU "
            f"{r['cpu_steady'] * 100:.0f}% of a core in steady state ({r['cpu_total'] * 100:.0f}% over the run)"
        )
    hint = ""
    if percentile(lags, 99) > 20:
        hint = (
            "  <- the client is near its limit: use --client-procs 2"
            if busiest > 0.7
            else "  <- the client is not busy: other processes compete for the CPUs"
        )
    print(
        f"client event-loop lag: p50 {percentile(lags, 50):.1f} ms, p99 {percentile(lags, 99):.1f} ms, "
        f"max {max(lags, default=0):.0f} ms" + hint
    )
    print(
        f"steady state CPU: gunicorn+sandbox processes {cpu['server_cores']:.2f} cores, PostgreSQL+Redis "
        f"{cpu['store_cores']:.2f}, client {sum(r['cpu_steady'] for r in results):.2f}, whole machine "
        f"{cpu['busy']:.2f} of {os.cpu_count()} cores busy; other work on the machine "
        f"{max(0.0, cpu['busy'] - cpu['server_cores'] - cpu['store_cores'] - sum(r['cpu_steady'] for r in results)):.2f}"
    )
    print(
        f"\n{args.learners} learners ({args.profile}): page views p99 {summary['pages_p99']:.0f} ms, answers p99 "
        f"{summary['answers_p99']:.0f} ms (target < 100 ms); errors {sum(len(v) for v in rec.errors.values())}; "
        f"exactly-once {'OK' if not problems else 'FAILED'}"
    )


# -- saturation ------------------------------------------------------------------------------------------------
def saturate_share(config: dict, share: int, shares: int) -> dict:
    return asyncio.run(_saturate_share(config, share, shares))


async def _saturate_share(config: dict, share: int, shares: int) -> dict:
    target, urls = config["target"], config["urls"]
    clients = list(range(share, config["concurrency"], shares))
    rec = Recorder()
    state: dict[int, dict] = {}
    block = 20 + config["round"]  # fresh source addresses per target: exam-start limits are per address

    async def setup(n: int) -> None:
        client = make_client(n, block=block, connections=1)
        state[n] = {"client": client, "rng": random.Random(n)}
        if target != "answer":
            return
        base = urls[n % len(urls)]
        await client.get(base + "/quiz/")
        started = await client.post(
            base + "/quiz/start/",
            data={"mode": "exam", "size": "15"},
            headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
        )
        match = re.search(r"/quiz/a/([0-9a-f-]+)/1/", started.headers.get("location", ""))
        if not match:
            rec.events.append(f"exam start {started.status_code}")
            return
        pages = {k: (await client.get(f"{base}/quiz/a/{match.group(1)}/{k}/")).text for k in range(1, 16)}
        state[n].update(attempt=match.group(1), pages=pages)

    await asyncio.gather(*(setup(n) for n in clients))
    config["ready"].put(share)  # every client process is set up before the parent says go
    t0 = await asyncio.to_thread(config["go"].get)
    loop = asyncio.get_running_loop()
    start = loop.time() + (t0 - time.time())
    if start > loop.time():
        await asyncio.sleep(start - loop.time())
    until = start + config["seconds"]
    late_setup = loop.time() - start

    async def hammer(n: int) -> None:
        s = state[n]
        client, rng, base, k = s["client"], s["rng"], urls[n % len(urls)], 0
        while loop.time() < until:
            k = k % 15 + 1
            t = time.perf_counter()
            try:
                if target == "answer":
                    if "attempt" not in s:
                        return
                    sent, data = choose_answer(s["pages"][k], rng)
                    r = await client.post(
                        f"{base}/quiz/a/{s['attempt']}/{k}/",
                        data=data,
                        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
                    )
                    ok = r.status_code == 302 and "results" not in r.headers.get("location", "")
                    if ok:
                        rec.acknowledged.append((s["attempt"], k, sent))
                else:
                    r = await client.get(base + config["path"])
                    ok = r.status_code == 200
                status, error = str(r.status_code), None if ok else f"{r.status_code}"
            except httpx.HTTPError as exc:
                status = error = type(exc).__name__
            rec.add(config["name"], status, (time.perf_counter() - t) * 1000, 0.0, error, True)

    cpu0 = time.process_time()
    await asyncio.gather(*(hammer(n) for n in clients))
    cpu = (time.process_time() - cpu0) / config["seconds"]
    for s in state.values():
        await s["client"].aclose()
    return {"rec": rec.__dict__, "cpu": cpu, "late_setup": late_setup}


def run_saturate(args, stack: Stack, check_answers) -> None:
    targets = [
        ("static", "static file /static/site/site.css", "/static/site/site.css"),
        ("lesson", "cached lesson /sources/sqs/", "/sources/sqs/"),
        ("answer", "answer POST /quiz/a/<id>/<n>/", ""),
    ]
    workers = len(stack.ports) * args.web_workers
    cores = min(workers, os.cpu_count() or 1)
    print(
        f"saturation: {args.concurrency} closed-loop clients (no think time) over {args.client_procs} client "
        f"process(es), {args.saturate_seconds} s per target; web cores = min({len(stack.ports)} gunicorn "
        f"instances × {args.web_workers} workers = {workers}, {os.cpu_count()} CPUs) = {cores}"
    )
    rows, answers = [], Recorder()
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    for round_, (target, name, path) in enumerate(targets):
        config = {
            "target": target,
            "name": name,
            "path": path,
            "urls": stack.urls,
            "concurrency": args.concurrency,
            "seconds": args.saturate_seconds,
            "round": round_,
            "ready": manager.Queue(),
            "go": manager.Queue(),
        }
        meter = CpuMeter(stack)
        with concurrent.futures.ProcessPoolExecutor(args.client_procs, mp_context=context) as pool:
            futures = [pool.submit(saturate_share, config, k, args.client_procs) for k in range(args.client_procs)]
            for _ in range(args.client_procs):
                config["ready"].get(timeout=300)
            t0 = time.time() + 0.5
            for _ in range(args.client_procs):
                config["go"].put(t0)
            time.sleep(max(0.0, t0 - time.time()))
            meter.start()
            time.sleep(args.saturate_seconds)
            cpu = meter.stop()
            results = [f.result() for f in futures]
        rec = merged(results)
        if target == "answer":
            answers = rec
        values = rec.latencies.get(name, [])
        count = len(values)
        rows.append(
            (
                name,
                count / args.saturate_seconds,
                count / args.saturate_seconds / cores,
                count / max(1e-9, cpu["server_cpu_s"] + cpu["store_cores"] * cpu["wall"]),
                cpu["server_cores"],
                cpu["store_cores"],
                sum(r["cpu"] for r in results),
                cpu["busy"],
                percentile(values, 50),
                percentile(values, 99),
                sum(len(v) for v in rec.errors.values()),
                max(r["late_setup"] for r in results),
            )
        )
        for event in sorted(set(rec.events))[:3]:
            print("  ", name, event)
    print(
        f"\n{'target':<34}{'req/s':>8}{'/core':>8}{'/srv CPU-s':>11}{'srv cores':>10}{'db':>6}{'client':>8}{'machine':>8}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
    )
    for name, rps, per_core, per_cpu, srv, db, client, busy, p50, p99, errors, late in rows:
        print(
            f"{name:<34}{rps:>8.0f}{per_core:>8.0f}{per_cpu:>11.0f}{srv:>10.2f}{db:>6.2f}{client:>8.2f}{busy:>8.2f}"
            f"{p50:>8.1f}{p99:>8.1f}{errors:>7}" + (f"  (started {late:.1f} s late)" if late > 0.5 else "")
        )
    print(
        "req/s per core = req/s ÷ web cores; per srv CPU-s = requests ÷ CPU-seconds the gunicorn processes (and "
        "PostgreSQL/Redis) used, from /proc: the rate one fully busy core would give; srv cores / db / client / "
        "machine = cores busy in gunicorn, in PostgreSQL+Redis, in the client processes, on the whole machine"
    )
    manager.shutdown()
    count, problems = check_answers(stack, answers)
    print(f"exactly-once check (answer POSTs, last answer per question): {count} questions, {len(problems)} problems")
    for problem in problems[:5]:
        print("  ", problem)
