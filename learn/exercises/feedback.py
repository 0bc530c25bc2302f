"""Exercise feedback as a state diagram: what the source would do with the handler's answer to a visible case.

The grading already ran the handler; its last answer to the chosen case becomes the engine's outcome, repeated on
every retry (as if the handler answered the same way each time). No further code runs: this is a simulation of
the recorded answer, with the mapping configured the way the exercises describe it (partial batch responses on;
FIFO when the messages carry a group id).
"""

from __future__ import annotations

from typing import Any

from learn import engine
from learn.playground import replay

from .bank import Exercise
from .grading import Report, StepResult

FAILED_STATUSES = {"error", "timeout", "throttle"}


def aws_reports(exercise: Exercise, report: Report | None) -> list[tuple[StepResult, dict | None]]:
    """Each reported step with what its handler did to emulated AWS on the step's last delivery (calls, and the
    resources after it, marked against the step's starting resources); None for hidden steps and steps whose
    exercise has no resources, so nothing of a hidden case is shown."""
    from learn.playground import resources

    shown = []
    for step in report.steps if report else ():
        aws = None
        if step.visible and step.last is not None and step.position >= 0:
            start = exercise.steps[step.position].aws
            if start is not None:
                aws = resources.report(step.last.aws, start.get("state"))
                aws["number"] = len(exercise.steps[step.position].events)
                aws["since_start"] = aws["number"] > 1  # the marks cover every delivery of the case, not only the last
        shown.append((step, aws))
    return shown


def chosen_step(report: Report | None) -> StepResult | None:
    """The first visible case that failed, else the first visible case (what the learner most needs to see)."""
    visible = [s for s in (report.steps if report else ()) if s.visible and s.last is not None]
    return next((s for s in visible if not s.passed), visible[0] if visible else None)


def settings_for(exercise: Exercise, event: Any, catalog) -> dict[str, Any]:
    names = {k.name for k in engine.knobs_for(exercise.source, catalog)}
    settings: dict[str, Any] = {}
    if "report_batch_item_failures" in names:
        settings["report_batch_item_failures"] = True
    if "fifo" in names and any(r.get("group") for r in replay.records_of(exercise.source, event)):
        settings["fifo"] = True
    return settings


def trace_for(exercise: Exercise, step: StepResult, contract: str, catalog) -> engine.Trace | None:
    """The simulated trace for one graded visible case, or None when it cannot be simulated."""
    if step.last is None or step.position < 0:
        return None
    event = exercise.steps[step.position].events[-1]
    status = step.last.status if step.last.status in FAILED_STATUSES | {"ok"} else "error"  # crash, out of memory
    outcome = replay.outcome_for(exercise.source, contract, event, status, step.last.response)
    try:
        records = replay.records_of(exercise.source, event)
        return engine.simulate(
            exercise.source, settings_for(exercise, event, catalog), records, [outcome], catalog=catalog
        )
    except engine.EngineError:
        return None
