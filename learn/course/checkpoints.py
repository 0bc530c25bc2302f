"""Lesson checkpoints: a few questions from the bank on one source, answered inline, kept as quiz evidence.

A checkpoint is a quiz Attempt in mode "checkpoint" (plus a Checkpoint row naming its source), so its answers feed
the same mastery figures and spaced-repetition cards as practice does. Nothing here touches HTTP.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from learn.quiz import services as quiz
from learn.quiz.bank import Bank, Item, Option
from learn.quiz.grading import Grade, InvalidAnswer, grade, presented_options
from learn.quiz.models import Answer, Attempt
from learn.quiz.services import Owner

from .models import Checkpoint

SIZE = 4  # questions per checkpoint, fewer when the bank has fewer
MIN_SINGLE = 3  # multiple-response items are used only when there are fewer single-answer ones than this


def _rank(slug: str, item: Item) -> str:
    return hashlib.sha256(f"{slug}:{item.id}".encode()).hexdigest()


def choose_items(bank: Bank, slug: str, size: int = SIZE) -> list[Item]:
    """The same questions for everyone, for as long as the bank does not change: single-answer items first (one per
    engine template family), in an order fixed by a hash of the source and the item; ordering items never (they
    need the quiz's own form)."""
    candidates = sorted((i for i in bank.for_source(slug) if i.type != "ordering"), key=lambda i: _rank(slug, i))
    singles = [i for i in candidates if i.type == "single"]
    pool = singles if len(singles) >= MIN_SINGLE else singles + [i for i in candidates if i.type != "single"]
    chosen: list[Item] = []
    families: set[str] = set()
    for item in pool:
        family = item.id.partition("--")[0]
        if family in families:
            continue
        families.add(family)
        chosen.append(item)
        if len(chosen) == size:
            break
    return chosen


def seed_for(slug: str) -> str:
    """Options are shown in one fixed order per checkpoint, before and after the learner's first answer."""
    return hashlib.md5(f"checkpoint:{slug}".encode(), usedforsecurity=False).hexdigest()


@dataclass
class Question:
    number: int
    item: Item
    options: list[tuple[str, Option]]
    answer: Answer | None = None
    error: str = ""
    chosen: tuple[str, ...] = ()  # what the learner sent, kept when it is refused

    @property
    def answered(self) -> bool:
        return bool(self.answer and self.answer.answered_at)


@dataclass
class State:
    slug: str
    questions: list[Question]
    attempt: Attempt | None = None
    held: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.answered)

    @property
    def right(self) -> int:
        return sum(1 for q in self.questions if q.answered and q.answer.correct)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total

    def question(self, item_id: str) -> Question | None:
        return next((q for q in self.questions if q.item.id == item_id), None)

    @property
    def current(self) -> Question | None:
        """The first unanswered question: the page shows the questions up to it, one new question at a time."""
        return next((q for q in self.questions if not q.answered), None)

    def shown(self, question: Question) -> bool:
        current = self.current
        return current is None or question.number <= current.number


def latest(owner: Owner, slug: str) -> Attempt | None:
    if not owner.known:
        return None
    return (
        Attempt.objects.filter(owner.filter(), mode=Attempt.Mode.CHECKPOINT, checkpoint__source=slug)
        .order_by("-started_at")
        .first()
    )


def state(owner: Owner, bank: Bank, slug: str, now: dt.datetime) -> State:
    """The learner's checkpoint on `slug`: their latest attempt's questions and answers, or a fresh one (not
    stored: a visitor who only looks stores nothing)."""
    attempt = latest(owner, slug)
    if attempt is not None:
        items = [bank.items[i] for i in attempt.item_ids if i in bank.items]
        answers = {a.item_id: a for a in attempt.answers.all()}
    else:
        items, answers = choose_items(bank, slug), {}
    seed = seed_for(slug)
    questions = [
        Question(n, item, list(zip("ABCDEF", presented_options(item, seed), strict=False)), answers.get(item.id))
        for n, item in enumerate(items, start=1)
    ]
    return State(slug, questions, attempt, quiz.open_exam_items(owner, now))


def begin(owner: Owner, bank: Bank, slug: str, title: str, now: dt.datetime) -> Attempt:
    """Store a new checkpoint attempt on `slug` (its first answer, or a retake)."""
    items = choose_items(bank, slug)
    with transaction.atomic():
        attempt = quiz.start(owner, Attempt.Mode.CHECKPOINT, [i.id for i in items], title, now=now)
        attempt.seed = seed_for(slug)
        attempt.save(update_fields=["seed"])
        Checkpoint.objects.create(attempt=attempt, source=slug)
    return attempt


class HeldByExam(ValueError):
    """The question is in the learner's running exam: no answer or feedback for it anywhere else (W8)."""


def answer(
    owner: Owner, bank: Bank, current: State, item_id: str, keys: list[str] | None, attempt: Attempt, now: dt.datetime
) -> tuple[Answer, Grade]:
    """Record one answer in `attempt`; submit the attempt (it gets a score) once every question is answered.
    A question answered before keeps its first answer, as practice does."""
    if item_id in current.held:
        raise HeldByExam(HELD)
    if item_id not in attempt.item_ids:
        raise InvalidAnswer("That question is not part of this checkpoint.")
    recorded, result = quiz.record_answer(owner, attempt, bank, item_id, keys, now=now)
    if not Answer.objects.filter(attempt=attempt, answered_at__isnull=True).exists():
        quiz.finish(attempt, bank, now)
    return recorded, result


def check_shape(item: Item, keys: list[str] | None) -> None:
    """Raise InvalidAnswer for an answer that cannot belong to `item`, before anything is stored."""
    grade(item, keys)


HELD = (
    "This question is also in the exam you are taking, so it shows no answer here until you submit the exam. "
    "Answer the others, or come back after the exam."
)
