from __future__ import annotations

import re

import pytest
from django.test import Client

from learn.quiz import questions
from learn.quiz.models import Answer, Attempt, ProblemReport

pytestmark = pytest.mark.django_db


def start(client, **data) -> Attempt:
    response = client.post("/quiz/start/", {"mode": "practice", "size": "5", **data})
    assert response.status_code == 302, response.content[:500]
    return Attempt.objects.latest("started_at")


def option_for(attempt: Attempt, correct: bool) -> tuple[str, object]:
    item = questions.load().items[attempt.item_ids[0]]
    key = next((o.key for o in item.options if o.correct == correct), item.options[0].key)  # ordering: all "correct"
    return key, item


def test_hub_renders(client):
    html = client.get("/quiz/").content.decode()
    assert "Practise like the exam" in html and "Exam simulation" in html


def test_practice_gives_feedback_with_every_rationale(client):
    attempt = start(client, source="sqs", size="20")
    bank = questions.load()
    position, item = next(
        (n, bank.items[i]) for n, i in enumerate(attempt.item_ids, 1) if bank.items[i].type == "single"
    )
    key = next(o.key for o in item.options if o.correct)
    html = client.post(f"/quiz/a/{attempt.id}/{position}/", {"choice": key}, follow=True).content.decode()
    assert "Right!" in html
    assert html.count('class="rationale') == len(item.options)


def test_htmx_answer_returns_only_the_question_partial(client):
    attempt = start(client)
    key, item = option_for(attempt, False)
    if item.type == "ordering":
        data = {f"position-{o.key}": str(n) for n, o in enumerate(item.options, 1)}
    elif item.type == "multiple":
        data = {"choice": [o.key for o in item.options[: item.choose]]}
    else:
        data = {"choice": key}
    response = client.post(f"/quiz/a/{attempt.id}/1/", data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert (
        response.status_code == 200
        and html.lstrip().startswith('<div id="question-panel"')
        and '<nav class="navbar' not in html
    )


def test_unknown_option_is_400_and_changes_nothing(client):
    attempt = start(client)
    response = client.post(f"/quiz/a/{attempt.id}/1/", {"choice": "zz"})
    assert response.status_code == 400
    assert "not an option" in response.content.decode() or "position" in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


def test_another_learners_attempt_is_403(client):
    attempt = start(client)
    stranger = Client()
    assert stranger.get(f"/quiz/a/{attempt.id}/1/").status_code == 403
    assert stranger.post(f"/quiz/a/{attempt.id}/1/", {"choice": "a"}).status_code == 403
    assert stranger.post(f"/quiz/a/{attempt.id}/submit/").status_code == 403


def test_exam_flow_with_flag_review_submit_and_results(client):
    response = client.post("/quiz/start/", {"mode": "exam", "size": "15"})
    attempt = Attempt.objects.latest("started_at")
    families = {i.partition("--")[0] for i in questions.load().items}
    size = min(15, len(families))  # one variant per engine template
    assert response.status_code == 302 and attempt.deadline is not None and len(attempt.item_ids) == size
    client.post(f"/quiz/a/{attempt.id}/2/", {"action": "flag"})
    review = client.get(f"/quiz/a/{attempt.id}/review/").content.decode()
    assert "Flagged (1)" in review and f"Unanswered ({size})" in review
    client.post(f"/quiz/a/{attempt.id}/submit/")
    results = client.get(f"/quiz/a/{attempt.id}/results/").content.decode()
    assert re.search(rf"0 / {size}", results) and "only an estimate" in results
    again = client.post(f"/quiz/a/{attempt.id}/1/", {"choice": "a"})
    assert again.status_code == 302  # refused after submit: sent to the results with a message


def test_bad_start_requests_get_a_message(client):
    assert client.post("/quiz/start/", {"mode": "exam", "size": "7"}).status_code == 400
    assert client.post("/quiz/start/", {"mode": "practice", "source": "nope"}).status_code == 400
    assert client.post("/quiz/start/", {"mode": "hack"}).status_code == 400


def test_report_a_problem_is_stored(client):
    item_id = next(iter(questions.load().items))
    response = client.post(f"/quiz/item/{item_id}/report/", {"message": "The key looks wrong to me.", "next": "/quiz/"})
    assert response.status_code == 302
    assert ProblemReport.objects.get().item_id == item_id
    assert client.post(f"/quiz/item/{item_id}/report/", {"message": "x"}).status_code == 400


def test_question_number_out_of_range_is_404(client):
    attempt = start(client)
    assert client.get(f"/quiz/a/{attempt.id}/99/").status_code == 404


def test_export_quiz_dumps_items_with_keys_and_rationales(capsys):
    import json

    from django.core.management import call_command

    call_command("export_quiz", "--json")
    data = json.loads(capsys.readouterr().out)
    assert len(data["items"]) == len(questions.load().items)
    first = data["items"][0]
    assert first["key"] and all(o["rationale"] for o in first["options"])
