"""The state panel: what every resource holds after a step, as a view model.

The engine gives one snapshot per step (learn/engine/state.py). This turns each into words a learner reads
beside the diagram: message chips with their receive counts and visibility countdowns, a shard as a tape with
its checkpoint, the caller's wait, the bins that hold finished records, and what changed since the step before
(highlighted chips and sentences for the aria-live region).

The template (templates/diagrams/_state.html) renders the current step's view on the server; `pack()` encodes
every step's view compactly (chips and places are interned) for static/diagrams/state.js, which renders the
same markup when the player moves. Both render the view, never the raw snapshot, so the wording lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from learn.engine.state import BIN_LABEL
from learn.engine.types import format_time, span

KINDS = ("caller", "service", "queue", "batch", "tape", "async-queue", "broker", "function", "bin")
PANEL_ITEMS = 20  # chips listed per place (the engine lists up to 50); the rest are counted as "+N more"
MAX_SENTENCES = 6  # per step; more are summed up as "and N more changes"
MAX_IDS = 5  # record ids named in one sentence
TRACKED = {"receive_count": "receive count {}", "attempt": "attempt {}", "retries": "retried {}×"}
NOUNS = {  # what a record is called, from the kind of place that first holds it
    "queue": "message",
    "broker": "message",
    "tape": "record",
    "async-queue": "event",
    "service": "event",
    "caller": "request",
}
STATUS_WORDS = {
    "in-flight": "in flight",
    "in-batch": "in a batch",
    "retry-wait": "waiting to retry",
    "retrying": "to be read again",
    "too-old": "too old",
    "pending": "not sent yet",
}
BIN_VERBS = {  # bin id -> (singular, plural) verb phrase for "Message 2 ..."
    "processed": ("was processed", "were processed"),
    "returned": ("got its answer", "got their answers"),
    "queue-dlq": ("moved to the queue's DLQ", "moved to the queue's DLQ"),
    "function-dlq": ("moved to the function's DLQ", "moved to the function's DLQ"),
    "destination": ("went to the on-failure destination", "went to the on-failure destination"),
    "broker-dlq": ("moved to the broker's DLQ", "moved to the broker's DLQ"),
    "reported-failed": ("was reported as failed", "were reported as failed"),
    "filtered": ("was filtered out", "were filtered out"),
    "lost": ("was discarded", "were discarded"),
    "success-destination": ("went to the on-success destination", "went to the on-success destination"),
}
SHORT_BIN_LABELS = frozenset(BIN_LABEL.values()) | {"not attempted"}


class Chip(NamedTuple):
    record: str
    detail: str
    status: str  # a CSS-safe word
    changed: bool = False
    ref: bool = False  # shown for context: another place holds the record
    mark: str = ""  # tape cells: "checkpoint", "next read"


class PlaceView(NamedTuple):
    id: str
    kind: str  # one of KINDS, or "other"
    label: str
    count: str  # "3 messages", "empty"
    meta: str  # "visibility timeout 30 s", "checkpoint at record 1 · next read: record 2"
    chips: tuple[Chip, ...]
    more: int  # records the snapshot counts but does not list
    changed: bool = False

    @property
    def is_tape(self) -> bool:
        return self.kind == "tape"


@dataclass(frozen=True)
class PanelView:
    index: int
    t_ms: int
    clock: str
    noun: str  # "Message"
    places: tuple[PlaceView, ...]
    changes: tuple[str, ...]

    @property
    def announcement(self) -> str:
        return " ".join(self.changes)


@dataclass
class Series:
    """The panel for every step of one trace, and when each record's disposition is revealed."""

    views: list[PanelView]
    reveal: dict[str, int]  # record id -> index of the first step that shows its final disposition
    noun: str

    @property
    def has_state(self) -> bool:
        return any(view.places for view in self.views)

    def view(self, index: int) -> PanelView:
        return self.views[max(0, min(index, len(self.views) - 1))]

    def pack(self) -> dict[str, Any]:
        """Every step's view for state.js: chips and places interned, flags as bits (1 changed, 2 ref)."""
        chips: dict[Chip, int] = {}
        places: dict[PlaceView, int] = {}
        packed_places: list[list[Any]] = []
        steps = []
        for view in self.views:
            place_ids = []
            for where in view.places:
                if where not in places:
                    chip_ids = [chips.setdefault(chip, len(chips)) for chip in where.chips]
                    places[where] = len(places)
                    packed_places.append(
                        [where.id, where.kind, where.label, where.count, where.meta, chip_ids, where.more]
                        + ([1] if where.changed else [])
                    )
                place_ids.append(places[where])
            steps.append([view.clock, place_ids, view.announcement])
        return {
            "noun": self.noun,
            "chips": [
                [c.record, c.detail, c.status, (1 if c.changed else 0) | (2 if c.ref else 0)]
                + ([c.mark] if c.mark else [])
                for c in chips
            ],
            "places": packed_places,
            "steps": steps,
        }


def build(trace) -> Series:
    """The panel for each step of an engine trace."""
    snapshots = [step.snapshot or {"t_ms": step.t_ms, "places": []} for step in trace.steps]
    helds = [_held(snapshot) for snapshot in snapshots]
    refs = [_refs(snapshot) for snapshot in snapshots]
    noun = _noun(snapshots)
    memo = _Memo()
    views = []
    for index, (step, snapshot) in enumerate(zip(trace.steps, snapshots, strict=True)):
        before = (snapshots[index - 1], helds[index - 1], refs[index - 1]) if index else None
        views.append(_view(index, step.t_ms, snapshot, (helds[index], refs[index]), before, noun, memo))
    return Series(views, _reveal(trace, helds), noun.capitalize())


def _noun(snapshots: list[dict]) -> str:
    for snapshot in snapshots:
        for where in snapshot.get("places", []):
            if any(not entry.get("ref") for entry in where.get("items", [])):
                return NOUNS.get(where.get("kind", ""), "record")
    return "record"


def _reveal(trace, helds: list[dict[str, tuple[dict, dict]]]) -> dict[str, int]:
    """A disposition shows from the first step at or after its time where the record rests in a bin (or, for a
    record that never reaches one, such as one still blocking a shard, or one a full bin does not list, from the
    first step at its time)."""
    binned: dict[str, int] = {}
    for index, held in enumerate(helds):
        for record, (where, _) in held.items():
            if record not in binned and where.get("kind") == "bin":
                binned[record] = index
    times = [step.t_ms for step in trace.steps]
    reveal = {}
    for record, disposition in trace.dispositions.items():
        first = next((i for i, t in enumerate(times) if t >= disposition.t_ms), len(times) - 1)
        reveal[record] = max(first, binned.get(record, first))
    return reveal


def _held(snapshot: dict | None) -> dict[str, tuple[dict, dict]]:
    """record id -> (place, item) for the place that holds it."""
    held: dict[str, tuple[dict, dict]] = {}
    for where in (snapshot or {}).get("places", []):
        for entry in where.get("items", ()):
            if not entry.get("ref"):
                record = entry.get("id")
                if record not in held:
                    held[record if isinstance(record, str) else str(record)] = (where, entry)
    return held


def _refs(snapshot: dict | None) -> dict[tuple[str, str], str]:
    """(place id, record) -> the reference's words, for the records a place shows for context."""
    return {
        (where.get("id", ""), str(entry.get("id"))): str(entry.get("label") or entry.get("status") or "")
        for where in (snapshot or {}).get("places", [])
        for entry in where.get("items", [])
        if entry.get("ref")
    }


class _Memo:
    """What one build has already worked out: chip words by record state and time, and each place's last view
    (a place that is exactly as it was, at the same moment, reads the same; only its highlights go)."""

    def __init__(self) -> None:
        self.details: dict[tuple, str] = {}
        self.places: dict[str, tuple[int, dict, int, PlaceView]] = {}

    def place(self, index: int, where: dict, t: int, noun: str, changed: set[tuple[str, str]]) -> PlaceView:
        place_id = str(where.get("id", ""))
        last = self.places.get(place_id)
        if (
            last is not None
            and last[0] == index - 1
            and (last[2] == t or where.get("kind") == "bin")
            and last[1] == where
        ):
            view = last[3]
            if view.changed:  # unchanged since the step before: nothing in it is new at this step
                view = view._replace(chips=tuple(c._replace(changed=False) for c in view.chips), changed=False)
        else:
            view = _place(where, t, noun, changed, self.details)
        self.places[place_id] = (index, where, t, view)
        return view


def _view(index: int, t_ms: int, snapshot: dict, now: tuple, before, noun: str, memo: _Memo) -> PanelView:
    t = snapshot.get("t_ms", t_ms)
    changed, sentences = _changes(snapshot, now, before, noun)
    places = tuple(memo.place(index, where, t, noun, changed) for where in snapshot.get("places", []))
    return PanelView(index, t, format_time(t), noun.capitalize(), places, tuple(sentences))


# --- one place ---------------------------------------------------------------------------------------------------


def _place(where: dict, t: int, noun: str, changed: set[tuple[str, str]], details: dict) -> PlaceView:
    kind = where.get("kind", "")
    kind = kind if kind in KINDS else "other"
    place_id = str(where.get("id", ""))
    items = where.get("items", [])
    meta = where.get("meta") or {}
    count = int(where.get("count", len(items)))
    marks = _tape_marks(items, meta) if kind == "tape" else {}
    described = _meta(kind, meta, items)
    if kind == "tape":
        items = sorted(items, key=lambda entry: (entry.get("attrs") or {}).get("position", 0))
    items = items[:PANEL_ITEMS]
    chips = []
    for entry in items:
        record = str(entry.get("id"))
        attrs = entry.get("attrs") or {}
        key = (kind, t, entry.get("status"), entry.get("label"), tuple(attrs.items()))
        detail = details.get(key)
        if detail is None:
            detail = details[key] = _detail(kind, entry, t)
        chips.append(
            Chip(
                record,
                detail,
                _css(entry.get("status", "")),
                (place_id, record) in changed,
                bool(entry.get("ref")),
                marks.get(record, "") if marks else "",
            )
        )
    return PlaceView(
        place_id,
        kind,
        str(where.get("label", place_id)),
        _count(kind, count, noun),
        described,
        tuple(chips),
        max(0, count - len(items)),
        any(chip.changed for chip in chips),
    )


@lru_cache(maxsize=256)
def _css(word: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", str(word).lower())[:24] or "none"


def _count(kind: str, count: int, noun: str) -> str:
    if count == 0:
        return "idle" if kind == "function" else "empty"
    return f"{count} {_plural(noun, count)}"


def _plural(noun: str, n: int) -> str:
    return noun if n == 1 else f"{noun}s"


def _meta(kind: str, meta: dict, items: list[dict]) -> str:
    parts: list[str] = []
    if kind == "queue" and meta.get("visibility_timeout_s") is not None:
        parts.append(f"visibility timeout {span(int(meta['visibility_timeout_s']) * 1000)}")
    elif kind == "tape":
        by_position = {(e.get("attrs") or {}).get("position"): str(e.get("id")) for e in items}
        checkpoint = meta.get("checkpoint")
        if checkpoint is not None:
            if checkpoint < 0:
                parts.append("no checkpoint yet")
            elif checkpoint in by_position:
                parts.append(f"checkpoint after record {by_position[checkpoint]}")
            else:
                parts.append(f"checkpoint at position {checkpoint}")
        iterator = meta.get("iterator")
        if iterator is not None:
            if iterator in by_position:
                parts.append(f"next read: record {by_position[iterator]}")
            elif by_position and iterator > max(p for p in by_position if p is not None):
                parts.append(f"next read: after record {by_position[max(p for p in by_position if p is not None)]}")
        if meta.get("blocked"):
            parts.append("blocked by a failing batch")
    elif kind == "async-queue":
        if meta.get("maximum_retry_attempts") is not None:
            parts.append(f"up to {meta['maximum_retry_attempts']} retries")
        if meta.get("maximum_event_age_s") is not None:
            parts.append(f"events kept {span(int(meta['maximum_event_age_s']) * 1000)}")
    elif kind == "batch":
        if (meta.get("attempt") or 1) > 1:
            parts.append(f"attempt {meta['attempt']}")
    elif kind == "function" and meta.get("timeout_s") is not None:
        parts.append(f"timeout {span(int(meta['timeout_s']) * 1000)}")
    return " · ".join(parts)


def _tape_marks(items: list[dict], meta: dict) -> dict[str, str]:
    marks: dict[str, list[str]] = {}
    for entry in items:
        position = (entry.get("attrs") or {}).get("position")
        if position is None:
            continue
        if position == meta.get("checkpoint"):
            marks.setdefault(str(entry.get("id")), []).append("checkpoint")
        if position == meta.get("iterator"):
            marks.setdefault(str(entry.get("id")), []).append("next read")
    return {record: " · ".join(words) for record, words in marks.items()}


def _detail(kind: str, entry: dict, t: int) -> str:
    """A chip's words: what the record's state means at this moment."""
    attrs = entry.get("attrs") or {}
    status = str(entry.get("status", ""))
    word = STATUS_WORDS.get(status, status.replace("-", " "))
    parts: list[str] = []
    if kind == "queue":
        if attrs.get("receive_count"):
            parts.append(f"received {attrs['receive_count']}×")
        parts.append(word)
        if attrs.get("visible_at_ms") is not None and attrs["visible_at_ms"] > t:
            parts.append(f"visible in {span(attrs['visible_at_ms'] - t)}")
        if attrs.get("group"):
            parts.append(f"group {attrs['group']}")
    elif kind == "tape":
        parts.append(word)
        if attrs.get("retries"):
            parts.append(f"retried {attrs['retries']}×")
    elif kind in ("async-queue", "service"):
        parts.append(word)
        if attrs.get("attempt"):
            parts.append(f"attempt {attrs['attempt']}")
        if attrs.get("age_ms") is not None:
            parts.append(f"age {span(attrs['age_ms'])}")
        if attrs.get("next_attempt_at_ms") is not None and attrs["next_attempt_at_ms"] > t:
            parts.append(f"next try in {span(attrs['next_attempt_at_ms'] - t)}")
    elif kind == "caller":
        since = attrs.get("waiting_since_ms")
        if status == "waiting" and since is not None:
            waited = f"waited {span(max(0, t - since))}"
            if attrs.get("deadline_ms") is not None:
                waited += f" of {span(attrs['deadline_ms'] - since)}"
            parts.append(waited)
        else:
            parts.append(word)
        if (attrs.get("attempt") or 1) > 1:
            parts.append(f"attempt {attrs['attempt']}")
    elif kind == "bin":
        if attrs.get("at_ms") is not None:
            parts.append(f"at {format_time(attrs['at_ms'])}")
        if attrs.get("status_code"):
            parts.append(f"HTTP {attrs['status_code']}")
        if entry.get("label") in SHORT_BIN_LABELS:
            parts.append(str(entry["label"]))
    elif kind in ("batch", "function", "broker"):
        if (status in ("returned", "throttled", "abandoned") or entry.get("label") == "invoke sent") and entry.get(
            "label"
        ):
            word = str(entry["label"])  # what came back says more than the status word
        if attrs.get("receive_count"):
            parts.append(f"received {attrs['receive_count']}×")
        if attrs.get("redeliveries"):
            parts.append(f"redelivered {attrs['redeliveries']}×")
        if (attrs.get("attempt") or 1) > 1:
            parts.append(f"attempt {attrs['attempt']}")
        if attrs.get("started_ms") is not None and status == "processing":
            parts.append(f"running {span(max(0, t - attrs['started_ms']))}")
        parts.insert(0, word)
    else:
        parts.append(str(entry.get("label") or word))
        if attrs.get("attempt"):
            parts.append(f"attempt {attrs['attempt']}")
    return " · ".join(part for part in parts if part)


# --- what changed ------------------------------------------------------------------------------------------------


def _changes(snapshot: dict, now: tuple, prior, noun: str) -> tuple[set[tuple[str, str]], list[str]]:
    """(place id, record) pairs to highlight, and the sentences that say what changed since the step before.

    `now` and `prior` are (who holds what, references) for this step and (snapshot, holders, references) for
    the step before (None for the first step)."""
    if prior is None:
        return set(), _opening(snapshot, noun)
    previous, before, refs_before = prior
    now, refs_now = now
    changed: set[tuple[str, str]] = set()
    moved: dict[str, list[str]] = {}  # place id -> records that arrived there
    arrived: dict[str, list[str]] = {}
    figures: dict[tuple[str, Any], list[str]] = {}
    statuses: dict[str, list[str]] = {}
    places = {str(w.get("id")): w for w in snapshot.get("places", [])}
    for record, (where, entry) in now.items():
        place_id = str(where.get("id"))
        if record not in before:
            arrived.setdefault(place_id, []).append(record)
            changed.add((place_id, record))
            continue
        old_where, old_entry = before[record]
        if entry == old_entry and old_where.get("id") == where.get("id"):
            continue  # the usual case: nothing about this record changed
        if str(old_where.get("id")) != place_id:
            moved.setdefault(place_id, []).append(record)
            changed.add((place_id, record))
            continue
        attrs, old_attrs = entry.get("attrs") or {}, old_entry.get("attrs") or {}
        differs = False
        for key, words in TRACKED.items():
            value, old = attrs.get(key), old_attrs.get(key)
            if value is not None and value != old and (old is not None or value != 0):
                figures.setdefault((words, value), []).append(record)
                differs = True
        if not differs and entry.get("status") != old_entry.get("status"):
            statuses.setdefault(str(entry.get("label") or entry.get("status")), []).append(record)
            differs = True
        if differs:
            changed.add((place_id, record))
    sentences = []
    for place_id, records in moved.items():
        sentences.append(_moved(records, places[place_id], noun))
    for place_id, records in arrived.items():
        sentences.append(
            f"{_subject(records, noun)} {'is' if len(records) == 1 else 'are'} now in {_label(places[place_id])}."
        )
    for (words, value), records in figures.items():
        said = "retry count reset" if words.startswith("retried") and value == 0 else words.format(value)
        sentences.append(f"{_subject(records, noun)}: {said}.")
    new_refs = refs_now.keys() - refs_before.keys()
    by_place: dict[str, list[str]] = {}
    for place_id, record in sorted(new_refs, key=lambda pair: _order(pair[1])):
        by_place.setdefault(place_id, []).append(record)
        changed.add((place_id, record))
    relabelled: dict[tuple[str, str], list[str]] = {}  # a batch or a function item whose words changed
    for key in sorted(refs_now.keys() & refs_before.keys(), key=lambda pair: _order(pair[1])):
        if refs_now[key] != refs_before[key] and places.get(key[0], {}).get("kind") in ("batch", "function"):
            relabelled.setdefault((key[0], refs_now[key]), []).append(key[1])
            changed.add(key)
    batched = {r for p, records in by_place.items() if places[p].get("kind") in ("batch", "function") for r in records}
    for label, records in statuses.items():
        records = [r for r in records if r not in batched]  # the batch sentence below says it
        if records:
            sentences.append(f"{_subject(records, noun)}: {label}.")
    sentences += _tape_changes(snapshot, previous)
    for place_id, records in by_place.items():
        where = places[place_id]
        words = refs_now.get((place_id, records[0]), "")
        if where.get("kind") == "batch":
            sentences.append(f"{_subject(records, noun)} in {_label(where)}.")
        elif where.get("kind") == "function" and (words.startswith("attempt") or "running" in words):
            sentences.append(f"{_label(where)} is running {_subject(records, noun).lower()}.")
        elif where.get("kind") == "function":
            sentences.append(f"{_label(where)}, {_subject(records, noun).lower()}: {words}.")
        elif where.get("kind") == "bin":
            sentences.append(f"{_label(where)}: {words} for {_subject(records, noun).lower()}.")
    for (place_id, words), records in relabelled.items():
        where = places[place_id]
        if where.get("kind") == "batch":
            sentences.append(f"{_subject(records, noun)} in {_label(where)}.")
        else:
            sentences.append(f"{_label(where)}, {_subject(records, noun).lower()}: {words}.")
    if len(sentences) > MAX_SENTENCES:
        extra = len(sentences) - MAX_SENTENCES + 1
        sentences = sentences[: MAX_SENTENCES - 1] + [f"And {extra} more changes."]
    return changed, sentences or ["No change in what the resources hold."]


def _opening(snapshot: dict, noun: str) -> list[str]:
    sentences = []
    for where in snapshot.get("places", []):
        held = [e for e in where.get("items", []) if not e.get("ref")]
        if held:
            count = max(int(where.get("count", len(held))), len(held))
            sentences.append(f"{count} {_plural(noun, count)} in {_label(where)}.")
    return sentences[:MAX_SENTENCES] or ["Nothing has arrived yet."]


def _tape_changes(snapshot: dict, previous: dict) -> list[str]:
    before = {str(w.get("id")): w for w in previous.get("places", []) if w.get("kind") == "tape"}
    sentences = []
    for where in snapshot.get("places", []):
        old = before.get(str(where.get("id")))
        if where.get("kind") != "tape" or old is None:
            continue
        meta, old_meta = where.get("meta") or {}, old.get("meta") or {}
        if meta.get("checkpoint") != old_meta.get("checkpoint") and meta.get("checkpoint") is not None:
            records = {(e.get("attrs") or {}).get("position"): str(e.get("id")) for e in where.get("items", [])}
            after = records.get(meta["checkpoint"])
            moved_to = f"past record {after}" if after else f"to position {meta['checkpoint']}"
            sentences.append(f"The checkpoint moved {moved_to} ({_label(where)}).")
        if bool(meta.get("blocked")) != bool(old_meta.get("blocked")):
            sentences.append(f"{_label(where)} is {'blocked' if meta.get('blocked') else 'no longer blocked'}.")
    return sentences


def _moved(records: list[str], where: dict, noun: str) -> str:
    subject = _subject(records, noun)
    if where.get("kind") == "bin" and where.get("id") in BIN_VERBS:
        singular, plural = BIN_VERBS[where["id"]]
        codes = {
            (e.get("attrs") or {}).get("status_code") for e in where.get("items", []) if str(e.get("id")) in records
        }
        code = f" (HTTP {codes.pop()})" if len(codes) == 1 and None not in codes else ""
        return f"{subject} {singular if len(records) == 1 else plural}{code}."
    return f"{subject} moved to {_label(where)}."


def _label(where: dict) -> str:
    return str(where.get("label") or where.get("id"))


def _subject(records: list[str], noun: str) -> str:
    """'Message 2', 'Messages 1, 2 and 3', 'Messages 1, 2, 3, 4, 5 and 95 more'."""
    records = sorted(records, key=_order)
    name = _plural(noun, len(records)).capitalize()
    if len(records) == 1:
        return f"{name} {records[0]}"
    if len(records) > MAX_IDS:
        return f"{name} {', '.join(records[:MAX_IDS])} and {len(records) - MAX_IDS} more"
    return f"{name} {', '.join(records[:-1])} and {records[-1]}"


def _order(record: str) -> tuple[int, str]:
    return (int(record), "") if record.isdigit() else (1 << 30, record)
