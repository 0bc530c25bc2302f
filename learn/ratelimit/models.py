from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """One rate-limit counter: how many times `key` was hit since the window began; gone after `expires`."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.IntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count} until {self.expires:%H:%M:%S}"
