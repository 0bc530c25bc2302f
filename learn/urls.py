from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from learn.progress import views as progress_views

urlpatterns = [
    path("", include("learn.lessons.urls")),
    path("quiz/", include("learn.quiz.urls")),
    path("progress/", include("learn.progress.urls")),
    path("diagrams/", include("learn.diagrams.urls")),
    path("", include("learn.playground.urls")),
    path("exercises/", include("learn.exercises.urls")),
    path("accounts/signup/", progress_views.signup, name="signup"),
    path("accounts/login/", progress_views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "learn.lessons.views.not_found"
