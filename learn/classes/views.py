"""Classes: my classes, create, join (anonymous visitors sign in first and keep their code), the instructor's
class page, a learner's page, and the CSV export. Thin views over services.py and report.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learn import catalog

from . import codes, limits, report, services
from .forms import CreateForm, JoinForm


def join_url(code: str = "") -> str:
    url = reverse("classes:join")
    return f"{url}?{urlencode({'code': codes.display(code)})}" if code else url


def _learners(count: int) -> str:
    return f"{count} learner{'s' if count != 1 else ''}"


def _taught_or_404(request: HttpRequest, classroom_id: int):
    classroom = services.taught_by(request.user, classroom_id)
    if classroom is None:
        raise Http404("No such class")
    return classroom


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, CreateForm())


def _index(request: HttpRequest, form: CreateForm, status: int = 200, refusal: str = "") -> HttpResponse:
    context = {"form": form, "refusal": refusal}
    if request.user.is_authenticated:
        context |= {"taught": services.taught(request.user), "joined": services.joined(request.user)}
    return render(request, "classes/index.html", context, status=status)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = CreateForm(request.POST)
    if not form.is_valid():
        return _index(request, form, status=422)
    if refusal := limits.refusal(request, "create"):
        wait_s, message = refusal
        return limits.refused(_index(request, form, refusal=message), wait_s)
    classroom = services.create(request.user, form.cleaned_data["name"])
    messages.success(request, f"Class “{classroom.name}” created. Share its join code with your learners.")
    return redirect("classes:detail", classroom.pk)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    typed = request.POST.get("code") if request.method == "POST" else request.GET.get("code", "")
    if not request.user.is_authenticated:
        code = codes.normalise(typed or "")
        here = join_url(code)
        return render(
            request,
            "classes/join.html",
            {
                "form": JoinForm(initial={"code": codes.display(code)}),
                "code": codes.display(code),
                "login_url": f"{reverse('login')}?{urlencode({'next': here})}",
                "signup_url": f"{reverse('classes:join_signup')}?{urlencode({'code': codes.display(code)})}",
            },
        )
    if request.method == "GET":
        return render(request, "classes/join.html", {"form": JoinForm(initial={"code": typed})})
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(request, "classes/join.html", {"form": form}, status=422)
    if refusal := limits.refusal(request, "join"):
        wait_s, message = refusal
        return limits.refused(render(request, "classes/join.html", {"form": form, "refusal": message}), wait_s)
    try:
        classroom, created = services.join(request.user, form.cleaned_data["code"])
    except services.NoSuchCode:
        form.add_error(
            "code",
            f"No class has the code {codes.display(form.cleaned_data['code'])}. Check it with your instructor: "
            "a code stops working when they make a new one.",
        )
        return render(request, "classes/join.html", {"form": form}, status=422)
    except services.ClassFull:
        form.add_error(
            "code",
            f"This class is full: it has {_learners(services.max_learners())}. Ask your instructor to start another.",
        )
        return render(request, "classes/join.html", {"form": form}, status=422)
    except services.OwnClass:
        form.add_error("code", "This is the code of a class you teach, so you are in it already as its instructor.")
        return render(request, "classes/join.html", {"form": form}, status=422)
    if created:
        messages.success(
            request,
            f"You joined “{classroom.name}”. {classroom.instructor.get_username()} can now see your progress.",
        )
    else:
        messages.info(request, f"You are already in “{classroom.name}”.")
    return redirect("classes:index")


def join_signup(request: HttpRequest) -> HttpResponse:
    """Sign-up, then back to the join form with the code kept (the account pages themselves send new learners
    to their dashboard)."""
    from learn.progress import views as accounts

    code = codes.normalise(request.GET.get("code", ""))
    response = accounts.signup(request)
    if response.status_code == 302 and request.user.is_authenticated:
        return redirect(join_url(code))
    return response


@login_required
@require_POST
def leave(request: HttpRequest, classroom_id: int) -> HttpResponse:
    if classroom := services.leave(request.user, classroom_id):
        messages.success(request, f"You left “{classroom.name}”. Its instructor no longer sees your progress.")
    return redirect("classes:index")


@login_required
@require_GET
def detail(request: HttpRequest, classroom_id: int) -> HttpResponse:
    return _detail(request, _taught_or_404(request, classroom_id))


def _detail(request: HttpRequest, classroom, *, status: int = 200, delete_error: str = "") -> HttpResponse:
    class_report = report.build(classroom)
    by_source = report.by_source(class_report)
    order, learners = report.sort(class_report, request.GET.get("sort", ""))
    return render(
        request,
        "classes/detail.html",
        {
            "classroom": classroom,
            "report": class_report,
            "by_source": by_source,
            "matrix": report.matrix(class_report, by_source),
            "order": order,
            "learners": learners,
            "code": codes.display(classroom.join_code),
            "join_link": request.build_absolute_uri(join_url(classroom.join_code)),
            "delete_error": delete_error,
        },
        status=status,
    )


@login_required
@require_GET
def learner(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    classroom = _taught_or_404(request, classroom_id)
    class_report = report.build(classroom, only_user_id=user_id)
    row = report.learner(class_report, user_id)
    if row is None:
        raise Http404("Not a member of this class")
    names = {s.slug: s.name for s in class_report.sources}
    started = [(names.get(s.slug, s.slug), s) for s in row.progress.sources.values() if s.evidence]
    started.sort(key=lambda pair: (pair[1].percent if pair[1].percent is not None else -1, pair[0]))
    not_started = [c for c in class_report.sources if not getattr(row.progress.sources.get(c.slug), "evidence", 0)]
    return render(
        request,
        "classes/learner.html",
        {
            "classroom": classroom,
            "row": row,
            "started": started,
            "not_started": not_started,
            "lessons": set(catalog.load().sources),
        },
    )


@login_required
@require_POST
def remove(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    classroom = _taught_or_404(request, classroom_id)
    if services.remove(classroom, user_id):
        messages.success(request, "The learner was removed from the class. They can join again with the code.")
    return redirect("classes:detail", classroom.pk)


@login_required
@require_POST
def new_code(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = _taught_or_404(request, classroom_id)
    code = services.new_code(classroom)
    messages.success(request, f"The new join code is {codes.display(code)}. The old one no longer works.")
    return redirect("classes:detail", classroom.pk)


@login_required
@require_POST
def delete(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = _taught_or_404(request, classroom_id)
    if request.POST.get("confirm") != "yes":
        return _detail(request, classroom, status=422, delete_error="Tick the box to confirm, then delete the class.")
    name = classroom.name
    services.delete(classroom)
    messages.success(request, f"The class “{name}” was deleted. Its learners keep their own progress.")
    return redirect("classes:index")


@login_required
@require_GET
def export(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = _taught_or_404(request, classroom_id)
    response = HttpResponse(report.to_csv(report.build(classroom)), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(classroom.name) or 'class'}-progress.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
