"""A learner's emulated AWS resources for a source's sandbox scenario (learn/sandbox/aws_emulation.py).

- **Specs** live in content: `content/sources/<slug>/resources.toml` names the tables, queues, buckets, topics
  and event buses the scenario needs, and may deny actions to teach execution-role permissions. A spec becomes
  the *state* the sandbox starts from.
- **State** belongs to one learner and one source, and outlives execution environments: the sandbox hands it
  back after every invocation and it is kept here (the database), so a cold start, a replay or another server
  finds what the last run left. "Reset resources" brings the spec's state back.

Spec format (all sections optional):

    summary = "An orders table that each order is written to once."
    deny = ["sqs:SendMessage"]          # actions the function's role lacks in this scenario
    [[tables]]
    name = "orders"
    hash = "order_id:S"                 # key attribute and type (S, N or B); `range` likewise
    items = [{ order_id = { S = "o-0" } }]   # DynamoDB JSON
    [[queues]]
    name = "orders-dlq"                 # a name ending .fifo makes a FIFO queue
    messages = [{ body = "..." }]
    [[buckets]]
    name = "uploads"
    objects = [{ key = "in/a.txt", body = "hello" }]
    [[topics]]
    name = "order-events"
    [[buses]]
    name = "orders"
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from learn.sandbox import aws_reports

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
KEY = re.compile(r"^([A-Za-z0-9_.-]{1,64}):(S|N|B)$")
ACTION = re.compile(r"^[a-z0-9-]+:([A-Z][A-Za-z]+|\*)$")


class SpecError(ValueError):
    pass


@dataclass(frozen=True)
class Spec:
    slug: str
    summary: str
    state: dict
    deny: tuple[str, ...] = ()

    @property
    def names(self) -> list[tuple[str, str]]:
        """(kind, name) of every resource, for the page's list."""
        return [(kind, entry["name"]) for kind in aws_reports.KINDS for entry in self.state[kind]]


def parse(slug: str, text: str) -> Spec:
    """A spec from TOML text; SpecError says what is wrong, in content terms."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"resources.toml is not valid TOML: {error}") from None
    known = {"summary", "deny", *aws_reports.KINDS}
    if set(data) - known:
        raise SpecError(f"resources.toml has unknown keys: {', '.join(sorted(set(data) - known))}")
    state = aws_reports.empty_state()
    for table in data.get("tables", []):
        key = {"hash": _key(table.get("hash"), "hash"), "range": None}
        if table.get("range"):
            key["range"] = _key(table["range"], "range")
        state["tables"].append({"name": _name(table), "key": key, "items": list(table.get("items", []))})
    for queue in data.get("queues", []):
        name = _name(queue)
        messages = [{"body": str(m["body"])} for m in queue.get("messages", [])]
        state["queues"].append({"name": name, "fifo": name.endswith(".fifo"), "attributes": {}, "messages": messages})
    for bucket in data.get("buckets", []):
        objects = [{"key": str(o["key"]), "body": str(o.get("body", ""))} for o in bucket.get("objects", [])]
        state["buckets"].append({"name": _name(bucket), "objects": objects})
    for kind in ("topics", "buses"):
        state[kind] = [{"name": _name(entry), "published": []} for entry in data.get(kind, [])]
    deny = tuple(str(action) for action in data.get("deny", []))
    for action in deny:
        if not ACTION.match(action):
            raise SpecError(f"deny: {action!r} is not an action like 'dynamodb:PutItem'")
    problem = aws_reports.state_problem(state)
    if problem:
        raise SpecError(problem)
    return Spec(slug, str(data.get("summary", "")), state, deny)


def _name(entry: dict) -> str:
    name = str(entry.get("name", ""))
    if not NAME.match(name):
        raise SpecError(f"{name!r} is not a resource name (letters, digits, _ . -)")
    return name


def _key(value: Any, part: str) -> list[str]:
    match = KEY.match(str(value or ""))
    if not match:
        raise SpecError(f"a table's {part} key must look like 'order_id:S', not {value!r}")
    return [match[1], match[2]]


@functools.cache
def specs() -> dict[str, Spec]:
    """Every source's spec, by slug (content/sources/<slug>/resources.toml)."""
    from learn import catalog

    found = {}
    for path in sorted((catalog.content_dir() / "sources").glob("*/resources.toml")):
        slug = path.parent.name
        try:
            found[slug] = parse(slug, path.read_text(encoding="utf-8"))
        except SpecError as error:
            raise SpecError(f"content/sources/{slug}/resources.toml: {error}") from None
    return found


def spec(slug: str) -> Spec | None:
    return specs().get(slug)


# -- one learner's state --------------------------------------------------------------------------------------


def state_for(learner: str, slug: str) -> dict | None:
    """The learner's resources for this source (the spec's own state until a run changes them); None when the
    source has no spec."""
    from .models import EmulatedResources

    found = spec(slug)
    if found is None:
        return None
    row = EmulatedResources.objects.filter(learner=learner, source=slug).only("state").first()
    if row is not None and aws_reports.state_problem(row.state) is None:
        return row.state
    return json.loads(json.dumps(found.state))  # a copy: callers may change it


def aws_options(learner: str, slug: str) -> dict | None:
    """What the sandbox run needs: {"state": ..., "deny": [...]}, or None when the source has no spec."""
    found = spec(slug)
    if found is None:
        return None
    return {"state": state_for(learner, slug), "deny": list(found.deny)}


def save(learner: str, slug: str, state: dict) -> None:
    from .models import EmulatedResources

    if spec(slug) is None or aws_reports.state_problem(state) is not None:
        return
    EmulatedResources.objects.update_or_create(learner=learner, source=slug, defaults={"state": state})


def reset(learner: str, slug: str) -> None:
    from .models import EmulatedResources

    EmulatedResources.objects.filter(learner=learner, source=slug).delete()


# -- reading state (pages and grading) -------------------------------------------------------------------------


def plain(value: dict) -> Any:
    """One DynamoDB-typed value ({"S": "x"}, {"N": "3"}, {"M": {...}}...) as plain Python (N as int or Decimal)."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "S" or kind == "B":
        return inner
    if kind == "N":
        number = Decimal(str(inner))
        return int(number) if number == number.to_integral_value() else number
    if kind == "BOOL":
        return bool(inner)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: plain(v) for k, v in inner.items()} if isinstance(inner, dict) else inner
    if kind == "L":
        return [plain(v) for v in inner] if isinstance(inner, list) else inner
    if kind in ("SS", "BS"):
        return sorted(inner) if isinstance(inner, list) else inner
    if kind == "NS":
        return sorted(plain({"N": n}) for n in inner) if isinstance(inner, list) else inner
    return value


def plain_item(item: dict) -> dict:
    return {key: plain(value) for key, value in item.items()} if isinstance(item, dict) else {}


def find(state: dict | None, kind: str, name: str) -> dict | None:
    for entry in (state or {}).get(kind, []) if isinstance(state, dict) else []:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    return None
