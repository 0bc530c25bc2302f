"""Quiz pages: thin views over learn.quiz.services; typed errors become 400/403 with a message."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learn import catalog, ratelimit
from learn.lessons import htmx
from learn.progress.learners import owner_of

from . import forms, history, limits, questions, services
from .grading import InvalidAnswer, presented_options
from .models import Answer, ProblemReport


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "quiz/error.html", {"message": message}, status=status)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    bank, cat, now = questions.load(), catalog.load(), timezone.now()
    owner = owner_of(request, create=False)  # a GET stores no session for a visitor (W6)
    services.close_expired(owner, bank, now)
    past = history.past_attempts(owner)
    running = history.running_exam(owner, now)
    counts: dict[str, int] = {}
    for item in bank.items.values():
        for slug in item.sources:
            counts[slug] = counts.get(slug, 0) + 1
    return render(
        request,
        "quiz/home.html",
        {
            "sources": [(s, counts.get(s.slug, 0)) for s in cat.ordered_sources()],
            "misconceptions": sorted(bank.misconceptions.values(), key=lambda m: m.belief),
            "tasks": sorted({t for i in bank.items.values() for t in i.exam}),
            "total": len(bank.items),
            "due": len(services.due_items(owner, now)),
            "mistakes": len(services.missed_items(owner)),
            "exam_forms": sorted(services.EXAM_FORMS.items()),
            "blueprints": [(e.code, e.name) for e in questions.blueprint().exams.values()],
            "task_names": {code: task.title for code, task in questions.blueprint().tasks.items()},
            "running": running,
            "replace": _replacement(request, running),
            "open_practice": history.unfinished_practice(owner),
            "history": past,
            "chart": history.exam_chart(past, request.GET.get("chart", "")),
            "pass_mark": round(services.PASS_MARK * 100),
            "pass_ratio": services.PASS_MARK,
        },
    )


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    # The learner's session is made only once an attempt is really stored (a refused start stores nothing).
    bank, now, owner = questions.load(), timezone.now(), owner_of(request, create=False)
    try:
        tasks = {t for i in bank.items.values() for t in i.exam}
        wanted = forms.start_request(request.POST, set(catalog.load().sources), set(bank.misconceptions), tasks)
    except InvalidAnswer as error:
        return _error(request, str(error), 400)
    mode, size = wanted["mode"], int(wanted["size"])
    if mode == "exam" and owner.known:
        services.close_expired(owner, bank, now)
        if history.running_exam(owner, now):
            if request.POST.get("confirm") != "submit-running":
                # never orphan a running exam (walk 4): the quiz home offers to resume it or to submit it first
                messages.warning(request, "You already have an exam running: resume it, or submit it and start anew.")
                query = urlencode({"replace": "exam", "blueprint": wanted["blueprint"], "size": size})
                return redirect(f"{reverse('quiz:home')}?{query}#resume-h")
            for running in services.running_exams(owner, now):
                services.finish(running, bank, now)
    seed = f"{owner.session_key or owner.user_id or uuid.uuid4().hex}-{now.timestamp()}"
    minutes = None
    if mode == "exam":
        code = str(wanted["blueprint"])
        item_ids = services.exam_form(bank, questions.blueprint(), code, size, seed)
        minutes = services.EXAM_FORMS[size]
        title = f"{code} blueprint: {size} questions in {minutes} minutes"
    else:
        services.close_expired(owner, bank, now)
        hidden = services.open_exam_items(owner, now)  # V4: a running exam's questions are not practised
    if mode == "review":
        item_ids, title = [i for i in services.due_items(owner, now) if i not in hidden][:size], "Review: questions due"
    elif mode == "mistakes":
        item_ids, title = [i for i in services.missed_items(owner) if i not in hidden][:size], "Retry my mistakes"
        mode = "review"
    elif mode != "exam":
        filters = {k: str(wanted[k]) for k in ("source", "model", "exam", "misconception")}
        hidden |= services.retired_ids()
        candidates = [i for i in services.matching(bank, **filters) if i.id not in hidden]
        item_ids = services.pick(candidates, size, seed)
        title = "Practice: " + (", ".join(_topic_name(k, v) for k, v in filters.items() if v) or "all topics")
    if not item_ids and mode != "exam" and hidden:
        messages.info(request, "The questions that match are in the exam you are taking: submit it first.")
        return redirect("quiz:home")
    if not item_ids:
        messages.info(request, "No questions match that choice yet: try a wider one.")
        return redirect("quiz:home")
    if refused := limits.charge(request, owner, exam=mode == "exam"):  # W6: each start stores up to 65 rows
        return ratelimit.refused(request, refused.retry_after_s, refused.message)
    if not owner.known:  # the learner's first start: now they get a token, and this start counts for it too
        owner = owner_of(request)
        limits.charge(request, owner, exam=mode == "exam", address_too=False)
    attempt = services.start(owner, mode, item_ids, title, minutes=minutes, now=now, blueprint=wanted["blueprint"])
    return redirect("quiz:question", attempt_id=attempt.id, number=1)


def _replacement(request: HttpRequest, running) -> dict | None:
    """The exam a learner asked to start while another runs (from start's redirect), if the query is sound."""
    if not running or request.GET.get("replace") != "exam":
        return None
    try:
        wanted = forms.start_request({"mode": "exam", **request.GET.dict()}, set(), set())
    except InvalidAnswer:
        return None
    return {"blueprint": wanted["blueprint"], "size": wanted["size"]}


def _load(request: HttpRequest, attempt_id):
    try:
        return services.get_for(owner_of(request, create=False), attempt_id), None
    except services.NotYours as error:
        return None, _error(request, str(error), 403)


@require_http_methods(["GET", "HEAD", "POST"])
@htmx.varies_on_htmx
def question(request: HttpRequest, attempt_id, number: int) -> HttpResponse:
    attempt, failure = _load(request, attempt_id)
    if failure:
        return failure
    if not 1 <= number <= len(attempt.item_ids):
        return _error(request, "That question number is not part of this attempt.", 404)
    bank, now = questions.load(), timezone.now()
    if attempt.is_exam and not attempt.submitted_at and services.expired(attempt, now):
        services.finish(attempt, bank, now)
        messages.warning(request, "Time is up: your exam was submitted with the answers you saved.")
        return redirect("quiz:results", attempt_id=attempt.id)
    item_id = attempt.item_ids[number - 1]
    item = bank.items.get(item_id)
    if item is None:
        return _error(request, "This question was retired from the bank.", 410)
    answer = Answer.objects.get(attempt=attempt, item_id=item_id)
    error, status, result = "", 200, None
    if request.method == "POST" and attempt.submitted_at:  # before looking at the answer's shape
        messages.warning(request, "This attempt is already submitted, so it cannot change any more.")
        return redirect("quiz:results", attempt_id=attempt.id)
    # A question of the learner's running exam shows no answer or feedback anywhere else until the exam is
    # submitted, whenever this other attempt was started (second web red team, W8).
    held = not attempt.is_exam and item_id in services.open_exam_items(owner_of(request, create=False), now)
    if request.method == "POST" and held:
        error, status = HELD_BY_EXAM, 409
    elif request.method == "POST":
        action = request.POST.get("action", "answer")
        try:
            if action not in ("answer", "flag"):
                raise InvalidAnswer("Save an answer or flag the question: nothing else can be sent here.")
            if action == "flag":
                services.set_flag(owner_of(request), attempt, item_id, not answer.flagged)
            elif attempt.is_exam and request.POST.get("dont_know"):
                history.clear_answer(owner_of(request), attempt, bank, item, now)
            else:
                keys = forms.answer_keys(item, request.POST)
                spent = _int(request.POST.get("spent_ms"))
                answer, result = services.record_answer(
                    owner_of(request),
                    attempt,
                    bank,
                    item_id,
                    keys,
                    confidence=request.POST.get("confidence", ""),
                    now=now,
                    time_spent_ms=spent,
                )
        except InvalidAnswer as exc:
            error, status = str(exc), 400
        except services.Closed as exc:
            messages.warning(request, str(exc))
            return redirect("quiz:results", attempt_id=attempt.id)
        else:
            # Post/redirect/get, so a reload never re-sends an answer or toggles a flag back.
            if attempt.is_exam and action != "flag" and number < len(attempt.item_ids):
                return redirect("quiz:question", attempt_id=attempt.id, number=number + 1)
            if attempt.is_exam and action != "flag":
                return redirect("quiz:review", attempt_id=attempt.id)
            if not htmx.wants_partial(request):
                return redirect("quiz:question", attempt_id=attempt.id, number=number)
        answer.refresh_from_db()
    answers = {a.item_id: a for a in attempt.answers.all()}
    context = {
        "attempt": attempt,
        "item": item,
        "number": number,
        "total": len(attempt.item_ids),
        "answer": answer,
        "options": list(zip("ABCDEF", presented_options(item, attempt.seed), strict=False)),
        "last_letter": "ABCDEF"[len(item.options) - 1],
        "error": error,
        # practice: once answered; an exam: only once submitted, when its pages are read-only (walk B14)
        "show_feedback": (attempt.is_exam and attempt.submitted_at is not None)
        or (not attempt.is_exam and answer.answered_at is not None and not held),
        "read_only": attempt.is_exam and attempt.submitted_at is not None,
        "submitted": request.POST if error else None,
        "progress": [(i + 1, answers.get(iid)) for i, iid in enumerate(attempt.item_ids)],
        # an ordering question's saved order, so its position menus show it again after a reload
        "positions": {key: n for n, key in enumerate(answer.choice or [], start=1)} if item.type == "ordering" else {},
        "answered_count": sum(1 for a in answers.values() if a.answered_at),
        "flagged_count": sum(1 for a in answers.values() if a.flagged),
        "deadline_iso": attempt.deadline.isoformat() if attempt.deadline else "",
        "seconds_left": max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None,
        "misconceptions": [bank.misconceptions[m] for m in item.misconceptions if m in bank.misconceptions],
        "doc_links": [(url, doc_label(url)) for url in item.docs],
        "steps": _steps(item, answer, presented_options(item, attempt.seed)) if item.type == "ordering" else {},
    }
    partial = htmx.wants_partial(request)
    template = "quiz/question.html#question" if partial else "quiz/question.html"
    return htmx.finish(request, render(request, template, context, status=status), partial)


def _steps(item, answer, shown) -> dict[str, dict]:
    """An ordering question's feedback per step (walk 2): where it belongs, where the learner put it, and whether
    that is right. Keyed by option key; positions are 1-based, None when the learner gave none."""
    given = {key: n for n, key in enumerate(answer.choice or [], start=1)}
    steps = {}
    for position, option in enumerate(item.options, start=1):
        mine = given.get(option.key)
        steps[option.key] = {"correct": position, "given": mine, "right": mine == position}
    return steps


# Readable names for AWS documentation links (walk 16): the bank stores URLs only, so a label is made from the
# guide and the page. Pages whose file name reads badly get a name of their own.
GUIDE_KINDS = {
    "dg": "Developer Guide",
    "developerguide": "Developer Guide",
    "DeveloperGuide": "Developer Guide",
    "SQSDeveloperGuide": "Developer Guide",
    "dev": "Developer Guide",
    "ug": "User Guide",
    "userguide": "User Guide",
    "UserGuide": "User Guide",
    "api": "API Reference",
    "APIReference": "API Reference",
}
SERVICES = {
    "AWSSimpleQueueService": "SQS",
    "AmazonCloudWatch": "CloudWatch Logs",
    "AmazonCloudWatchLogs": "CloudWatch Logs",
    "codepipeline": "CodePipeline",
    "eventbridgev2": "EventBridge Scheduler",
}
PAGE_NAMES = {
    "gettingstarted-limits": "Quotas",
    "urls-auth": "Function URL auth",
    "urls-invocation": "Invoking function URLs",
    "urls-configuration": "Creating function URLs",
    "invocation-async": "Asynchronous invocation",
    "invocation-sync": "Synchronous invocation",
    "invocation-eventsourcemapping": "Event source mappings",
    "invocation-retries": "Retries",
    "access-control-resource-based": "Resource-based policies",
    "lambda-invocation": "Invoking functions",
    "lambda-services": "Invoking Lambda with events from other services",
    "config-rs-invoke-furls": "Resource-based policy for function URLs",
    "apig-http-invoke-decision": "Choosing an HTTP invoke method",
    "crpg-ref": "Custom resource reference",
}
# Lower-case words of file names as the guides write them; a word of "" is dropped.
WORDS = {
    "urls": "function URLs",
    "url": "URL",
    "furls": "function URLs",
    "sqs": "SQS",
    "sns": "SNS",
    "msk": "MSK",
    "s3": "S3",
    "iam": "IAM",
    "api": "API",
    "apis": "APIs",
    "http": "HTTP",
    "rest": "REST",
    "ddb": "DynamoDB",
    "dynamodb": "DynamoDB",
    "esm": "event source mapping",
    "async": "asynchronous",
    "sync": "synchronous",
    "kms": "KMS",
    "cfn": "CloudFormation",
    "alb": "ALB",
    "elb": "ELB",
    "dlq": "DLQ",
    "ses": "SES",
    "eventbridge": "EventBridge",
    "kinesis": "Kinesis",
    "cognito": "Cognito",
    "mq": "MQ",
    "sms": "SMS",
    "gettingstarted": "getting started",
    "limits": "quotas",
    "config": "Config",
    "lambda": "Lambda",
    "lamda": "Lambda",
    "aws": "AWS",
    "iot": "IoT",
    "sql": "SQL",
    "apig": "API Gateway",
    "apigateway": "API Gateway",
    "documentdb": "DocumentDB",
    "kafka": "Kafka",
    "cloudfront": "CloudFront",
    "cloudwatchlogs": "CloudWatch Logs",
    "ops": "Operations",
    "id": "ID",
    "eb": "",
    "crpg": "custom resource",
    "ref": "reference",
    "rs": "resource",
    "envvars": "environment variables",
    "eventfiltering": "event filtering",
    "params": "parameters",
    "errorhandling": "error handling",
    "batchfailurereporting": "batch failure reporting",
    "requesttypes": "request type",
    "cfnresponsemodule": "cfn-response module",
    "eventinvokeconfig": "EventInvokeConfig",
    "eventsourcemapping": "EventSourceMapping",
    "customresource": "CustomResource",
    "configrule": "ConfigRule",
    "subscriptionfilter": "SubscriptionFilter",
    "dependson": "DependsOn",
    "authorizer": "Authorizer",
    "permission": "Permission",
    "cloudformation": "CloudFormation",
    "gateway": "Gateway",
    "vs": "vs.",
}


def doc_label(url: str) -> str:
    """'…/lambda/latest/dg/urls-auth.html' -> 'Lambda Developer Guide: Function URL auth'; never a bare slug.

    The bank stores URLs only (no page titles), so a label is the guide plus the page's words made readable."""
    from learn.lessons.templatetags.lesson_tags import GUIDES

    parts = [p for p in str(url).split("#")[0].split("?")[0].split("/") if p]
    if len(parts) < 3:
        return "AWS documentation"
    names = {**GUIDES, **SERVICES}
    service = next((names[p] for p in parts[2:-1] if p in names), "AWS")
    kind = next((GUIDE_KINDS[p] for p in parts[2:-1] if p in GUIDE_KINDS), "documentation")
    slug = parts[-1].removesuffix(".html")
    if slug.startswith("API_"):
        page = slug.removeprefix("API_") + " (API)"
    elif slug in PAGE_NAMES:
        page = PAGE_NAMES[slug]
    else:
        raw = [w for w in slug.replace("_", "-").split("-") if w]
        if raw[:2] == ["aws", "resource"]:  # CloudFormation: aws-resource-lambda-permission
            raw = [*raw[2:], "resource"]
        elif raw[:2] == ["aws", "attribute"]:
            raw = [*raw[2:], "attribute"]
        elif raw[:1] == ["services"] and service == "Lambda":  # Lambda: services-sqs-configure
            raw = ["with", *raw[1:]]
        words = [w for w in (WORDS.get(w.lower(), w) for w in raw) if w]
        if words[:1] == ["with"]:
            words = ["using", "Lambda", "with", *words[1:]]
        page = " ".join(words) or "overview"
        page = page[:1].upper() + page[1:]
    return f"{service} {kind}: {page}"


HELD_BY_EXAM = (
    "This question is also in your running exam, so it shows no answer or feedback here until you submit the "
    "exam. Answer it in the exam, or come back to it afterwards."
)


def _int(raw: str | None) -> int:
    try:
        return max(0, min(int(raw or 0), 3_600_000))
    except ValueError:
        return 0


def _refused(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message, **extra}, status=status)


@require_POST
def autosave(request: HttpRequest, attempt_id, number: int) -> HttpResponse:
    """Save an exam question's selection as soon as it changes (quiz.js); answers with JSON for the save state.

    Complete answers go through services.record_answer like "Save and next"; an incomplete multiple-answer
    selection is kept as a draft. Tampered input is a 400 with a message, never a 500."""
    owner = owner_of(request, create=False)
    try:
        attempt = services.get_for(owner, attempt_id)
    except services.NotYours as error:
        return _refused(str(error), 403)
    if not attempt.is_exam:
        return _refused("Only exam answers are saved as you click; practice checks each answer.", 400)
    if not 1 <= number <= len(attempt.item_ids):
        return _refused("That question number is not part of this attempt.", 404)
    results_url = reverse("quiz:results", args=[attempt.id])
    if attempt.submitted_at:
        return _refused("This exam is already submitted, so its answers cannot change.", 409, results=results_url)
    bank, now = questions.load(), timezone.now()
    item = bank.items.get(attempt.item_ids[number - 1])
    if item is None:
        return _refused("This question was retired from the bank.", 410)
    try:
        choice = request.POST.getlist("choice")
        if request.POST.get("dont_know"):
            history.clear_answer(owner, attempt, bank, item, now)  # an exam has no "I don't know" (walk 3)
            complete = False
        elif item.type == "multiple" and len(choice) < item.choose and not request.POST.get("dont_know"):
            history.save_draft(owner, attempt, bank, item, choice, now)
            complete = False
        else:
            services.record_answer(
                owner,
                attempt,
                bank,
                item.id,
                forms.answer_keys(item, request.POST),
                confidence=request.POST.get("confidence", ""),
                now=now,
                time_spent_ms=_int(request.POST.get("spent_ms")),
            )
            complete = True
    except InvalidAnswer as error:
        return _refused(str(error), 400)
    except services.Closed as error:
        return _refused(str(error), 409, results=results_url)
    answered = attempt.answers.filter(answered_at__isnull=False).count()
    return JsonResponse(
        {"saved": True, "answered": complete, "answered_count": answered, "total": len(attempt.item_ids)}
    )


@require_safe
def review(request: HttpRequest, attempt_id) -> HttpResponse:
    attempt, failure = _load(request, attempt_id)
    if failure:
        return failure
    now = timezone.now()
    if attempt.is_exam and not attempt.submitted_at and services.expired(attempt, now):
        # as on a question page: the timer's reload at 0:00 lands on the results, not on this page again
        services.finish(attempt, questions.load(), now)
        messages.warning(request, "Time is up: your exam was submitted with the answers you saved.")
        return redirect("quiz:results", attempt_id=attempt.id)
    answers = {a.item_id: a for a in attempt.answers.all()}
    rows = [(n, answers[i]) for n, i in enumerate(attempt.item_ids, start=1)]
    return render(
        request,
        "quiz/review.html",
        {
            "attempt": attempt,
            "rows": rows,
            "unanswered": [n for n, a in rows if not a.answered_at],
            "flagged": [n for n, a in rows if a.flagged],
            "answered_count": sum(1 for _, a in rows if a.answered_at),
            "flagged_count": sum(1 for _, a in rows if a.flagged),
            "deadline_iso": attempt.deadline.isoformat() if attempt.deadline else "",
            "seconds_left": max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None,
        },
    )


@require_POST
def submit(request: HttpRequest, attempt_id) -> HttpResponse:
    attempt, failure = _load(request, attempt_id)
    if failure:
        return failure
    if attempt.submitted_at:
        messages.info(request, "This attempt was already submitted.")
    services.finish(attempt, questions.load(), timezone.now())
    return redirect("quiz:results", attempt_id=attempt.id)


@require_safe
def results(request: HttpRequest, attempt_id) -> HttpResponse:
    attempt, failure = _load(request, attempt_id)
    if failure:
        return failure
    bank, blueprint = questions.load(), questions.blueprint()
    if not attempt.submitted_at:
        if not attempt.is_exam:
            services.finish(attempt, bank, timezone.now())
        else:
            return redirect("quiz:review", attempt_id=attempt.id)
    held = set() if attempt.is_exam else services.open_exam_items(owner_of(request, create=False), timezone.now())
    report = services.results(attempt, bank, blueprint)
    domains = report["by_domain"] if attempt.is_exam else []
    rows = history.result_rows(attempt, bank, blueprint, held)
    show = request.GET.get("show", "all")
    try:
        shown = history.filter_rows(rows, show)
    except InvalidAnswer as error:
        return _error(request, str(error), 400)
    names = {slug: source.name for slug, source in catalog.load().sources.items()}
    return render(
        request,
        "quiz/results.html",
        {
            "held_by_exam": len([i for i in attempt.item_ids if i in held]),
            "attempt": attempt,
            "report": report,
            "domains": [(d, round(d.ratio * 100), [(s, names.get(s, s)) for s in d.missed_sources]) for d in domains],
            "rows": shown,
            "show": show if show else "all",
            "filters": history.results_filters(rows, domains, flags=attempt.is_exam),
            "pass_mark": int(services.PASS_MARK * 100),
            "source_names": names,
            "task_names": {code: task.title for code, task in blueprint.tasks.items()},
            "score_pct": round(report["ratio"] * 100),
            "average_seconds": history.average_seconds(rows),
        },
    )


def _topic_name(kind: str, value: str) -> str:
    """A practice filter as a learner reads it: "Amazon SQS", "Asynchronous invocation", else the value itself."""
    cat = catalog.load()
    if kind == "source" and value in cat.sources:
        return cat.sources[value].name
    if kind == "model" and value in cat.models:
        return cat.models[value].name
    return value


@require_POST
def report_problem(request: HttpRequest, item_id: str) -> HttpResponse:
    if refused := ratelimit.check(request, "problem-report"):  # per client address per hour (learn/ratelimit)
        return refused
    bank = questions.load()
    if item_id not in bank.items:
        return _error(request, "There is no such question.", 404)
    form = forms.ReportForm(request.POST)
    if not form.is_valid():  # NUL and lone surrogates too: a database refuses them (F3)
        return _error(request, form.first_error(), 400)
    message = form.cleaned_data["message"]
    ProblemReport.objects.create(item_id=item_id, message=message, **owner_of(request).fields())
    messages.success(request, "Thank you: the report was saved and an editor will look at it.")
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/quiz/") else "quiz:home")
