from __future__ import annotations

from django.db import models


class EmulatedResources(models.Model):
    """One learner's emulated AWS resources for one source's scenario (learn/playground/resources.py): the
    state the sandbox handed back after their last run. No row: the spec's own starting state."""

    learner = models.CharField(max_length=80)  # "user-<id>" or "anon-<session key>", as the sandbox's learner
    source = models.SlugField(max_length=64)
    state = models.JSONField()
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "source"], name="resources_per_learner_source")]

    def __str__(self) -> str:
        return f"{self.learner} / {self.source}"
