from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "learn.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox"

    def ready(self) -> None:
        from . import checks  # noqa: F401
