"""A class: an instructor, a join code, and the learners who joined with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Classroom(models.Model):
    name = models.CharField(max_length=100)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught")
    # stored without the display hyphen; see codes.py for the alphabet
    join_code = models.CharField(max_length=8, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    code_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "learner"], name="one_membership_per_class")]
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return f"{self.learner} in {self.classroom}"
