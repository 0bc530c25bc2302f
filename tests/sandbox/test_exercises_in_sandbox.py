"""Every exercise's reference solution passes every step in the REAL sandbox (stdlib only, seccomp, no network)."""

from __future__ import annotations

import pytest

from learn.exercises import service
from learn.sandbox import runner

from .support import requires_sandbox

pytestmark = requires_sandbox


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Grading charges the sandbox rate limit; these tests grade far more than a learner could in a minute."""
    settings.SANDBOX_RUNS_PER_MINUTE = settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE = 10_000


@pytest.mark.parametrize("slug", sorted(service.exercises()))
def test_reference_solution_passes_in_the_sandbox(slug):
    exercise = service.exercises()[slug]
    report = service.grade(slug, exercise.solution, "sandbox-test", visible_only=False)
    failed = [(s.name, [f.message for f in s.feedback if not f.passed]) for s in report.steps if not s.passed]
    assert report.passed, failed
    assert not service.grade(slug, exercise.starter, "sandbox-test", visible_only=False).passed


def test_grading_frees_the_step_environments():
    exercise = service.exercises()["sqs-partial-batch"]
    service.grade("sqs-partial-batch", exercise.solution, "tidy", visible_only=False)
    assert [key for key in runner.pool().envs if key[0].startswith("tidy:")] == []
