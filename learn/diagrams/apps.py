from __future__ import annotations

from django.apps import AppConfig


class DiagramsConfig(AppConfig):
    name = "learn.diagrams"
    label = "diagrams"
    verbose_name = "Flow diagrams"
