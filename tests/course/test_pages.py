from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from learn.quiz.models import ReviewCard
from learn.quiz.services import Owner
from tests.course.helpers import answer, answer_all
from tests.personal import personal

pytestmark = pytest.mark.django_db


def test_home_offers_the_foundations_path_and_the_hands_on_half(client):
    html = client.get("/").content.decode()
    assert 'href="/paths/foundations/">Start the Foundations path</a>' in html
    for link in ('href="/sandbox/"', 'href="/exercises/"', 'href="/quiz/"', 'href="/sources/"', 'href="/choose/"'):
        assert link in html
    assert "Continue:" not in html
    assert "sessionid" not in client.cookies


def test_home_says_continue_to_a_returning_learner(client):
    client.post("/paths/foundations/steps/1/done/")
    client.post("/sources/api-gateway-http/read/")
    answer(client, "api-gateway-http", 1)
    html = client.get("/").content.decode()
    assert 'href="/sources/api-gateway-http/#checkpoint">Continue: API Gateway (HTTP) — checkpoint 2 of 4</a>' in html
    assert "2 of 12 steps" in html


def test_the_paths_page_lists_every_path(client):
    html = client.get("/paths/").content.decode()
    for title in ("Foundations: the three invocation models", "Developer Associate: event sources", "Architect"):
        assert title in html
    assert "sessionid" not in client.cookies


def test_a_path_page_shows_each_steps_state(client):
    client.post("/paths/foundations/steps/1/done/")
    html = client.get("/paths/foundations/").content.decode()
    assert 'id="step-1" class="path-step state-done"' in html
    assert 'id="step-2" class="path-step state-next is-next"' in html
    assert 'id="step-3" class="path-step state-not-started"' in html
    assert "1 of 12 steps done." in html


def test_an_unknown_path_is_a_404(client):
    assert client.get("/paths/nope/").status_code == 404
    assert client.post("/paths/foundations/steps/99/done/").status_code == 404


def test_marking_a_step_done_needs_a_post_and_comes_back_to_the_step(client):
    assert client.get("/paths/foundations/steps/1/done/").status_code == 405
    response = client.post("/paths/foundations/steps/1/done/")
    assert response.status_code == 302 and response["Location"] == "/paths/foundations/#step-1"


def test_the_dashboard_recommends_the_next_step_for_a_visitor_without_storing_anything(client):
    html = client.get("/progress/").content.decode()
    assert 'href="/models/sync/">Start: Synchronous invocation — model page</a>' in html
    assert "sessionid" not in client.cookies


def test_the_dashboard_links_each_mastery_bar_to_what_raises_it(client):
    answer_all(client, "sqs", correct=False)
    html = client.get("/progress/").content.decode()
    assert 'id="mastery-sqs"' in html and 'aria-valuetext="0% right, started"' in html
    assert (
        '<a href="/exercises/sqs-partial-batch/">Do the exercise<span class="visually-hidden"> on SQS</span></a>'
        in html
    )
    assert "0% of 4" in html
    assert "not started yet" in html  # the other sources are summed up, not listed as empty bars


def test_the_score_chart_has_axes_a_legend_and_explains_the_pass_line(client):
    answer_all(client, "sqs", correct=True)  # a finished checkpoint has a score
    html = client.get("/progress/").content.decode()
    assert 'class="axis"' in html and ">100%</text>" in html and ">0%</text>" in html
    assert "attempt, oldest first" in html and 'class="chart-legend' in html
    assert "72%: a rough pass estimate" in html


def test_a_review_already_due_never_says_zero_minutes(client):
    answer(client, "sqs", 1, correct=False)
    owner = Owner(None, client.session["learner"])
    ReviewCard.objects.filter(owner.filter()).update(due=timezone.now() - dt.timedelta(minutes=5))
    html = client.get("/progress/").content.decode()
    assert "0\xa0minutes" not in html and "0 minutes" not in html
    assert "Ready now" in html and "Review the 1 question due now" in html


def test_a_review_due_within_a_minute_says_so(client):
    answer(client, "sqs", 1, correct=False)
    owner = Owner(None, client.session["learner"])
    ReviewCard.objects.filter(owner.filter()).update(due=timezone.now() + dt.timedelta(seconds=30))
    html = client.get("/progress/").content.decode()
    assert "Next one in under a minute" in html and "0\xa0minutes" not in html


def test_practice_on_a_source_starts_from_a_form_and_looking_stores_nothing(client):
    html = client.get("/course/practice/sqs/").content.decode()
    assert 'action="/quiz/start/"' in html and 'name="source" value="sqs"' in html and "not started" in html
    assert "sessionid" not in client.cookies
    assert client.get("/course/practice/nope/").status_code == 404


def test_once_the_checkpoint_and_exercises_are_done_mastery_points_to_practice(client):
    from learn.course import progress
    from learn.exercises.models import ExercisePass

    answer_all(client, "kinesis")
    owner = Owner(None, client.session["learner"])
    for slug in progress._exercises_by_source()["kinesis"]:
        ExercisePass.objects.create(slug=slug, code="", **owner.fields())
    mastery = progress.source_mastery(owner)["kinesis"]
    assert (mastery.raise_url, mastery.raise_text) == ("/course/practice/kinesis/", "Practise questions")


def test_a_model_page_that_is_the_next_step_offers_mark_as_done_and_continue(client):
    """The walk found Foundations stuck on step 1: a model page left no evidence and had no way on."""
    from learn.course import paths

    foundations = paths.all_paths()["foundations"]
    first, second = foundations.steps[0], foundations.steps[1]
    assert first.kind == "model"
    page = personal(client, first.url)  # the model page itself is one cached rendering for all
    assert "Mark as done and continue" in page and "step 1 of" in page
    assert "sessionid" not in client.cookies  # looking stores nothing
    response = client.post("/paths/foundations/steps/1/done/", {"continue": "1"})
    assert response.status_code == 302 and response["Location"] == second.url
    assert "Mark as done and continue" not in personal(client, first.url)  # no longer the next step
    assert "Continue:" in client.get("/").content.decode() and first.title not in _continue_line(client)


def _continue_line(client) -> str:
    html = client.get("/").content.decode()
    start = html.index("Continue:")
    return html[start : html.index("<", start)]


def test_a_diagram_step_offers_the_bar_with_its_preset_only(client):
    from learn.course import paths

    steps = paths.all_paths()["foundations"].steps
    for number in range(1, len(steps)):  # mark everything before the first diagram step done
        if steps[number - 1].kind == "diagram":
            break
        if steps[number - 1].kind in ("model", "lesson"):
            client.post(f"/paths/foundations/steps/{number}/done/")
        elif steps[number - 1].kind == "checkpoint":
            answer_all(client, steps[number - 1].target)
    diagram = steps[number - 1]
    assert diagram.kind == "diagram", "Foundations has a diagram step before any exercise"
    assert "Mark as done and continue" in personal(client, diagram.url)
    other = f"/diagrams/{diagram.target}/"
    assert "Mark as done and continue" not in personal(client, other)
