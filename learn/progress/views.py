"""Accounts (sign up; Django's own views do the rest) and the progress dashboard."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from learn import catalog, ratelimit
from learn.quiz import questions
from learn.quiz import services as quiz_services

from . import resetmail, services, throttle
from .learners import owner_of


def _throttled(request: HttpRequest, check_password, refuse) -> HttpResponse:
    """Run a login view's POST under the login throttle (learn/progress/throttle.py)."""
    attempt = throttle.begin(request.POST.get("username", ""), ratelimit.client_address(request))
    if attempt.refused:
        response = refuse(throttle.message(attempt))
        response["Retry-After"] = str(attempt.refused_for)
        return response
    succeeded = False
    try:
        response = check_password()
        succeeded = response.status_code == 302 and request.user.is_authenticated
    finally:
        throttle.finish(attempt, succeeded)
    return response


class ThrottledLoginView(LoginView):
    """Django's login, refusing with a clear message after too many failures (see throttle.py)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, reset_available=mail_configured())

    def post(self, request, *args, **kwargs):
        def refuse(text: str) -> HttpResponse:
            # An unbound form: a bound one would check the password as soon as its errors are read.
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            return self.render_to_response(self.get_context_data(form=form, refusal=text), status=429)

        return _throttled(request, lambda: super(ThrottledLoginView, self).post(request, *args, **kwargs), refuse)


@sensitive_post_parameters()
@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page (/admin/login/), under the same throttle and counters as ours."""
    if request.method != "POST":
        return admin.site.login(request)
    return _throttled(
        request,
        lambda: admin.site.login(request),
        lambda text: ratelimit.refused(request, 1, text),
    )


class SignUpForm(UserCreationForm):
    """Username, an optional e-mail address (the only way a forgotten password can be reset), and a password
    whose rule breaches are reported under the password itself, not under its confirmation (walk C12)."""

    email = forms.EmailField(
        required=False,
        label="E-mail address (optional)",
        help_text="Only used to send you a password reset link. Without one, a forgotten password cannot be reset.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not mail_configured():  # say so here, not only on the reset page (the walk was promised a reset)
            self.fields["email"].help_text = (
                "This site has no mail server set up yet, so it cannot send password reset links for now; an "
                "address you give is kept for when it can. Keep your password somewhere safe."
            )

    def clean_username(self):
        """A taken name gets one plain message, whatever its spelling (case, NFKC compatibility forms).

        Sign-up cannot help saying that a name is taken: the learner has to pick another. What we can do is
        say it plainly, the same for every spelling, and limit how many names one address may try per hour
        (ratelimit "signup"), so the answer is no faster a way to list accounts than anything else.
        """
        username = self.cleaned_data.get("username")
        if username and get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is not available. Please choose another one.", code="unavailable")
        return username

    def clean_email(self) -> str:
        """One account per address, whatever its case: a reset link must reach exactly one account."""
        email = get_user_model().objects.normalize_email(self.cleaned_data.get("email", "").strip())
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "Another account already uses this e-mail address. Log in, or reset that account's password.",
                code="email_taken",
            )
        return email

    def validate_password_for_user(self, user, password_field_name: str = "password1") -> None:
        super().validate_password_for_user(user, password_field_name=password_field_name)


def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (refused := ratelimit.check(request, "signup")):
        return refused
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)  # the login signal hands anonymous work over to the new account
        messages.success(
            request,
            f"Welcome, {user.get_username()}: your account is ready and you are signed in. "
            "Everything you did before signing up is kept in it.",
        )
        if not user.email:
            messages.info(
                request,
                "You gave no e-mail address, so a forgotten password cannot be reset by e-mail. "
                "Keep your password somewhere safe.",
            )
        return redirect("progress:dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def mail_configured() -> bool:
    """Reset links go out only through a real mail backend (or the console with DEBUG on): never into logs."""
    backend = settings.EMAIL_BACKEND
    if backend.endswith("dummy.EmailBackend"):
        return False
    return settings.DEBUG or not backend.endswith("console.EmailBackend")


class LimitedPasswordResetView(PasswordResetView):
    """Django's reset, limited per client address and per e-mail address, and off without a mail server; the
    mail is sent after the answer (resetmail.py), so known and unknown addresses answer alike."""

    form_class = resetmail.BackgroundResetForm

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(**kwargs, account_without_email=user.is_authenticated and not user.email)

    def dispatch(self, request, *args, **kwargs):
        if not mail_configured():
            return render(request, "registration/password_reset_unavailable.html", status=503)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if refused := ratelimit.check(request, "password-reset"):
            return refused
        if refused := ratelimit.check(request, "password-reset-email", by=str(request.POST.get("email", ""))):
            return refused
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Links point at the site's configured address (DJANGO_SITE_DOMAIN), never at whatever Host or port the
        # request named (second web red team, W11); without one, at the first allowed host.
        domain = settings.SITE_DOMAIN or next(
            (h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), None
        )
        form.save(
            domain_override=domain,
            use_https=self.request.is_secure(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


def dashboard(request: HttpRequest) -> HttpResponse:
    from learn.course import progress as course
    from learn.exercises import service as exercises

    owner, bank, cat, now = owner_of(request, create=False), questions.load(), catalog.load(), timezone.now()
    quiz_services.close_expired(owner, bank, now)  # a timed-out exam counts from now on
    data = services.dashboard(owner, bank, now)
    read = services.lessons_read(owner)
    known = course.evidence(owner)
    mastery = course.source_mastery(owner, known)
    paths = course.path_progress(owner, known)
    current = course.current(paths)
    shown = [(cat.sources[slug], m) for slug, m in mastery.items() if m.evidence or m.label == "opened"]
    shown.sort(key=lambda row: (row[1].evidence == 0, row[1].level, row[0].order))
    weakest_source = next((row for row in shown if row[1].evidence and row[1].label != "mastered"), None)
    return render(
        request,
        "progress/dashboard.html",
        {
            **data,
            "chart": services.score_chart(data["scores"]),
            "read": [cat.sources[s] for s in read if s in cat.sources],
            "lesson_total": len(cat.sources),
            "exercises_passed": sorted(known.passed),
            "exercise_total": len(exercises.exercises()),
            "names": {s.slug: s.short_name for s in cat.sources.values()},
            "model_names": {m.id: m.name for m in cat.models.values()},
            "paths": paths,
            "current": current,
            "started": any(p.done for p in paths),
            "mastery": shown,
            "not_started": len(cat.sources) - len(shown),
            "weakest_source": weakest_source,
            "formula": {"window": course.WINDOW, "weight": course.EXERCISE_WEIGHT, "minimum": course.MIN_EVIDENCE},
        },
    )
