from __future__ import annotations

from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "learn.exercises"
    label = "exercises"
    verbose_name = "Graded exercises"
    default_auto_field = "django.db.models.BigAutoField"
