"""A visit stores nothing (security test W6), and pages that answer htmx too vary on HX-Request (W3)."""

from __future__ import annotations

import pytest

from learn.exercises import service

pytestmark = pytest.mark.django_db


def test_browsing_exercises_creates_no_session(client):
    slug = sorted(service.exercises())[0]
    for url in ("/exercises/", f"/exercises/{slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies, url


def test_the_exercise_and_sandbox_pages_vary_on_hx_request(client):
    slug = sorted(service.exercises())[0]
    for url in (f"/exercises/{slug}/", "/sources/sqs/sandbox/"):
        assert "HX-Request" in client.get(url).headers.get("Vary", ""), url
