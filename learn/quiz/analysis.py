"""Item analysis: how hard each item is and whether it separates stronger learners from weaker ones.

Classical test theory on learners' answers:
- **difficulty** p: the share of answers that were right;
- **discrimination**: the point-biserial correlation between being right on the item and the learner's *rest
  score* on the same attempt (the share right of the attempt's other items, so the item does not correlate with
  itself). Near 0 the item does not tell stronger from weaker learners; below 0 the stronger ones get it wrong
  more often, which usually means a wrong or ambiguous key.

`analyse()` is pure (rows in, figures out); `answer_rows()` reads the database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

MIN_ANSWERS = 20  # fewer answers than this say too little to flag an item
MIN_ATTEMPT_ITEMS = 5  # an attempt with fewer answered items gives no usable rest score
EASY = 0.95
HARD = 0.05
NEGATIVE = 0.0


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    answers: int
    difficulty: float  # share right
    discrimination: float | None  # point-biserial against the rest score; None when undefined

    @property
    def flags(self) -> tuple[str, ...]:
        if self.answers < MIN_ANSWERS:
            return ()
        found = []
        if self.difficulty >= EASY:
            found.append("everyone gets it right")
        if self.difficulty <= HARD:
            found.append("nobody gets it right")
        if self.discrimination is not None and self.discrimination < NEGATIVE:
            found.append("stronger learners get it wrong more often")
        return tuple(found)


def point_biserial(correct: list[bool], scores: list[float]) -> float | None:
    """Pearson correlation of a 0/1 variable with a score; None when either side has no variance."""
    n = len(correct)
    if n < 2:
        return None
    right = [s for c, s in zip(correct, scores, strict=True) if c]
    wrong = [s for c, s in zip(correct, scores, strict=True) if not c]
    if not right or not wrong:
        return None
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
    if sd == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))


def analyse(rows: Iterable[tuple[str, str, bool]]) -> dict[str, ItemStats]:
    """rows: (attempt id, item id, answered correctly). Unanswered items should be left out by the caller."""
    attempts: dict[str, dict[str, bool]] = defaultdict(dict)
    for attempt_id, item_id, correct in rows:
        attempts[str(attempt_id)][item_id] = bool(correct)
    per_item: dict[str, tuple[list[bool], list[float]]] = defaultdict(lambda: ([], []))
    for answers in attempts.values():
        if len(answers) < MIN_ATTEMPT_ITEMS:
            continue
        total = sum(answers.values())
        for item_id, correct in answers.items():
            rest = (total - correct) / (len(answers) - 1)
            per_item[item_id][0].append(correct)
            per_item[item_id][1].append(rest)
    return {
        item_id: ItemStats(item_id, len(correct), sum(correct) / len(correct), point_biserial(correct, scores))
        for item_id, (correct, scores) in sorted(per_item.items())
    }


def answer_rows() -> list[tuple[str, str, bool]]:
    """Every counted, answered, not "I don't know"-skipped answer of a practice or exam attempt."""
    from .models import Answer, Attempt
    from .services import counted

    return [
        (str(a), i, bool(c))
        for a, i, c in Answer.objects.filter(
            counted(),
            answered_at__isnull=False,
            attempt__mode__in=[Attempt.Mode.PRACTICE, Attempt.Mode.EXAM, Attempt.Mode.DRILL],
        ).values_list("attempt_id", "item_id", "correct")
    ]
