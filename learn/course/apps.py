from __future__ import annotations

from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "learn.course"
    default_auto_field = "django.db.models.BigAutoField"
