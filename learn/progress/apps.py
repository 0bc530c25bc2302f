from __future__ import annotations

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "learn.progress"
    label = "progress"
    verbose_name = "Learner progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (hands anonymous work over on login)
