"""Diagram state benchmark (prints figures; asserts nothing).

Server time to render a 100-record SQS scenario's flow partial with its state panel: the engine run, the
layout, the panel's view of every step (learn/diagrams/panel.py) and the template, as the diagram page and the
sandbox replay do it. Median of several runs, then the share of each part and the bytes it adds to the page.
Target: under 50 ms for the whole render.

Run: `.venv/bin/python tests/bench/diagram_state.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
SETTINGS = {"redrive_policy": True, "max_receive_count": 3, "report_batch_item_failures": True, "batch_size": 10}
OUTCOMES = ["partial:7+23+58", "poison:91"]


def timed(functions: dict, runs: int) -> tuple[dict[str, tuple[float, float]], dict]:
    """name -> (median ms, fastest ms), run in turns so that each sees the same load; and each last result."""
    results = {name: fn() for name, fn in functions.items()}  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, fn in functions.items():
            started = time.perf_counter()
            results[name] = fn()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: (statistics.median(s), min(s)) for name, s in samples.items()}, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--records", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
    import django

    django.setup()
    from django.template.loader import render_to_string

    from learn import catalog, engine
    from learn.diagrams import layout, panel
    from learn.diagrams.flows import replay_context

    cat = catalog.load()

    def simulate():
        return engine.simulate("sqs", SETTINGS, args.records, OUTCOMES, catalog=cat)

    trace = simulate()

    def whole():
        fresh = simulate()
        diagram = layout.build(fresh, "Amazon SQS: 100 messages")
        return render_to_string("diagrams/flow.html#flow", replay_context(diagram, "sqs", "bench", trace=fresh))

    def without_state():
        fresh = simulate()
        diagram = layout.build(fresh, "Amazon SQS: 100 messages")
        return render_to_string("diagrams/flow.html#flow", replay_context(diagram, "sqs", "bench"))

    times, results = timed(
        {
            "whole": whole,
            "bare": without_state,
            "engine": simulate,
            "panel": lambda: panel.build(trace),
            "pack": panel.build(trace).pack,
        },
        args.runs,
    )
    html, bare_html, packed = results["whole"], results["bare"], results["pack"]
    series = panel.build(trace)
    state_json = json.dumps(packed, separators=(",", ":"))
    raw = json.dumps([s.snapshot for s in trace.steps], separators=(",", ":"))
    places = sum(len(v.places) for v in series.views)
    chips = sum(len(p.chips) for v in series.views for p in v.places)
    print(f"SQS, {args.records} records, {len(trace.steps)} steps ({places} places, {chips} chips over all steps)")
    print(f"median (fastest) of {args.runs} runs, taken in turns:")
    rows = [
        ("whole", "render with the state panel (engine + layout + panel + template)", "  (target < 50 ms)"),
        ("bare", "the same without a state panel", ""),
        ("engine", "of which the engine run", ""),
        ("panel", "panel views for every step (panel.build)", ""),
        ("pack", "compact encoding for state.js (Series.pack)", ""),
    ]
    for key, what, note in rows:
        median, fastest = times[key]
        print(f"  {what:66} {median:6.1f} ms ({fastest:5.1f}){note}")
    print("bytes:")
    print(f"  flow partial with panel: {len(html.encode()):>8,} (gzip {len(gzip.compress(html.encode())):,})")
    print(f"  flow partial without:    {len(bare_html.encode()):>8,} (gzip {len(gzip.compress(bare_html.encode())):,})")
    print(
        f"  state JSON (packed):     {len(state_json.encode()):>8,} (gzip {len(gzip.compress(state_json.encode())):,})"
    )
    print(f"  raw snapshots as JSON:   {len(raw.encode()):>8,} (gzip {len(gzip.compress(raw.encode())):,})")
    aside = re.search(r'<aside class="flow-state".*?</aside>', html, re.S)
    print(f"  server-rendered panel:   {len(aside.group(0).encode()) if aside else 0:>8,}")


if __name__ == "__main__":
    main()
