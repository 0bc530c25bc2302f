from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from learn.course import paths, progress
from learn.course.models import StepDone
from learn.exercises.models import ExercisePass
from learn.progress.models import LessonRead
from learn.quiz.services import Owner
from tests.course.helpers import answer, answer_all

T = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def answers(*results: bool) -> list[tuple[dt.datetime, bool]]:
    return [(T + dt.timedelta(minutes=n), r) for n, r in enumerate(results)]


def test_no_evidence_is_not_started_and_a_read_lesson_only_opened():
    assert progress.mastery_of([], 0, opened=False) == (0.0, 0, "not started")
    assert progress.mastery_of([], 0, opened=True) == (0.0, 0, "opened")


def test_a_little_evidence_is_only_started_however_right():
    assert progress.mastery_of(answers(True, True, True, True), 0, opened=True) == (1.0, 4, "started")


def test_mastered_needs_80_percent_and_enough_evidence():
    assert progress.mastery_of(answers(True, True, True, True, False), 0, False) == (0.8, 5, "mastered")
    assert progress.mastery_of(answers(True, True, True, False, False), 0, False)[2] == "practising"
    assert progress.mastery_of(answers(True, False, False, False, False), 0, False)[2] == "needs work"


def test_only_the_last_ten_answers_count_toward_the_level():
    level, evidence, label = progress.mastery_of(answers(*([False] * 10 + [True] * 10)), 0, False)
    assert (level, evidence, label) == (1.0, 20, "mastered")


def test_an_exercise_pass_counts_as_two_right_answers():
    assert progress.mastery_of(answers(True, False, True), 1, False) == (0.8, 5, "mastered")
    assert progress.mastery_of([], 1, False) == (1.0, 2, "started")


@pytest.mark.django_db
def test_source_mastery_reads_checkpoints_and_exercise_passes(client):
    answer_all(client, "sqs", correct=True)
    owner = Owner(None, client.session["learner"])
    mastery = progress.source_mastery(owner)
    assert mastery["sqs"].evidence == 4 and mastery["sqs"].level == 1.0 and mastery["sqs"].label == "started"
    assert mastery["sqs"].raise_url == "/exercises/sqs-partial-batch/"  # checkpoint done: the path's exercise
    ExercisePass.objects.create(slug="sqs-partial-batch", code="", **owner.fields())
    assert progress.source_mastery(owner)["sqs"].label == "mastered"
    assert progress.source_mastery(owner)["kinesis"] == progress.Mastery(
        0.0, 0, "not started", "/sources/kinesis/#checkpoint", "Take the checkpoint"
    )


@pytest.mark.django_db
def test_a_visitor_has_no_evidence_and_no_query_is_needed(django_assert_num_queries):
    with django_assert_num_queries(0):
        known = progress.evidence(Owner(None, ""))
    assert progress.source_mastery(Owner(None, ""), known)["sqs"].label == "not started"


@pytest.mark.django_db
def test_opening_a_page_is_never_mastery(client):
    client.post("/sources/sqs/read/")
    mastery = progress.source_mastery(Owner(None, client.session["learner"]))["sqs"]
    assert mastery.label == "opened" and mastery.level == 0.0 and mastery.evidence == 0


@pytest.mark.django_db
def test_the_next_step_is_the_first_one_without_evidence(client):
    foundations = paths.all_paths()["foundations"]
    assert progress.next_step(Owner(None, "")) == foundations.steps[0]
    client.post("/paths/foundations/steps/1/done/")
    owner = Owner(None, client.session["learner"])
    assert progress.next_step(owner).key == foundations.steps[1].key
    client.post(f"/sources/{foundations.steps[1].target}/read/")
    step = progress.next_step(owner)
    assert step.kind == "checkpoint" and step.label == "API Gateway (HTTP) — checkpoint 1 of 4"


@pytest.mark.django_db
def test_a_half_answered_checkpoint_says_which_question_is_next(client):
    client.post("/paths/foundations/steps/1/done/")
    client.post("/sources/api-gateway-http/read/")
    answer(client, "api-gateway-http", 1)
    owner = Owner(None, client.session["learner"])
    assert progress.next_step(owner).label == "API Gateway (HTTP) — checkpoint 2 of 4"
    answer_all(client, "api-gateway-http")
    assert progress.next_step(owner).key == "model:async"
    row = next(p for p in progress.path_progress(owner) if p.path_id == "foundations")
    assert (row.done, row.total) == (3, 12)


@pytest.mark.django_db
def test_a_step_done_in_one_path_is_done_in_another(client):
    client.post("/paths/foundations/steps/8/done/")  # model:poll
    owner = Owner(None, client.session["learner"])
    known = progress.evidence(owner)
    architect = {step.key: state for step, state in progress.steps_with_state(paths.all_paths()["architect"], known)}
    assert architect["model:poll"] == "done"


@pytest.mark.django_db
def test_the_path_to_continue_is_the_one_worked_on_last(client):
    client.post("/paths/foundations/steps/1/done/")
    client.post("/paths/architect/steps/2/done/")  # a step only the Architect path has
    owner = Owner(None, client.session["learner"])
    assert progress.current(progress.path_progress(owner)).path_id == "architect"
    client.post("/sources/api-gateway-http/read/")  # back to Foundations
    assert progress.current(progress.path_progress(owner)).path_id == "foundations"


@pytest.mark.django_db
def test_an_accounts_progress_uses_its_rows(client):
    user = User.objects.create_user("ada", password="a-long-passphrase-77")
    LessonRead.objects.create(slug="api-gateway-http", user=user)
    StepDone.objects.create(key="model:sync", user=user)
    rows = {p.path_id: p for p in progress.path_progress(Owner(user.id, ""))}
    assert rows["foundations"].done == 2 and rows["foundations"].next_step.kind == "checkpoint"


@pytest.mark.django_db
def test_marking_an_exercise_done_by_hand_is_refused(client):
    response = client.post("/paths/foundations/steps/12/done/")
    assert response.status_code == 422 and not StepDone.objects.exists()


@pytest.mark.django_db
def test_signing_up_keeps_steps_marked_done(client):
    client.post("/paths/foundations/steps/1/done/")
    password = "a-long-passphrase-77"
    client.post("/accounts/signup/", {"username": "grace", "password1": password, "password2": password})
    assert StepDone.objects.get().user.username == "grace"
