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


def error_caveat(report: Report) -> str:
    """What a simulation of a template with error-level findings takes for granted, in plain words ("" if none)."""
    errors = [f for f in report.findings if f.level == "error"]
    if not errors:
        return ""
    first = errors[0]
    where = f"line {first.line}: " if first.line else ""
    count = f"{len(errors)} errors" if len(errors) > 1 else "an error"
    if any(f.code == "push-without-permission" for f in errors):
        assumed = (
            "This simulation assumes the missing invoke permission (AWS::Lambda::Permission) exists. On AWS, as "
            "written, the source's invocation is refused and the function never runs."
        )
    else:
        assumed = (
            "This simulation assumes those errors are fixed. On AWS, as written, the stack may not deploy or the "
            "wiring may not work at all."
        )
    return f"The checker found {count} in this template ({where}{first.message.rstrip('.')}). {assumed}"
