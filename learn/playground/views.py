"""The handler sandbox page: write a handler, pick an event, run it, and see what the source does next."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from learn import catalog
from learn.catalog.rendering import highlight_json
from learn.diagrams import layout
from learn.diagrams.flows import replay_context
from learn.lessons.views import not_found
from learn.progress.learners import owner_of
from learn.sessions import keep_on_error

from . import events, runtime, service

DRAFT = "sandbox-draft:{slug}"
BATCH = ("sqs", "kinesis", "dynamodb-streams")


def _learner(request: HttpRequest) -> str:
    owner = owner_of(request)
    return f"user-{owner.user_id}" if owner.user_id else f"anon-{owner.session_key}"


def _defaults(source) -> dict:
    handler = source.handlers[0] if source.handlers else None
    event = source.events[0].text if source.events else "{}"
    return {
        "code": handler.code if handler else "def handler(event, context):\n    return None\n",
        "event": event,
        "handler": handler.function if handler else "handler",
        "timeout": "3",
        "memory": "128",
    }


def sandbox(request: HttpRequest, slug: str = "sqs") -> HttpResponse:
    cat = catalog.load()
    slug = request.GET.get("source", slug) if request.method == "GET" else slug
    source = cat.sources.get(slug)
    if source is None:
        return not_found(request)
    key = DRAFT.format(slug=slug)
    draft = {**_defaults(source), **request.session.get(key, {})}
    context = {
        "source": source,
        "sources": cat.ordered_sources(),
        "batch": slug in BATCH,
        "result": None,
        "error": "",
        "status": 200,
        "isolation": runtime.status(),
    }
    if request.method == "POST":
        draft.update(
            {k: request.POST.get(k, draft[k])[:1_100_000] for k in ("code", "event", "handler", "timeout", "memory")}
        )
        sample = request.POST.get("sample")
        if request.POST.get("action") == "sample" and sample:
            chosen = source.event(sample)
            if chosen:
                draft["event"] = chosen.text
        elif request.POST.get("action") == "generate":
            count = _int(request.POST.get("count"), 3)
            generated = events.generate(
                slug,
                source.events[0].data,
                count,
                fifo=bool(request.POST.get("fifo")),
                body_bytes=_int(request.POST.get("size"), 0),
                base64_body=bool(request.POST.get("base64")),
                poison=bool(request.POST.get("poison")),
            )
            draft["event"] = json.dumps(generated, indent=2)
        request.session[key] = draft  # the learner's code and event survive errors and reloads
        if request.POST.get("action") in ("run", "again"):
            context.update(_run(request, cat, slug, draft))
    context["draft"] = draft
    template = (
        "playground/sandbox.html#result"
        if request.htmx and context["result"] is not None
        else "playground/sandbox.html"
    )
    if request.htmx and context["error"] and context["result"] is None:
        template = "playground/sandbox.html#result"
    retry_after = context.pop("retry_after", 0)
    response = render(request, template, context, status=context.pop("status"))
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return keep_on_error(request, response)  # a busy or missing sandbox must not lose the draft


def _int(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _run(request: HttpRequest, cat, slug: str, draft: dict) -> dict:
    try:
        event = events.parse(draft["event"])
        timeout_s = float(draft["timeout"] or 3)
        memory_mb = _int(draft["memory"], 128)
        service.check_rate(_learner(request))
        settings = {"report_batch_item_failures": True} if slug in BATCH and request.POST.get("rbif", "on") else {}
        if slug == "sqs" and request.POST.get("redrive"):
            settings["redrive_policy"] = True
        outcome = service.execute(
            cat,
            slug,
            draft["code"],
            event,
            learner=_learner(request),
            handler=draft["handler"].strip() or "handler",
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            settings=settings,
        )
    except (events.BadEvent, ValueError) as error:
        return {"error": str(error), "status": 400, "result": None}
    except service.RateLimited as error:
        return {"error": str(error), "status": 429, "result": None}
    except runtime.Refused as error:
        return {"error": str(error), "status": error.status, "result": None, "retry_after": error.retry_after_s}
    run = outcome.run
    diagram = layout.build(outcome.replay.trace, "What the source does with your handler") if outcome.replay else None
    return {
        "result": {
            "run": run,
            "response_html": highlight_json(run.response)[1] if run.status == "ok" else "",
            "error_html": highlight_json(run.error)[1] if run.error else "",
            "problems": outcome.contract_problems,
            "lint": outcome.lint,
            "runs": outcome.replay.runs if outcome.replay else [],
            "flow_html": mark_safe(
                render_to_string("diagrams/flow.html#flow", replay_context(diagram, slug, "replay"), request=request)
            )
            if diagram
            else "",  # our own template output
        },
        "status": 200,
    }
