"""Quiz polish from the newcomer's walk: a submitted exam is read-only (B14), the key hint does not promise F
for an option where F flags (B13), results in seconds with named topics and exam tasks (B15)."""

from __future__ import annotations

import re

import pytest

from learn.quiz import questions
from learn.quiz.models import Answer, Attempt

pytestmark = pytest.mark.django_db


def _exam(client) -> Attempt:
    assert client.post("/quiz/start/", {"mode": "exam", "size": "15"}).status_code == 302
    return Attempt.objects.latest("started_at")


def test_a_running_exam_question_has_a_timer_and_save_and_flag_buttons(client):
    attempt = _exam(client)
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert 'role="timer"' in html and 'value="answer"' in html and 'value="flag"' in html
    assert 'data-testid="submitted"' not in html


def test_a_submitted_exams_question_page_is_read_only(client):
    attempt = _exam(client)
    client.post(f"/quiz/a/{attempt.id}/submit/")
    html = client.get(f"/quiz/a/{attempt.id}/1/").content.decode()
    assert 'role="timer"' not in html and "quiz-timer" not in html
    assert 'value="answer"' not in html and 'value="flag"' not in html and 'name="dont_know"' not in html
    assert 'data-testid="submitted"' in html and f"/quiz/a/{attempt.id}/results/" in html
    assert "<fieldset disabled>" in html
    review = client.get(f"/quiz/a/{attempt.id}/review/").content.decode()
    assert 'role="timer"' not in review


def _six_option_position(attempt: Attempt) -> int | None:
    bank = questions.load()
    return next(
        (
            n
            for n, i in enumerate(attempt.item_ids, 1)
            if len(bank.items[i].options) == 6 and bank.items[i].type != "ordering"
        ),
        None,
    )


def test_the_exam_key_hint_lets_f_choose_and_g_flag(client):
    for _ in range(10):  # exams draw at random: find one with a six-option question
        attempt = _exam(client)
        position = _six_option_position(attempt)
        if position:
            break
        client.post(f"/quiz/a/{attempt.id}/submit/")
    else:
        pytest.skip("no six-option question drawn")
    hint = re.search(
        r'data-testid="key-hint">([^<]*)<', client.get(f"/quiz/a/{attempt.id}/{position}/").content.decode()
    )
    assert hint.group(1) == "Keys: 1–6 or A–F choose (saved at once) · Enter goes on · G flags · ← → move."


def test_results_show_seconds_named_tasks_and_topics_linked_to_lessons(client):
    assert client.post("/quiz/start/", {"mode": "practice", "size": "5", "source": "sqs"}).status_code == 302
    attempt = Attempt.objects.latest("started_at")
    Answer.objects.filter(attempt=attempt).update(time_spent_ms=377)
    Answer.objects.filter(attempt=attempt, item_id=attempt.item_ids[0]).update(time_spent_ms=12_400)
    html = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    assert " ms spent" not in html
    assert "12 s spent" in html and "under 1 s spent" in html
    assert '<a href="/sources/sqs/">Amazon SQS</a>' in html  # the name, not the slug
    bank = questions.load()
    tasks = {t for i in attempt.item_ids for t in bank.items[i].exam}
    assert tasks and all(re.search(rf"{re.escape(t)} · \w", html) for t in tasks), tasks


def test_a_practice_quiz_on_a_source_is_titled_with_its_name(client):
    assert client.post("/quiz/start/", {"mode": "practice", "size": "3", "source": "sqs"}).status_code == 302
    assert Attempt.objects.latest("started_at").title == "Practice: Amazon SQS"
