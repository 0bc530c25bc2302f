"""Attempts, answers, review cards and problem reports. Owned by a user or, anonymously, a session."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def new_seed() -> str:
    return uuid.uuid4().hex


class Owned(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        abstract = True


class Attempt(Owned):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        DRILL = "drill", "Drill"
        EXAM = "exam", "Exam simulation"
        REVIEW = "review", "Review"
        CHECKPOINT = "checkpoint", "Lesson checkpoint"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    title = models.CharField(max_length=200)
    item_ids = models.JSONField(default=list)
    seed = models.CharField(max_length=32, default=new_seed)
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    blueprint = models.CharField(max_length=10, blank=True)  # an exam simulation's exam code, e.g. "DVA-C02"

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.title}"

    @property
    def is_exam(self) -> bool:
        return self.mode == self.Mode.EXAM


class Answer(models.Model):
    class Confidence(models.TextChoices):
        LOW = "low", "Guessing"
        MEDIUM = "medium", "Fairly sure"
        HIGH = "high", "Certain"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=200)
    choice = models.JSONField(null=True, blank=True)  # option keys; None = not answered or "I don't know"
    dont_know = models.BooleanField(default=False)
    correct = models.BooleanField(null=True)
    confidence = models.CharField(max_length=6, choices=Confidence.choices, blank=True)
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    time_spent_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "item_id"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.choice}"


class ReviewCard(Owned):
    item_id = models.CharField(max_length=200)
    card = models.JSONField()
    due = models.DateTimeField(db_index=True)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item_id"], name="one_card_per_user_item", condition=models.Q(user__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["session_key", "item_id"],
                name="one_card_per_session_item",
                condition=models.Q(user__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} due {self.due:%Y-%m-%d}"


class ProblemReport(Owned):
    item_id = models.CharField(max_length=200, db_index=True)
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.message[:60]}"


class ItemStatus(models.Model):
    """An editor's verdict on an item after item analysis: under review, or retired (never drawn again)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVIEW = "review", "Under review"
        RETIRED = "retired", "Retired"

    item_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    note = models.TextField(blank=True, max_length=2000)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item statuses"

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_status_display()}"
