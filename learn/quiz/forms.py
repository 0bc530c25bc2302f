"""Reading what the learner sent: filters for a new attempt and an answer to one question."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from .bank import Item
from .grading import InvalidAnswer
from .services import EXAM_FORMS

LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable_text(value: str) -> None:
    """Refuse text a database cannot store: lone surrogates (not UTF-8; NUL is refused by forms.CharField)."""
    if LONE_SURROGATE.search(value):
        raise ValidationError("This text contains a character that cannot be stored; please retype it.")


class ReportForm(forms.Form):
    """A problem report: 5 to 2,000 characters of plain text (no NUL, no lone surrogates: F3)."""

    LENGTH = "Please describe the problem in 5 to 2,000 characters."
    message = forms.CharField(
        min_length=5,
        max_length=2000,
        strip=True,
        validators=[storable_text],
        error_messages={"required": LENGTH, "min_length": LENGTH, "max_length": LENGTH},
    )

    def first_error(self) -> str:
        return next(iter(self.errors.get("message") or [self.LENGTH]))


def start_request(
    data: Mapping[str, str], sources: set[str], misconceptions: set[str], tasks: set[str] | None = None
) -> dict[str, str | int]:
    """Validate the hub's form. Unknown values raise InvalidAnswer with a message for the learner."""
    mode = data.get("mode", "practice")
    if mode not in ("practice", "drill", "exam", "review", "mistakes"):
        raise InvalidAnswer("Choose practice, drill, an exam or review.")
    request: dict[str, str | int] = {"mode": mode}
    for name, allowed in (("source", sources), ("misconception", misconceptions)):
        value = data.get(name, "")
        if value and value not in allowed:
            raise InvalidAnswer(f"There is no {name} called {value[:40]!r}.")
        request[name] = value
    model = data.get("model", "")
    if model and model not in ("sync", "async", "poll"):
        raise InvalidAnswer("Choose the sync, async or poll model.")
    request["model"] = model
    exam = data.get("exam", "")
    if exam and tasks is not None and exam not in tasks:
        raise InvalidAnswer(f"There is no exam task called {exam[:40]!r}.")
    request["exam"] = exam[:20]
    try:
        size = int(data.get("size", "65" if mode == "exam" else "10"))
    except ValueError:
        raise InvalidAnswer("The number of questions must be a number.") from None
    if mode == "exam" and size not in EXAM_FORMS:
        raise InvalidAnswer(f"Exams come in {', '.join(map(str, sorted(EXAM_FORMS)))} questions.")
    request["size"] = max(1, min(size, 65))
    blueprint = data.get("blueprint", "") or "DVA-C02"
    if mode == "exam" and blueprint not in ("DVA-C02", "SAA-C03"):
        raise InvalidAnswer("Choose the Developer (DVA-C02) or Solutions Architect (SAA-C03) blueprint.")
    request["blueprint"] = blueprint if mode == "exam" else ""
    return request


def answer_keys(item: Item, data) -> list[str] | None:
    """The option keys the learner chose, in order for ordering items. None means "I don't know"."""
    if data.get("dont_know"):
        return None
    if item.type == "ordering":
        positions = []
        for option in item.options:
            raw = data.get(f"position-{option.key}", "")
            # ASCII digits only: str.isdigit() also accepts "²" (int() refuses it) and 5,000-digit numbers are
            # past int()'s limit; both were a 500 (fuzz test).
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
                raise InvalidAnswer("Give every step a position.")
            positions.append((int(raw), option.key))
        if sorted(p for p, _ in positions) != list(range(1, len(item.options) + 1)):
            raise InvalidAnswer("Each position must be used exactly once.")
        return [key for _, key in sorted(positions)]
    keys = data.getlist("choice") if hasattr(data, "getlist") else data.get("choice", [])
    if not keys:
        raise InvalidAnswer("Choose an answer, or select “I don't know”.")
    return list(keys)
