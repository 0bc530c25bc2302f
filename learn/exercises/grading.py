"""Grade a learner's code against an exercise, with a pluggable runner (the sandbox in production)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from . import errors
from .bank import Exercise, Step
from .checks import CHECKS, NO_AWS, STATE_CHECKS, Feedback, Invocation

# runner(code, handler, events, env_key[, aws=...]) -> one Invocation per event, all in one environment; `aws`
# (only passed for a step with resources) is the emulated AWS the first event starts from, which the runner
# threads through the events (thread_state)
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
    "error_type": "This hidden case should make the handler raise an error with the right name.",
    "record_json": "Some transformed records do not hold the expected data.",
    "table_items": "A table does not hold the expected items after these events.",
    "table_item": "An item in a table does not hold the expected values after these events.",
    "queue_messages": "A queue does not hold the expected messages after these events.",
    "bucket_objects": "A bucket does not hold the expected objects after these events.",
    "published": "The events or notifications sent are not the expected ones (count or content).",
}
# Hidden cases are reported together: the first failing case, what the handler did there (raised, timed out,
# crashed) or else its check's generic hint; never the case's event or expected values.
RAISING_CHECKS = {"raises", "raises_with", "error_type"}
Runner = Callable[..., list[Invocation]]


@dataclass(frozen=True)
class StepResult:
    name: str
    visible: bool
    passed: bool
    feedback: tuple[Feedback, ...]
    position: int = -1  # the step's index in the exercise (visible steps only), for the feedback diagram
    last: Invocation | None = None  # the run of the step's last event (visible steps only)
    error_line: int | None = None  # the line of the learner's code where this step's handler failed


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
    load_error: str = ""  # the code could not be loaded: ONE message, and no check ran
    load_error_line: int | None = None
    planned_steps: int = 0  # how many results a grading that ran would have shown (the score's total)

    @property
    def passed(self) -> bool:
        return not self.load_error and all(s.passed for s in self.steps)

    @property
    def score(self) -> tuple[int, int]:
        if self.load_error:
            return 0, self.planned_steps
        return sum(s.passed for s in self.steps), len(self.steps)

    @property
    def error_line(self) -> int | None:
        """The line to mark in the editor: where loading failed, else where the first failing example failed."""
        if self.load_error:
            return self.load_error_line
        return next((s.error_line for s in self.steps if s.visible and not s.passed and s.error_line), None)


def run_step(runner: Runner, code: str, exercise: Exercise, step: Step, env_key: str) -> list[Invocation]:
    """The step's events through the runner; a step with resources starts from a fresh copy of its state."""
    if step.aws is None:
        return runner(code, exercise.handler, list(step.events), env_key)
    return runner(code, exercise.handler, list(step.events), env_key, aws=json.loads(json.dumps(step.aws)))


def thread_state(aws: dict | None, report: dict | None, earlier: dict | None) -> tuple[dict | None, dict | None]:
    """After one run of a step: (the `aws` options for the next run, the report its Invocation carries).

    The next run starts from the state this run left. A run that reported nothing (its environment never
    imported boto3, or it crashed before reporting) left the resources as they were: the last report's state is
    carried, with no calls, so the checks still read the state of the step."""
    if aws is None:
        return None, None
    if isinstance(report, dict) and isinstance(report.get("state"), dict):
        return {**aws, "state": report["state"]}, report
    if earlier is None:
        return aws, report
    return aws, {"calls": [], "dropped_calls": 0, "state": earlier.get("state"), "error": None}


def planned_invocations(exercise: Exercise, *, only_visible: bool = False) -> int:
    """The most real invocations grading makes: one per event of every step it may run."""
    return sum(len(s.events) for s in exercise.steps if s.visible or not only_visible)


def grade(
    exercise: Exercise, code: str, runner: Runner, learner: str, contract: str, *, only_visible: bool = False
) -> Report:
    results: list[StepResult] = []
    invocations = 0
    shown = len(exercise.visible_steps) + (0 if only_visible else 1)
    for position, step in enumerate(exercise.steps):
        if step.visible:
            runs = run_step(runner, code, exercise, step, f"{learner}:{exercise.slug}:{position}")
            invocations += len(step.events)
            first = runs[0]
            if errors.is_load_failure(first.status, first.error, first.logs):
                # the same failure would repeat for every case: report it once, and count no check as passed
                return Report(
                    (),
                    complete=not only_visible,
                    invocations=invocations,
                    load_error=_printable(errors.load_failure(first.status, first.error)),
                    load_error_line=errors.error_line(first.error),
                    planned_steps=shown,
                )
            results.append(_grade_step(exercise, step, runs, position, contract)[0])
    if only_visible:
        return Report(tuple(results), complete=False, invocations=invocations)
    hint = ""
    hidden = [(position, step) for position, step in enumerate(exercise.steps) if not step.visible]
    for number, (position, step) in enumerate(hidden, start=1):
        runs = run_step(runner, code, exercise, step, f"{learner}:{exercise.slug}:{position}")
        invocations += len(step.events)
        result, first_failed = _grade_step(exercise, step, runs, position, contract)
        if not result.passed:  # the rest cannot change the verdict: save the learner's invocations
            hint = _hidden_failure(step, runs[-1], first_failed, number, len(hidden))
            break
    summary = Feedback(True, ALL_HIDDEN_PASSED) if not hint else Feedback(False, f"{SOME_HIDDEN_FAILED} {hint}")
    results.append(StepResult(HIDDEN_NAME, False, summary.passed, (summary,)))
    return Report(tuple(results), complete=True, invocations=invocations)


def _printable(message: str) -> str:
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates from learner output
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _expects_raising(step: Step) -> bool:
    return any(name in RAISING_CHECKS and spec is not False for name, spec in step.expect)


def _hidden_failure(step: Step, last: Invocation, first_failed: str, number: int, total: int) -> str:
    """What went wrong on a hidden case, without its event or expected values: what the handler did when it
    failed unexpectedly (raised, timed out, crashed), else the failing check's generic hint."""
    where = f"on hidden case {number} of {total}"
    if last.status != "ok" and not _expects_raising(step):
        happened = errors.what_happened(last.status, last.error)
        return _printable(f"{happened[0].upper()}{happened[1:]} {where}.")
    if first_failed in STATE_CHECKS and last.aws is None:  # says nothing about the case: boto3 was never used
        return f"{NO_AWS} (The first failure was {where}.)"
    return f"{HIDDEN_FAILURE.get(first_failed, 'This hidden case did not pass.')} (The first failure was {where}.)"


def _grade_step(
    exercise: Exercise, step: Step, runs: list[Invocation], position: int, contract: str
) -> tuple[StepResult, str]:
    """The step's result from its runs, and the name of its first failing check ("" when it passed)."""
    last, event = runs[-1], step.events[-1]
    checks = [(name, spec) for name, spec in step.expect if spec is not False]
    feedback = [CHECKS[name](last, spec, event, contract) for name, spec in checks]
    feedback = [Feedback(f.passed, _printable(f.message)) for f in feedback]
    first_failed = next((name for (name, _), f in zip(checks, feedback, strict=True) if not f.passed), "")
    passed = all(f.passed for f in feedback)
    if not step.visible:  # never reveal a hidden case's data or expected values
        return StepResult(step.name, False, passed, ()), first_failed
    failed_unexpectedly = last.status != "ok" and not _expects_raising(step)
    if failed_unexpectedly and not passed:  # say what happened first, then the checks it broke
        happened = errors.what_happened(last.status, last.error)
        feedback.insert(0, Feedback(False, _printable(f"{happened[0].upper()}{happened[1:]}.")))
    line = errors.error_line(last.error) if failed_unexpectedly else None
    return StepResult(step.name, True, passed, tuple(feedback), position, last, line), first_failed
