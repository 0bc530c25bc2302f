"""WSGI entry point (gunicorn learn.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
application = get_wsgi_application()

# Load and render the catalog now (about a second), so no learner's first request pays for it.
from learn import catalog  # noqa: E402

catalog.load()
