"""F3: text a database refuses (NUL, lone surrogates) is refused by form validation with a clear message.

Run on PostgreSQL too (DATABASE_URL=postgres://…), where a NUL reaching a text column is a DataError (500).
"""

from __future__ import annotations

import pytest

from learn.quiz import questions
from learn.quiz.models import Attempt, ProblemReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def item_id():
    return sorted(questions.load().items)[0]


@pytest.mark.parametrize("message", ["hello\x00world", "\x00\x00\x00\x00\x00", "a fine report \x00"])
def test_a_nul_in_a_problem_report_is_a_400_with_a_message(client, item_id, message):
    response = client.post(f"/quiz/item/{item_id}/report/", {"message": message, "next": "/quiz/"})
    html = response.content.decode()
    assert response.status_code == 400
    # our form's message, or the site-wide NUL guard's page (learn/badrequests.py) when it is installed
    assert "Null characters are not allowed" in html or "a character that is not allowed" in html
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("bad \ud800 surrogate", "cannot be stored"),
        ("\udfff\ud800 twice over", "cannot be stored"),
        ("hello\x00world", "Null characters are not allowed"),
    ],
)
def test_text_a_database_refuses_is_refused_by_the_form(message, says):
    from learn.quiz.forms import ReportForm

    form = ReportForm({"message": message})
    assert not form.is_valid()
    assert says in str(form.errors["message"])


def test_the_form_answers_a_nul_with_its_own_message_too(rf, item_id):
    """Without the site-wide guard (the view alone): the form's message, a 400, nothing stored."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from learn.quiz.views import report_problem

    request = rf.post(f"/quiz/item/{item_id}/report/", {"message": "hello\x00world"})
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    response = report_problem(request, item_id)
    assert response.status_code == 400 and "Null characters are not allowed" in response.content.decode()
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(("message", "status"), [("", 400), ("four", 400), ("x" * 2001, 400), ("  five five  ", 302)])
def test_report_length_rules_are_kept(client, item_id, message, status):
    response = client.post(f"/quiz/item/{item_id}/report/", {"message": message})
    assert response.status_code == status
    if status == 400:
        assert "5 to 2,000 characters" in response.content.decode()
    else:
        assert ProblemReport.objects.get().message == "five five"


def test_a_good_report_is_stored_and_redirects_back(client, item_id):
    response = client.post(f"/quiz/item/{item_id}/report/", {"message": "The answer is wrong", "next": "/quiz/x/"})
    assert response.status_code == 302 and response["Location"] == "/quiz/x/"
    assert ProblemReport.objects.get().message == "The answer is wrong"


def test_a_report_on_an_unknown_question_is_404(client):
    assert client.post("/quiz/item/nope/report/", {"message": "hello world"}).status_code == 404


@pytest.mark.parametrize("value", ["\x00", "task\x00", "no such task"])
def test_the_exam_task_filter_is_checked_against_known_tasks(client, value):
    response = client.post("/quiz/start/", {"mode": "practice", "size": "5", "exam": value})
    assert response.status_code == 400
    assert "no exam task" in response.content.decode() or "\x00" in value  # a NUL may meet the site-wide guard
    assert not Attempt.objects.exists()


def test_a_known_exam_task_still_starts_practice(client):
    task = sorted({t for i in questions.load().items.values() for t in i.exam})[0]
    response = client.post("/quiz/start/", {"mode": "practice", "size": "5", "exam": task})
    assert response.status_code == 302
    assert task in Attempt.objects.get().title
