"""The exercise page: one top-level error for code that does not load, the path on after a pass, hints in place."""

from __future__ import annotations

import pytest

from learn.exercises.models import ExercisePass
from learn.exercises.service import exercises, next_exercise, ordered

from .test_pages import fake_sandbox  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
URL = "/exercises/sqs-partial-batch/"


def feedback_of(response) -> str:
    return response.content.decode().split('id="feedback"')[1].split("</section>")[0]


@pytest.mark.parametrize("action", ["check", "submit"])
def test_a_syntax_error_is_one_error_at_the_top_and_no_check_passes(client, fake_sandbox, action):  # noqa: F811
    code = "def handler(event, context)\n    return {}\n"
    response = client.post(URL, {"action": action, "code": code}, headers={"HX-Request": "true"})
    html = feedback_of(response)
    steps = len(exercises()["sqs-partial-batch"].visible_steps) + (action == "submit")
    assert f"0 of {steps} checks passed: your code did not load." in html
    assert html.count("syntax error") == 1 and "✓" not in html and "✗" not in html
    assert 'data-error-line="1"' in response.content.decode() and 'data-goto-line="1"' in html
    assert not ExercisePass.objects.exists()


def test_after_a_pass_the_page_offers_the_next_exercise_the_solution_and_the_lesson(client, fake_sandbox):  # noqa: F811
    exercise = exercises()["sqs-partial-batch"]
    response = client.post(URL, {"action": "submit", "code": exercise.solution}, headers={"HX-Request": "true"})
    html = feedback_of(response) + response.content.decode().split("</section>", 1)[1]
    following = next_exercise("sqs-partial-batch", {"sqs-partial-batch"})
    assert following is not None
    assert f'href="/exercises/{following.slug}/"' in html and "Next exercise" in html
    assert 'href="/sources/sqs/"' in html and "Back to the SQS lesson" in html
    assert "Compare with the reference solution" in html and "batchItemFailures" in html
    # later visits keep the way on and the solution (without re-running anything)
    page = client.get(URL).content.decode()
    assert "Compare with the reference solution" in page and f"/exercises/{following.slug}/" in page


def test_before_a_pass_the_solution_is_not_on_the_page(client):
    assert "Compare with the reference solution" not in client.get(URL).content.decode()


def test_the_next_exercise_skips_passed_ones_and_wraps_around():
    items = [e.slug for e in ordered()]
    last = items[-1]
    assert next_exercise(last, set()).slug == items[0]
    assert next_exercise(items[0], {items[1]}).slug == items[2]
    assert next_exercise(items[0], set(items)) is None


def test_a_discussion_is_shown_after_a_pass_when_the_exercise_has_one(client, fake_sandbox, monkeypatch):  # noqa: F811
    import dataclasses

    from learn.exercises import service

    exercise = exercises()["sqs-partial-batch"]
    changed = dataclasses.replace(exercise, discussion_html="<p>Another way: a list comprehension.</p>")
    monkeypatch.setattr(service, "exercises", lambda: {**exercises(), "sqs-partial-batch": changed})
    response = client.post(URL, {"action": "submit", "code": exercise.solution}, headers={"HX-Request": "true"})
    assert "Other ways to solve it" in response.content.decode()
    assert "Another way: a list comprehension." in response.content.decode()


def test_a_hint_arrives_beside_the_button_and_leaves_the_feedback_alone(client):
    response = client.post(URL, {"action": "hint", "code": "# mine\n"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="hints"')
    assert 'id="feedback"' not in html and "Show another hint" in html


def test_a_hint_with_a_draft_too_large_to_keep_says_so_beside_the_hint(client):
    response = client.post(URL, {"action": "hint", "code": "x" * (65 * 1024)}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="hints"') and "larger than 64 KB" in html


ORIGINAL = [
    "alb-responses",
    "apigw-v2-responses",
    "cloudwatch-logs-decode",
    "cognito-presignup",
    "dynamodb-routing",
    "eventbridge-routing",
    "firehose-transform",
    "kinesis-poison",
    "s3-batch-results",
    "s3-idempotent",
    "sqs-fifo-order",
    "sqs-partial-batch",
]


@pytest.mark.parametrize("slug", ORIGINAL)
def test_each_original_exercise_discusses_alternatives_with_sourced_links(slug):
    import re

    discussion = exercises()[slug].discussion_html
    assert "Alternatives" in discussion and discussion.count("<li>") >= 2
    assert all(url.startswith("https://docs.") for url in re.findall(r'href="([^"]+)"', discussion))
