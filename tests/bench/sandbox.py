"""Sandbox benchmark (prints figures; asserts nothing).

Bare `python3 -I -S -c pass` start; median and p95 end-to-end latency of a trivial handler through the full
sandbox, cold (new environment; from a pre-started spare, and with no spare) and warm (same environment, thawed
and frozen again around each invocation); warm runs per second with two concurrent clients.
Targets from the issues: warm median below the bare start; cold median at most 4x it (aim 2x); 100+ warm runs/s.

Run: `.venv/bin/python tests/bench/sandbox.py [--runs 40]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
django.setup()

from learn.sandbox import runner  # noqa: E402

CODE = "def handler(event, context):\n    print('hi')\n    return {'ok': True}\n"


def stats(samples: list[float]) -> str:
    samples = sorted(samples)
    return f"median {statistics.median(samples):6.2f} ms   p95 {samples[max(0, int(len(samples) * 0.95) - 1)]:6.2f} ms"


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox speed")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    kind, why = runner.mode()
    if kind is None:
        print(f"sandbox unavailable: {why}")
        return
    bare = [
        timed(lambda: subprocess.run(["/usr/bin/python3", "-I", "-S", "-c", "pass"], check=True))
        for _ in range(args.runs)
    ]
    pool = runner.pool(kind)

    def cold_runs(label: str) -> list[float]:
        samples = []
        for n in range(args.runs):
            deadline = time.monotonic() + 2  # learners do not arrive every 30 ms: let the spares refill
            while len(pool.spares) < pool.spare_target and time.monotonic() < deadline:
                time.sleep(0.01)
            samples.append(timed(lambda n=n: runner.run(CODE, {}, learner=f"{label}-{n}")))
            runner.forget(f"{label}-{n}")  # the kill is not part of the next cold start
        return samples

    cold = cold_runs("cold")
    target, pool.spare_target = pool.spare_target, 0
    runner.shutdown()
    cold_unprepared = cold_runs("unprepared")
    pool.spare_target = target
    runner.shutdown()
    runner.run(CODE, {}, learner="warm")
    warm = [timed(lambda: runner.run(CODE, {}, learner="warm")) for _ in range(args.runs * 5)]
    last = runner.run(CODE, {}, learner="warm")
    assert last.status == "ok" and last.response == {"ok": True} and not last.cold, last  # real warm invocations
    print(f"bare interpreter start       {stats(bare)}")
    ratio = statistics.median(cold) / statistics.median(bare)
    print(f"sandbox, cold (spare ready)  {stats(cold)}   ({ratio:.1f}x bare; INIT of the learner's module only)")
    ratio = statistics.median(cold_unprepared) / statistics.median(bare)
    print(f"sandbox, cold (no spare)     {stats(cold_unprepared)}   ({ratio:.1f}x bare; sandbox + interpreter start)")
    print(f"sandbox, warm (same env)     {stats(warm)}")
    done = [0]
    stop = time.monotonic() + 3

    def client(name: str) -> None:
        runner.run(CODE, {}, learner=name)
        while time.monotonic() < stop:
            runner.run(CODE, {}, learner=name)
            done[0] += 1

    threads = [threading.Thread(target=client, args=(f"client-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"warm runs/s, 2 concurrent clients: {done[0] / 3:.0f}")
    runner.shutdown()


if __name__ == "__main__":
    main()
