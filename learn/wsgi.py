"""WSGI entry point (gunicorn learn.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
application = get_wsgi_application()

# Load the catalog, the question bank (its predict items run the engine) and the exercises now, so no
# learner's first request pays for it (the load benchmark saw 3-4 s first responses per worker otherwise).
from learn import catalog  # noqa: E402
from learn.exercises import service as exercises  # noqa: E402
from learn.quiz import questions  # noqa: E402

catalog.load()
catalog.version()
questions.load()
exercises.exercises()
