"""Exercises for the web: load them once, grade a learner's code through the sandbox, record a pass."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from learn import catalog
from learn.playground import runtime
from learn.playground import service as playground
from learn.quiz.services import Owner
from learn.sandbox import runner as sandbox

from . import bank, grading
from .checks import Invocation
from .models import ExercisePass


@functools.cache
def exercises() -> dict[str, bank.Exercise]:
    cat = catalog.load()
    return bank.load(catalog.content_dir() / "exercises", set(cat.sources))


def ordered() -> list[bank.Exercise]:
    """Exercises in the order the index lists them: easiest first, then by title."""
    return sorted(exercises().values(), key=lambda e: (e.difficulty, e.title))


def next_exercise(slug: str, done: set[str]) -> bank.Exercise | None:
    """The next exercise after `slug` in the index's order that the learner has not passed (None: all passed)."""
    items = ordered()
    at = next((i for i, e in enumerate(items) if e.slug == slug), -1)
    following = items[at + 1 :] + items[: max(at, 0)]
    return next((e for e in following if e.slug not in done and e.slug != slug), None)


def sandbox_runner(timeout_s: float = 3) -> grading.Runner:
    """Run a step's events one after another in one sandbox environment (keyed by learner, exercise and step),
    threading the step's emulated AWS state (if it has resources) from each run into the next."""

    def run(code: str, handler: str, events: Sequence[Any], env_key: str, aws: dict | None = None) -> list[Invocation]:
        results = []
        report = None
        for event in events:
            result = runtime.run(code, event, learner=env_key, handler=handler, timeout_s=timeout_s, aws=aws)
            aws, report = grading.thread_state(aws, result.aws, report)
            results.append(Invocation(result.status, result.response, result.error, tuple(result.logs), report))
        return results

    return run


def grade(
    slug: str,
    code: str,
    learner: str,
    *,
    visible_only: bool,
    runner: grading.Runner | None = None,
    client: str = "",
) -> grading.Report:
    """Grade through the sandbox. Every real invocation counts against the sandbox rate limits (the learner's and
    the client address's, as on the sandbox page): all of them are charged before anything runs (RateLimited
    means nothing ran), and those grading did not need (it stops at the first failing hidden case) are given
    back afterwards."""
    exercise = exercises()[slug]
    contract = catalog.load().sources[exercise.source].response.contract
    planned = grading.planned_invocations(exercise, only_visible=visible_only)
    charged = playground.charge(learner, client, planned)
    made = 0
    base = runner or sandbox_runner()

    def counting(code: str, handler: str, events: Sequence[Any], env_key: str, **aws: Any) -> list[Invocation]:
        nonlocal made
        made += len(events)
        return base(code, handler, events, env_key, **aws)

    try:
        return grading.grade(exercise, code, counting, learner, contract, only_visible=visible_only)
    finally:
        playground.refund(charged, planned - made)
        if runner is None:  # each step ran in its own environment: free them now rather than at the idle timeout
            sandbox.forget(f"{learner}:{slug}:")


def check_submissions(learner: str, client: str = "") -> None:
    """Count one graded submission (hidden cases included) for the hour, or raise TooManySubmissions."""
    hour = int(time.time() // 3600)
    limit = int(getattr(settings, "EXERCISE_SUBMISSIONS_PER_HOUR", 60))
    minutes = max(1, int((3600 - time.time() % 3600) // 60) + 1)
    for who, limit_here in ((learner, limit), (f"address:{client}" if client else "", limit * 5)):
        if not who:
            continue
        key = f"exercise-submissions:{hashlib.sha256(who.encode()).hexdigest()[:32]}:{hour}"
        if cache.add(key, 1, 3700):
            continue
        try:
            count = cache.incr(key)
        except ValueError:  # the cache cannot count: do not block learners
            continue
        if count > limit_here:
            with contextlib.suppress(ValueError):
                cache.decr(key)
            raise TooManySubmissions(
                f"You have submitted {limit} times this hour{'' if who == learner else ' from this address'}. "
                f"Submissions (with the hidden cases) open again in about {minutes} minutes; "
                "until then “Run the examples” still works.",
                retry_after_s=minutes * 60,
            )


class TooManySubmissions(playground.RateLimited):
    pass


class GradingInProgress(Exception):
    """The learner already has a grading run going (another tab, a double click)."""


@contextlib.contextmanager
def one_at_a_time(learner: str, *, hold_s: int = 180):
    """Let one grading run per learner go at a time; a second one is refused (GradingInProgress)."""
    key = f"exercise-grading:{hashlib.sha256(learner.encode()).hexdigest()[:32]}"
    token = uuid.uuid4().hex
    if not cache.add(key, token, hold_s):
        raise GradingInProgress(
            "Your previous check is still running (another tab, or a double click). Wait for its result, then "
            "try again."
        )
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


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
