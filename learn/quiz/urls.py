from __future__ import annotations

from django.urls import path

from . import views

app_name = "quiz"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("a/<uuid:attempt_id>/<int:number>/", views.question, name="question"),
    path("a/<uuid:attempt_id>/<int:number>/save/", views.autosave, name="autosave"),
    path("a/<uuid:attempt_id>/review/", views.review, name="review"),
    path("a/<uuid:attempt_id>/submit/", views.submit, name="submit"),
    path("a/<uuid:attempt_id>/results/", views.results, name="results"),
    path("item/<str:item_id>/report/", views.report_problem, name="report"),
]
