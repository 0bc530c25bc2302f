from __future__ import annotations

from django.db import models

from learn.quiz.models import Owned


class LessonRead(Owned):
    slug = models.SlugField(max_length=60)
    first_read = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slug"], name="lesson_once_per_user", condition=models.Q(user__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["session_key", "slug"], name="lesson_once_per_session", condition=models.Q(user__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.slug
