"""W6: an anonymous GET stores nothing (no session, no database row); reading is recorded when the learner acts.

A lesson is marked read by a small POST (the "Mark as read" button, or static/site/lesson-read.js when the end of
the lesson scrolls into view); a learner who already has a session or an account is also recorded on opening it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from learn.progress.models import LessonRead
from learn.quiz.models import Attempt
from tests.personal import personal

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/sources/",
    "/sources/?model=poll",
    "/sources/sqs/",
    "/sources/kinesis/",
    "/models/async/",
    "/choose/",
    "/choose/?waits=yes",
    "/search/?q=kinesis",
    "/diagrams/sqs/",
    "/quiz/",
    "/progress/",
    "/me/fragment/?path=/sources/sqs/",
    "/me/fragment/?path=/models/poll/",
    "/glossary/",
]


def rows() -> dict[str, int]:
    return {
        "sessions": Session.objects.count(),
        "lesson_reads": LessonRead.objects.count(),
        "attempts": Attempt.objects.count(),
    }


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_cookieless_get_stores_no_session_and_no_row(url, htmx):
    client = Client()
    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert rows() == {"sessions": 0, "lesson_reads": 0, "attempts": 0}


def test_a_hundred_crawler_gets_store_nothing():
    for n in range(50):
        Client().get("/sources/sqs/" if n % 2 else "/quiz/")
    assert rows() == {"sessions": 0, "lesson_reads": 0, "attempts": 0}


def test_mark_as_read_records_the_lesson_once_and_starts_the_learner(client):
    page = client.get("/sources/sqs/").content.decode()
    assert 'href="/sources/sqs/read/"' in page and "Mark as read" in page
    response = client.post("/sources/sqs/read/")
    assert response.status_code == 302 and response["Location"] == "/sources/sqs/#lesson-read"
    client.post("/sources/sqs/read/")
    assert LessonRead.objects.filter(slug="sqs").count() == 1
    assert "sessionid" in client.cookies  # recording is an action: now the learner has a session
    assert "This lesson counts as read" not in client.get("/sources/sqs/").content.decode()  # one page for all
    assert "This lesson counts as read" in personal(client, "/sources/sqs/")  # the learner's own part
    assert "Lessons read" in client.get("/progress/").content.decode()


def test_the_scroll_beacon_gets_a_204(client):
    response = client.post("/sources/kinesis/read/", {"beacon": "1"})
    assert response.status_code == 204
    assert LessonRead.objects.filter(slug="kinesis").count() == 1


def test_mark_as_read_needs_post_and_a_real_lesson(client):
    page = client.get("/sources/sqs/read/")  # the button on its own page, for a browser without JavaScript
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "sessionid" not in page.cookies
    assert client.put("/sources/sqs/read/").status_code == 405
    assert client.post("/sources/no-such-thing/read/").status_code == 404
    assert rows()["lesson_reads"] == 0


def test_mark_as_read_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/sources/sqs/read/").status_code == 403
    assert rows()["lesson_reads"] == 0


def test_opening_a_lesson_is_not_reading_it_even_for_a_learner(client):
    """Issue 13: a visit is "opened", not learning; the lesson counts once the learner marks it or reaches its end."""
    client.post("/quiz/start/", {"mode": "practice", "size": "3"})  # now a learner
    html = client.get("/sources/s3/").content.decode()
    assert LessonRead.objects.filter(slug="s3").count() == 0 and "Mark as read" in html
    assert "Mark as read" in personal(client, "/sources/s3/")
    client.post("/sources/s3/read/", {"beacon": "1"})
    assert "This lesson counts as read" in personal(client, "/sources/s3/")


def test_an_account_records_a_lesson_when_it_marks_it_read(client):
    user = User.objects.create_user("reader", password="a-long-passphrase-77")
    client.force_login(user)
    client.get("/sources/sqs/")
    assert not LessonRead.objects.exists()
    client.post("/sources/sqs/read/")
    client.post("/sources/sqs/read/")
    assert list(LessonRead.objects.values_list("slug", "user_id")) == [("sqs", user.id)]


def test_the_lesson_page_is_cached_without_per_learner_parts(client):
    client.post("/sources/sqs/read/")
    Client().get("/sources/sqs/")  # a stranger fills nothing per learner into the cache
    html = Client().get("/sources/sqs/").content.decode()
    assert "counts as read" not in html and "Mark as read" in html
