"""The handler sandbox page: write a handler, pick an event, run it, and see what the source does next.

Run (warm when the environment is warm) and "Force a cold start" post the form. Without JavaScript the page
comes back whole. With it, sandbox.js posts `stream=1` and this view streams one HTML fragment per real
invocation as the source's replay makes it, then the result; closing the connection (Cancel) stops the
replay before its next invocation.
"""

from __future__ import annotations

import functools
import json
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer

from learn import catalog
from learn.diagrams import layout
from learn.diagrams.flows import replay_context
from learn.engine.types import DISPOSITIONS
from learn.exercises.errors import error_line
from learn.lessons.htmx import varies_on_htmx
from learn.lessons.views import not_found
from learn.progress.learners import owner_of
from learn.sessions import keep_on_error

from . import events, replay, resources, runtime, service

DRAFT = "sandbox-draft:{slug}"
HISTORY = "sandbox-history:{slug}"
RECENT = "sandbox-recent"  # slugs whose drafts are kept, most recent first
BATCH = ("sqs", "kinesis", "dynamodb-streams")
FIELDS = ("code", "event", "handler", "timeout", "memory")

# A21: what a draft may hold before it is stored in the session
MAX_CODE_BYTES = 64 * 1024
MAX_EVENT_BYTES = 1024 * 1024
MAX_SHORT = {"handler": 100, "timeout": 20, "memory": 20}
MAX_DRAFT_SOURCES = 8
MAX_DRAFTS_BYTES = 2 * 1024 * 1024
HISTORY_ROWS = 10

# A13: what is highlighted and shown of a result
SHOW_RESPONSE_BYTES = 64 * 1024
SHOW_LOG_LINES = 2000
SHOW_LOG_BYTES = 256 * 1024
LONG_REPLAY = 3  # say how many invocations a replay can make when it can make more than this
FRAGMENT_END = "\n<!--/fragment-->\n"
HEARTBEAT_S = 0.25  # how soon a closed connection (Cancel) is noticed: the second write after it fails

FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def _learner(request: HttpRequest) -> str:
    owner = owner_of(request)
    return f"user-{owner.user_id}" if owner.user_id else f"anon-{owner.session_key}"


def _resources_panel(request: HttpRequest, slug: str, notice: str = "") -> dict | None:
    """The Resources panel's context; a visitor who has not run anything yet sees the spec's own state."""
    owner = owner_of(request, create=False)
    panel = resources.panel(_learner(request), slug) if owner.known else resources.starting_panel(slug)
    if panel is not None:
        panel["notice"] = notice
        removed = set(_removed_actions(request, slug))
        for row in panel["role"]:
            row["allowed"] = row["action"] not in removed
        panel["denied_any"] = bool(removed)
    return panel


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


def _clean(text: str) -> str:
    """A18: text that UTF-8 cannot encode (lone surrogates) shown escaped (\\ud800) instead of failing the page."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n:,} bytes"


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "backslashreplace"))


def _draft_problems(draft: dict) -> list[str]:
    """A21: a draft too large to store (it is shown back to the learner, not kept)."""
    problems = []
    code, event = _bytes(draft["code"]), _bytes(draft["event"])
    if code > MAX_CODE_BYTES:
        problems.append(f"Your code is {_size(code)}; the sandbox takes at most 64 KB.")
    if event > MAX_EVENT_BYTES:
        problems.append(f"Your event is {_size(event)}; the sandbox takes at most 1 MB.")
    labels = {"handler": "function name", "timeout": "timeout", "memory": "memory size"}
    for name, limit in MAX_SHORT.items():
        if len(draft[name]) > limit:
            problems.append(f"The {labels[name]} is too long (at most {limit} characters).")
    return problems


def _store_draft(session, slug: str, draft: dict) -> None:
    """Keep this source's draft; keep at most MAX_DRAFT_SOURCES sources' drafts and MAX_DRAFTS_BYTES in all."""
    session[DRAFT.format(slug=slug)] = {k: draft[k] for k in FIELDS}
    kept = [s for s in session.get(RECENT, []) if isinstance(s, str) and s != slug]
    others = [k.split(":", 1)[1] for k in list(session.keys()) if k.startswith("sandbox-draft:")]
    order = [slug, *kept, *[s for s in others if s != slug and s not in kept]]  # unknown (older) drafts go last
    total, keep = 0, []
    for position, name in enumerate(order):
        stored = session.get(DRAFT.format(slug=name))
        size = sum(_bytes(str(v)) for v in stored.values()) if isinstance(stored, dict) else 0
        if position == 0 or (len(keep) < MAX_DRAFT_SOURCES and total + size <= MAX_DRAFTS_BYTES):
            keep.append(name)
            total += size
        else:
            session.pop(DRAFT.format(slug=name), None)
            session.pop(HISTORY.format(slug=name), None)
    if session.get(RECENT) != keep:
        session[RECENT] = keep


def _status(status: int, request: HttpRequest) -> int:
    # django-htmx's debug handler (DEBUG) replaces the page on an htmx 400; 422 is swapped in place.
    return 422 if status == 400 and request.htmx else status


@require_http_methods(["GET", "HEAD", "POST"])
@varies_on_htmx
def sandbox(request: HttpRequest, slug: str = "sqs") -> HttpResponse:
    cat = catalog.load()
    slug = request.GET.get("source", slug) if request.method == "GET" else slug
    source = cat.sources.get(slug)
    if source is None:
        return not_found(request)
    key = DRAFT.format(slug=slug)
    stored = request.session.get(key, {})
    draft = {**_defaults(source), **(stored if isinstance(stored, dict) else {})}
    context = {
        "source": source,
        "sources": cat.ordered_sources(),
        "batch": slug in BATCH,
        "result": None,
        "error": "",
        "status": 200,
        "isolation": runtime.status(),
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    generator = _generator_settings(request)
    context["generator"] = generator  # the form shows the learner's choices again after Generate (B6)
    # a Try it link chose the code: the page shows it, and a local draft is only offered (editor.js)
    context["try_it"] = request.method in ("GET", "HEAD") and ("handler" in request.GET or "event" in request.GET)
    context["try_it_notices"] = []
    if context["try_it"]:
        draft, context["try_it_notices"] = _try_it(source, request.GET.get("handler", ""), request.GET.get("event", ""))
    if request.method == "POST":
        # browsers send a textarea's new lines as CRLF: count and keep the code as the learner wrote it
        draft.update({k: _clean(request.POST.get(k, draft[k])).replace("\r\n", "\n") for k in FIELDS})
        sample = request.POST.get("sample")
        if action == "sample" and sample:
            chosen = source.event(sample)
            if chosen:
                draft["event"] = chosen.text
        elif action == "generate":
            generated = events.generate(
                slug,
                _generator_sample(source, draft["code"]).data,
                generator["count"],
                fifo=generator["fifo"],
                body_bytes=generator["size"],
                base64_body=generator["base64"],
                poison=generator["poison"],
            )
            draft["event"] = json.dumps(generated, indent=2)
        problems = _draft_problems(draft)
        if problems:  # shown back in the form below, but neither stored nor run
            kept = " Your input is still in the form, but it was not saved or run: shorten it and try again."
            context.update(error=" ".join(problems) + kept, status=_status(400, request))
        else:
            _store_draft(request.session, slug, draft)  # the learner's code and event survive errors and reloads
            if action in ("run", "again", "cold"):
                force_cold = action == "cold"
                if request.POST.get("stream") == "1":
                    streamed = _stream(request, cat, source, draft, force_cold)
                    if streamed is not None:
                        return streamed
                    context.update(_run(request, cat, source, draft, force_cold))  # refused before it began
                else:
                    context.update(_run(request, cat, source, draft, force_cold))
    context["draft"] = draft
    context["history"] = _history(request, slug)
    context["resources"] = _resources_panel(request, slug)  # after the run: what it left
    partial = request.htmx or request.POST.get("stream") == "1"
    template = (
        "playground/sandbox.html#result"
        if partial and (context["result"] or context["error"])
        else ("playground/sandbox.html")
    )
    if partial and action in ("sample", "generate"):
        template = "playground/sandbox.html"  # htmx selects #sandbox-page from the whole page
    retry_after = context.pop("retry_after", 0)
    response = _render(request, template, context, status=context.pop("status"))
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return keep_on_error(request, response)  # a busy or missing sandbox must not lose the draft


def _generator_settings(request: HttpRequest) -> dict:
    """The batch generator's inputs as posted (or their defaults), clamped as events.generate clamps them."""
    posted = request.POST if request.method == "POST" else {}
    return {
        "count": max(1, min(_int(posted.get("count"), 3), 100)),
        "size": max(0, _int(posted.get("size"), 0)),
        "fifo": bool(posted.get("fifo")),
        "base64": bool(posted.get("base64")),
        "poison": bool(posted.get("poison")),
    }


def _generator_sample(source, code: str):
    """The sample event whose records the generator clones: the one meant for the example handler in the editor
    (the FIFO handler gets FIFO operations), else the source's first sample."""
    handler = next((h for h in source.handlers if h.code.strip() == code.strip()), None)
    return _first_event_for(source, handler) if handler else source.events[0]


def _first_event_for(source, handler):
    """The first of the source's sample events (in the lesson's order) that the example handler is meant for."""
    return next((e for e in source.events if e.file in handler.events), source.events[0] if source.events else None)


def _try_it(source, handler_name: str, event_name: str) -> tuple[dict, list[str]]:
    """A "Try it" link: the draft with the named example handler and sample event (file names from the lesson),
    and notices for names this source does not have (those parts keep the defaults)."""
    draft = _defaults(source)
    notices = []
    handler = next((h for h in source.handlers if handler_name in (h.file, h.name)), None) if handler_name else None
    spec = resources.spec(source.slug)
    if handler_name == resources.EXAMPLE_FILE and spec is not None and spec.example:
        draft.update(code=spec.example, handler="handler")  # the example written for the Resources panel
        handler_name = ""
    if handler:
        draft.update(code=handler.code, handler=handler.function)
    elif handler_name:
        names = ", ".join(h.file for h in source.handlers) or "none"
        notices.append(
            f"{source.short_name} has no example handler called “{_clean(handler_name)[:80]}” (its handlers: "
            f"{names}), so the sandbox opened with its first one."
        )
    event = source.event(event_name) if event_name else None
    if event is None and handler:
        event = _first_event_for(source, handler)
    if event:
        draft["event"] = event.text
    elif event_name:
        names = ", ".join(e.file for e in source.events) or "none"
        notices.append(
            f"{source.short_name} has no sample event called “{_clean(event_name)[:80]}” (its events: {names}), "
            "so the sandbox opened with its first one."
        )
    return draft, notices


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A18: whatever the learner's text holds, the page is encodable (lone surrogates come out escaped)."""
    html = render_to_string(template, context, request=request)
    return HttpResponse(html.encode("utf-8", "backslashreplace"), status=status)


def _int(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


class _Prepared:
    """A run's checked inputs."""

    def __init__(self, request: HttpRequest, source, draft: dict):
        self.event = events.parse(draft["event"])
        try:
            self.timeout_s = float(draft["timeout"] or 3)
        except ValueError as error:
            raise events.BadEvent("The timeout must be a number of seconds (1–15).") from error
        self.memory_mb = _int(draft["memory"], -1) if draft["memory"] else 128
        if self.memory_mb == -1:
            raise events.BadEvent("Memory must be a whole number of MB (128–10,240).")
        service.validate(draft["code"], self.timeout_s, self.memory_mb)
        slug = source.slug
        # the form says it showed the checkbox: an unchecked box sends nothing (other clients: on by default)
        rbif = "rbif" in request.POST if request.POST.get("rbif_shown") else request.POST.get("rbif", "on")
        self.settings = {"report_batch_item_failures": True} if slug in BATCH and rbif else {}
        if slug == "sqs" and request.POST.get("redrive"):
            self.settings["redrive_policy"] = True
        self.handler = draft["handler"].strip() or "handler"
        # worked out here, in the request's thread (a streamed run executes in a worker thread)
        self.learner = _learner(request)
        self.client = service.client_address(request)
        self.aws = resources.aws_options(self.learner, slug)  # the learner's emulated AWS resources, if any
        if self.aws is not None:  # and the permissions they took away from the function's role
            self.aws["deny"] = resources.denied(slug, _removed_actions(request, slug))
            self.revision = resources.revision(self.learner, slug)
        self._planned: int | None = None

    def planned(self, slug: str) -> int:
        """Up to how many real invocations the replay makes (0: not known)."""
        if self._planned is None:
            try:
                self._planned = replay.planned_invocations(slug, self.settings, self.event)
            except Exception:  # noqa: BLE001 - only a hint on the page; execute() reports bad settings
                self._planned = 0
        return self._planned


def _execute(cat, source, draft: dict, prepared: _Prepared, force_cold: bool, **hooks) -> service.Outcome:
    """Run and replay; the service charges the rate limit once per real invocation (learner and client)."""
    return service.execute(
        cat,
        source.slug,
        draft["code"],
        prepared.event,
        learner=prepared.learner,
        handler=prepared.handler,
        timeout_s=prepared.timeout_s,
        memory_mb=prepared.memory_mb,
        settings=prepared.settings,
        client=prepared.client,
        force_cold=force_cold,
        aws=prepared.aws,
        **hooks,
    )


def _refusal(error: Exception) -> dict:
    if isinstance(error, service.RateLimited):
        return {"error": str(error), "status": 429, "result": None, "retry_after": error.retry_after_s}
    if isinstance(error, runtime.Refused):
        return {"error": str(error), "status": error.status, "result": None, "retry_after": error.retry_after_s}
    return {"error": str(error), "status": 400, "result": None}


REFUSALS = (events.BadEvent, ValueError, service.RateLimited, runtime.Refused)


def _run(request: HttpRequest, cat, source, draft: dict, force_cold: bool) -> dict:
    try:
        prepared = _Prepared(request, source, draft)
        outcome = _execute(cat, source, draft, prepared, force_cold)
    except REFUSALS as error:
        refused = _refusal(error)
        refused["status"] = _status(refused["status"], request)
        return refused
    _remember(request, source.slug, outcome.run, prepared.memory_mb, force_cold)
    not_kept = _keep_resources(prepared, source.slug, outcome)
    result = _result(request, source, outcome, prepared, force_cold)
    result["resources_not_kept"] = not_kept
    return {"result": result, "status": 200}


ANON_RESOURCE_BYTES_PER_DAY = 32 * 1024 * 1024  # resources kept for visitors without an account, per address


def _keep_resources(prepared: _Prepared, slug: str, outcome: service.Outcome) -> str:
    """The emulated resources as the last run left them: the next run (cold, warm, replay) starts from them.
    Returns why they were not kept ("" when they were, or when there was nothing to keep)."""
    if prepared.aws is None or outcome.aws_state is None:
        return ""
    if prepared.learner.startswith("anon-") and not _anonymous_allowance(prepared.client, outcome.aws_state):
        return (
            "Your resources after this run were not kept: visitors from your address have stored a lot of them "
            "today. Sign in to keep yours, or try again tomorrow."
        )
    if not resources.save(prepared.learner, slug, outcome.aws_state, expected=prepared.revision):
        return (
            "Your resources after this run were not kept: they changed while it ran (Reset, or a run in another "
            "tab). The panel shows them as they are now."
        )
    return ""


def _anonymous_allowance(client: str, state: dict) -> bool:
    """Bytes of resources that anonymous learners from one address may store per day (a fresh session is a
    new learner, so the bound is on the address)."""
    import hashlib

    from django.core.cache import cache

    day = int(time.time() // 86400)
    key = f"resources-bytes:{hashlib.sha256(client.encode()).hexdigest()[:24]}:{day}"
    size = len(json.dumps(state))
    try:
        cache.add(key, 0, 86400)
        total = cache.incr(key, size)
    except ValueError:
        return True  # the counter expired between add and incr: allow this one
    return total <= ANON_RESOURCE_BYTES_PER_DAY


def _stream(request: HttpRequest, cat, source, draft: dict, force_cold: bool) -> StreamingHttpResponse | None:
    """Stream the replay: a plan, one fragment per real invocation, then the result. None: refused up front."""
    try:
        prepared = _Prepared(request, source, draft)
    except (events.BadEvent, ValueError):
        return None  # the caller renders the message as for a plain post
    planned = prepared.planned(source.slug)
    updates: queue.Queue = queue.Queue()
    stop = threading.Event()

    def on_run(index, run):
        updates.put(("run", run))

    def work():
        try:
            updates.put(
                ("done", _execute(cat, source, draft, prepared, force_cold, on_run=on_run, cancelled=stop.is_set))
            )
        except REFUSALS as error:
            updates.put(("refused", error))
        except BaseException as error:  # noqa: BLE001 - shown to the learner, re-raised in the stream
            updates.put(("failed", error))

    worker = threading.Thread(target=work, name="sandbox-stream", daemon=True)
    worker.start()

    def fragments() -> Iterator[bytes]:
        count = 0
        before = prepared.aws.get("state") if prepared.aws is not None else None
        try:
            if planned > LONG_REPLAY:
                yield _fragment(
                    request, "plan", {"planned": planned, "timeout_s": prepared.timeout_s, "source": source}
                )
            while True:
                try:
                    kind, item = updates.get(timeout=HEARTBEAT_S)
                except queue.Empty:
                    yield b"\n"  # a heartbeat: a closed connection (Cancel) fails this write
                    continue
                if kind == "run":
                    count += 1
                    if count == 1:
                        _remember(request, source.slug, item, prepared.memory_mb, force_cold)
                        request.session.save()  # the middleware saved before the stream began
                    aws = None
                    if prepared.aws is not None:
                        aws = resources.report(item.aws, before)
                        aws["number"] = count
                        if isinstance(item.aws, dict) and item.aws.get("state") is not None:
                            before = item.aws["state"]
                    yield _fragment(
                        request,
                        "run",
                        {
                            "number": count,
                            "run": item,
                            "first": count == 1,
                            "forced": force_cold and count == 1,
                            "aws": aws,
                        },
                    )
                    continue
                if kind == "done":
                    not_kept = _keep_resources(prepared, source.slug, item)
                    if count == 0:  # the service could not report runs as they happened
                        _remember(request, source.slug, item.run, prepared.memory_mb, force_cold)
                        request.session.save()
                    context = {
                        "result": {
                            **_result(request, source, item, prepared, force_cold),
                            "resources_not_kept": not_kept,
                        },
                        "error": "",
                        "source": source,
                        "history": _history(request, source.slug),
                    }
                elif kind == "refused":
                    context = {
                        "result": None,
                        "error": str(item),
                        "source": source,
                        "history": _history(request, source.slug),
                    }
                else:
                    context = {
                        "result": None,
                        "source": source,
                        "history": _history(request, source.slug),
                        "error": "The run failed on the server. Your code and event are kept; try again.",
                    }
                if kind == "done" and prepared.aws is not None:  # sandbox.js swaps the panel by its id
                    panel = {"resources": _resources_panel(request, source.slug), "source": source}
                    yield _encode(render_to_string("playground/_resources.html", panel, request=request))
                yield _encode(render_to_string("playground/sandbox.html#result", context, request=request))
                yield _encode(render_to_string("playground/sandbox.html#history", context, request=request))
                if kind == "failed":
                    raise item
                return
        finally:
            stop.set()  # the learner cancelled (connection closed) or the stream ended: no further invocations

    response = StreamingHttpResponse(fragments(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # proxies must pass each fragment on as it comes
    return response


def _encode(html: str) -> bytes:
    return (html + FRAGMENT_END).encode("utf-8", "backslashreplace")


def _fragment(request: HttpRequest, kind: str, context: dict) -> bytes:
    return _encode(render_to_string(f"playground/stream_{kind}.html", context, request=request))


def _remember(request: HttpRequest, slug: str, run, memory_mb: int, forced: bool) -> None:
    """One row of the page's run history (up to HISTORY_ROWS per source, a few hundred bytes)."""
    if slug not in request.session.get(RECENT, [slug]):
        return  # this source's draft was not kept (over-size): keep no history for it either
    error_type = (run.error or {}).get("errorType", "") if isinstance(run.error, dict) else ""
    row = {
        "cold": bool(run.cold),
        "forced": bool(forced),
        "init": round(run.init_duration_ms, 2) if run.init_duration_ms else None,
        "duration": round(run.duration_ms or 0, 2),
        "billed": round(run.billed_duration_ms or 0),
        "used": run.max_memory_used_mb,
        "size": memory_mb,
        "status": _clean(str(run.status))[:20],
        "error": _clean(str(error_type))[:60],
        "at": timezone.localtime().strftime("%H:%M:%S"),
    }
    key = HISTORY.format(slug=slug)
    rows = [r for r in request.session.get(key, []) if isinstance(r, dict)]
    request.session[key] = [row, *rows][:HISTORY_ROWS]


def _history(request: HttpRequest, slug: str) -> list[dict]:
    rows = request.session.get(HISTORY.format(slug=slug), [])
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _shown_json(data) -> dict:
    """A13: highlight at most SHOW_RESPONSE_BYTES of pretty JSON; say how big the whole value is."""
    try:
        total = _bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        parts, length = [], 0
        for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
            parts.append(chunk)
            length += len(chunk)
            if length > SHOW_RESPONSE_BYTES:
                break
        text = "".join(parts)
    except (RecursionError, ValueError, TypeError):
        text = repr(data)
        total = _bytes(text)
    text = _clean(text)
    cut = len(text) > SHOW_RESPONSE_BYTES or _bytes(text) > SHOW_RESPONSE_BYTES
    if cut:
        text = text.encode("utf-8")[:SHOW_RESPONSE_BYTES].decode("utf-8", "ignore")
    return {
        "html": mark_safe(highlight(text, JsonLexer(), FORMATTER)),  # pygments escapes
        "truncated": cut,
        "shown": _size(_bytes(text)),
        "total": _size(total),
    }


def _shown_logs(lines) -> dict:
    """A13: at most SHOW_LOG_LINES lines and SHOW_LOG_BYTES of log."""
    lines = [str(line) for line in lines or ()]
    shown, size, cut = [], 0, len(lines) > SHOW_LOG_LINES
    for line in lines[:SHOW_LOG_LINES]:
        line = _clean(line)
        length = _bytes(line) + 1
        if size + length > SHOW_LOG_BYTES:
            room = SHOW_LOG_BYTES - size
            if room > 0:
                shown.append(line.encode("utf-8")[:room].decode("utf-8", "ignore"))
                size += room
            cut = True
            break
        shown.append(line)
        size += length
    return {
        "text": "\n".join(shown),
        "truncated": cut,
        "shown_lines": f"{len(shown):,}",
        "total_lines": f"{len(lines):,}",
        "shown": _size(size),
        "total": _size(sum(_bytes(line) + 1 for line in lines)),
    }


def _handler_said(run) -> str:
    error = run.error if isinstance(run.error, dict) else {}
    kind = _clean(str(error.get("errorType", "")))
    if run.status == "ok":
        return "Your handler returned a response."
    if run.status == "timeout":
        return "Your handler timed out."
    if kind == "Runtime.OutOfMemory":
        return "Your handler ran out of memory: Lambda stopped the runtime (Runtime.OutOfMemory)."
    if kind == "Runtime.UserCodeSyntaxError":
        return "Your code has a syntax error, so the handler could not be loaded."
    if kind:
        return f"Your handler raised {kind}."
    return f"Your handler failed ({_clean(str(run.status))})."


AFTER = {
    "queue-dlq": "moved to the queue's DLQ",
    "function-dlq": "sent to the function's DLQ",
    "on-failure-destination": "sent to the on-failure destination",
    "service-dlq": "sent to the source's own DLQ",
    "broker-dlq": "moved to the broker's DLQ",
    "discarded-max-age": "discarded (too old)",
    "discarded-retries": "discarded",
    "discarded-retention": "lost (expired)",
    "blocking": "still failing when the replay stopped",
    "records-failed": "reported as failed",
    "processed": "processed",
    "returned-ok": "returned",
    "returned-error": "an error for the caller",
    "lost-ignored-response": "lost (deleted although your response said it failed)",
    "filtered-out": "filtered out",
}
FAILED_ENDS = (
    "queue-dlq",
    "function-dlq",
    "on-failure-destination",
    "service-dlq",
    "broker-dlq",
    "discarded-max-age",
    "discarded-retries",
    "discarded-retention",
    "records-failed",
)


def verdict(source, outcome) -> dict:
    """One answer to "what does the source do with this?", from the replay and the contract check.

    tone: good | warn | bad; title: the short verdict; detail: the handler's part and the source's; final: how
    the records (or the event) ended."""
    run = outcome.run
    short = source.short_name
    said = _handler_said(run)
    trace = outcome.replay.trace if outcome.replay else None
    if trace is None:
        if run.status == "ok" and not outcome.contract_problems:
            return {"tone": "good", "title": "Accepted", "detail": f"{said} {short} accepts it.", "final": []}
        return {"tone": "bad", "title": "Not accepted", "detail": said, "final": []}
    counts = trace.counts()
    runs = outcome.replay.runs
    first = runs[0] if runs else {}
    first_kind = first.get("outcome", "")
    total = len(trace.records)
    invocations = trace.invocations or len(runs)
    retries = max(invocations - 1, 0)
    ends = [k for k in counts if k not in ("processed", "returned-ok", "filtered-out")]
    unit = "record" if source.slug in BATCH or total > 1 else "event"
    final = [
        f"{n} {unit}{'s' if n != 1 else ''} {AFTER.get(k) or DISPOSITIONS.get(k, k).lower()}" for k, n in counts.items()
    ]
    end = " and ".join(dict.fromkeys(AFTER.get(k, k) for k in ends))
    times = f" {short} invoked your handler {invocations} times." if retries else ""
    if trace.truncated or set(ends) == {"blocking"}:
        times += " The replay stops there; in AWS the retries would go on."

    def answer(tone: str, title: str, detail: str) -> dict:
        return {"tone": tone, "title": title, "detail": detail, "final": final}

    if "lost-ignored-response" in counts:
        lost = counts["lost-ignored-response"]
        return answer(
            "bad",
            "Failures ignored: the whole batch counts as a success",
            f"Your response reports {lost} failed record{'s' if lost != 1 else ''}, but "
            f"ReportBatchItemFailures is off, so {short} deletes them with the rest: they are lost.",
        )
    if first_kind == "partial":
        response = first.get("response") if isinstance(first.get("response"), dict) else {}
        failed = len(response.get("batchItemFailures") or [])
        batch = len(first.get("records") or ()) or total
        return answer(
            "bad" if any(k != "blocking" for k in ends) else "warn",
            f"Partial batch: {failed} of {batch} retried",
            f"Your handler reported {failed} failed record{'s' if failed != 1 else ''}. {short} deletes "
            f"the others and delivers the failed ones again.{times}",
        )
    if "returned-error" in counts:
        detail = next((d.detail for d in trace.dispositions.values() if d.kind == "returned-error"), "")
        shape = f" Its shape is not what {short} expects." if first_kind == "malformed" else ""
        return answer("bad", "Error returned to the caller", f"{said}{shape} {_clean(detail)}")
    if not ends:
        if retries:
            return answer(
                "warn",
                f"Retried, then accepted ({retries} retr{'y' if retries == 1 else 'ies'})",
                f"{said} {short} retried until a later invocation succeeded.{times}",
            )
        if "returned-ok" in counts:
            return answer("good", "Accepted", f"{said} {short} passes it on to the caller.")
        what = f"all {total} records" if total > 1 else "the event"
        final = []  # nothing more to say than the detail
        return answer("good", "Accepted", f"{said} {short} counts {what} as processed: nothing is retried.")
    rejected = first_kind == "malformed"
    if rejected:
        said = f"{said} {short} does not accept it, so the whole {'batch' if total > 1 else 'event'} counts as failed."
    if set(ends) == {"blocking"}:
        title = (
            f"{'Response rejected: retried' if rejected else 'Retried'}: still failing after {invocations} invocations"
        )
        return answer("warn", title, f"{said}{times}")
    lead = "Response rejected: retried" if rejected else "Retried"
    title = f"{lead}, then {end}" if retries else f"{'Response rejected' if rejected else 'Not retried'}: {end}"
    return answer("bad", title, f"{said}{times}")


def _result(request: HttpRequest, source, outcome, prepared: _Prepared, force_cold: bool) -> dict:
    run = outcome.run
    slug = source.slug
    diagram = layout.build(outcome.replay.trace, "What the source does with your handler") if outcome.replay else None
    flow_html = ""
    if diagram:
        context = replay_context(diagram, slug, "replay", trace=outcome.replay.trace)
        html = render_to_string("diagrams/flow.html#flow", context, request=request)
        flow_html = mark_safe(_clean(html))  # our own template output
    runs = outcome.replay.runs if outcome.replay else []
    aws = _aws_reports(outcome, prepared)
    return {
        "run": run,
        "verdict": verdict(source, outcome),
        "response": _shown_json(run.response) if run.status == "ok" else None,
        "error": _shown_json(run.error) if run.error else None,
        "error_line": error_line(run.error),
        "logs": _shown_logs(run.logs),
        "problems": [_clean(str(p)) for p in outcome.contract_problems],
        "lint": [_clean(str(p)) for p in outcome.lint],
        "runs": runs,
        "invocations": getattr(outcome, "invocations", 0) or len(runs) or 1,
        "stopped": _clean(str(getattr(outcome, "stopped", "") or "")),
        "planned": prepared.planned(slug),
        "memory_mb": prepared.memory_mb,
        "forced": force_cold,
        "flow_html": flow_html,
        "aws": aws,
        "aws_imported": any(report["imported"] for report in aws or ()),
        "loop_writes": resources.writes_to_trigger_bucket(
            prepared.event, (prepared.aws or {}).get("state"), outcome.aws_state
        )
        if slug == "s3" and prepared.aws is not None
        else [],
    }


def _aws_reports(outcome: service.Outcome, prepared: _Prepared) -> list[dict] | None:
    """Each real invocation's calls to AWS and the resources after it, marked against the invocation before
    (the first against what the run started from); None when the source has no emulated resources."""
    if prepared.aws is None:
        return None
    before = prepared.aws.get("state")
    reports = []
    for number, run in enumerate(outcome.all_runs or [outcome.run], start=1):
        report = resources.report(run.aws, before)
        report["number"] = number
        report["failed"] = run.status != "ok"
        previous = reports[-1] if reports else None
        if previous and report["imported"] and not report["changed"] and _same_calls(previous, report):
            report["same_as"] = previous.get("same_as") or previous["number"]  # shown in one line, not again
        reports.append(report)
        if isinstance(run.aws, dict) and run.aws.get("state") is not None:
            before = run.aws["state"]
    return reports


def _same_calls(one: dict, other: dict) -> bool:
    def signature(report: dict) -> list:
        return [(c["service"], c["operation"], c["params"], c["result"], c["error"]) for c in report["calls"]]

    return one["imported"] and signature(one) == signature(other) and one["error"] == other["error"]


@require_http_methods(["POST"])
@varies_on_htmx
def reset_resources(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Reset resources": the learner's emulated resources for this source back to the spec's state. With htmx
    the panel comes back; without, the page, with a message."""
    source = catalog.load().sources.get(slug)
    if source is None or resources.spec(slug) is None:
        return not_found(request)
    resources.reset(_learner(request), slug)
    notice = f"Your {source.short_name} resources are back to the scenario's starting state."
    if _removed_actions(request, slug):
        notice += " The role keeps the permissions you took away (tick them again under Execution role)."
    return _panel_answer(request, source, notice)


def _panel_answer(request: HttpRequest, source, notice: str) -> HttpResponse:
    """After a panel form: with htmx the panel alone, with its notice; without, the page, with a message."""
    if request.htmx:
        context = {"resources": _resources_panel(request, source.slug, notice), "source": source}
        response = render(request, "playground/_resources.html", context)
        response["Cache-Control"] = "no-store"
        return response
    messages.success(request, notice)
    return HttpResponseRedirect(reverse("playground:source_sandbox", args=[source.slug]) + "#resources")


ROLE_KEY = "resources-role-removed"  # session: {slug: [actions the learner took away from the role]}


def _removed_actions(request: HttpRequest, slug: str) -> list[str]:
    kept = request.session.get(ROLE_KEY, {}) if hasattr(request, "session") else {}
    return list(kept.get(slug, [])) if isinstance(kept, dict) else []


@require_http_methods(["POST"])
@varies_on_htmx
def resource_permissions(request: HttpRequest, slug: str) -> HttpResponse:
    """The panel's "Execution role" form: the checked actions stay allowed, the others are denied, so a call
    fails as AWS fails it (AccessDenied). Kept in the session, for this source."""
    source = catalog.load().sources.get(slug)
    if source is None or resources.spec(slug) is None:
        return not_found(request)
    offered = resources.role_actions(slug)
    allowed = set(request.POST.getlist("allowed"))
    removed = [action for action in offered if action not in allowed]
    kept = request.session.get(ROLE_KEY, {})
    kept = dict(kept) if isinstance(kept, dict) else {}
    kept[slug] = removed
    request.session[ROLE_KEY] = kept
    notice = (
        f"The role now lacks {', '.join(removed)}: those calls fail with an access-denied error."
        if removed
        else "The role has every permission this scenario needs."
    )
    return _panel_answer(request, source, notice)


@functools.cache
def _threat_model_html() -> str:
    from django.conf import settings

    from learn.catalog.rendering import markdown_to_html

    text = (Path(settings.BASE_DIR) / "docs" / "sandbox-threat-model.md").read_text(encoding="utf-8")
    html = markdown_to_html(text)  # our own document, not learner input
    # wide tables scroll on their own (keyboard-focusable) instead of the whole page
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>')
    return html.replace("</table>", "</table></div>")


def threat_model(request: HttpRequest) -> HttpResponse:
    """docs/sandbox-threat-model.md as a page: every attack class, its defence and its test."""
    return render(request, "playground/threat_model.html", {"html": mark_safe(_threat_model_html())})
