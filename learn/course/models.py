"""Evidence the course keeps beside the quiz's: which lesson a checkpoint attempt is for, and steps marked done."""

from __future__ import annotations

from django.db import models

from learn.quiz.models import Attempt, Owned


class Checkpoint(models.Model):
    """A quiz Attempt (mode "checkpoint") taken as one lesson's checkpoint. Ownership is the attempt's, so
    handing an anonymous learner's attempts to their new account carries checkpoints along."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, primary_key=True, related_name="checkpoint")
    source = models.SlugField(max_length=60, db_index=True)

    def __str__(self) -> str:
        return f"checkpoint {self.source}"


class StepDone(Owned):
    """A path step the learner marked done themselves (a model page or a diagram leaves no other evidence).

    Keyed by the step's key ("model:poll", "diagram:sqs:poison"), not by path: a step shared by two paths is done
    in both."""

    key = models.CharField(max_length=120)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="step_done_once_per_user", condition=models.Q(user__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["session_key", "key"], name="step_done_once_per_session", condition=models.Q(user__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.key
