"""Command-line front end for the engine (used by `manage.py simulate`): parse, run, print."""

from __future__ import annotations

import json
from collections.abc import Sequence

from learn.engine.wording import plural

from .simulate import simulate
from .types import EngineError, Trace


def parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise EngineError(f"--set takes knob=value, got {pair!r}")
        settings[name.strip()] = value.strip()
    return settings


def run(source: str, sets: Sequence[str], records: int, outcomes: str) -> Trace:
    return simulate(source, parse_sets(sets), records, outcomes)


def as_json(trace: Trace) -> str:
    return json.dumps(trace.to_dict(), indent=2)


def as_text(trace: Trace) -> str:
    lines = [
        f"{trace.source} ({trace.model}, rule {trace.rule}): {plural(len(trace.records), 'record')}, "
        f"{plural(trace.invocations, 'invocation')}",
        "",
    ]
    width = max(len(s.clock) for s in trace.steps) if trace.steps else 4
    for step in trace.steps:
        arrow = f"{trace.label(step.actor)} → {trace.label(step.target)}" if step.target else trace.label(step.actor)
        lines.append(f"{step.clock:>{width}}  {arrow}: {step.summary}")
    lines += ["", "Final disposition of each record:"]
    for record in trace.records:
        d = trace.dispositions[record]
        code = f" [{d.status_code}]" if d.status_code else ""
        lines.append(f"  {record}: {d.label}{code} at {d.t_ms / 1000:g} s. {d.detail}")
    lines += [f"Note: {note}" for note in trace.notes]
    return "\n".join(lines)
