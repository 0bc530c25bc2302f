"""The decision guide: questions answered one at a time, ending in ranked source recommendations.

State travels in the query string (?waits=yes&shape=queue), so the guide works the same with and
without JavaScript and any step can be bookmarked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from learn.catalog.types import Catalog, GuideQuestion, Source

TOP = 4


@dataclass
class Recommendation:
    source: Source
    score: int
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (reason, doc URL)


@dataclass(frozen=True)
class GuideState:
    answers: dict[str, str]
    notices: tuple[str, ...]
    current: GuideQuestion | None
    step: int
    total: int

    @property
    def finished(self) -> bool:
        return self.current is None

    def query_without(self, question_id: str) -> str:
        return "&".join(f"{k}={v}" for k, v in self.answers.items() if k != question_id)


def read_state(catalog: Catalog, params: Mapping[str, str]) -> GuideState:
    """Keep valid answers (in question order), drop the rest with a notice, find the next question."""
    answers: dict[str, str] = {}
    notices = []
    known = {q.id for q in catalog.guide}
    for question in catalog.guide:
        value = params.get(question.id)
        if value is None:
            continue
        if question.option(value) is None:
            notices.append(f"Ignored an answer we do not recognise for “{question.text}”.")
            continue
        answers[question.id] = value
    ignored = [k for k in params if k not in known and k not in ("restart",)]
    if ignored:
        notices.append("Ignored parameters the guide does not use: " + ", ".join(sorted(ignored)[:5]) + ".")
    current = next((q for q in catalog.guide if q.id not in answers), None)
    return GuideState(answers, tuple(notices), current, len(answers) + 1, len(catalog.guide))


def recommend(catalog: Catalog, answers: Mapping[str, str]) -> list[Recommendation]:
    """Add up every chosen option's points per source; return the best few with their reasons."""
    by_slug: dict[str, Recommendation] = {}
    for question in catalog.guide:
        option = question.option(answers.get(question.id, ""))
        if option is None:
            continue
        for point in option.points:
            rec = by_slug.setdefault(point.source, Recommendation(catalog.sources[point.source], 0))
            rec.score += point.points
            if point.points > 0:
                rec.reasons.append((point.reason, point.doc))
    ranked = sorted((r for r in by_slug.values() if r.score > 0), key=lambda r: (-r.score, r.source.order))
    return ranked[:TOP]
