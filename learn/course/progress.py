"""Where a learner stands: mastery per source from evidence, progress along each path, and the next step.

Evidence is what the learner did, never what they looked at: answers to checkpoint and quiz questions (only
counted ones: an open exam's answers wait until it is submitted, see learn.quiz.services.counted), graded
exercises passed, lessons marked read and path steps marked done. Opening a page is at most "opened".

`owner` is a learn.quiz.services.Owner (`Owner(user_id, "")` for an account). A visitor who has done nothing
(`owner.known` is False) gets zeros without a query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from learn import catalog
from learn.quiz import questions
from learn.quiz.models import Answer, Attempt
from learn.quiz.services import Owner, counted

from . import checkpoints, paths
from .paths import LearningPath, Step

WINDOW = 10  # mastery looks at the learner's most recent answers on a source, so it can rise and fall
EXERCISE_WEIGHT = 2  # a passed graded exercise counts as this many right answers
MIN_EVIDENCE = 5  # below this, no verdict beyond "started"
MASTERED, PRACTISING = 0.8, 0.5


@dataclass(frozen=True)
class Mastery:
    level: float  # 0..1
    evidence: int  # answers counted, plus EXERCISE_WEIGHT per exercise passed
    label: str  # "not started", "opened", "started", "needs work", "practising", "mastered"
    raise_url: str  # the thing to do next that raises it
    raise_text: str = ""  # words for that link


@dataclass(frozen=True)
class PathProgress:
    path_id: str
    title: str
    done: int
    total: int
    next_step: Step | None
    last_active: dt.datetime | None = None  # when the learner last did one of its steps


@dataclass(frozen=True)
class CheckpointProgress:
    answered: int
    total: int
    complete: bool


@dataclass(frozen=True)
class Evidence:
    """Everything about one learner that progress needs, read once."""

    answers: dict[str, list[tuple[object, bool]]]  # source -> (answered_at, correct), oldest first
    passed: frozenset[str]  # exercise slugs
    read: frozenset[str]  # lesson slugs marked read
    marked: frozenset[str]  # step keys marked done
    checkpoints: dict[str, CheckpointProgress]  # source -> the latest checkpoint attempt's progress
    when: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)  # step key -> last evidence for it


def evidence(owner: Owner) -> Evidence:
    from learn.exercises.models import ExercisePass
    from learn.progress.models import LessonRead

    from .models import StepDone

    if not owner.known:
        return Evidence({}, frozenset(), frozenset(), frozenset(), {})
    bank = questions.load()
    by_source: dict[str, list[tuple[object, bool]]] = defaultdict(list)
    rows = Answer.objects.filter(
        counted(), attempt__in=Attempt.objects.filter(owner.filter()), answered_at__isnull=False
    ).order_by("answered_at")
    for item_id, correct, when in rows.values_list("item_id", "correct", "answered_at"):
        item = bank.items.get(item_id)
        for slug in item.sources if item else ():
            by_source[slug].append((when, bool(correct)))
    latest: dict[str, CheckpointProgress] = {}
    when: dict[str, dt.datetime] = {}
    attempts = Attempt.objects.filter(owner.filter(), mode=Attempt.Mode.CHECKPOINT).order_by("started_at")
    for attempt in attempts.select_related("checkpoint").prefetch_related("answers"):
        times = [a.answered_at for a in attempt.answers.all() if a.answered_at]
        total = len(attempt.item_ids)
        latest[attempt.checkpoint.source] = CheckpointProgress(len(times), total, total > 0 and len(times) == total)
        if times:
            when[f"checkpoint:{attempt.checkpoint.source}"] = max(times)
    passed = dict(ExercisePass.objects.filter(owner.filter()).values_list("slug", "passed_at"))
    read = dict(LessonRead.objects.filter(owner.filter()).values_list("slug", "first_read"))
    marked = dict(StepDone.objects.filter(owner.filter()).values_list("key", "done_at"))
    when.update({f"exercise:{slug}": at for slug, at in passed.items()})
    when.update({f"lesson:{slug}": at for slug, at in read.items()})
    for key, at in marked.items():
        when[key] = max(at, when.get(key, at))
    return Evidence(
        answers=dict(by_source),
        passed=frozenset(passed),
        read=frozenset(read),
        marked=frozenset(marked),
        checkpoints=latest,
        when=when,
    )


def mastery_of(answers: list[tuple[object, bool]], passes: int, opened: bool) -> tuple[float, int, str]:
    """(level, evidence, label) for one source.

    level = right / counted, over the learner's last WINDOW answers on the source plus EXERCISE_WEIGHT right
    answers per graded exercise passed on it. evidence = every answer on the source plus EXERCISE_WEIGHT per pass.
    With less than MIN_EVIDENCE the label is only "started", whatever the level; then "mastered" from 80 %,
    "practising" from 50 %, "needs work" below. No evidence: "opened" if the lesson was read, else "not started".
    """
    recent = [correct for _, correct in answers[-WINDOW:]]
    right = sum(recent) + EXERCISE_WEIGHT * passes
    seen = len(recent) + EXERCISE_WEIGHT * passes
    level = right / seen if seen else 0.0
    amount = len(answers) + EXERCISE_WEIGHT * passes
    if amount == 0:
        return 0.0, 0, "opened" if opened else "not started"
    if amount < MIN_EVIDENCE:
        return level, amount, "started"
    if level >= MASTERED:
        return level, amount, "mastered"
    return level, amount, "practising" if level >= PRACTISING else "needs work"


def _exercises_by_source() -> dict[str, list[str]]:
    """Each source's exercises, the ones a path uses first, then the easier ones."""
    from learn.exercises import service as exercises

    in_paths = {s.target for p in paths.all_paths().values() for s in p.steps if s.kind == "exercise"}
    found: dict[str, list[str]] = defaultdict(list)
    ordered = sorted(exercises.exercises().items(), key=lambda kv: (kv[0] not in in_paths, kv[1].difficulty, kv[0]))
    for slug, exercise in ordered:
        found[exercise.source].append(slug)
    return found


def source_mastery(owner: Owner, known: Evidence | None = None) -> dict[str, Mastery]:
    """Mastery of every source in the catalog (see mastery_of for the formula), each with the one thing that
    raises it most: the lesson's checkpoint until it is done, then the source's exercise until it is passed, then
    practice questions on the source."""
    cat, bank = catalog.load(), questions.load()
    known = known if known is not None else evidence(owner)
    exercises = _exercises_by_source()
    found: dict[str, Mastery] = {}
    for slug in cat.sources:
        passes = sum(1 for e in exercises.get(slug, ()) if e in known.passed)
        level, amount, label = mastery_of(known.answers.get(slug, []), passes, slug in known.read)
        checkpoint = known.checkpoints.get(slug)
        open_exercise = next((e for e in exercises.get(slug, ()) if e not in known.passed), None)
        if not (checkpoint and checkpoint.complete) and bank.for_source(slug):
            url, text = f"/sources/{slug}/#checkpoint", "Take the checkpoint"
        elif open_exercise:
            url, text = f"/exercises/{open_exercise}/", "Do the exercise"
        else:
            url, text = f"/course/practice/{slug}/", "Practise questions"
        found[slug] = Mastery(round(level, 3), amount, label, url, text)
    return found


def step_state(step: Step, known: Evidence) -> tuple[bool, Step]:
    """Whether the step is done, and the step with its per-learner note (a checkpoint's next question)."""
    if step.kind == "lesson":
        return step.target in known.read or step.key in known.marked, step
    if step.kind == "exercise":
        return step.target in known.passed, step
    if step.kind == "checkpoint":
        progress = known.checkpoints.get(step.target)
        if progress is None:
            total = len(checkpoints.choose_items(questions.load(), step.target))
            return False, dataclasses.replace(step, note=f"1 of {total}")
        if progress.complete:
            return True, step
        return False, dataclasses.replace(step, note=f"{progress.answered + 1} of {progress.total}")
    return step.key in known.marked, step


def steps_with_state(path: LearningPath, known: Evidence) -> list[tuple[Step, str]]:
    """Each step with "done", "next" (the first step not done) or "not started"."""
    found: list[tuple[Step, str]] = []
    next_seen = False
    for step in path.steps:
        done, step = step_state(step, known)
        if done:
            found.append((step, "done"))
        elif not next_seen:
            found.append((step, "next"))
            next_seen = True
        else:
            found.append((step, "not started"))
    return found


def path_progress(owner: Owner, known: Evidence | None = None) -> list[PathProgress]:
    known = known if known is not None else evidence(owner)
    found = []
    for path in paths.all_paths().values():
        states = steps_with_state(path, known)
        following = next((step for step, state in states if state == "next"), None)
        done = sum(1 for _, state in states if state == "done")
        active = [known.when[step.key] for step in path.steps if step.key in known.when]
        found.append(PathProgress(path.id, path.title, done, len(states), following, max(active, default=None)))
    return found


def current(progress: list[PathProgress]) -> PathProgress | None:
    """The path to continue: of those started and not finished, the one worked on most recently (the first in
    order on a tie); else the first one not finished."""
    unfinished = [p for p in progress if p.next_step is not None]
    started = [p for p in unfinished if p.done and p.last_active]
    if started:
        latest = max(p.last_active for p in started)
        return next(p for p in started if p.last_active == latest)
    return unfinished[0] if unfinished else None


def next_step(owner: Owner, known: Evidence | None = None) -> Step | None:
    """The learner's next step on the path they are following (see current), with its note filled in."""
    chosen = current(path_progress(owner, known))
    return chosen.next_step if chosen else None
