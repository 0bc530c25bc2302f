from __future__ import annotations

from django.urls import path

from . import views

app_name = "course"

urlpatterns = [
    path("", views.home, name="home"),
    path("paths/", views.path_list, name="paths"),
    path("paths/<slug:path_id>/", views.path_detail, name="path"),
    path("paths/<slug:path_id>/steps/<int:number>/done/", views.mark_step, name="mark_step"),
    path("course/checkpoint/<slug:slug>/", views.checkpoint, name="checkpoint"),
    path("course/practice/<slug:slug>/", views.practice, name="practice"),
]
