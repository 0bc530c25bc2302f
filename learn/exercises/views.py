"""Exercise pages: statement, starter code, examples, progressive hints, graded runs, saved pass state."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from learn import catalog
from learn.lessons.views import not_found
from learn.playground import runtime
from learn.playground import service as playground
from learn.progress.learners import owner_of
from learn.sessions import keep_on_error

from . import service

DRAFT = "exercise-draft:{slug}"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    done = service.passed(owner_of(request))
    items = sorted(service.exercises().values(), key=lambda e: (e.difficulty, e.title))
    return render(
        request,
        "exercises/index.html",
        {
            "exercises": [(e, cat.sources[e.source], e.slug in done) for e in items],
            "done": len(done),
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = service.exercises().get(slug)
    if exercise is None:
        return not_found(request)
    owner = owner_of(request)
    key = DRAFT.format(slug=slug)
    code = request.session.get(key, exercise.starter)
    hints = int(request.session.get(f"{key}:hints", 0))
    report, error, status = None, "", 200
    if request.method == "POST":
        action = request.POST.get("action", "check")
        code = request.POST.get("code", code)[: 70 * 1024]
        request.session[key] = code  # never lose the learner's code
        if action == "hint":
            hints = min(hints + 1, len(exercise.hints))
            request.session[f"{key}:hints"] = hints
        elif action == "reset":
            code = request.session[key] = exercise.starter
        else:
            learner = f"user-{owner.user_id}" if owner.user_id else f"anon-{owner.session_key}"
            try:
                playground.validate(code, 3, 128)
                playground.check_rate(learner)
                report = service.grade(slug, code, learner, visible_only=action == "check")
            except (ValueError, playground.RateLimited) as exc:
                error, status = str(exc), 429 if isinstance(exc, playground.RateLimited) else 400
            except runtime.Refused as exc:
                error, status = str(exc), exc.status
            else:
                if action == "submit" and report.passed:
                    service.record_pass(owner, slug, code)
    context = {
        "exercise": exercise,
        "source": catalog.load().sources[exercise.source],
        "code": code,
        "hints": exercise.hints[:hints],
        "more_hints": hints < len(exercise.hints),
        "report": report,
        "error": error,
        "passed": slug in service.passed(owner),
    }
    template = (
        "exercises/detail.html#feedback"
        if request.htmx and request.method == "POST" and request.POST.get("action") in ("check", "submit")
        else "exercises/detail.html"
    )
    return keep_on_error(request, render(request, template, context, status=status))  # the code must survive
