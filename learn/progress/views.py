"""Accounts (sign up; Django's own views do the rest) and the progress dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from learn import catalog
from learn.quiz import questions
from learn.quiz import services as quiz_services

from . import services, throttle
from .learners import owner_of


class ThrottledLoginView(LoginView):
    """Django's login, refusing with a clear message after too many failures for a name or an address."""

    def post(self, request, *args, **kwargs):
        username, address = request.POST.get("username", ""), request.META.get("REMOTE_ADDR", "")
        if throttle.blocked(username, address):
            form = self.get_form()
            form.add_error(None, "Too many failed attempts. Wait 15 minutes, or reset your password.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            throttle.succeeded(username, address)
        else:
            throttle.failed(username, address)
        return response


def signup(request: HttpRequest) -> HttpResponse:
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)  # the login signal hands anonymous work over to the new account
        messages.success(request, "Welcome! Everything you did before signing up is kept in your account.")
        return redirect("progress:dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def dashboard(request: HttpRequest) -> HttpResponse:
    owner, bank, cat, now = owner_of(request, create=False), questions.load(), catalog.load(), timezone.now()
    quiz_services.close_expired(owner, bank, now)  # a timed-out exam counts from now on
    data = services.dashboard(owner, bank, now)
    read = services.lessons_read(owner)
    from learn.exercises import service as exercises

    done = sorted(exercises.passed(owner))
    return render(
        request,
        "progress/dashboard.html",
        {
            **data,
            "chart": services.score_chart(data["scores"]),
            "read": [cat.sources[s] for s in read if s in cat.sources],
            "lesson_total": len(cat.sources),
            "exercises_passed": done,
            "exercise_total": len(exercises.exercises()),
            "names": {s.slug: s.short_name for s in cat.sources.values()},
        },
    )
