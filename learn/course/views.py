"""Home, learning paths and lesson checkpoints: thin views over learn.course's plain modules."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learn import catalog, ratelimit
from learn.lessons import htmx
from learn.lessons.views import not_found
from learn.progress.learners import owner_of
from learn.quiz import forms as quiz_forms
from learn.quiz import limits, questions
from learn.quiz import services as quiz
from learn.quiz.grading import InvalidAnswer

from . import checkpoints, paths, progress
from .models import StepDone


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    owner = owner_of(request, create=False)  # a visitor's GET stores nothing (W6)
    known = progress.evidence(owner)
    path_rows = progress.path_progress(owner, known)
    current = progress.current(path_rows) if owner.known and any(p.done for p in path_rows) else None
    return render(
        request,
        "lessons/home.html",
        {
            "models": [cat.models[m] for m in ("sync", "async", "poll")],
            "counts": {m: len(cat.sources_for_model(m)) for m in ("sync", "async", "poll")},
            "source_count": len(cat.sources),
            "featured": [cat.sources[s] for s in ("api-gateway-http", "sqs", "s3", "kinesis") if s in cat.sources],
            "paths": list(zip(paths.all_paths().values(), path_rows, strict=True)),
            "current": current,
            "exercise_count": len(_exercises()),
            "wiring_exercise_count": len(_wiring_exercises()),
            "question_count": len(questions.load().items),
        },
    )


def _wiring_exercises() -> dict:
    from learn.wiring import exercises

    return exercises.load()


def _exercises() -> dict:
    from learn.exercises import service

    return service.exercises()


@require_safe
def path_list(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request, create=False)
    rows = progress.path_progress(owner)
    return render(request, "course/paths.html", {"paths": list(zip(paths.all_paths().values(), rows, strict=True))})


@require_safe
def path_detail(request: HttpRequest, path_id: str) -> HttpResponse:
    path = paths.all_paths().get(path_id)
    if path is None:
        return not_found(request)
    known = progress.evidence(owner_of(request, create=False))
    steps = progress.steps_with_state(path, known)
    done = sum(1 for _, state in steps if state == "done")
    return render(request, "course/path.html", {"path": path, "steps": steps, "done": done})


@require_POST
def mark_step(request: HttpRequest, path_id: str, number: int) -> HttpResponse:
    """ "Mark as done" for a step that leaves no evidence of its own (a model page, a diagram, a lesson)."""
    path = paths.all_paths().get(path_id)
    if path is None or not 1 <= number <= len(path.steps):
        return not_found(request)
    step = path.steps[number - 1]
    if step.kind in ("exercise", "checkpoint"):
        return render(request, "course/error.html", {"message": NOT_MARKABLE, "path": path}, status=422)
    owner = owner_of(request)  # an action: this starts the learner's session
    if not StepDone.objects.filter(owner.filter(), key=step.key).exists():
        StepDone.objects.get_or_create(key=step.key, **owner.fields())
    if request.POST.get("continue") and number < len(path.steps):  # from the step's own page: on to the next
        return redirect(path.steps[number].url)
    return redirect(reverse("course:path", args=[path.id]) + f"#step-{number}")


NOT_MARKABLE = (
    "An exercise is done when it passes and a checkpoint when every question is answered: do it, then it counts."
)


@require_safe
def practice(request: HttpRequest, slug: str) -> HttpResponse:
    """Where a mastery bar's "Practise questions" leads: the learner's standing on the source and a form that
    starts a practice quiz on it (a GET stores nothing; the quiz starts with the form's POST)."""
    source = catalog.load().sources.get(slug)
    if source is None:
        return not_found(request)
    owner = owner_of(request, create=False)
    mastery = progress.source_mastery(owner)[slug]
    count = len(questions.load().for_source(slug))
    return render(request, "course/practice.html", {"source": source, "mastery": mastery, "count": count})


@require_http_methods(["GET", "HEAD", "POST"])
@htmx.varies_on_htmx
def checkpoint(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the checkpoint (a fragment for htmx, a page otherwise). POST: answer one question, or start again."""
    source = catalog.load().sources.get(slug)
    if source is None:
        return not_found(request)
    bank, now = questions.load(), timezone.now()
    current = checkpoints.state(owner_of(request, create=False), bank, slug, now)
    status, focus = 200, None
    if request.method == "POST":
        outcome = _post(request, source, bank, current, now)
        if isinstance(outcome, HttpResponse):
            return outcome
        current, focus, status = outcome
        if status == 200 and not htmx.wants_partial(request):
            # Post/redirect/get, back to the lesson's own checkpoint section (it renders the same fragment).
            return redirect(reverse("lessons:lesson", args=[slug]) + "#checkpoint")
    partial = htmx.wants_partial(request)
    one_question = partial and focus is not None and request.POST.get("action") != "retake"
    if one_question:  # the answered question, and the checkpoint's status out of band
        template = "course/_checkpoint.html#question"
    else:
        template = "course/_checkpoint.html" if partial else "course/checkpoint.html"
    following = progress.next_step(owner_of(request, create=False)) if current.complete else None
    # after an answer, the next question appears out of band (the page shows one new question at a time)
    reveal = current.current if one_question and focus is not None and focus.answered else None
    context = {
        "source": source,
        "checkpoint": current,
        "q": focus,
        "oob": one_question,
        "next_step": following,
        "reveal": reveal,
    }
    return htmx.finish(request, render(request, template, context, status=status), partial)


def _post(request: HttpRequest, source, bank, current: checkpoints.State, now):
    """Record what was posted; (state, the question to show, status), or a response when refused outright."""
    slug = source.slug
    if request.POST.get("action") == "retake":
        if current.attempt is None or not current.complete:
            return current, None, 200  # nothing to start again: show the checkpoint as it is
        if refused := limits.charge(request, owner_of(request, create=False), exam=False):
            return ratelimit.refused(request, refused.retry_after_s, refused.message)
        owner = owner_of(request)
        checkpoints.begin(owner, bank, slug, f"Checkpoint: {source.short_name}", now)
        return checkpoints.state(owner, bank, slug, now), None, 200
    item_id = str(request.POST.get("item", ""))[:200]
    question = current.question(item_id)
    if question is None:
        return _refuse(request, source, current, "That question is not part of this checkpoint.")
    try:
        keys = quiz_forms.answer_keys(question.item, request.POST)
        checkpoints.check_shape(question.item, keys)
    except InvalidAnswer as error:
        question.error, question.chosen = str(error), tuple(request.POST.getlist("choice"))[:8]
        return current, question, 422
    if item_id in current.held:
        question.error = checkpoints.HELD
        return current, question, 409
    attempt = current.attempt
    owner = owner_of(request, create=False)
    if attempt is None:
        if refused := limits.charge(request, owner, exam=False):
            return ratelimit.refused(request, refused.retry_after_s, refused.message)
        owner = owner_of(request)  # the learner's first answer: now they get a session
        attempt = checkpoints.begin(owner, bank, slug, f"Checkpoint: {source.short_name}", now)
    try:
        checkpoints.answer(owner, bank, current, item_id, keys, attempt, now)
    except quiz.Closed:
        pass  # answered before: the checkpoint shows that answer
    except (InvalidAnswer, checkpoints.HeldByExam) as error:
        question.error = str(error)
        return current, question, 422
    fresh = checkpoints.state(owner, bank, slug, now)
    return fresh, fresh.question(item_id), 200


def _refuse(request: HttpRequest, source, current: checkpoints.State, message: str) -> HttpResponse:
    """A tampered answer (a question that is not in this checkpoint): say so, never a 500."""
    context = {"source": source, "checkpoint": current, "error": message}
    partial = htmx.wants_partial(request)
    template = "course/_checkpoint.html" if partial else "course/checkpoint.html"
    return htmx.finish(request, render(request, template, context, status=422), partial)
