"""Item analysis on synthetic answers: the statistics find what was planted, and the admin acts on them."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from learn.quiz import analysis, questions, services
from learn.quiz.models import Answer, Attempt, ItemStatus

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_point_biserial_matches_a_hand_computation():
    # right: scores 0.8, 0.6; wrong: 0.4, 0.2. mean 0.5, sd sqrt(0.05), p = 0.5
    r = analysis.point_biserial([True, True, False, False], [0.8, 0.6, 0.4, 0.2])
    assert r == pytest.approx((0.7 - 0.3) / math.sqrt(0.05) * 0.5)
    assert analysis.point_biserial([True, True], [0.1, 0.9]) is None  # nobody wrong: undefined
    assert analysis.point_biserial([True, False], [0.5, 0.5]) is None  # no spread of scores


def _synthetic(seed: int = 7, learners: int = 400):
    """Learners of ability θ answer 20 ordinary items (Rasch: P = σ(θ − b)) and three planted ones."""
    rng = random.Random(seed)
    difficulties = {f"item-{n:02}": -2 + 4 * n / 19 for n in range(20)}
    rows = []
    for learner in range(learners):
        theta = rng.gauss(0, 1)
        for item_id, b in difficulties.items():
            rows.append((f"a{learner}", item_id, rng.random() < 1 / (1 + math.exp(-(theta - b)))))
        rows.append((f"a{learner}", "planted-easy", rng.random() < 0.99))
        rows.append((f"a{learner}", "planted-impossible", rng.random() < 0.01))
        rows.append((f"a{learner}", "planted-reversed", rng.random() < 1 / (1 + math.exp(2 * theta))))
    return difficulties, rows


def test_synthetic_answers_recover_the_planted_items():
    difficulties, rows = _synthetic()
    stats = analysis.analyse(rows)
    assert "everyone gets it right" in stats["planted-easy"].flags
    assert "nobody gets it right" in stats["planted-impossible"].flags
    assert stats["planted-reversed"].discrimination < -0.2
    assert "stronger learners get it wrong more often" in stats["planted-reversed"].flags
    ordinary = [stats[i] for i in difficulties]
    assert all(s.discrimination > 0.15 for s in ordinary)  # ordinary items separate strong from weak learners
    assert not any(s.flags for s in ordinary)
    # harder items (larger b) are answered right less often
    ranked = sorted(difficulties, key=difficulties.get)
    shares = [stats[i].difficulty for i in ranked]
    assert shares[0] > 0.75 and shares[-1] < 0.25
    ordered_pairs = sum(shares[i] > shares[j] for i in range(20) for j in range(i + 1, 20))
    assert ordered_pairs >= 0.95 * 190  # nearly every pair in the planted order


def test_few_answers_flag_nothing_and_tiny_attempts_are_ignored():
    rows = [(f"a{n}", "x", True) for n in range(10)] + [(f"a{n}", f"y{k}", True) for n in range(10) for k in range(5)]
    stats = analysis.analyse(rows)
    assert stats["x"].answers == 10 and stats["x"].flags == ()  # under MIN_ANSWERS
    assert analysis.analyse([("a", "x", True), ("a", "y", False)]) == {}  # fewer than 5 items in the attempt


@pytest.mark.django_db
def test_answer_rows_leave_out_a_running_exam():
    bank = questions.load()
    ids = [i.id for i in list(bank.items.values())[:6]]
    owner = services.Owner(None, "s1")
    running = services.start(owner, "exam", ids, "t", minutes=60, now=NOW, blueprint="DVA-C02")
    Answer.objects.filter(attempt=running).update(correct=True, answered_at=NOW)
    assert analysis.answer_rows() == []
    services.finish(running, bank, NOW)
    assert len(analysis.answer_rows()) == 6


@pytest.mark.django_db
def test_admin_lists_flagged_items_and_retiring_one_keeps_it_out_of_new_exams(client):
    bank = questions.load()
    target = next(i for i in bank.items.values() if "DVA-C02 1.2" in i.exam)
    others = [i.id for i in bank.items.values() if i.id != target.id][:6]
    for n in range(analysis.MIN_ANSWERS + 2):
        attempt = Attempt.objects.create(mode="practice", title="t", item_ids=[target.id, *others], session_key=f"k{n}")
        Answer.objects.bulk_create(
            [Answer(attempt=attempt, item_id=target.id, correct=True, answered_at=NOW)]
            + [Answer(attempt=attempt, item_id=i, correct=n % 2 == 0, answered_at=NOW) for i in others]
        )
    admin = User.objects.create_superuser("editor", "e@example.com", "pw-Long-enough-1")
    client.force_login(admin)
    page = client.get(reverse("admin:quiz_item_analysis"))
    assert page.status_code == 200
    assert target.id in page.content.decode() and "everyone gets it right" in page.content.decode()
    response = client.post(reverse("admin:quiz_item_analysis"), {"item_id": target.id, "action": "retire"})
    assert response.status_code == 302
    assert ItemStatus.objects.get(item_id=target.id).status == "retired"
    form = services.exam_form(bank, questions.blueprint(), "DVA-C02", 65, "seed")
    assert target.id not in form and len(form) == 65
    bad = client.post(reverse("admin:quiz_item_analysis"), {"item_id": "no-such-item", "action": "retire"})
    assert bad.status_code == 302 and not ItemStatus.objects.filter(item_id="no-such-item").exists()


@pytest.mark.django_db
def test_item_analysis_page_needs_staff(client):
    User.objects.create_user("learner", "l@example.com", "pw-Long-enough-1")
    client.login(username="learner", password="pw-Long-enough-1")
    assert client.get(reverse("admin:quiz_item_analysis")).status_code == 302  # sent to the admin login
