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
# Hidden cases are reported together: the first failing case's hint (by check, never by case) is all a learner sees.
Runner = Callable[[str, str, Sequence[Any], str], list[Invocation]]


@dataclass(frozen=True)
class StepResult:
    name: str
    visible: bool
    passed: bool
    feedback: tuple[Feedback, ...]
    position: int = -1  # the step's index in the exercise (visible steps only), for the feedback diagram
    last: Invocation | None = None  # the run of the step's last event (visible steps only)


HIDDEN_NAME = "Hidden cases"
ALL_HIDDEN_PASSED = "All hidden cases passed."
SOME_HIDDEN_FAILED = "Some hidden cases failed."
MAX_MESSAGE = 600


@dataclass(frozen=True)
class Report:
    """Visible steps one by one; hidden steps only as ONE summary step (all passed, or some failed with the
    first failure's generic hint), so submitting probes learns at most one bit about the hidden events."""

    steps: tuple[StepResult, ...]
    complete: bool = False  # hidden cases were graded too (a submission, not "run the examples")
    invocations: int = 0  # real invocations the grading made

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def score(self) -> tuple[int, int]:
        return sum(s.passed for s in self.steps), len(self.steps)


def planned_invocations(exercise: Exercise, *, only_visible: bool = False) -> int:
    """The most real invocations grading makes: one per event of every step it may run."""
    return sum(len(s.events) for s in exercise.steps if s.visible or not only_visible)


def grade(
    exercise: Exercise, code: str, runner: Runner, learner: str, contract: str, *, only_visible: bool = False
) -> Report:
    results: list[StepResult] = []
    invocations = 0
    for position, step in enumerate(exercise.steps):
        if step.visible:
            result, _ = _grade_step(
                exercise, step, code, runner, position, f"{learner}:{exercise.slug}:{position}", contract
            )
            invocations += len(step.events)
            results.append(result)
    if only_visible:
        return Report(tuple(results), complete=False, invocations=invocations)
    hint = ""
    for position, step in enumerate(exercise.steps):
        if step.visible:
            continue
        result, first_failed = _grade_step(
            exercise, step, code, runner, position, f"{learner}:{exercise.slug}:{position}", contract
        )
        invocations += len(step.events)
        if not result.passed:  # the rest cannot change the verdict: save the learner's invocations
            hint = HIDDEN_FAILURE.get(first_failed, "")
            break
    summary = Feedback(True, ALL_HIDDEN_PASSED) if not hint else Feedback(False, f"{SOME_HIDDEN_FAILED} {hint}")
    results.append(StepResult(HIDDEN_NAME, False, summary.passed, (summary,)))
    return Report(tuple(results), complete=True, invocations=invocations)


def _printable(message: str) -> str:
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates from learner output
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _grade_step(
    exercise: Exercise, step: Step, code: str, runner: Runner, position: int, env_key: str, contract: str
) -> tuple[StepResult, str]:
    """The step's result, and the name of its first failing check ("" when it passed)."""
    runs = runner(code, exercise.handler, list(step.events), env_key)
    last, event = runs[-1], step.events[-1]
    checks = [(name, spec) for name, spec in step.expect if spec is not False]
    feedback = [CHECKS[name](last, spec, event, contract) for name, spec in checks]
    feedback = [Feedback(f.passed, _printable(f.message)) for f in feedback]
    first_failed = next((name for (name, _), f in zip(checks, feedback, strict=True) if not f.passed), "")
    if not step.visible:  # never reveal a hidden case's data or expected values
        feedback = [
            f if f.passed else Feedback(False, HIDDEN_FAILURE.get(name, "This hidden case did not pass."))
            for (name, _), f in zip(checks, feedback, strict=True)
        ]
    passed = all(f.passed for f in feedback)
    if not step.visible:
        return StepResult(step.name, False, passed, tuple(feedback)), first_failed
    return StepResult(step.name, True, passed, tuple(feedback), position, last), first_failed
