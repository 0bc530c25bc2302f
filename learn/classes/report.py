"""What an instructor sees of each member: progress per path, mastery per source, last active; and the CSV.

`learner_progress` is the one adapter onto the course's progress module (learn/course/progress.py); everything
else here reads only the plain rows it returns, so a change in that module's names changes one function.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Max

from learn import catalog
from learn.quiz.services import Owner

from .models import Classroom, Membership


@dataclass(frozen=True)
class PathRow:
    path_id: str
    title: str
    done: int
    total: int
    next_step: str = ""  # e.g. "Kinesis — checkpoint 2 of 4"; empty once the path is done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def short_title(self) -> str:
        """ "Foundations" for "Foundations: the three invocation models" (table headings stay narrow)."""
        return self.title.partition(":")[0]


@dataclass(frozen=True)
class SourceRow:
    slug: str
    percent: int | None  # None: no evidence yet (not the same as 0 %)
    evidence: int
    label: str
    mastered: bool = False

    @property
    def tone(self) -> str:
        """A CSS modifier for the label: mastered, practising, needs-work, or started (too little evidence)."""
        return self.label.replace(" ", "-") if self.label in ("mastered", "practising", "needs work") else "started"


@dataclass(frozen=True)
class Progress:
    paths: tuple[PathRow, ...] = ()
    sources: dict[str, SourceRow] = field(default_factory=dict)


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    username: str
    joined_at: dt.datetime
    last_active: dt.datetime | None
    progress: Progress

    @property
    def sources_started(self) -> int:
        return sum(1 for s in self.progress.sources.values() if s.evidence)

    @property
    def sources_mastered(self) -> int:
        return sum(1 for s in self.progress.sources.values() if s.mastered)


@dataclass(frozen=True)
class SourceColumn:
    slug: str
    name: str


@dataclass(frozen=True)
class ClassReport:
    classroom: Classroom
    paths: tuple[PathRow, ...]  # the class's path columns (done=0: only the titles and totals matter)
    sources: tuple[SourceColumn, ...]
    learners: tuple[LearnerRow, ...]


def learner_progress(user_id: int) -> Progress:
    """One learner's progress per path and per source, in this app's terms: the one adapter onto
    learn/course/progress.py (its evidence is read once and shared by both figures)."""
    from learn.course import progress

    owner = Owner(user_id, "")
    known = progress.evidence(owner)
    paths = tuple(
        PathRow(p.path_id, p.title, p.done, p.total, p.next_step.label if p.next_step else "")
        for p in progress.path_progress(owner, known)
    )
    sources = {
        slug: SourceRow(
            slug,
            round(100 * mastery.level) if mastery.evidence else None,
            mastery.evidence,
            mastery.label,
            mastered=mastery.label == "mastered",
        )
        for slug, mastery in progress.source_mastery(owner, known).items()
    }
    return Progress(paths=paths, sources=sources)


def last_active(user_ids: list[int]) -> dict[int, dt.datetime]:
    """When each learner last did something that counts: answered, started a quiz, passed an exercise, read a
    lesson or marked a path step done."""
    from learn.course.models import StepDone
    from learn.exercises.models import ExercisePass
    from learn.progress.models import LessonRead
    from learn.quiz.models import Answer, Attempt

    def newest(rows, user: str, when: str):
        """(user id, the newest `when`) for each of the learners, in one grouped query."""
        return rows.values(user).annotate(at=Max(when)).values_list(user, "at")

    latest: dict[int, dt.datetime] = {}
    queries = [
        newest(
            Answer.objects.filter(attempt__user_id__in=user_ids, answered_at__isnull=False),
            "attempt__user_id",
            "answered_at",
        ),
        newest(Attempt.objects.filter(user_id__in=user_ids), "user_id", "started_at"),
        newest(ExercisePass.objects.filter(user_id__in=user_ids), "user_id", "passed_at"),
        newest(LessonRead.objects.filter(user_id__in=user_ids), "user_id", "first_read"),
        newest(StepDone.objects.filter(user_id__in=user_ids), "user_id", "done_at"),
    ]
    for query in queries:
        for user_id, at in query:
            if at is not None and (user_id not in latest or at > latest[user_id]):
                latest[user_id] = at
    return latest


def build(classroom: Classroom, only_user_id: int | None = None) -> ClassReport:
    """The class's report; with `only_user_id`, of that one member (a learner's page reads no one else)."""
    members = classroom.memberships.select_related("learner").order_by("learner__username")
    if only_user_id is not None:
        members = members.filter(learner_id=only_user_id)
    memberships: list[Membership] = list(members)
    active = last_active([m.learner_id for m in memberships])
    learners = tuple(
        LearnerRow(
            user_id=m.learner_id,
            username=m.learner.get_username(),
            joined_at=m.joined_at,
            last_active=active.get(m.learner_id),
            progress=learner_progress(m.learner_id),
        )
        for m in memberships
    )
    paths: dict[str, PathRow] = {}
    for learner in learners:
        for row in learner.progress.paths:
            paths.setdefault(row.path_id, PathRow(row.path_id, row.title, 0, row.total))
    cat = catalog.load()
    sources = tuple(SourceColumn(s.slug, s.short_name) for s in cat.sources.values())
    return ClassReport(classroom, tuple(paths.values()), sources, learners)


@dataclass(frozen=True)
class SourceSummary:
    column: SourceColumn
    learners_started: int
    learners_mastered: int
    average: int | None  # over the learners with evidence


def by_source(report: ClassReport) -> list[SourceSummary]:
    """The class as a whole, one row per source with any evidence, weakest average first: where to teach next."""
    rows = []
    for column in report.sources:
        found = [r.progress.sources.get(column.slug) for r in report.learners]
        measured = [s for s in found if s is not None and s.percent is not None]
        if measured:
            average = round(sum(s.percent for s in measured) / len(measured))
            rows.append(SourceSummary(column, len(measured), sum(s.mastered for s in measured), average))
    return sorted(rows, key=lambda row: (row.average, row.column.name))


def matrix(report: ClassReport, summaries: list[SourceSummary]) -> list[tuple[LearnerRow, list[SourceRow | None]]]:
    """Each learner's mastery of each source the class has worked on (columns in the order of `summaries`)."""
    return [(row, [_measured(row.progress.sources.get(s.column.slug)) for s in summaries]) for row in report.learners]


def _measured(source: SourceRow | None) -> SourceRow | None:
    return source if source is not None and source.percent is not None else None


def _done(row: LearnerRow, path_id: str) -> int:
    return next((p.done for p in row.progress.paths if p.path_id == path_id), 0)


def sort(report: ClassReport, by: str) -> tuple[str, tuple[LearnerRow, ...]]:
    """The learners in the order asked for: "name", "active", "mastered" or "path:<id>" (anything else: by name).
    Returns (the order used, the rows).
    Everything but the name puts the furthest along first; ties stay in name order."""
    rows = report.learners  # already by name
    path_ids = {p.path_id for p in report.paths}
    if by == "active":
        return by, tuple(sorted(rows, key=lambda r: -(r.last_active.timestamp() if r.last_active else 0)))
    if by == "mastered":
        return by, tuple(sorted(rows, key=lambda r: (-r.sources_mastered, -r.sources_started)))
    if by.startswith("path:") and by[5:] in path_ids:
        return by, tuple(sorted(rows, key=lambda r: -_done(r, by[5:])))
    return "name", rows


def learner(report: ClassReport, user_id: int) -> LearnerRow | None:
    return next((row for row in report.learners if row.user_id == user_id), None)


# -- CSV ------------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs: one starting like a formula gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(report: ClassReport) -> list[list[str]]:
    """A header and one row per learner. Paths take two numeric columns (done, total), never "3/10", which
    spreadsheets read as a date; a source's mastery is a whole percent, empty where there is no evidence yet."""
    header = ["learner", "joined", "last active"]
    for path in report.paths:
        header += [f"{path.title} (steps done)", f"{path.title} (steps in path)"]
    header += [f"{source.name} mastery %" for source in report.sources]
    rows = [header]
    for learner_row in report.learners:
        by_path = {p.path_id: p for p in learner_row.progress.paths}
        row: list[object] = [
            learner_row.username,
            learner_row.joined_at.date().isoformat(),
            learner_row.last_active.date().isoformat() if learner_row.last_active else "",
        ]
        for path in report.paths:
            mine = by_path.get(path.path_id)
            row += [mine.done if mine else 0, mine.total if mine else path.total]
        for source in report.sources:
            mastery = learner_row.progress.sources.get(source.slug)
            row.append("" if mastery is None or mastery.percent is None else mastery.percent)
        rows.append(row)
    return [[cell(value) for value in row] for row in rows]


def to_csv(report: ClassReport) -> str:
    """UTF-8 with a byte-order mark: without it Excel reads the file as a legacy code page and garbles names."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(report))
    return buffer.getvalue()
