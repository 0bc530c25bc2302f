"""`manage.py sandbox_worker [--name N]`: run learner handlers for the web processes (SANDBOX_WORKERS=rq)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from learn.sandbox import remote


class Command(BaseCommand):
    help = "Run a sandbox worker: takes handler runs from Redis (RQ) and runs them in bubblewrap sandboxes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", help="Worker name (its queue is triggerlab-sandbox-<name>); default host-pid.")

    def handle(self, *args, name=None, **options) -> None:
        from django.conf import settings

        if not settings.REDIS_URL:
            raise CommandError("Set REDIS_URL: the sandbox queue lives in Redis.")
        self.stdout.write(f"Sandbox worker {name or '(host-pid)'} taking runs from {settings.REDIS_URL}")
        remote.work(name)
