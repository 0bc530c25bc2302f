from __future__ import annotations

from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    name = "learn.playground"
    label = "playground"
    verbose_name = "Handler sandbox pages"
