"""Exercises for the web: load them once, grade a learner's code through the sandbox, record a pass."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from learn import catalog
from learn.playground import runtime
from learn.quiz.services import Owner
from learn.sandbox import runner as sandbox

from . import bank, grading
from .checks import Invocation
from .models import ExercisePass


@functools.cache
def exercises() -> dict[str, bank.Exercise]:
    cat = catalog.load()
    return bank.load(catalog.content_dir() / "exercises", set(cat.sources))


def sandbox_runner(timeout_s: float = 3) -> grading.Runner:
    """Run a step's events one after another in one sandbox environment (keyed by learner, exercise and step)."""

    def run(code: str, handler: str, events: Sequence[Any], env_key: str) -> list[Invocation]:
        results = []
        for event in events:
            result = runtime.run(code, event, learner=env_key, handler=handler, timeout_s=timeout_s)
            results.append(Invocation(result.status, result.response, result.error, tuple(result.logs)))
        return results

    return run


def grade(slug: str, code: str, learner: str, *, visible_only: bool, runner: grading.Runner | None = None):
    exercise = exercises()[slug]
    contract = catalog.load().sources[exercise.source].response.contract
    try:
        return grading.grade(exercise, code, runner or sandbox_runner(), learner, contract, only_visible=visible_only)
    finally:
        if runner is None:  # each step ran in its own environment: free them now rather than at the idle timeout
            sandbox.forget(f"{learner}:{slug}:")


def record_pass(owner: Owner, slug: str, code: str) -> None:
    if ExercisePass.objects.filter(owner.filter(), slug=slug).exists():
        return
    try:
        with transaction.atomic():
            ExercisePass.objects.create(slug=slug, code=code, **owner.fields())
    except IntegrityError:
        pass


def passed(owner: Owner) -> set[str]:
    return set(ExercisePass.objects.filter(owner.filter()).values_list("slug", flat=True))
