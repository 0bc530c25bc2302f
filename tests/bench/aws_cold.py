"""boto3 in the sandbox: what it costs (prints figures; asserts nothing).

- bare start: `/usr/bin/python3 -I -S -B -c pass`, the sandbox's interpreter, outside any sandbox;
- cold start, end to end through the sandbox (new environment, no spare), and its Init Duration, for a handler
  that does not import boto3 and one that does at module level (boto3 + moto + rebuilding one table);
- inside that INIT: importing boto3 alone, and moto's start, timed in the sandbox's interpreter;
- warm invocation of a handler doing one `put_item` (Duration as reported, and end to end), and the peak RSS.

Run: `.venv/bin/python tests/bench/aws_cold.py [--runs 15]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
django.setup()

from learn.sandbox import environments, runner  # noqa: E402

PLAIN = "def handler(event, context):\n    return {'ok': True}\n"
WITH_BOTO3 = (
    "import boto3\ntable = boto3.resource('dynamodb').Table('orders')\n"
    "def handler(event, context):\n    table.put_item(Item={'orderId': event['id']})\n    return {'ok': True}\n"
)
STATE = {
    "tables": [{"name": "orders", "key": {"hash": ["orderId", "S"], "range": None}, "items": []}],
    "queues": [],
    "buckets": [],
    "topics": [],
    "buses": [],
}
IMPORTS = """
import sys, time
sys.path.append(sys.argv[1])
t = time.perf_counter(); import boto3; boto3.client("dynamodb", region_name="us-east-1")
a = time.perf_counter(); from moto import mock_aws; m = mock_aws(); m.start(); b = time.perf_counter()
print((a - t) * 1000, (b - a) * 1000)
"""


def stats(samples: list[float]) -> str:
    samples = sorted(samples)
    return f"median {statistics.median(samples):7.1f} ms   p95 {samples[max(0, int(len(samples) * 0.95) - 1)]:7.1f} ms"


def cold(code: str, runs: int) -> tuple[list[float], list[float]]:
    walls, inits = [], []
    for n in range(runs):
        started = time.perf_counter()
        result = runner.run(
            code, {"id": str(n)}, learner="bench-cold", aws={"state": STATE}, force_cold=True, timeout_s=10
        )
        walls.append((time.perf_counter() - started) * 1000)
        assert result.status == "ok", result.error
        inits.append(result.init_duration_ms or 0)
    return walls, inits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    if environments.aws_layer() is None:
        sys.exit("The boto3/moto layer is not installed: run `make install`.")
    environments.SPARES = 0  # every cold start pays for bubblewrap and the interpreter, as without a spare
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([environments.PYTHON, "-I", "-S", "-B", "-c", "pass"], check=True)
        bare.append((time.perf_counter() - started) * 1000)
    split = [
        [
            float(x)
            for x in subprocess.run(
                [environments.PYTHON, "-I", "-S", "-B", "-c", IMPORTS, str(environments.AWS_LAYER)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        ]
        for _ in range(max(3, runs // 3))
    ]
    plain_wall, plain_init = cold(PLAIN, runs)
    boto_wall, boto_init = cold(WITH_BOTO3, runs)
    warm_wall, warm_duration, rss = [], [], 0
    runner.run(WITH_BOTO3, {"id": "w"}, learner="bench-warm", aws={"state": STATE}, timeout_s=10)
    for n in range(runs * 2):
        started = time.perf_counter()
        result = runner.run(WITH_BOTO3, {"id": f"w{n}"}, learner="bench-warm", aws={"state": STATE}, timeout_s=10)
        warm_wall.append((time.perf_counter() - started) * 1000)
        assert result.status == "ok" and not result.cold, result.error
        warm_duration.append(result.duration_ms)
        rss = max(rss, result.max_memory_used_mb or 0)
    print(f"runs per figure: {runs} (warm: {runs * 2}); isolation: {runner.isolation(runner.local_mode()[0])}")
    print(f"bare python3 start (no sandbox)        {stats(bare)}")
    print(f"cold start, no boto3: end to end       {stats(plain_wall)}   Init Duration {stats(plain_init)}")
    print(f"cold start, import boto3: end to end   {stats(boto_wall)}   Init Duration {stats(boto_init)}")
    print(f"  of which import boto3 + a client     {stats([s[0] for s in split])}")
    print(f"  of which moto's mock_aws start       {stats([s[1] for s in split])}")
    print(f"warm invocation, one put_item          {stats(warm_wall)}   Duration {stats(warm_duration)}")
    print(
        f"peak RSS of the boto3 environment      {rss} MB (memory size 128 MB + {environments.EMULATOR_MB} MB emulator)"
    )
    print(json.dumps({"bare_ms": statistics.median(bare), "cold_plain_ms": statistics.median(plain_wall)}))


if __name__ == "__main__":
    main()
