from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from learn.quiz import questions, services
from learn.quiz.grading import InvalidAnswer
from learn.quiz.models import Answer, ReviewCard

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ANON = services.Owner(None, "session-a")
OTHER = services.Owner(None, "session-b")


@pytest.fixture(scope="module")
def bank():
    return questions.load()


def _single(bank):
    return next(i for i in bank.items.values() if i.type == "single")


def _wrong_key(item):
    return next(o.key for o in item.options if not o.correct)


def test_practice_answer_is_graded_and_kept(bank):
    item = _single(bank)
    attempt = services.start(ANON, "practice", [item.id], "t", now=NOW)
    answer, result = services.record_answer(ANON, attempt, bank, item.id, list(item.correct_keys), now=NOW)
    assert result.correct and answer.correct
    _, again = services.record_answer(ANON, attempt, bank, item.id, [_wrong_key(item)], now=NOW)
    assert again.correct  # practice keeps the first answer: a double submit changes nothing


def test_other_learners_attempt_is_refused(bank):
    item = _single(bank)
    attempt = services.start(ANON, "practice", [item.id], "t", now=NOW)
    with pytest.raises(services.NotYours):
        services.record_answer(OTHER, attempt, bank, item.id, list(item.correct_keys), now=NOW)
    with pytest.raises(services.NotYours):
        services.get_for(OTHER, attempt.id)
    assert not Answer.objects.get(attempt=attempt).answered_at


def test_item_not_in_attempt_and_unknown_option_change_nothing(bank):
    items = [i for i in bank.items.values() if i.type == "single"][:2]
    attempt = services.start(ANON, "exam", [items[0].id], "t", minutes=10, now=NOW)
    with pytest.raises(InvalidAnswer, match="not part of this attempt"):
        services.record_answer(ANON, attempt, bank, items[1].id, ["a"], now=NOW)
    with pytest.raises(InvalidAnswer, match="not an option"):
        services.record_answer(ANON, attempt, bank, items[0].id, ["q"], now=NOW)
    assert Answer.objects.filter(attempt=attempt, answered_at__isnull=False).count() == 0


def test_exam_answers_can_change_until_submitted(bank):
    item = _single(bank)
    attempt = services.start(ANON, "exam", [item.id], "t", minutes=10, now=NOW)
    services.record_answer(ANON, attempt, bank, item.id, [_wrong_key(item)], now=NOW)
    services.record_answer(ANON, attempt, bank, item.id, list(item.correct_keys), now=NOW)
    finished = services.finish(attempt, bank, NOW)
    assert finished.score == 1.0
    with pytest.raises(services.Closed):
        services.record_answer(ANON, attempt, bank, item.id, [_wrong_key(item)], now=NOW)


def test_answer_after_the_deadline_is_refused_and_the_exam_submitted(bank):
    item = _single(bank)
    attempt = services.start(ANON, "exam", [item.id], "t", minutes=1, now=NOW)
    with pytest.raises(services.Closed, match="Time is up"):
        services.record_answer(ANON, attempt, bank, item.id, list(item.correct_keys), now=NOW + dt.timedelta(minutes=2))
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline and attempt.score == 0.0


def test_submit_twice_is_harmless(bank):
    item = _single(bank)
    attempt = services.start(ANON, "exam", [item.id], "t", minutes=10, now=NOW)
    first = services.finish(attempt, bank, NOW)
    second = services.finish(attempt, bank, NOW + dt.timedelta(minutes=1))
    assert first.submitted_at == second.submitted_at


def test_results_break_down_by_topic_and_task(bank):
    items = [i for i in bank.items.values() if i.type == "single"][:3]
    attempt = services.start(ANON, "exam", [i.id for i in items], "t", minutes=10, now=NOW)
    services.record_answer(ANON, attempt, bank, items[0].id, list(items[0].correct_keys), now=NOW)
    services.finish(attempt, bank, NOW)
    report = services.results(attempt, bank)
    assert (report["right"], report["total"], report["unanswered"]) == (1, 3, 2)
    assert not report["passed_estimate"]
    assert report["by_task"] and report["by_topic"]


def test_missed_items_enter_review_and_are_due(bank):
    item = _single(bank)
    attempt = services.start(ANON, "practice", [item.id], "t", now=NOW)
    services.record_answer(ANON, attempt, bank, item.id, None, now=NOW)  # "I don't know"
    card = ReviewCard.objects.get(session_key=ANON.session_key, item_id=item.id)
    assert card.due > NOW
    assert services.due_items(ANON, card.due) == [item.id]
    assert services.missed_items(ANON) == [item.id]


def test_correct_high_confidence_pushes_review_further_than_low(bank):
    item = _single(bank)
    for key, confidence in (("session-low", "low"), ("session-high", "high")):
        owner = services.Owner(None, key)
        attempt = services.start(owner, "practice", [item.id], "t", now=NOW)
        services.record_answer(owner, attempt, bank, item.id, [_wrong_key(item)], now=NOW)
        again = services.start(owner, "review", [item.id], "t", now=NOW + dt.timedelta(days=1))
        services.record_answer(
            owner, again, bank, item.id, list(item.correct_keys), confidence=confidence, now=NOW + dt.timedelta(days=1)
        )
    low = ReviewCard.objects.get(session_key="session-low").due
    high = ReviewCard.objects.get(session_key="session-high").due
    assert high > low


def test_signing_up_keeps_anonymous_work(bank):
    item = _single(bank)
    attempt = services.start(ANON, "practice", [item.id], "t", now=NOW)
    services.record_answer(ANON, attempt, bank, item.id, [_wrong_key(item)], now=NOW)
    user = User.objects.create_user("ada", password="a-long-passphrase-1")
    assert services.hand_over(ANON.session_key, user.id) == 1
    owner = services.Owner(user.id, "")
    assert services.get_for(owner, attempt.id) == attempt
    assert services.missed_items(owner) == [item.id]
    assert ReviewCard.objects.filter(user=user).count() == 1
