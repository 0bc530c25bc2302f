"""The exam room's reads and one write: the running exam to resume, past attempts with a score chart, the
results filters, and saving a multiple-answer exam question's incomplete selection (a draft).

Plain Python over the quiz models; the views stay thin. Grading and submitting stay in services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from learn.progress.services import score_chart

from . import services
from .bank import Bank, Item
from .blueprint import Blueprint
from .grading import InvalidAnswer
from .models import Answer, Attempt

HISTORY_LENGTH = 20


@dataclass(frozen=True)
class RunningExam:
    attempt: Attempt
    answered: int
    total: int
    flagged: int
    seconds_left: int | None
    next_number: int  # the first unanswered question, else 1

    @property
    def minutes_left(self) -> int | None:
        return None if self.seconds_left is None else -(-self.seconds_left // 60)


def running_exam(owner: services.Owner, now: dt.datetime) -> RunningExam | None:
    """The learner's newest exam that is neither submitted nor out of time, with how far they got."""
    if not owner.known:
        return None
    attempt = (
        Attempt.objects.filter(owner.filter(), mode=Attempt.Mode.EXAM, submitted_at__isnull=True)
        .exclude(deadline__lte=now)
        .order_by("-started_at")
        .first()
    )
    if attempt is None:
        return None
    answers = {a.item_id: a for a in attempt.answers.all()}
    done = [bool(answers[i].answered_at) if i in answers else False for i in attempt.item_ids]
    return RunningExam(
        attempt=attempt,
        answered=sum(done),
        total=len(done),
        flagged=sum(1 for a in answers.values() if a.flagged),
        seconds_left=max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None,
        next_number=done.index(False) + 1 if False in done else 1,
    )


def past_attempts(owner: services.Owner, limit: int = HISTORY_LENGTH) -> list[Attempt]:
    """Submitted attempts, newest first (lesson checkpoints are the dashboard's, not the quiz room's)."""
    if not owner.known:
        return []
    return list(
        Attempt.objects.filter(owner.filter(), submitted_at__isnull=False)
        .exclude(mode=Attempt.Mode.CHECKPOINT)
        .order_by("-submitted_at")[:limit]
    )


def exam_chart(attempts: list[Attempt], blueprint: str = "") -> dict:
    """The score-over-time chart of one exam blueprint's simulations among `attempts`, oldest first, with the pass
    line: DVA-C02 and SAA-C03 are different exams, so one line never joins them (walk 14). `blueprint` defaults to
    the newest exam's; the chart's "blueprints" lists every blueprint taken, for a choice above the chart."""
    exams = sorted((a for a in attempts if a.is_exam), key=lambda a: a.submitted_at)
    taken = sorted({a.blueprint or "DVA-C02" for a in exams})
    if blueprint not in taken:
        blueprint = (exams[-1].blueprint or "DVA-C02") if exams else ""
    chosen = [a for a in exams if (a.blueprint or "DVA-C02") == blueprint]
    chart = score_chart([(a.submitted_at, a.score or 0.0, blueprint) for a in chosen])
    chart.update(blueprint=blueprint, blueprints=taken)
    return chart


@dataclass(frozen=True)
class OpenPractice:
    attempt: Attempt
    answered: int
    total: int
    next_number: int


def unfinished_practice(owner: services.Owner, limit: int = 5) -> list[OpenPractice]:
    """Practice, drill and review sessions not finished yet, newest first, with where to resume (walk 15)."""
    if not owner.known:
        return []
    attempts = (
        Attempt.objects.filter(owner.filter(), submitted_at__isnull=True)
        .exclude(mode__in=[Attempt.Mode.EXAM, Attempt.Mode.CHECKPOINT])
        .order_by("-started_at")
        .prefetch_related("answers")[:limit]
    )
    found = []
    for attempt in attempts:
        answered = {a.item_id for a in attempt.answers.all() if a.answered_at}
        done = [i in answered for i in attempt.item_ids]
        next_number = done.index(False) + 1 if False in done else len(done)
        found.append(OpenPractice(attempt, sum(done), len(done), max(next_number, 1)))
    return found


# -- results ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultRow:
    number: int
    item: Item
    answer: Answer
    domain: int | None  # the blueprint domain it was scored under

    @property
    def seconds(self) -> int:
        return round(self.answer.time_spent_ms / 1000)

    @property
    def steps(self) -> list[tuple]:
        """An ordering question's steps in the right order: (option, right position, the learner's position or
        None, whether the learner put it there), so results show the right order (walk 2)."""
        given = {key: n for n, key in enumerate(self.answer.choice or [], start=1)}
        return [(o, n, given.get(o.key), given.get(o.key) == n) for n, o in enumerate(self.item.options, start=1)]


def result_rows(attempt: Attempt, bank: Bank, blueprint: Blueprint, hidden: set[str]) -> list[ResultRow]:
    answers = {a.item_id: a for a in attempt.answers.all()}
    exam = attempt.blueprint or "DVA-C02"
    rows = []
    for number, item_id in enumerate(attempt.item_ids, start=1):
        item = bank.items.get(item_id)
        if item is None or item_id in hidden or item_id not in answers:
            continue
        domain = blueprint.primary_domain(exam, item) if exam in blueprint.exams else None
        rows.append(ResultRow(number, item, answers[item_id], domain.number if domain else None))
    return rows


def average_seconds(rows: list[ResultRow]) -> int | None:
    """Mean time on the questions that have time recorded, in whole seconds (None when none has)."""
    timed = [r.answer.time_spent_ms for r in rows if r.answer.time_spent_ms]
    return round(sum(timed) / len(timed) / 1000) if timed else None


def results_filters(
    rows: list[ResultRow], domains: list[services.DomainScore], *, flags: bool = True
) -> list[tuple[str, str, int]]:
    """The filters a results page offers: (query value, label, how many questions it shows). Practice cannot
    flag, so its results offer no Flagged filter (flags=False, walk 10)."""
    filters = [
        ("all", "All", len(rows)),
        ("wrong", "Wrong or unanswered", sum(1 for r in rows if not r.answer.correct)),
    ]
    if flags:
        filters.append(("flagged", "Flagged", sum(1 for r in rows if r.answer.flagged)))
    for d in domains:
        filters.append((f"domain-{d.number}", f"Domain {d.number}", sum(1 for r in rows if r.domain == d.number)))
    return filters


def filter_rows(rows: list[ResultRow], show: str) -> list[ResultRow]:
    """Rows for `?show=`: all, wrong (or unanswered), flagged, or domain-N. Unknown values raise InvalidAnswer."""
    if show in ("", "all"):
        return rows
    if show == "wrong":
        return [r for r in rows if not r.answer.correct]
    if show == "flagged":
        return [r for r in rows if r.answer.flagged]
    prefix, _, number = show.partition("-")
    if prefix == "domain" and number.isascii() and number.isdigit() and len(number) <= 2:
        return [r for r in rows if r.domain == int(number)]
    raise InvalidAnswer("Show all, wrong, flagged or one domain's questions (for example ?show=domain-1).")


# -- autosave ---------------------------------------------------------------------------------------
def save_draft(
    owner: services.Owner, attempt: Attempt, bank: Bank, item: Item, keys: list[str], now: dt.datetime
) -> Answer:
    """Keep an exam's incomplete selection (fewer options than the question asks for) so that moving away or a
    reload shows it again. A draft is not an answer: it stays unanswered, and scores as wrong if submitted so."""
    if not services.owns(owner, attempt):
        raise services.NotYours("This attempt does not belong to you.")
    if not attempt.is_exam or item.type != "multiple":
        raise InvalidAnswer("Only a multiple-answer exam question keeps an incomplete selection.")
    known = {o.key for o in item.options}
    if any(k not in known for k in keys) or len(set(keys)) != len(keys) or len(keys) >= item.choose:
        raise InvalidAnswer(f"Choose up to {item.choose} of this question's options.")
    if services.expired(attempt, now):
        services.finish(attempt, bank, now)  # as record_answer does: out of time means submitted
        raise services.Closed("Time is up: the exam was submitted with the answers saved before the deadline.")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at:
            raise services.Closed("This attempt has already been submitted; your answers are saved.")
        answer = Answer.objects.select_for_update().get(attempt=locked, item_id=item.id)
        answer.choice = sorted(keys) or None
        answer.dont_know = False
        answer.correct = None
        answer.answered_at = None
        answer.save(update_fields=["choice", "dont_know", "correct", "answered_at"])
    return answer


def clear_answer(owner: services.Owner, attempt: Attempt, bank: Bank, item: Item, now: dt.datetime) -> Answer:
    """ "I don't know" posted to an exam (the exam screen no longer offers it, walk 3/19): the question goes back to
    unanswered, as on the real exam, so the palette, the review lists and the submit dialog count it so."""
    if not services.owns(owner, attempt):
        raise services.NotYours("This attempt does not belong to you.")
    if not attempt.is_exam:
        raise InvalidAnswer("Only an exam question can be left unanswered.")
    if services.expired(attempt, now):
        services.finish(attempt, bank, now)
        raise services.Closed("Time is up: the exam was submitted with the answers saved before the deadline.")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at:
            raise services.Closed("This attempt has already been submitted; your answers are saved.")
        answer = Answer.objects.select_for_update().get(attempt=locked, item_id=item.id)
        answer.choice, answer.dont_know, answer.correct, answer.answered_at = None, False, None, None
        answer.confidence = ""
        answer.save(update_fields=["choice", "dont_know", "correct", "answered_at", "confidence"])
    return answer
