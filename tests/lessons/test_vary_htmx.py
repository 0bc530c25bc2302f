"""W3: a URL that answers htmx with a partial and browsers with a full page says so (`Vary: HX-Request`), keeps
the partial out of caches (`Cache-Control: no-store`), and answers htmx's history restore with the full page.

Without this, Back after an htmx filter/search/guide step (URL pushed) showed the cached bare partial.
"""

from __future__ import annotations

import pytest
from django.utils.cache import get_max_age

from learn.quiz.models import Attempt

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
URLS = [
    "/sources/",
    "/sources/?model=poll&category=",
    "/choose/",
    "/choose/?waits=yes",
    "/search/?q=kinesis",
    "/diagrams/sqs/",
    "/diagrams/sqs/?uid=x1",
    "/sources/sqs/",
]


def varies_on_htmx(response) -> bool:
    return "hx-request" in {v.strip().lower() for v in response.get("Vary", "").split(",")}


def full_page(html: str) -> bool:
    return html.lstrip().lower().startswith("<!doctype html>") and '<nav class="navbar' in html


@pytest.mark.parametrize("url", URLS)
def test_both_renderings_vary_on_hx_request(client, url):
    page, partial = client.get(url), client.get(url, headers=HTMX)
    assert page.status_code == partial.status_code == 200
    assert varies_on_htmx(page) and varies_on_htmx(partial)


@pytest.mark.parametrize("url", [u for u in URLS if not u.startswith("/sources/sqs/")])
def test_partials_are_never_stored_by_a_cache(client, url):
    partial = client.get(url, headers=HTMX)
    assert not full_page(partial.content.decode())
    assert "no-store" in partial.get("Cache-Control", "")
    assert get_max_age(partial) is None


@pytest.mark.parametrize("url", [u for u in URLS if not u.startswith("/sources/sqs/")])
def test_htmx_history_restore_gets_the_full_page(client, url):
    restored = client.get(url, headers=RESTORE)
    assert restored.status_code == 200 and full_page(restored.content.decode())
    assert varies_on_htmx(restored)


def test_quiz_question_varies_and_its_partial_is_not_stored(client):
    client.post("/quiz/start/", {"mode": "practice", "size": "3"})
    attempt = Attempt.objects.latest("started_at")
    url = f"/quiz/a/{attempt.id}/1/"
    page, partial, restored = client.get(url), client.get(url, headers=HTMX), client.get(url, headers=RESTORE)
    assert full_page(page.content.decode()) and not full_page(partial.content.decode())
    assert full_page(restored.content.decode())
    assert all(varies_on_htmx(r) for r in (page, partial, restored))
    assert "no-store" in partial.get("Cache-Control", "")
    answered = client.post(url, {"dont_know": "1"}, headers=HTMX)
    assert answered.status_code == 200 and varies_on_htmx(answered) and "no-store" in answered["Cache-Control"]


def test_error_partials_vary_too(client):
    response = client.get("/sources/?model=zzz", headers=HTMX)
    assert varies_on_htmx(response)
