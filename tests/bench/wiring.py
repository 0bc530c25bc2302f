"""Wiring checker benchmark (prints figures; asserts nothing).

How long check_template() takes on a typical template (the shipped SQS wiring: a queue, its dead-letter queue,
a SAM function with an SQS event, a log group): the first check in a fresh process (imports, cfn-lint's rules,
the engine's catalog), then cold checks of new texts (cfn-lint runs, with the SAM transform), warm checks of
a text already seen (cfn-lint's result comes from the cache), and our semantic checks alone.

Run: `.venv/bin/python tests/bench/wiring.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEMPLATE = ROOT / "content" / "sources" / "sqs" / "wiring" / "template.yaml"


def figures(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<46} median {statistics.median(ordered) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   (n={len(ordered)})"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="checks per measurement (default 30)")
    args = parser.parse_args()
    text = TEMPLATE.read_text()

    start = time.perf_counter()
    from learn.wiring import check_template

    first = timed(lambda: check_template(text + "\n# first\n"))
    print(f"template: {TEMPLATE.relative_to(ROOT)} ({len(text):,} characters)")
    print(
        f"{'first check in a fresh process':<46} {first * 1000:8.1f} ms   (imports + rules + catalog: "
        f"{(time.perf_counter() - start) * 1000:,.0f} ms in all)"
    )
    # Each cold run gets a text cfn-lint has not seen (a comment changes the hash, not the template).
    cold = [timed(lambda i=i: check_template(f"{text}\n# run {i}\n")) for i in range(args.runs)]
    warm = [timed(lambda: check_template(text)) for _ in range(args.runs)]
    semantic = [timed(lambda: check_template(text, lint=False)) for _ in range(args.runs)]
    print(figures("cold (cfn-lint runs)", cold))
    print(figures("warm (cfn-lint result cached)", warm))
    print(figures("semantic checks only (lint=False)", semantic))


if __name__ == "__main__":
    main()
