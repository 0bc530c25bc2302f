"""A20: no learner-facing profile runs with DEBUG on, and htmx keeps our 4xx partials in place under DEBUG."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY.startswith('django-insecure'), 'whitenoise.middleware.WhiteNoiseMiddleware' in "
    "s.MIDDLEWARE, getattr(s, 'SECURE_SSL_REDIRECT', False))"
)


def settings_with(**env) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    completed = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=REPO,
        env={**base, "DJANGO_SETTINGS_MODULE": "learn.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_debug_is_off_unless_asked_for():
    assert settings_with() == "False False True False"  # local profile: no debug page, no known key, plain http
    assert settings_with(DJANGO_DEBUG="1").startswith("True")


def test_make_run_is_debug_off_and_make_dev_is_debug_on():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    run = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    dev = subprocess.run(["make", "-n", "dev"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    assert "DJANGO_DEBUG=0" in run and "DJANGO_SECRET_KEY=" in run and "collectstatic" in run
    assert "127.0.0.1:8000" in run and "DJANGO_DEBUG=1" not in run
    assert "DJANGO_DEBUG=1" in dev


@pytest.mark.django_db
def test_pages_load_the_partials_guard(client):
    html = client.get("/").content.decode()
    assert "site/htmx-partials.js" in html


GUARD_CHECK = r"""
const fs = require("fs");
const body = new EventTarget();
globalThis.document = { body };
eval(fs.readFileSync(process.argv[2], "utf8"));
function stopped(status, response) {
  const event = new Event("htmx:beforeOnLoad");
  event.detail = { xhr: { status, response } };
  let stop = false;
  event.stopPropagation = () => { stop = true; };
  body.dispatchEvent(event);
  return stop;
}
console.log(JSON.stringify([
  stopped(400, '<section id="result">bad JSON</section>'),
  stopped(429, "<div>slow down</div>"),
  stopped(503, "<div>busy</div>"),
  stopped(500, "<!DOCTYPE html><html>debug</html>"),
  stopped(404, "<!doctype html><html>not found page</html>"),
  stopped(200, "<div>ok</div>"),
]));
"""


def test_the_guard_keeps_our_fragments_from_the_debug_handler(tmp_path):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    script = tmp_path / "check.js"
    script.write_text(GUARD_CHECK)
    out = subprocess.run(
        [node, str(script), str(REPO / "static" / "site" / "htmx-partials.js")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[true,true,true,false,false,false]"
