from __future__ import annotations

from django.apps import AppConfig


class RatelimitConfig(AppConfig):
    name = "learn.ratelimit"
    label = "ratelimit"
    default_auto_field = "django.db.models.BigAutoField"
