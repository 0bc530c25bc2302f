from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from learn.progress import fragment
from learn.progress import views as progress_views

urlpatterns = [
    # course, search and classes come first: they may take over a path of lessons' (home, /search/)
    path("", include("learn.course.urls")),
    path("", include("learn.search.urls")),
    path("classes/", include("learn.classes.urls")),
    path("", include("learn.lessons.urls")),
    path("quiz/", include("learn.quiz.urls")),
    path("progress/", include("learn.progress.urls")),
    path("me/fragment/", fragment.personal, name="personal_fragment"),
    path("diagrams/", include("learn.diagrams.urls")),
    path("", include("learn.playground.urls")),
    path("exercises/", include("learn.exercises.urls")),
    path("wiring/", include("learn.wiring.urls")),
    path("accounts/signup/", progress_views.signup, name="signup"),
    path("accounts/login/", progress_views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/password_reset/", progress_views.LimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before admin.site.urls: the admin's login goes through the same throttle as ours.
    path("admin/login/", progress_views.admin_login),
    path("admin/", admin.site.urls),
]

handler400 = "learn.badrequests.bad_request"
handler404 = "learn.lessons.views.not_found"
handler500 = "learn.badrequests.server_error"
