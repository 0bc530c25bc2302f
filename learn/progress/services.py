"""Progress: lessons read, scores over time, mastery by source and model, weakest misconceptions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction

from learn.quiz.bank import Bank
from learn.quiz.models import Answer, Attempt, ReviewCard
from learn.quiz.services import PASS_MARK, Owner, counted, hand_over

from .models import LessonRead


def mark_lesson_read(owner: Owner, slug: str) -> None:
    if LessonRead.objects.filter(owner.filter(), slug=slug).exists():
        return
    try:
        with transaction.atomic():
            LessonRead.objects.create(slug=slug, **owner.fields())
    except IntegrityError:
        pass  # read twice at the same moment: one row is enough


def has_read(owner: Owner, slug: str) -> bool:
    return owner.known and LessonRead.objects.filter(owner.filter(), slug=slug).exists()


def lessons_read(owner: Owner) -> list[str]:
    return list(LessonRead.objects.filter(owner.filter()).order_by("first_read").values_list("slug", flat=True))


def hand_over_all(token: str, user_id: int) -> None:
    from learn.course.models import StepDone
    from learn.exercises.models import ExercisePass

    hand_over(token, user_id)  # attempts carry their checkpoints along
    for row in ExercisePass.objects.filter(user__isnull=True, session_key=token):
        if ExercisePass.objects.filter(user_id=user_id, slug=row.slug).exists():
            row.delete()
        else:
            row.user_id, row.session_key = user_id, ""
            row.save(update_fields=["user", "session_key"])
    for row in StepDone.objects.filter(user__isnull=True, session_key=token):
        if StepDone.objects.filter(user_id=user_id, key=row.key).exists():
            row.delete()
        else:
            row.user_id, row.session_key = user_id, ""
            row.save(update_fields=["user", "session_key"])
    for row in LessonRead.objects.filter(user__isnull=True, session_key=token):
        if LessonRead.objects.filter(user_id=user_id, slug=row.slug).exists():
            row.delete()
        else:
            row.user_id, row.session_key = user_id, ""
            row.save(update_fields=["user", "session_key"])


def dashboard(owner: Owner, bank: Bank, now: dt.datetime) -> dict[str, Any]:
    attempts = list(Attempt.objects.filter(owner.filter(), submitted_at__isnull=False).order_by("submitted_at"))
    answers = list(  # an open exam's answers count only once it is submitted (V4)
        Answer.objects.filter(counted(), attempt__in=Attempt.objects.filter(owner.filter()), answered_at__isnull=False)
    )
    by_source: dict[str, list[bool]] = defaultdict(list)
    by_model: dict[str, list[bool]] = defaultdict(list)
    missed: dict[str, int] = defaultdict(int)
    for answer in answers:
        item = bank.items.get(answer.item_id)
        if item is None:
            continue
        for slug in item.sources:
            by_source[slug].append(bool(answer.correct))
        by_model[item.model].append(bool(answer.correct))
        if not answer.correct:
            for name in item.misconceptions:
                missed[name] += 1
    next_card = ReviewCard.objects.filter(owner.filter()).order_by("due").first()
    return {
        "scores": [(a.submitted_at, a.score or 0.0, a.mode) for a in attempts],
        "mastery_sources": sorted(((k, sum(v) / len(v), len(v)) for k, v in by_source.items()), key=lambda r: r[1]),
        "mastery_models": sorted((k, sum(v) / len(v), len(v)) for k, v in by_model.items()),
        "weakest": [
            (bank.misconceptions[k], n)
            for k, n in sorted(missed.items(), key=lambda kv: -kv[1])
            if k in bank.misconceptions
        ][:5],
        "next_review": next_card.due if next_card else None,
        # less than a minute away, timeuntil says "0 minutes" (walk B15): call it due
        "review_due": next_card is not None and next_card.due <= now + dt.timedelta(minutes=1),
        "due_now": ReviewCard.objects.filter(owner.filter(), due__lte=now).count(),
        "answered": len(answers),
    }


def score_chart(scores: list[tuple[dt.datetime, float, str]], width: int = 640, height: int = 220) -> dict[str, Any]:
    """A server-rendered SVG line chart of scores (0–100 %) in the order they were taken: points, the axes with
    their ticks (0, 25, 50, 75, 100 % up the side; attempt numbers along the bottom) and the pass line."""
    pad, left, right = 32, 48, 16  # top and bottom; the left margin holds the percentages
    if not scores:
        return {"points": [], "width": width, "height": height, "pad": pad}
    step = (width - left - right) / max(len(scores) - 1, 1)

    def y_of(ratio: float) -> float:
        return round(height - pad - ratio * (height - 2 * pad), 1)

    points = []
    for index, (when, score, mode) in enumerate(scores):
        x = left + index * step if len(scores) > 1 else (left + width - right) / 2
        points.append(
            {"x": round(x, 1), "y": y_of(score), "pct": round(score * 100), "when": when, "mode": mode, "n": index + 1}
        )
    every = max(1, -(-len(points) // 10))  # at most about ten numbers along the bottom
    return {
        "points": points,
        "path": " ".join(f"{p['x']},{p['y']}" for p in points),
        "width": width,
        "height": height,
        "pad": pad,
        "left": left,
        "right": width - right,
        "bottom": height - pad,
        "y_ticks": [{"y": y_of(t / 100), "label": f"{t}%"} for t in (0, 25, 50, 75, 100)],
        "x_ticks": [p for p in points if (p["n"] - 1) % every == 0 or p["n"] == len(points)],
        "pass_y": y_of(PASS_MARK),
        "pass_pct": round(PASS_MARK * 100),
    }
