from __future__ import annotations

from django.urls import path

from . import views

app_name = "playground"

urlpatterns = [
    path("sandbox/", views.sandbox, name="sandbox"),
    path("sandbox/security/", views.threat_model, name="threat_model"),
    path("sources/<slug:slug>/sandbox/", views.sandbox, name="source_sandbox"),
    path("sources/<slug:slug>/sandbox/resources/reset/", views.reset_resources, name="reset_resources"),
    path("sources/<slug:slug>/sandbox/resources/role/", views.resource_permissions, name="resource_permissions"),
]
