"""State snapshots agree with the trace's events, for any source, settings and outcomes (hypothesis).

At every step: each record is held by exactly one place (nothing vanishes, nothing is in two places); receive
counts and attempt numbers never go down; a shard's checkpoint never moves backwards. Events agree with the
state they lead to: after an invoke step its records are in a batch or at the function; after a move to a DLQ
or destination they are in that bin; the last snapshot puts each record where its disposition says.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from learn import engine
from learn.engine.simulate import default_catalog
from learn.engine.state import BINS, holders

from .test_properties import COMMON, SLUGS, run, scenarios

TARGET_BINS = {  # a step towards one of these actors leaves its records in one of these bins
    "queue-dlq": {"queue-dlq"},
    "function-dlq": {"function-dlq"},
    "destination": {"destination"},
    "service-dlq": {"service-dlq", "broker-dlq"},
}


def problems(trace) -> list[str]:
    """Every way the trace's snapshots disagree with each other or with its events (empty when consistent)."""
    found: list[str] = []
    records = set(trace.records)
    last_count: dict[tuple[str, str], int] = {}
    checkpoints: dict[str, int] = {}
    for step in trace.steps:
        where = f"step {step.index + 1} ({step.kind}: {step.summary[:60]})"
        snap = step.snapshot
        if not snap or "places" not in snap:
            return [f"{where}: no snapshot"]
        if snap["t_ms"] != step.t_ms:
            found.append(f"{where}: snapshot at {snap['t_ms']} ms, step at {step.t_ms} ms")
        held = holders(snap)
        listed_all = all(len(p["items"]) == p["count"] for p in snap["places"])
        if listed_all:
            for record in records:
                places = held.get(record, [])
                if len(places) != 1:
                    found.append(f"{where}: record {record} held by {places or 'no place'}")
        for record in held:
            if record not in records:
                found.append(f"{where}: unknown record {record}")
        seen: dict[str, set[str]] = {}
        for p in snap["places"]:
            for entry in p["items"]:
                seen.setdefault(entry["id"], set()).add(p["kind"])
                for attr in ("receive_count", "attempt"):
                    value = entry["attrs"].get(attr)
                    if isinstance(value, int) and not entry["ref"]:
                        key = (entry["id"], attr)
                        if value < last_count.get(key, 0):
                            found.append(f"{where}: {attr} of {entry['id']} went down to {value}")
                        last_count[key] = value
            checkpoint = p["meta"].get("checkpoint")
            if isinstance(checkpoint, int):
                if checkpoint < checkpoints.get(p["id"], -1):
                    found.append(f"{where}: checkpoint of {p['id']} moved back to {checkpoint}")
                checkpoints[p["id"]] = checkpoint
        if step.kind == "invoke" and listed_all:
            for record in step.records:
                if not seen.get(record, set()) & {"batch", "function"}:
                    found.append(f"{where}: invoked record {record} is in no batch and not at the function")
        bins = TARGET_BINS.get(step.target or "")
        if bins and listed_all:
            for record in step.records:
                if not set(held.get(record, [])) & bins:
                    found.append(f"{where}: record {record} sent to {step.target} but held by {held.get(record)}")
    if trace.steps and all(len(p["items"]) == p["count"] for p in trace.steps[-1].snapshot["places"]):
        final = holders(trace.steps[-1].snapshot)
        for record, disposition in trace.dispositions.items():
            expected = BINS.get(disposition.kind)
            places = final.get(record, [])
            if expected and places != [expected[0]]:
                found.append(f"end: record {record} ({disposition.kind}) held by {places}, not {expected[0]}")
            if not expected and (len(places) != 1 or places[0] in {b for b, _ in BINS.values()}):
                found.append(f"end: record {record} still in play but held by {places}")
    return found


def preset_cases():
    cat = default_catalog()
    for slug in SLUGS:
        for preset, _ in engine.presets_for(slug, cat):
            yield pytest.param(slug, preset, id=f"{slug}-{preset}")


@pytest.mark.parametrize(("slug", "preset"), list(preset_cases()))
def test_every_preset_has_consistent_snapshots(slug, preset):
    trace = engine.scenario(slug, preset)
    assert problems(trace) == []


@COMMON
@given(scenarios())
def test_any_scenario_has_consistent_snapshots(scenario):
    trace = run(scenario)
    assert problems(trace) == []


def test_a_large_run_lists_a_sample_and_counts_the_rest():
    trace = engine.simulate("sqs", {"batch_size": 10}, 300, "ok")
    first = trace.steps[0].snapshot["places"][0]
    assert first["id"] == "queue" and first["count"] == 300 and len(first["items"]) == engine.state.MAX_ITEMS
    last = {p["id"]: p for p in trace.steps[-1].snapshot["places"]}
    assert last["processed"]["count"] == 300 and "queue" in last and last["queue"]["count"] == 0
