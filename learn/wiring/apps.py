from __future__ import annotations

from django.apps import AppConfig


class WiringConfig(AppConfig):
    name = "learn.wiring"
    label = "wiring"
    verbose_name = "Wiring lab"
