from __future__ import annotations

from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.lesson, name="lesson"),
    path("sources/<slug:slug>/read/", views.mark_read, name="read"),
    path("sources/<slug:slug>/code/<str:kind>/<int:number>/", views.code, name="code"),
    path("models/<slug:model_id>/", views.model_page, name="model"),
    path("choose/", views.choose, name="choose"),
    path("changes/", views.changes, name="changes"),
    path("api/catalog.json", views.catalog_json, name="catalog_json"),
]
