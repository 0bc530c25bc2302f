from __future__ import annotations

from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "learn.quiz"
    label = "quiz"
    verbose_name = "Quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the question-bank check)
