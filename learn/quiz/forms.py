"""Reading what the learner sent: filters for a new attempt and an answer to one question."""

from __future__ import annotations

from collections.abc import Mapping

from .bank import Item
from .grading import InvalidAnswer
from .services import EXAM_FORMS


def start_request(data: Mapping[str, str], sources: set[str], misconceptions: set[str]) -> dict[str, str | int]:
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
    request["exam"] = data.get("exam", "")[:20]
    try:
        size = int(data.get("size", "65" if mode == "exam" else "10"))
    except ValueError:
        raise InvalidAnswer("The number of questions must be a number.") from None
    if mode == "exam" and size not in EXAM_FORMS:
        raise InvalidAnswer(f"Exams come in {', '.join(map(str, sorted(EXAM_FORMS)))} questions.")
    request["size"] = max(1, min(size, 65))
    return request


def answer_keys(item: Item, data) -> list[str] | None:
    """The option keys the learner chose, in order for ordering items. None means "I don't know"."""
    if data.get("dont_know"):
        return None
    if item.type == "ordering":
        positions = []
        for option in item.options:
            raw = data.get(f"position-{option.key}", "")
            if not raw.isdigit():
                raise InvalidAnswer("Give every step a position.")
            positions.append((int(raw), option.key))
        if sorted(p for p, _ in positions) != list(range(1, len(item.options) + 1)):
            raise InvalidAnswer("Each position must be used exactly once.")
        return [key for _, key in sorted(positions)]
    keys = data.getlist("choice") if hasattr(data, "getlist") else data.get("choice", [])
    if not keys:
        raise InvalidAnswer("Choose an answer, or select “I don't know”.")
    return list(keys)
