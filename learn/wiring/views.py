"""The wiring lab's pages: check a template, simulate its wirings, read a source's shipped template, exercises.

Views are thin: the checker (learn.wiring), the engine and the diagram partials do the work. A check lints the
template with cfn-lint (about half a second of CPU), so checks are limited per client address and at most
CHECKS_AT_ONCE run at a time in a process; a learner's text is never lost (htmx swaps only the results, and the
page without JavaScript sends the text back in the editor).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_safe

from learn import catalog, engine, ratelimit
from learn.diagrams import layout
from learn.diagrams.flows import replay_context
from learn.engine.types import span
from learn.lessons import htmx
from learn.lessons.views import not_found

from . import exercises, lint, shipped
from .forms import TemplateForm

log = logging.getLogger(__name__)

CHECKS_AT_ONCE = 2
BUSY_WAIT_S = 10
_checking = threading.BoundedSemaphore(CHECKS_AT_ONCE)
EXAMPLE = "sqs-dlq-after-five"  # the exercise whose starter the empty lab opens with
# the scenario a menu starts on: the most telling failure the source has
PREFERRED_SCENARIOS = ("poison", "function-error", "timeout")


@dataclass
class Outcome:
    """What a check gave the page: a report, or a problem in plain words with its HTTP status."""

    report: Any = None
    problem: str = ""
    status: int = 200
    retry_after: int = 0
    extra: dict = field(default_factory=dict)


# -- pages ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@htmx.varies_on_htmx
def lab(request: HttpRequest) -> HttpResponse:
    _warm_lint_once()
    cat = catalog.load()
    text, origin = _opening_text(request, cat)
    outcome, simulation = None, None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        text = request.POST.get("template", "")
        outcome = _check(request, form, lambda t: exercises.checked(t))
        if outcome.report is not None and not outcome.report.error:
            simulation = _simulation(request, outcome.report, form.cleaned_data.get("simulate"))
        elif outcome.report is not None:
            outcome.status = 422
    context = {
        "text": text,
        "origin": origin,
        "outcome": outcome,
        "report": outcome.report if outcome else None,
        "wirings": _wirings(outcome.report, request, simulation) if outcome and outcome.report else [],
        "simulation": simulation,
        "error_line": _error_line(outcome.report if outcome else None),
        "tally": _tally(outcome.report if outcome else None),
        "shipped_sources": _shipped_sources(cat),
        "max_kb": 256,
    }
    partial = request.method == "POST" and htmx.wants_partial(request)
    template = "wiring/lab.html#result" if partial else "wiring/lab.html"
    return _respond(request, template, context, outcome, partial)


@require_safe
def source_template(request: HttpRequest, slug: str) -> HttpResponse:
    cat = catalog.load()
    source = cat.sources.get(slug)
    wiring = shipped.load(slug) if source is not None else None
    if wiring is None:
        return not_found(request)
    return render(request, "wiring/source.html", {"source": source, "wiring": wiring})


def _next_exercise(request: HttpRequest, current: str):
    """The first exercise after this one (in index order, wrapping) not yet passed; None when all are."""
    ids = list(exercises.load())
    done = _passed(request) | {current}
    start = ids.index(current) + 1 if current in ids else 0
    for exercise_id in ids[start:] + ids[:start]:
        if exercise_id not in done:
            return exercises.get(exercise_id)
    return None


@require_safe
def source_file(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """A shipped template.yaml or cli.sh as a plain-text download (the name comes from urls.py, never the request)."""
    wiring = shipped.load(slug) if slug in catalog.load().sources else None
    text = None if wiring is None else wiring.template if name == "template.yaml" else wiring.cli
    if not text:
        return not_found(request)
    kind = "application/yaml" if name.endswith(".yaml") else "text/x-shellscript"
    response = HttpResponse(text, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def exercise_index(request: HttpRequest) -> HttpResponse:
    cat = catalog.load()
    items = [(exercise, cat.sources.get(exercise.source)) for exercise in exercises.load().values()]
    return render(request, "wiring/exercises.html", {"items": items, "passed": _passed(request)})


@require_http_methods(["GET", "HEAD", "POST"])
@htmx.varies_on_htmx
def exercise_detail(request: HttpRequest, exercise_id: str) -> HttpResponse:
    _warm_lint_once()
    exercise = exercises.get(exercise_id)
    if exercise is None:
        return not_found(request)
    text, outcome = exercise.starter, None
    verdict = None
    if request.method == "POST":
        text = request.POST.get("template", "")
        if request.POST.get("action") == "reset":
            text = exercise.starter
        else:
            form = TemplateForm(request.POST)
            outcome = _check(request, form, lambda t: exercises.grade(exercise, t))
            verdict, outcome.report = outcome.report, getattr(outcome.report, "report", None)
            if verdict is not None and verdict.report.error:
                outcome.status = 422
            if verdict is not None and verdict.passed:
                _remember_pass(request, exercise.id)
    flow_html = ""
    if verdict is not None and verdict.trace is not None:
        flow_html = _flow_html(request, verdict.trace, exercise.source, "exercise", _scenario_title(exercise))
    context = {
        "passed": exercise.id in _passed(request),
        "exercise": exercise,
        "requirements": exercises.requirements(exercise),
        "next_exercise": _next_exercise(request, exercise.id),
        "scenario_label": engine.preset_label(exercise.scenario).lower() if exercise.scenario else "",
        "source": catalog.load().sources.get(exercise.source),
        "text": text,
        "outcome": outcome,
        "verdict": verdict,
        "flow_html": flow_html,
        "failed_count": sum(not check.passed for check in verdict.checks) if verdict else 0,
        "error_line": _error_line(verdict.report if verdict else None),
        "tally": _tally(verdict.report if verdict else None),
        "max_kb": 256,
    }
    partial = request.method == "POST" and htmx.wants_partial(request) and request.POST.get("action") != "reset"
    template = "wiring/exercise.html#verdict" if partial else "wiring/exercise.html"
    return _respond(request, template, context, outcome, partial)


# -- helpers -------------------------------------------------------------------------------------------------


_warming = threading.Lock()
_warmed = False


def _warm_lint_once() -> None:
    """The first visit to a page with a Check button loads cfn-lint's rules in the background (about 5 s), so
    the learner's first check does not pay for it."""
    global _warmed
    with _warming:
        if _warmed:
            return
        _warmed = True
    threading.Thread(target=lint.warm_up, name="cfn-lint-warm-up", daemon=True).start()


def _respond(request: HttpRequest, template: str, context: dict, outcome: Outcome | None, partial: bool):
    response = render(request, template, context, status=outcome.status if outcome else 200)
    if outcome and outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return htmx.finish(request, response, partial)


def _check(request: HttpRequest, form: TemplateForm, work) -> Outcome:
    """Validate the form, count the check against the client's limit, run `work(text)` in a free slot."""
    if not form.is_valid():
        return Outcome(problem=form.problem(), status=400)
    limit = int(getattr(settings, "WIRING_CHECKS_PER_MINUTE", 30))
    counter = ratelimit.key("wiring-check", ratelimit.client_address(request))
    count, left = ratelimit.hit(counter, 60)
    if count > limit:
        ratelimit.take(counter)  # a refused check does not prolong the window
        wait = ratelimit.wait_text(left)
        return Outcome(
            problem=f"You have checked many templates in a minute. Try again in {wait}.", status=429, retry_after=left
        )
    if not _checking.acquire(timeout=BUSY_WAIT_S):
        return Outcome(
            problem="The lab is busy checking other templates. Try again in a few seconds.", status=503, retry_after=5
        )
    try:
        return Outcome(report=work(form.cleaned_data["template"]))
    except Exception:  # a checker bug must not cost the learner a 500 page and their text
        log.exception("wiring check failed")
        return Outcome(
            problem="The checker could not finish on this template. Your text is kept; try changing "
            "the part you edited last, or report the template to us.",
            status=422,
        )
    finally:
        _checking.release()


def _opening_text(request: HttpRequest, cat) -> tuple[str, Any]:
    """The editor's first text: a source's shipped template (?from=<slug>) or the example exercise's starter."""
    slug = request.GET.get("from", "")
    if slug in cat.sources and (wiring := shipped.load(slug)):
        return wiring.template, cat.sources[slug]
    example = exercises.get(EXAMPLE)
    return (example.starter if example else ""), None


def _shipped_sources(cat) -> list:
    return [source for slug, source in sorted(cat.sources.items()) if shipped.load(slug)]


def _wirings(report, request: HttpRequest, simulation: dict | None) -> list[dict]:
    """Each wiring with its settings in words and the scenario menu (the posted choice, or a telling default)."""
    rows = []
    for index, wiring in enumerate(report.wirings):
        scenarios = _scenarios(wiring.source)
        keys = [s.key for s in scenarios]
        chosen = request.POST.get(f"scenario-{index}", "") if request.method == "POST" else ""
        if chosen not in keys:
            chosen = next((k for k in PREFERRED_SCENARIOS if k in keys), keys[0] if keys else "")
        rows.append(
            {
                "index": index,
                "wiring": wiring,
                "scenarios": scenarios,
                "chosen": chosen,
                "settings": _settings_rows(wiring),
                "simulated": simulation is not None and simulation.get("index") == index,
            }
        )
    return rows


def _scenarios(slug: str) -> list:
    from learn.wiring import scenarios_for

    try:
        return scenarios_for(slug)
    except (KeyError, engine.EngineError):
        return []


# Engine settings worth showing even when the template leaves them out (the row says "(default)").
DEFAULT_ROWS = (
    "batch_size",
    "maximum_batching_window_s",
    "maximum_retry_attempts",
    "maximum_record_age_s",
    "bisect_batch_on_function_error",
)


def _settings_rows(wiring) -> list[tuple[str, str, str]]:
    """(label, value, the template's property) for each engine setting the template gave this wiring, then the
    defaults that apply to the main batching and retry settings it left out."""
    try:
        knobs = {knob.name: knob for knob in engine.knobs_for(wiring.source)}
    except (KeyError, engine.EngineError):
        knobs = {}
    rows = []
    for name, value in wiring.settings.items():
        knob = knobs.get(name)
        rows.append(
            (knob.label if knob else name.replace("_", " "), _shown(knob, value), knob.api_name if knob else "")
        )
    for name in DEFAULT_ROWS:
        knob = knobs.get(name)
        if knob is not None and name not in wiring.settings and knob.default is not None:
            rows.append((knob.label, f"{_shown(knob, knob.default)} (default)", knob.api_name))
    return rows


def _shown(knob, value) -> str:
    shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    if knob is not None and knob.unit and not isinstance(value, bool):
        shown = f"{shown} {knob.unit}"
        if knob.unit == "seconds" and isinstance(value, int) and value >= 120:
            shown = f"{value:,} seconds ({span(value * 1000)})"  # 345,600 seconds (4 d)
    return shown


def _simulation(request: HttpRequest, report, index: int | None) -> dict | None:
    """The diagram of the chosen wiring's chosen scenario, when Simulate was pressed."""
    if index is None:
        return None
    from learn.wiring import simulate_template
    from learn.wiring.simulate import error_caveat

    if not 0 <= index < len(report.wirings):
        return {"index": index, "problem": "That wiring is no longer in the template: check it again."}
    wiring = report.wirings[index]
    keys = [s.key for s in _scenarios(wiring.source)]
    key = request.POST.get(f"scenario-{index}", "")
    if key not in keys:
        key = next((k for k in PREFERRED_SCENARIOS if k in keys), keys[0] if keys else "")
    try:
        trace = simulate_template(report, index, key)
    except (engine.EngineError, ValueError, KeyError) as error:
        return {"index": index, "problem": f"The engine cannot simulate this wiring: {error}"}
    title = f"{wiring.label or wiring.source}: {engine.preset_label(key)}"
    return {
        "index": index,
        "scenario": key,
        "caveat": error_caveat(report),
        "html": _flow_html(request, trace, wiring.source, f"wiring-{index}", title),
    }


def _flow_html(request: HttpRequest, trace, slug: str, uid: str, title: str) -> str:
    diagram = layout.build(trace, title)
    return render_to_string("diagrams/flow.html#flow", replay_context(diagram, slug, uid, trace), request=request)


PASSED = "wiring:passed"


def _passed(request: HttpRequest) -> set[str]:
    """The wiring exercises this browser session has passed (kept in the session, nothing in the database)."""
    return set(request.session.get(PASSED, []))


def _remember_pass(request: HttpRequest, exercise_id: str) -> None:
    done = _passed(request)
    if exercise_id not in done:
        request.session[PASSED] = sorted(done | {exercise_id})


def _error_line(report) -> int | str:
    """The first error's line, for the editor to mark (editor.js reads #feedback[data-error-line])."""
    if report is None:
        return ""
    if report.error:  # a parse error names its line: "line 6: ..."
        match = re.match(r"line (\d+):", report.error)
        return int(match.group(1)) if match else ""
    return next((f.line for f in report.findings if f.level == "error" and f.line), "")


def _tally(report) -> str:
    """ "1 error and 2 warnings": the findings counted by level, in words."""
    if report is None:
        return ""
    words = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
    parts = []
    for level, (one, many) in words.items():
        count = sum(f.level == level for f in report.findings)
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    text = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    return text[:1].upper() + text[1:]


def _scenario_title(exercise) -> str:
    return f"Your template, {engine.preset_label(exercise.scenario).lower()}"
