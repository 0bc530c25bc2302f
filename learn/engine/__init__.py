"""The behaviour engine: what Lambda and the event source do after the function returns or fails.

    trace = engine.simulate("sqs", {"batch_size": 5, "max_receive_count": 3}, records=5,
                            outcomes=["partial:2", "ok"])

Pure Python, no Django: the catalog is read with learn.catalog.loader. Diagrams, the sandbox and quiz
answer keys all call this, so the app can never contradict itself.
"""

from __future__ import annotations

from .presets import PRESETS, preset_label, presets_for, scenario
from .simulate import knobs_for, simulate
from .types import ACTORS, DISPOSITIONS, EngineError, Invocation, Outcome, Step, Trace

__all__ = [
    "ACTORS",
    "DISPOSITIONS",
    "PRESETS",
    "EngineError",
    "Invocation",
    "Outcome",
    "Step",
    "Trace",
    "knobs_for",
    "preset_label",
    "presets_for",
    "scenario",
    "simulate",
]
