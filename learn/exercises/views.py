"""Exercise pages: statement, starter code, examples, progressive hints, graded runs, saved pass state."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from learn import catalog
from learn.diagrams import layout
from learn.diagrams.flows import replay_context
from learn.lessons.htmx import varies_on_htmx
from learn.lessons.views import not_found
from learn.playground import runtime
from learn.playground import service as playground
from learn.progress.learners import owner_of
from learn.sessions import keep_on_error

from . import feedback, service

DRAFT = "exercise-draft:{slug}"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    done = service.passed(owner_of(request, create=False))  # a visit stores nothing (W6)
    items = service.ordered()
    return render(
        request,
        "exercises/index.html",
        {
            "exercises": [(e, cat.sources[e.source], e.slug in done) for e in items],
            "done": len(done),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@varies_on_htmx
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = service.exercises().get(slug)
    if exercise is None:
        return not_found(request)
    owner = owner_of(request, create=request.method == "POST")  # a visit stores nothing (W6)
    key = DRAFT.format(slug=slug)
    code = request.session.get(key, exercise.starter)
    hints = int(request.session.get(f"{key}:hints", 0))
    report, error, status, kept, retry_after = None, "", 200, True, 0
    if request.method == "POST":
        action = request.POST.get("action", "check")
        code = request.POST.get("code", code)
        if action == "reset":
            code = exercise.starter
        draft_problem = _store_draft(request, key, code, exercise.starter)  # never lose the learner's code
        if action == "hint":
            hints = min(hints + 1, len(exercise.hints))
            request.session[f"{key}:hints"] = hints
        elif action == "reset":
            pass
        elif draft_problem == TOO_LARGE:
            error, status, kept = draft_problem, 400, False
        else:
            learner = f"user-{owner.user_id}" if owner.user_id else f"anon-{owner.session_key}"
            client = playground.client_address(request)
            try:
                playground.validate(code, 3, 128)
                with service.one_at_a_time(learner):
                    if action == "submit":
                        service.check_submissions(learner, client)
                    report = service.grade(slug, code, learner, visible_only=action != "submit", client=client)
            except service.GradingInProgress as exc:
                error, status = str(exc), 409
            except playground.RateLimited as exc:
                error, status, retry_after = exc.advice, 429, exc.retry_after_s
            except runtime.Refused as exc:
                error, status, retry_after = str(exc), exc.status, exc.retry_after_s
            except ValueError as exc:
                error, status = str(exc), 400
            else:
                if action == "submit" and report.passed and report.complete:
                    service.record_pass(owner, slug, code)
        if draft_problem and not error:
            error, kept = draft_problem, False
    done = service.passed(owner)
    context = {
        "exercise": exercise,
        "source": catalog.load().sources[exercise.source],
        "code": code,
        "hints": exercise.hints[:hints],
        "more_hints": hints < len(exercise.hints),
        "report": report,
        "report_steps": feedback.aws_reports(exercise, report),
        "exercise_has_resources": any(step.aws is not None for step in exercise.steps),
        "flow_html": _feedback_flow(request, exercise, report),
        "error": error,
        "kept": kept,
        "passed": slug in done,
        "next_exercise": service.next_exercise(slug, done),
    }
    action = request.POST.get("action") if request.method == "POST" else ""
    template = "exercises/detail.html"
    if request.htmx and action in ("check", "submit"):
        template = "exercises/detail.html#feedback"
    elif request.htmx and action == "hint":
        template = "exercises/detail.html#hints"  # beside the button; the feedback stays as it is
        context["hint_only"] = True  # so a problem saving the draft is said here too
    response = render(request, template, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return keep_on_error(request, response)  # the code must survive


def _feedback_flow(request: HttpRequest, exercise, report) -> str:
    """The state diagram of what the source does with the handler's answer to one visible case ("" if none)."""
    step = feedback.chosen_step(report)
    if step is None:
        return ""
    cat = catalog.load()
    source = cat.sources[exercise.source]
    trace = feedback.trace_for(exercise, step, source.response.contract, cat)
    if trace is None:
        return ""
    diagram = layout.build(trace, f"What {source.short_name} does with your answer to “{step.name}”")
    html = render_to_string(
        "diagrams/flow.html#flow", replay_context(diagram, exercise.source, "feedback", trace=trace), request=request
    )
    return mark_safe(html)  # our own template's output (learner text in it is escaped by the template)


MAX_DRAFT_BYTES = playground.MAX_CODE_BYTES  # what can be graded is what is kept
MAX_DRAFTS_BYTES = 256 * 1024  # all of a learner's exercise drafts together (a normal learner uses a few KB)
TOO_LARGE = (
    "Your code is larger than 64 KB, so it was neither saved nor checked. Shorten it: what you typed is still in "
    "the editor, but a reload would lose it."
)
NO_ROOM = (
    "Your saved drafts for all exercises together are over 256 KB, so this draft was not saved (it is still in "
    "the editor, but a reload would lose it). “Start over” on an exercise you have finished frees its space."
)


def _store_draft(request: HttpRequest, key: str, code: str, starter: str) -> str:
    """Keep the draft in the session if it fits; "" when kept, else the reason (A21: sizes are checked first)."""
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > MAX_DRAFT_BYTES:
        return TOO_LARGE
    if code == starter:  # nothing of the learner's to keep
        request.session.pop(key, None)
        return ""
    others = sum(
        len(str(value).encode("utf-8", "surrogatepass"))
        for name, value in request.session.items()
        if name.startswith("exercise-draft:") and not name.endswith(":hints") and name != key
    )
    if others + size > MAX_DRAFTS_BYTES:
        return NO_ROOM
    if request.session.get(key) != code:
        request.session[key] = code
    return ""
