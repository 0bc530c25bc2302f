"""Building flow diagrams for a page: the engine's trace, its layout, the what-if form, the current step."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string

from learn import catalog, engine

from . import layout, panel, whatif

MAX_STEP = 10_000


def flow_context(slug: str, params, uid: str, catalog_=None) -> dict:
    """Everything a flow partial needs: the trace's diagram, the what-if form, the current step."""
    cat = catalog_ or catalog.load()
    choice = whatif.parse(slug, params, cat)
    trace = None
    if not choice.error:
        try:
            trace = engine.scenario(slug, choice.preset, choice.settings, catalog=cat)
        except engine.EngineError as error:
            choice.error = str(error)
    if trace is None:  # keep the learner's inputs, show the default behaviour under the message
        trace = engine.scenario(slug, choice.preset, {}, catalog=cat)
    diagram = layout.build(trace, f"{cat.sources[slug].name}: {engine.preset_label(choice.preset)}")
    step = _int(params.get("step"), 1)
    step = max(1, min(step, len(diagram.steps)))
    query = {"preset": choice.preset, **choice.raw}
    return {
        **state_context(diagram, trace, step, uid),
        "scrub_fields": list(query.items()),
        "uid": uid,
        "slug": slug,
        "diagram": diagram,
        "choice": choice,
        "current": diagram.step(step - 1),
        "step": step,
        "total": len(diagram.steps),
        "presets": engine.presets_for(slug, cat),
        "knobs": [(k, choice.raw.get(k.name, "")) for k in engine.knobs_for(slug, cat)],
        "base_query": urlencode(query),
        "first": 1,
        "last": len(diagram.steps),
        "prev": max(1, step - 1),
        "next": min(len(diagram.steps), step + 1),
        "steps_json": diagram.to_json(),
        "steps_id": f"steps-{uid}",
    }


def _int(raw, default: int) -> int:
    try:
        return max(1, min(int(raw), MAX_STEP))
    except (TypeError, ValueError):
        return default


def render_flow(request: HttpRequest, slug: str, uid: str, params: dict | None = None) -> str:
    """The flow partial as HTML, for pages that show one or more diagrams (lessons, model pages)."""
    return render_to_string("diagrams/flow.html#flow", flow_context(slug, params or {}, uid), request=request)


MODEL_FLOWS = {
    "sync": [
        ("api-gateway-http", {"preset": "success"}),
        ("api-gateway-http", {"preset": "function-error"}),
        ("function-urls", {"preset": "throttle"}),
    ],
    "async": [
        ("s3", {"preset": "success"}),
        ("s3", {"preset": "function-error", "dead_letter_queue": "sqs"}),
        ("eventbridge", {"preset": "throttle", "on_failure_destination": "sqs"}),
    ],
    "poll": [
        ("sqs", {"preset": "success"}),
        ("sqs", {"preset": "poison", "report_batch_item_failures": "true", "redrive_policy": "true"}),
        (
            "kinesis",
            {
                "preset": "poison",
                "bisect_batch_on_function_error": "true",
                "maximum_retry_attempts": "2",
                "on_failure_destination": "sqs",
            },
        ),
    ],
}


def replay_context(diagram: layout.Diagram, slug: str, uid: str, trace=None) -> dict:
    """Context for the flow partial showing a trace from real invocations (no what-if form: it is not a scenario).

    Pass the trace the diagram was built from to show the state panel and reveal dispositions step by step.
    """
    total = len(diagram.steps)
    return {
        **state_context(diagram, trace, 1, uid),
        "uid": uid,
        "slug": slug,
        "diagram": diagram,
        "replay": True,
        "current": diagram.step(0),
        "step": 1,
        "total": total,
        "first": 1,
        "last": total,
        "prev": 1,
        "next": min(2, total),
        "base_query": "",
        "steps_json": diagram.to_json(),
        "steps_id": f"steps-{uid}",
        "choice": whatif.WhatIf(preset=""),
        "presets": [],
        "knobs": [],
    }


def state_context(diagram: layout.Diagram, trace, step: int, uid: str) -> dict:
    """The state panel, the scrubber's ticks and the dispositions revealed by step `step` (1-based).

    Without a trace (a replay whose caller did not pass it) there is no panel and every disposition shows.
    """
    series = panel.build(trace) if trace is not None and trace.steps else None
    index = step - 1
    reveal = series.reveal if series else {}
    rows = [dict(row, reveal=reveal.get(row["record"], 0)) for row in diagram.dispositions]
    for row in rows:
        row["shown"] = row["reveal"] <= index
    with_state = series is not None and series.has_state
    return {
        "panel": series.view(index) if with_state else None,
        # without a panel the scrubber still needs each step's clock
        "state_json": series.pack() if with_state else {"steps": [[s.clock, [], ""] for s in diagram.steps]},
        "state_id": f"state-data-{uid}",
        "dispositions": rows,
        "shown_any": any(row["shown"] for row in rows),
        "ticks": [s.number for s in diagram.steps if s.tone != "info" or s.index in (0, len(diagram.steps) - 1)],
    }
