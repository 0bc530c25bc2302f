"""Learning paths, lesson checkpoints and mastery from evidence."""

from __future__ import annotations

from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "learn.course"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the learning paths' content check)
