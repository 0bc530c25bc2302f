"""Simulating a template's wiring: its settings become the engine's knobs, the learner picks a failure scenario."""

from __future__ import annotations

from learn import engine

from .types import Report, Scenario


def scenarios_for(slug: str) -> list[Scenario]:
    """The failure scenarios a learner can pick for this source (the engine's presets)."""
    from learn.engine.presets import preset_inputs

    out = []
    for key, label in engine.presets_for(slug):
        records, outcomes = preset_inputs(slug, key)
        out.append(Scenario(key=key, label=label, records=records, outcomes=list(outcomes)))
    return out


def simulate_template(
    report: Report,
    wiring_index: int = 0,
    scenario_key: str | None = None,
    *,
    outcomes: list[str] | None = None,
    records: int | list | None = None,
) -> engine.Trace:
    """Run the engine on one wiring of the report, with a scenario (or explicit outcomes/records)."""
    if report.error:
        raise engine.EngineError(f"The template could not be read: {report.error}")
    if not report.wirings:
        raise engine.EngineError("The template wires no event source to a function: there is nothing to simulate.")
    if not 0 <= wiring_index < len(report.wirings):
        count = len(report.wirings)
        raise engine.EngineError(f"There is no wiring number {wiring_index + 1}; the template has {count}.")
    wiring = report.wirings[wiring_index]
    if outcomes is None:
        scenarios = {s.key: s for s in scenarios_for(wiring.source)}
        key = scenario_key or next(iter(scenarios))
        if key not in scenarios:
            raise engine.EngineError(
                f"unknown scenario {key!r} for {wiring.source}; choose one of {', '.join(scenarios)}"
            )
        chosen = scenarios[key]
        outcomes = chosen.outcomes
        records = chosen.records if records is None else records
    return engine.simulate(wiring.source, wiring.settings, records if records is not None else 1, outcomes)
