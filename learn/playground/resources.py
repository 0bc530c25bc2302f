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

import dataclasses
import functools
import json
import random
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from learn.sandbox import aws_reports

EXAMPLE_FILE = "resources_handler.py"
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
    example: str = ""  # a handler written for these resources (content/sources/<slug>/resources_handler.py)

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
            example = path.with_name(EXAMPLE_FILE)
            if example.is_file():
                found[slug] = dataclasses.replace(found[slug], example=example.read_text(encoding="utf-8"))
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


KEEP_DAYS = 30  # resources nobody has run against for this long are deleted (anonymous learners come and go)


def revision(learner: str, slug: str) -> str:
    """When the learner's resources last changed ("" for the spec's own): a run saves only if this is still so."""
    from .models import EmulatedResources

    row = EmulatedResources.objects.filter(learner=learner, source=slug).only("updated").first()
    return row.updated.isoformat() if row else ""


def save(learner: str, slug: str, state: dict, expected: str | None = None) -> bool:
    """Keep the state a run left; not if a reset (or another run) changed the resources since it started
    (`expected`, from `revision`), so a reset during a run is not undone by it."""
    from .models import EmulatedResources

    if spec(slug) is None or aws_reports.state_problem(state) is not None:
        return False
    if expected is not None and revision(learner, slug) != expected:
        return False
    EmulatedResources.objects.update_or_create(learner=learner, source=slug, defaults={"state": state})
    if random.random() < PURGE_CHANCE:
        purge_stale()
    return True


PURGE_CHANCE = 0.01


def purge_stale(now=None) -> int:
    """Delete resources unused for KEEP_DAYS; how many rows went."""
    import datetime as dt

    from django.utils import timezone

    from .models import EmulatedResources

    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    return EmulatedResources.objects.filter(updated__lt=cutoff).delete()[0]


def reset(learner: str, slug: str) -> None:
    """Back to the spec's state. Written, not deleted, so the revision changes and a run that was going when
    the learner pressed Reset does not save over it."""
    from .models import EmulatedResources

    found = spec(slug)
    if found is None:
        EmulatedResources.objects.filter(learner=learner, source=slug).delete()
        return
    EmulatedResources.objects.update_or_create(learner=learner, source=slug, defaults={"state": found.state})


# -- reading state (pages and grading) -------------------------------------------------------------------------


def writes_to_trigger_bucket(event: Any, before: dict | None, after: dict | None) -> list[tuple[str, str]]:
    """(bucket, key) of objects the handler added to a bucket that the S3 event came from: with a notification
    that does not filter them out, each would invoke the function again (a loop the replay does not run)."""
    rows = event.get("Records") if isinstance(event, dict) else None
    buckets = {
        str(r["s3"]["bucket"].get("name"))
        for r in rows or []
        if isinstance(r, dict) and isinstance(r.get("s3"), dict) and isinstance(r["s3"].get("bucket"), dict)
    }
    found = []
    for name in sorted(buckets):
        old = {o.get("key") for o in (find(before, "buckets", name) or {}).get("objects", []) if isinstance(o, dict)}
        new = [o.get("key") for o in (find(after, "buckets", name) or {}).get("objects", []) if isinstance(o, dict)]
        found += [(name, str(key)) for key in new if key not in old]
    return found


def into_dead_letter_queue(state: dict, bodies: list[str]) -> dict:
    """`state` with these message bodies added to its dead-letter queue (the first queue named like a DLQ)."""
    state = json.loads(json.dumps(state))
    queue = next((q for q in state.get("queues", []) if "dlq" in str(q.get("name", "")).lower()), None)
    if queue is not None:
        queue.setdefault("messages", []).extend({"body": body, "receives": 0, "in_flight": False} for body in bodies)
    return state


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


# -- showing state and calls (the sandbox page) ----------------------------------------------------------------

PREVIEW_CHARS = 200
PARAM_CHARS = 120
RESULT_CHARS = 300
ERROR_CHARS = 600  # an error in full (AccessDenied names the action and the resource at the end)
REFUSALS = ("ConditionalCheckFailedException", "TransactionCanceledException")
KIND_LABELS = {
    "tables": ("DynamoDB table", "item", "items"),
    "queues": ("SQS queue", "message", "messages"),
    "buckets": ("S3 bucket", "object", "objects"),
    "topics": ("SNS topic", "published notification", "published notifications"),
    "buses": ("EventBridge event bus", "published event", "published events"),
}
EMPTY = {
    "tables": "No items yet: what your handler puts here (put_item, update_item…) appears as rows.",
    "queues": "No messages: what your handler sends here (send_message) appears with its receive count.",
    "buckets": "No objects: what your handler writes here (put_object) appears with its size and a preview.",
    "topics": "Nothing published yet: each publish call's message appears here.",
    "buses": "No events yet: each put_events entry sent to this bus appears here.",
}


def _shown(value: Any, limit: int = PREVIEW_CHARS) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        text = str(value)  # a DynamoDB number, not a string in quotes
    elif value is None:
        text = "null"
    else:
        text = json.dumps(value, default=str, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows_by_identity(kind: str, entry: dict, key_names: list[str]) -> list[tuple[Any, dict]]:
    """(identity, row) for each thing a resource holds: what stays the same when its contents change."""
    if kind == "tables":
        rows = []
        for item in entry.get("items", []) if isinstance(entry.get("items"), list) else []:
            values = plain_item(item)
            identity = json.dumps([values.get(name) for name in key_names], default=str)
            rows.append((identity, {"values": values, "compare": json.dumps(values, default=str, sort_keys=True)}))
        return rows
    if kind == "queues":
        rows, seen = [], {}
        for message in entry.get("messages", []) if isinstance(entry.get("messages"), list) else []:
            if not isinstance(message, dict):
                continue
            body = str(message.get("body", ""))
            seen[body] = seen.get(body, 0) + 1  # the same body sent twice is two messages
            row = {
                "body": _shown(body),
                "receives": message.get("receives", 0),
                "in_flight": bool(message.get("in_flight")),
            }
            rows.append(((body, seen[body]), {**row, "compare": json.dumps(row, sort_keys=True, default=str)}))
        return rows
    if kind == "buckets":
        rows = []
        for obj in entry.get("objects", []) if isinstance(entry.get("objects"), list) else []:
            if not isinstance(obj, dict):
                continue
            preview = _shown(str(obj["body"])) if "body" in obj else "(binary data)"
            size = obj.get("size", len(str(obj.get("body", "")).encode()))
            row = {"key": str(obj.get("key", "")), "size": size, "preview": preview, "truncated": obj.get("truncated")}
            compare = json.dumps([obj.get("body"), obj.get("base64"), size], default=str)
            rows.append((row["key"], {**row, "compare": compare}))
        return rows
    published = entry.get("published", []) if isinstance(entry.get("published"), list) else []
    rows = []
    for index, sent in enumerate(published):
        sent = sent if isinstance(sent, dict) else {"message": sent}
        if kind == "topics":
            row = {"subject": _shown(sent.get("subject") or ""), "message": _shown(sent.get("message"))}
        else:
            row = {
                "source": _shown(sent.get("source") or ""),
                "detail_type": _shown(sent.get("detail-type") or ""),
                "detail": _shown(sent.get("detail")),
            }
        rows.append((index, {**row, "compare": json.dumps(row, sort_keys=True, default=str)}))
    return rows


def describe(state: dict | None, before: dict | None = None) -> list[dict]:
    """Each resource in `state` as the page shows it. With `before` (the state before an invocation), every row
    says what changed: change is "new", "changed", "removed" (rows kept from `before`) or ""; each resource
    counts its changes in `changes`. Published notifications and events only grow, so the ones past `before`'s
    count are new."""
    shown = []
    for kind in aws_reports.KINDS:
        for entry in (state or {}).get(kind, []) if isinstance(state, dict) else []:
            if not isinstance(entry, dict):
                continue
            name = str(entry.get("name", ""))
            key_names = []
            if kind == "tables":
                key = entry.get("key") if isinstance(entry.get("key"), dict) else {}
                key_names = [part[0] for part in (key.get("hash"), key.get("range")) if isinstance(part, list) and part]
            rows = _rows_by_identity(kind, entry, key_names)
            old = find(before, kind, name) if before is not None else None
            old_rows = dict(_rows_by_identity(kind, old, key_names)) if old is not None else {}
            result_rows, changes = [], {"new": 0, "changed": 0, "removed": 0}
            identities = set()
            for identity, row in rows:
                identities.add(identity)
                change = ""
                if before is not None:
                    if identity not in old_rows:
                        change = "new"
                    elif old_rows[identity]["compare"] != row["compare"]:
                        change = "changed"
                if change:
                    changes[change] += 1
                result_rows.append({**row, "change": change})
            if before is not None and kind not in ("topics", "buses"):
                for identity, row in old_rows.items():
                    if identity not in identities:
                        changes["removed"] += 1
                        result_rows.append({**row, "change": "removed"})
            label, thing, things = KIND_LABELS[kind]
            resource = {
                "kind": kind,
                "label": label,
                "thing": thing,
                "things": things,
                "name": name,
                "rows": result_rows,
                "count": len(rows),
                "empty": EMPTY[kind],
                "changes": changes if before is not None else None,
                "changed": any(changes.values()) if before is not None else False,
                "fifo": bool(entry.get("fifo")),
            }
            if kind == "tables":
                others = sorted({name for row in result_rows for name in row["values"]} - set(key_names))
                resource["columns"] = [*key_names, *others]
                resource["key_names"] = key_names
                for row in result_rows:
                    row["cells"] = [_shown(row["values"][c]) if c in row["values"] else "" for c in resource["columns"]]
            shown.append(resource)
    return shown


def describe_calls(calls: list[dict] | None) -> list[dict]:
    """The handler's AWS calls as the page lists them: service, operation, the key parameters (the resource
    names shortened from URLs and ARNs), and the result or the error."""
    listed = []
    for call in calls or []:
        if not isinstance(call, dict):
            continue
        error = call.get("error")
        listed.append(
            {
                "service": str(call.get("service", "")),
                "operation": str(call.get("operation", "")),
                "params": _key_params(call.get("params")),
                "result": _shown(call.get("result") or "", RESULT_CHARS),
                "error": _shown(str(error), ERROR_CHARS) if error else "",
                "failed": bool(error),
                # a condition that refused the write: often exactly what an idempotent handler wants
                "refused": bool(error) and str(error).startswith(REFUSALS),
            }
        )
    return listed


def _key_params(params: Any) -> list[tuple[str, str]]:
    try:
        data = json.loads(params) if isinstance(params, str) else params
    except ValueError:
        return [("", _shown(params, PARAM_CHARS))]  # cut short by the report's size cap
    if not isinstance(data, dict):
        return [("", _shown(data, PARAM_CHARS))] if data not in (None, "") else []
    shown = []
    for name, value in data.items():
        if name in ("QueueUrl", "TopicArn", "TargetArn") and isinstance(value, str):
            value = value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        shown.append((str(name), _shown(value, PARAM_CHARS)))
    return shown


def report(aws: dict | None, before: dict | None) -> dict:
    """One invocation's AWS report for the page: its calls, and its resources marked against `before` (the
    state the invocation started from). imported is False when the handler never loaded boto3."""
    if not isinstance(aws, dict):
        return {"imported": False, "calls": [], "resources": [], "dropped": 0, "error": "", "changed": False}
    state = aws.get("state")
    described = describe(state, before if before is not None else None) if state is not None else []
    return {
        "imported": True,
        "calls": describe_calls(aws.get("calls")),
        "dropped": aws.get("dropped_calls") or 0,
        "error": str(aws.get("error") or ""),
        "resources": described,
        "has_state": state is not None,
        "changed": any(resource["changed"] for resource in described),
    }


def panel(learner: str, slug: str) -> dict | None:
    """The sandbox page's Resources panel: the scenario's summary and the learner's resources now; None when
    the source has no spec."""
    found = spec(slug)
    if found is None:
        return None
    return _panel(found, state_for(learner, slug))


# Actions a learner may take away from the function's role on the panel, by the kinds of resource a spec has.
ROLE_ACTIONS = {
    "tables": (
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:Scan",
    ),
    "queues": ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"),
    "buckets": ("s3:GetObject", "s3:PutObject"),
    "topics": ("sns:Publish",),
    "buses": ("events:PutEvents",),
}


def role_actions(slug: str) -> list[str]:
    """The actions of this scenario's role that the learner may remove (the spec's own denials excluded)."""
    found = spec(slug)
    if found is None:
        return []
    kinds = [kind for kind in aws_reports.KINDS if found.state[kind]]
    return [action for kind in kinds for action in ROLE_ACTIONS[kind] if action not in found.deny]


def denied(slug: str, removed: list[str] | tuple[str, ...]) -> list[str]:
    """The spec's denials plus the learner's removals (only actions the panel offers)."""
    found = spec(slug)
    if found is None:
        return []
    offered = set(role_actions(slug))
    return sorted(set(found.deny) | {action for action in removed if action in offered})


def starting_panel(slug: str) -> dict | None:
    """The panel for a visitor who has run nothing yet: the spec's own state (no database read)."""
    found = spec(slug)
    return None if found is None else _panel(found, found.state)


def _panel(found: Spec, state: dict) -> dict:
    return {
        "role": [{"action": action, "allowed": True} for action in role_actions(found.slug)],
        "summary": found.summary,
        "deny": list(found.deny),
        "resources": describe(state),
        "example": EXAMPLE_FILE if found.example else "",
    }
