"""Every exercise's reference solution passes every step in the REAL sandbox (stdlib only, seccomp, no network)."""

from __future__ import annotations

import pytest

from learn.exercises import service
from learn.sandbox import runner

OK, WHY = runner.probe()
pytestmark = pytest.mark.skipif(not OK, reason=f"bubblewrap sandbox unavailable: {WHY} (CI installs it)")


@pytest.fixture(autouse=True)
def fresh_pool():
    yield
    runner.shutdown()


@pytest.mark.parametrize("slug", sorted(service.exercises()))
def test_reference_solution_passes_in_the_sandbox(slug):
    exercise = service.exercises()[slug]
    report = service.grade(slug, exercise.solution, "sandbox-test", visible_only=False)
    failed = [(s.name, [f.message for f in s.feedback if not f.passed]) for s in report.steps if not s.passed]
    assert report.passed, failed
    assert not service.grade(slug, exercise.starter, "sandbox-test", visible_only=False).passed
