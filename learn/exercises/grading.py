"""Grade a learner's code against an exercise, with a pluggable runner (the sandbox in production)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .bank import Exercise, Step
from .checks import CHECKS, Feedback, Invocation

# runner(code, handler, events, env_key) -> one Invocation per event, all in one environment
HIDDEN_FAILURE = {
    "succeeds": "The handler failed on this hidden case.",
    "raises": "This hidden case should make the handler raise.",
    "contract": "The response does not have the shape the source expects.",
    "batch_item_failures": "The reported failed items are not the right ones.",
    "response": "The response's values are not the expected ones.",
    "record_results": "Some records have the wrong result.",
    "logs_contain": "The log is missing an expected line.",
    "logs_lack": "The log shows something it should not.",
    "raises_with": "This hidden case should make the handler raise with the right message.",
    "record_json": "Some transformed records do not hold the expected data.",
}
Runner = Callable[[str, str, Sequence[Any], str], list[Invocation]]


@dataclass(frozen=True)
class StepResult:
    name: str
    visible: bool
    passed: bool
    feedback: tuple[Feedback, ...]


@dataclass(frozen=True)
class Report:
    steps: tuple[StepResult, ...]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def score(self) -> tuple[int, int]:
        return sum(s.passed for s in self.steps), len(self.steps)


def grade(
    exercise: Exercise, code: str, runner: Runner, learner: str, contract: str, *, only_visible: bool = False
) -> Report:
    results = []
    for position, step in enumerate(exercise.steps):
        if only_visible and not step.visible:
            continue
        results.append(_grade_step(exercise, step, code, runner, f"{learner}:{exercise.slug}:{position}", contract))
    return Report(tuple(results))


def _grade_step(exercise: Exercise, step: Step, code: str, runner: Runner, env_key: str, contract: str) -> StepResult:
    runs = runner(code, exercise.handler, list(step.events), env_key)
    last, event = runs[-1], step.events[-1]
    checks = [(name, spec) for name, spec in step.expect if spec is not False]
    feedback = [CHECKS[name](last, spec, event, contract) for name, spec in checks]
    if not step.visible:  # never reveal a hidden case's data or expected values
        feedback = [
            f if f.passed else Feedback(False, HIDDEN_FAILURE.get(name, "This hidden case did not pass."))
            for (name, _), f in zip(checks, feedback, strict=True)
        ]
    return StepResult(step.name, step.visible, all(f.passed for f in feedback), tuple(feedback))
