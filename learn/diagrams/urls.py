from __future__ import annotations

from django.urls import path

from . import views

app_name = "diagrams"

urlpatterns = [
    path("<slug:slug>/", views.diagram, name="diagram"),
]
