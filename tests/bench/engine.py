"""Engine benchmark (prints figures; asserts nothing).

Simulations per second for: a 100-record SQS batch with a partial failure, and a Kinesis stream scenario of
10 batches (1,000 records, batch size 100) with a poison record, bisect and a retry limit.

Run: `.venv/bin/python tests/bench/engine.py [--seconds N]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from learn.engine import simulate  # noqa: E402
from learn.engine.simulate import default_catalog  # noqa: E402

SCENARIOS = {
    "SQS, 100 records in one batch, one fails once": (
        "sqs",
        {"batch_size": 100, "maximum_batching_window_s": 1, "report_batch_item_failures": True},
        100,
        ["flaky:37"],
    ),
    "Kinesis, 10 batches of 100, poison record + bisect": (
        "kinesis",
        {
            "batch_size": 100,
            "bisect_batch_on_function_error": True,
            "maximum_retry_attempts": 2,
            "on_failure_destination": "sqs",
        },
        1000,
        ["poison:555"],
    ),
    "S3 async event, function error, 3 attempts": ("s3", {"dead_letter_queue": "sqs"}, 1, ["error"]),
}


def measure(seconds: float) -> None:
    default_catalog()
    print(f"{'scenario':52} {'sims/s':>8} {'ms/sim':>8} {'steps':>6} {'invokes':>8}")
    for name, (source, settings, records, outcomes) in SCENARIOS.items():
        trace = simulate(source, settings, records, outcomes)
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            simulate(source, settings, records, outcomes)
            count += 1
        elapsed = time.perf_counter() - started
        print(
            f"{name:52} {count / elapsed:8.0f} {1000 * elapsed / count:8.2f} {len(trace.steps):6} {trace.invocations:8}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Engine speed")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per scenario")
    measure(parser.parse_args().seconds)
