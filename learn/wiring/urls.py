from __future__ import annotations

from django.urls import path

from . import views

app_name = "wiring"

urlpatterns = [
    path("", views.lab, name="lab"),
    path("exercises/", views.exercise_index, name="exercises"),
    path("exercises/<slug:exercise_id>/", views.exercise_detail, name="exercise"),
    path("<slug:slug>/", views.source_template, name="source"),
    path("<slug:slug>/template.yaml", views.source_file, {"name": "template.yaml"}, name="source-template"),
    path("<slug:slug>/cli.sh", views.source_file, {"name": "cli.sh"}, name="source-cli"),
]
