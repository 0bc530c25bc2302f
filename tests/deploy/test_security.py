from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest

from ..conftest import REPO

pytestmark = pytest.mark.django_db


def test_pages_send_a_csp_whose_nonce_matches_the_htmx_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self' 'nonce-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "frame-ancestors 'none'" in policy


def test_security_headers(client):
    response = client.get("/sources/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="learn.example.com")
    env.update(extra)
    return env


def test_check_deploy_is_clean_in_production_mode():
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode != 0 and "DJANGO_SECRET_KEY must be set" in completed.stderr
