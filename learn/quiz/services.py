"""Quiz rules, in one place: who owns an attempt, what may be answered when, grading, results, review.

Views call these and turn the typed errors into 400/403 responses with a message; nothing here touches HTTP.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from fsrs import Card, Rating, Scheduler

from .bank import Bank, Item
from .blueprint import Blueprint
from .grading import Grade, InvalidAnswer, grade
from .models import Answer, Attempt, ItemStatus, ReviewCard

PASS_MARK = 0.72
EXAM_FORMS = {65: 130, 30: 60, 15: 30}  # items -> minutes (the real exam: 65 questions in 130 minutes)
SCHEDULER = Scheduler()


class NotYours(PermissionError):
    """The attempt belongs to another learner."""


class Closed(ValueError):
    """The attempt was submitted or its time ran out; nothing more can be recorded."""


@dataclass(frozen=True)
class Owner:
    user_id: int | None
    session_key: str

    @property
    def known(self) -> bool:
        """False for a visitor who has done nothing yet (no account, no learner token): they own nothing."""
        return bool(self.user_id or self.session_key)

    def filter(self) -> Q:
        if self.user_id:
            return Q(user_id=self.user_id)
        if not self.session_key:
            return Q(pk__in=[])  # never the rows of every token-less anonymous owner
        return Q(user__isnull=True, session_key=self.session_key)

    def fields(self) -> dict[str, Any]:
        return {"user_id": self.user_id} if self.user_id else {"session_key": self.session_key}


def owns(owner: Owner, attempt: Attempt) -> bool:
    if owner.user_id:
        return attempt.user_id == owner.user_id
    return bool(owner.session_key) and attempt.user_id is None and attempt.session_key == owner.session_key


def counted() -> Q:
    """Answers that may feed any figure (mistakes, mastery, review): practice ones at once, an exam's only once it
    is submitted, so an open exam never tells whether its answers are right (V4). Filter on Answer."""
    return ~Q(attempt__mode=Attempt.Mode.EXAM) | Q(attempt__submitted_at__isnull=False)


# -- choosing items ---------------------------------------------------------------------------------
def matching(bank: Bank, *, source: str = "", model: str = "", exam: str = "", misconception: str = "") -> list[Item]:
    return [
        i
        for i in bank.items.values()
        if (not source or source in i.sources)
        and (not model or i.model == model)
        and (not exam or exam in i.exam)
        and (not misconception or misconception in i.misconceptions)
    ]


def retired_ids() -> set[str]:
    """Items an editor retired after item analysis: never drawn into a new attempt."""
    return set(ItemStatus.objects.filter(status=ItemStatus.Status.RETIRED).values_list("item_id", flat=True))


def selectable(bank: Bank) -> list[Item]:
    retired = retired_ids()
    return [i for i in bank.items.values() if i.id not in retired]


def exam_form(bank: Bank, blueprint: Blueprint, exam: str, size: int, seed: str) -> list[str]:
    """A timed exam's questions: drawn in the exam blueprint's domain proportions, retired items left out."""
    return blueprint.draw(exam, selectable(bank), size, seed)


def pick(items: list[Item], count: int, seed: str) -> list[str]:
    """A varied sample: at most one variant per engine template, spread over sources."""
    rng = random.Random(seed)
    by_family: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_family[item.id.partition("--")[0]].append(item)
    families = list(by_family.values())
    rng.shuffle(families)
    return [rng.choice(family).id for family in families[:count]]


# -- attempts ---------------------------------------------------------------------------------------
def start(
    owner: Owner,
    mode: str,
    item_ids: list[str],
    title: str,
    *,
    minutes: int | None = None,
    now: dt.datetime,
    blueprint: str = "",
) -> Attempt:
    deadline = now + dt.timedelta(minutes=minutes) if minutes else None
    attempt = Attempt.objects.create(
        mode=mode, title=title, item_ids=item_ids, deadline=deadline, blueprint=blueprint, **owner.fields()
    )
    Answer.objects.bulk_create([Answer(attempt=attempt, item_id=i) for i in item_ids])
    return attempt


def get_for(owner: Owner, attempt_id) -> Attempt:
    attempt = Attempt.objects.filter(id=attempt_id).first()
    if attempt is None or not owns(owner, attempt):
        raise NotYours("This attempt does not belong to you.")
    return attempt


def expired(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


def record_answer(
    owner: Owner,
    attempt: Attempt,
    bank: Bank,
    item_id: str,
    keys: list[str] | None,
    *,
    confidence: str = "",
    now: dt.datetime,
    time_spent_ms: int = 0,
) -> tuple[Answer, Grade]:
    """Save (and grade) one answer. Exams accept changes until submitted; practice keeps the first answer."""
    if not owns(owner, attempt):
        raise NotYours("This attempt does not belong to you.")
    if item_id not in attempt.item_ids or item_id not in bank.items:
        raise InvalidAnswer("That question is not part of this attempt.")
    if confidence and confidence not in Answer.Confidence.values:
        raise InvalidAnswer("Unknown confidence level.")
    item = bank.items[item_id]
    result = grade(item, keys)  # raises InvalidAnswer before anything is written
    if expired(attempt, now):
        finish(attempt, bank, now)  # its own transaction, so refusing the answer cannot roll it back
        raise Closed("Time is up: the exam was submitted with the answers saved before the deadline.")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at:
            raise Closed("This attempt has already been submitted; your answers are saved.")
        answer = Answer.objects.select_for_update().get(attempt=locked, item_id=item_id)
        if answer.answered_at and not locked.is_exam:
            return answer, grade(item, answer.choice) if not answer.dont_know else grade(item, None)
        answer.choice = list(result.given) if keys is not None else None
        answer.dont_know = keys is None
        answer.correct = result.correct
        answer.confidence = confidence
        answer.answered_at = now
        answer.time_spent_ms = min(answer.time_spent_ms + max(time_spent_ms, 0), 24 * 3600 * 1000)
        answer.save()
    if not locked.is_exam:
        schedule_review(owner, item_id, result, confidence, now)
    return answer, result


def set_flag(owner: Owner, attempt: Attempt, item_id: str, flagged: bool) -> None:
    if not owns(owner, attempt):
        raise NotYours("This attempt does not belong to you.")
    if item_id not in attempt.item_ids:
        raise InvalidAnswer("That question is not part of this attempt.")
    if attempt.submitted_at:
        raise Closed("This attempt has already been submitted.")
    Answer.objects.filter(attempt=attempt, item_id=item_id).update(flagged=flagged)


def finish(attempt: Attempt, bank: Bank, now: dt.datetime) -> Attempt:
    """Submit: score what was answered (unanswered counts as wrong) and schedule reviews. Idempotent."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at:
            return locked
        answers = list(locked.answers.all())
        correct = sum(1 for a in answers if a.correct)
        locked.score = correct / len(answers) if answers else 0.0
        locked.submitted_at = min(now, locked.deadline) if locked.deadline else now
        locked.save(update_fields=["score", "submitted_at"])
    if locked.is_exam:
        owner = Owner(locked.user_id, locked.session_key)
        for answer in answers:
            if answer.item_id in bank.items:
                result = Grade(bool(answer.correct), tuple(answer.choice or ()), (), answer.dont_know)
                schedule_review(owner, answer.item_id, result, answer.confidence, now)
    return locked


@dataclass(frozen=True)
class DomainScore:
    """One exam domain in a result: the score, and where to study (the sources of the questions missed)."""

    exam: str
    number: int
    name: str
    weight: int
    right: int
    total: int
    tasks: tuple[str, ...]  # task statement codes the attempt's questions were tagged with, for a drill
    missed_sources: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0


def domain_scores(attempt: Attempt, bank: Bank, blueprint: Blueprint, answers: dict[str, Answer]) -> list[DomainScore]:
    """Per domain of the attempt's exam (DVA-C02 when it has none): score, tasks and the sources to revisit."""
    exam = attempt.blueprint or "DVA-C02"
    if exam not in blueprint.exams:
        return []
    tally: dict[int, list] = {d.number: [0, 0, set(), set()] for d in blueprint.exams[exam].domains}
    for item_id in attempt.item_ids:
        item, answer = bank.items.get(item_id), answers.get(item_id)
        domain = blueprint.primary_domain(exam, item) if item else None
        if domain is None or answer is None:
            continue
        row = tally[domain.number]
        row[0] += bool(answer.correct)
        row[1] += 1
        row[2].update(t for t in item.exam if t.startswith(f"{exam} {domain.number}."))
        if not answer.correct:
            row[3].update(item.sources)
    return [
        DomainScore(
            exam,
            d.number,
            d.name,
            d.weight,
            *tally[d.number][:2],
            tuple(sorted(tally[d.number][2])),
            tuple(sorted(tally[d.number][3])),
        )
        for d in blueprint.exams[exam].domains
        if tally[d.number][1]
    ]


def results(attempt: Attempt, bank: Bank, blueprint: Blueprint | None = None) -> dict[str, Any]:
    answers = {a.item_id: a for a in attempt.answers.all()}
    topics: dict[str, list[bool]] = defaultdict(list)
    tasks: dict[str, list[bool]] = defaultdict(list)
    for item_id in attempt.item_ids:
        item, answer = bank.items.get(item_id), answers.get(item_id)
        if item is None or answer is None:
            continue
        for source in item.sources or ("general",):
            topics[source].append(bool(answer.correct))
        for task in item.exam:
            tasks[task].append(bool(answer.correct))
    total = len(attempt.item_ids)
    right = sum(1 for a in answers.values() if a.correct)
    ratio = right / total if total else 0.0
    return {
        "right": right,
        "total": total,
        "ratio": ratio,
        "passed_estimate": ratio >= PASS_MARK,
        "by_topic": sorted((k, sum(v), len(v)) for k, v in topics.items()),
        "by_task": sorted((k, sum(v), len(v)) for k, v in tasks.items()),
        "unanswered": sum(1 for a in answers.values() if not a.answered_at),
        "by_domain": domain_scores(attempt, bank, blueprint, answers) if blueprint else [],
    }


# -- spaced repetition ------------------------------------------------------------------------------
def rating_for(result: Grade, confidence: str) -> Rating:
    if not result.correct:
        return Rating.Again
    return {"low": Rating.Hard, "high": Rating.Easy}.get(confidence, Rating.Good)


def schedule_review(owner: Owner, item_id: str, result: Grade, confidence: str, now: dt.datetime) -> None:
    """Review the learner's card for the item (a first miss makes one). Atomic and safe to call concurrently for
    one learner and item (two tabs, a practice answer while an exam with the item is submitted, F1): the card is
    read under a row lock and updated in the same transaction; when two first misses race to create it, the
    loser's insert fails on the unique constraint and is retried as an update of the winner's card."""
    for retry in range(3):
        try:
            with transaction.atomic():
                _schedule_review_once(owner, item_id, result, confidence, now)
            return
        except IntegrityError:
            if retry == 2:
                raise


def _schedule_review_once(owner: Owner, item_id: str, result: Grade, confidence: str, now: dt.datetime) -> None:
    existing = ReviewCard.objects.select_for_update().filter(owner.filter(), item_id=item_id).first()
    if existing is None and result.correct:
        return  # only missed items enter the review deck
    card = Card.from_dict(existing.card) if existing else Card()
    card, _ = SCHEDULER.review_card(card, rating_for(result, confidence), now)
    if existing is None:
        ReviewCard.objects.create(item_id=item_id, card=card.to_dict(), due=card.due, lapses=1, **owner.fields())
    else:
        existing.card, existing.due = card.to_dict(), card.due
        existing.lapses += 0 if result.correct else 1
        existing.save(update_fields=["card", "due", "lapses"])


def due_items(owner: Owner, now: dt.datetime) -> list[str]:
    return list(
        ReviewCard.objects.filter(owner.filter(), due__lte=now).order_by("due").values_list("item_id", flat=True)
    )


def missed_items(owner: Owner) -> list[str]:
    return list(
        Answer.objects.filter(counted(), attempt__in=Attempt.objects.filter(owner.filter()), correct=False)
        .values_list("item_id", flat=True)
        .distinct()
    )


def open_exam_items(owner: Owner, now: dt.datetime) -> set[str]:
    """The questions of the learner's running exams: practice leaves them out, or it would show their answers."""
    if not owner.known:
        return set()
    running = Attempt.objects.filter(owner.filter(), mode=Attempt.Mode.EXAM, submitted_at__isnull=True).filter(
        Q(deadline__isnull=True) | Q(deadline__gt=now)
    )
    return {item_id for ids in running.values_list("item_ids", flat=True) for item_id in ids}


def running_exams(owner: Owner, now: dt.datetime) -> list[Attempt]:
    """The learner's exams neither submitted nor out of time (normally at most one: start asks first)."""
    if not owner.known:
        return []
    return list(
        Attempt.objects.filter(owner.filter(), mode=Attempt.Mode.EXAM, submitted_at__isnull=True).filter(
            Q(deadline__isnull=True) | Q(deadline__gt=now)
        )
    )


def close_expired(owner: Owner, bank: Bank, now: dt.datetime) -> int:
    """Submit the learner's exams whose time ran out (answers can no longer change), so they count now."""
    if not owner.known:
        return 0
    expired_exams = Attempt.objects.filter(
        owner.filter(), mode=Attempt.Mode.EXAM, submitted_at__isnull=True, deadline__lte=now
    )
    closed = 0
    for attempt in expired_exams:
        finish(attempt, bank, now)
        closed += 1
    return closed


def hand_over(session_key: str, user_id: int) -> int:
    """When an anonymous learner signs up or logs in, their attempts and reviews become the account's."""
    moved = Attempt.objects.filter(user__isnull=True, session_key=session_key).update(user_id=user_id, session_key="")
    for card in ReviewCard.objects.filter(user__isnull=True, session_key=session_key):
        if ReviewCard.objects.filter(user_id=user_id, item_id=card.item_id).exists():
            card.delete()
        else:
            card.user_id, card.session_key = user_id, ""
            card.save(update_fields=["user", "session_key"])
    return moved
