from __future__ import annotations

from django.db import models

from learn.quiz.models import Owned


class ExercisePass(Owned):
    """A learner passed every step (visible and hidden) of an exercise; the code that passed is kept."""

    slug = models.SlugField(max_length=80)
    passed_at = models.DateTimeField(auto_now_add=True)
    code = models.TextField(max_length=64 * 1024)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slug"], name="exercise_pass_per_user", condition=models.Q(user__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["session_key", "slug"], name="exercise_pass_per_session", condition=models.Q(user__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.slug
