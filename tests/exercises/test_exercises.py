"""Every exercise: its reference solution passes every step; its starter code fails at least one."""

from __future__ import annotations

import pytest

from learn.catalog import loader
from learn.exercises import bank, grading
from learn.exercises.local_runner import run_trusted
from learn.sandbox import environments

from ..conftest import CONTENT

CATALOG = loader.load(CONTENT)
EXERCISES = bank.load(CONTENT / "exercises", set(CATALOG.sources))


def contract(exercise):
    return CATALOG.sources[exercise.source].response.contract


def needs_emulation(exercise):
    """Exercises with side effects run against the sandbox's boto3/moto layer (`make install` puts it there)."""
    if any(step.aws for step in exercise.steps) and environments.aws_layer() is None:
        pytest.skip("the sandbox's boto3/moto layer is not installed (make install)")


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=list(EXERCISES))
def test_reference_solution_passes_every_step(exercise):
    needs_emulation(exercise)
    report = grading.grade(exercise, exercise.solution, run_trusted, "tester", contract(exercise))
    failed = [(s.name, [f.message for f in s.feedback if not f.passed]) for s in report.steps if not s.passed]
    assert report.passed, failed


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=list(EXERCISES))
def test_starter_code_does_not_pass(exercise):
    needs_emulation(exercise)
    assert not grading.grade(exercise, exercise.starter, run_trusted, "tester", contract(exercise)).passed


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=list(EXERCISES))
def test_exercise_has_hidden_steps_and_progressive_hints(exercise):
    assert any(not s.visible for s in exercise.steps) and exercise.visible_steps
    assert len(exercise.hints) >= 2 and exercise.docs


def test_hidden_step_feedback_names_the_step_but_not_its_event():
    exercise = EXERCISES["sqs-partial-batch"]
    report = grading.grade(exercise, exercise.starter, run_trusted, "tester", contract(exercise))
    hidden = [s for s in report.steps if not s.visible]
    assert hidden and all(s.name for s in hidden) and not all(s.passed for s in hidden)
    messages = " ".join(f.message for s in hidden for f in s.feedback)
    assert "e1f2a3b4" not in messages and "d4e5f6a7" not in messages and "c9a0d3e1" not in messages
    visible = " ".join(f.message for s in report.steps if s.visible for f in s.feedback)
    assert "b2f1e7c0-0002" in visible  # visible examples may show the details
