from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("learn.lessons.urls")),
    path("quiz/", include("learn.quiz.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "learn.lessons.views.not_found"
