"""Class rules in one place: creating, joining, leaving, removing, and who may see what.

Views turn the typed errors into friendly 4xx pages; nothing here touches HTTP. Every read of a class's members
goes through `taught_by`, which finds a class only for its own instructor, so another user's request for it is
the same 404 as a class that does not exist (no IDOR).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from . import codes
from .models import Classroom, Membership

NAME_MAX = 100


class NoSuchCode(LookupError):
    """No class has this code (mistyped, or the instructor made a new one)."""


class OwnClass(ValueError):
    """An instructor cannot join their own class as a learner."""


class ClassFull(ValueError):
    """The class has settings.CLASS_MAX_LEARNERS members (its page reads every member's progress each time)."""


def max_learners() -> int:
    return int(getattr(settings, "CLASS_MAX_LEARNERS", 500))


def _with_fresh_code(save) -> None:
    """Run `save(code)` with a new code until it is unique (a clash is astronomically rare, but possible)."""
    for _ in range(10):
        try:
            with transaction.atomic():
                save(codes.new())
            return
        except IntegrityError:
            continue
    raise RuntimeError("Could not find a free join code")  # pragma: no cover - 10 clashes in a row


def create(instructor: AbstractBaseUser, name: str) -> Classroom:
    classroom = Classroom(name=name.strip()[:NAME_MAX], instructor=instructor)

    def save(code: str) -> None:
        classroom.join_code = code
        classroom.save()

    _with_fresh_code(save)
    return classroom


def new_code(classroom: Classroom) -> str:
    """Replace the join code; the old one stops working at once (members already in stay)."""

    def save(code: str) -> None:
        classroom.join_code, classroom.code_changed_at = code, timezone.now()
        classroom.save(update_fields=["join_code", "code_changed_at"])

    _with_fresh_code(save)
    return classroom.join_code


def find(typed_code: str) -> Classroom:
    code = codes.normalise(typed_code)
    classroom = Classroom.objects.select_related("instructor").filter(join_code=code).first()
    if not codes.well_formed(code) or classroom is None:
        raise NoSuchCode(typed_code)
    return classroom


def join(learner: AbstractBaseUser, typed_code: str) -> tuple[Classroom, bool]:
    """Join the class with this code; returns (the class, whether the learner was new to it). Twice is harmless."""
    classroom = find(typed_code)
    if classroom.instructor_id == learner.pk:
        raise OwnClass(classroom.name)
    members_now = classroom.memberships.all()
    if members_now.count() >= max_learners() and not members_now.filter(learner=learner).exists():
        raise ClassFull(classroom.name)
    try:
        with transaction.atomic():
            _, created = Membership.objects.get_or_create(classroom=classroom, learner=learner)
    except IntegrityError:  # the same learner joined twice at the same moment
        created = False
    return classroom, created


def leave(learner: AbstractBaseUser, classroom_id: int) -> Classroom | None:
    """The learner leaves a class they are in; None if they were not in it (nothing to tell them)."""
    membership = Membership.objects.select_related("classroom").filter(classroom_id=classroom_id, learner=learner)
    row = membership.first()
    if row is None:
        return None
    row.delete()
    return row.classroom


def remove(classroom: Classroom, learner_id: int) -> bool:
    """The instructor removes a member; False if they were not a member."""
    deleted, _ = Membership.objects.filter(classroom=classroom, learner_id=learner_id).delete()
    return bool(deleted)


def delete(classroom: Classroom) -> None:
    """Delete the class and its memberships; the learners' own progress is theirs and stays."""
    classroom.delete()


def taught_by(instructor: AbstractBaseUser, classroom_id: int) -> Classroom | None:
    """The class, only for its instructor: anyone else gets None, exactly as for a class that does not exist."""
    if not instructor.is_authenticated:
        return None
    return Classroom.objects.filter(pk=classroom_id, instructor=instructor).first()


def taught(instructor: AbstractBaseUser) -> QuerySet[Classroom]:
    return Classroom.objects.filter(instructor=instructor).annotate(member_count=Count("memberships"))


def joined(learner: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(learner=learner).select_related("classroom", "classroom__instructor")


def members(classroom: Classroom) -> QuerySet[Membership]:
    return classroom.memberships.select_related("learner").order_by("learner__username")
