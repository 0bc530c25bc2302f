"""Turn an engine trace into a diagram: actor boxes, one labelled arrow per pair of actors, and the steps the
player walks through. The engine decides what happens; this only decides where it is drawn and what the arrows say.

Two geometries are laid out for every diagram and the template emits both; CSS shows one:
- "wide": the main actors in a row, arrows to the right arching above it, arrows to the left below it, and the
  dead-letter queues and destinations ("bins") in a second row under the actor that sends to them;
- "tall": for narrow screens, every actor stacked top to bottom, arrows between neighbours straight down (left)
  or up (right), longer arrows in channels beside the boxes.
Font sizes are in SVG units and set here, so the rendered size is font × scale: the wide layout is shown only
on stages wider than 640 px (scale ≥ 0.84) and the tall one is never drawn below 262 px (scale ≥ 0.82), so with
15-unit text no text is drawn under 12 px.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from learn.engine import Trace
from learn.engine.types import span

WIDTH = 760  # the wide layout's width (SVG units)
TALL_WIDTH = 320
NAME_FONT = 16  # actor names (bold)
LABEL_FONT = 15  # arrow labels
STATUS_FONT = 15  # the line inside a box that says what the actor does at this step
MIN_FONT = min(NAME_FONT, LABEL_FONT, STATUS_FONT)
ICON = 28
TEXT_INSET = 10 + ICON + 8  # the name starts right of the icon
PILL_H = 26
PILL_PAD = 8
# Glyph widths (em) a little over DejaVu Sans Bold's, the widest of the fonts the stack falls back to, so the
# estimates made before the browser measures (box sizes, line breaks, pills) err on the roomy side.
NARROW, WIDE_GLYPHS = set("iljtfI.,:;!|()[]' -/"), set("mwMW@%")


def glyph_em(char: str) -> float:
    if char in NARROW:
        return 0.40
    if char in WIDE_GLYPHS:
        return 1.05
    if char.isupper() or char.isdigit():
        return 0.80
    return 0.68


BINS = ("queue-dlq", "function-dlq", "destination", "success-destination", "service-dlq")
ICONS = {
    "caller": "caller",
    "service": "service",
    "async-queue": "queue",
    "queue": "queue",
    "poller": "poller",
    "stream": "stream",
    "broker": "broker",
    "function": "function",
}
KIND_CLASS = {
    "error": "bad",
    "throttle": "bad",
    "discard": "bad",
    "dlq": "warn",
    "redrive": "warn",
    "destination": "warn",
    "retry-wait": "wait",
    "visible": "wait",
    "bisect": "wait",
    "return": "good",
    "delete": "good",
    "respond": "info",
}
FINAL_CLASS = {
    "processed": "good",
    "returned-ok": "good",
    "returned-error": "bad",
    "queue-dlq": "warn",
    "function-dlq": "warn",
    "on-failure-destination": "warn",
    "service-dlq": "warn",
    "broker-dlq": "warn",
    "records-failed": "warn",
    "filtered-out": "info",
    "discarded-max-age": "bad",
    "discarded-retries": "bad",
    "discarded-retention": "bad",
    "lost-ignored-response": "bad",
    "blocking": "bad",
}
API_NAME = re.compile(r"^([A-Z][a-z]+(?:[A-Z][a-z]+)+):")  # "ReceiveMessage: …", "DeleteMessageBatch: …"


# -- what an arrow says -------------------------------------------------------------------------------------------
def action_label(step, following=None) -> str:
    """A short name for what a step does: the arrow's label, or the box's status line for a step at one actor.

    `following` is the next step the same actor takes (to say how long a retry waits)."""
    kind, actor, target, summary = step.kind, step.actor, step.target or "", step.summary
    api = API_NAME.match(summary)
    if api and target:
        return api.group(1)
    state = step.state or {}
    if kind == "poll":
        return "gather batch" if "batching window" in summary else "read batch"
    if kind == "invoke":
        attempt = state.get("attempt")
        return f"Invoke, attempt {attempt}" if isinstance(attempt, int) and attempt > 1 else "Invoke"
    if kind in ("return", "respond"):
        code = state.get("status_code")
        return f"response {code}" if code and code != 200 else "response"
    if kind == "error":
        if target:
            return "error"
        if summary.startswith("No answer"):
            return "stops waiting"
        return "error branch" if actor == "caller" and "error branch" in summary.lower() else "error"
    if kind == "throttle":
        return "throttled (429)"
    if kind == "send":
        return "request" if actor == "caller" else "event"
    if kind == "accept":
        return "202 Accepted"
    if kind == "redrive":
        return "redrive"
    if kind == "dlq":
        return "failed records" if actor == "service" else "to DLQ"
    if kind == "destination":
        return "failure metadata" if actor == "poller" else "invocation record"
    if kind == "filter":
        return "filtered out"
    if kind == "retry-wait":
        more = state.get("compressed")
        if target:
            return f"{more:,} more times" if isinstance(more, int) and more else "repeats"
        if actor == "broker":
            return "redeliver"
        if actor == "poller":
            return "wait for capacity" if "busy" in summary else "retry"
        wait = following.t_ms - step.t_ms if following is not None else 0
        return f"retry after {span(wait)}" if wait > 0 else "retry"
    if kind == "enqueue":
        count = len(step.records)
        noun = "record" if actor == "stream" else "message" if actor in ("queue", "broker") else "event"
        return f"{count} {noun}{'' if count == 1 else 's'} waiting" if count else "waiting"
    if kind == "visible":
        return "reappear later"
    if kind == "discard":
        return "expired" if actor in ("queue", "stream") else "discarded"
    if kind == "bisect":
        return "split the batch"
    if kind == "scale":
        return "scale up"
    if kind == "delete":
        return "delete"
    if kind == "deliver":
        return "to destination"
    return kind.replace("-", " ")


def text_width(text: str, font: float) -> float:
    """An estimate of the drawn width of bold text (regular text is narrower), in SVG units."""
    return sum(glyph_em(c) for c in text) * font


def wrap(label: str, room: float, font: float = NAME_FONT) -> list[str]:
    """Words into lines at most `room` units wide (a longer word gets a line of its own); a name with a
    parenthesis breaks before it when the parenthesis fits a line: "API Gateway" / "(HTTP API)"."""
    head, paren, tail = label.partition(" (")
    if paren and text_width(label, font) > room and text_width(f"({tail}", font) <= room:
        return [*wrap(head, room, font), f"({tail}"]
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(f"{lines[-1]} {word}", font) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


# -- geometry -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    id: str
    label: str
    x: float
    y: float = 0
    w: float = 200
    h: float = 70
    icon: str = "service"
    room: float = 150  # the width the name may take per line
    bin: bool = False

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def lines(self) -> list[tuple[str, float]]:
        """The name as centred-left lines (text, baseline y) to the right of the icon."""
        lines = wrap(self.label, self.room)
        first = self.icon_y + ICON / 2 + NAME_FONT * 0.35 if len(lines) == 1 else self.y + 8 + NAME_FONT
        return [(text, first + i * (NAME_FONT + 3)) for i, text in enumerate(lines)]

    @property
    def text_x(self) -> float:
        return self.x + TEXT_INSET

    @property
    def icon_x(self) -> float:
        return self.x + 10

    @property
    def icon_y(self) -> float:
        return self.y + 9

    @property
    def status_x(self) -> float:
        return self.cx

    @property
    def status_y(self) -> float:
        return self.y + self.h - 10


@dataclass(frozen=True)
class Arrow:
    """One pair of actors: its line, its arrowhead and where its label sits (a pill over the stage)."""

    id: str
    source: str
    target: str
    d: str  # SVG path of the line
    head: str = ""  # SVG path of the arrowhead
    label_x: float = 0  # the pill's anchor: its left edge, centre or right edge (label_anchor)
    label_y: float = 0  # the pill's vertical centre
    label_anchor: str = "middle"  # start | middle | end
    label_w: float = 0  # room the longest label this arrow ever carries needs

    def pill(self, text: str | None = None) -> tuple[float, float, float, float, float]:
        """(x, y, w, h, text_x) of the pill for this text (by default, the room kept for the longest label)."""
        w = self.label_w if text is None else text_width(text, LABEL_FONT) + 2 * PILL_PAD
        x = {"start": self.label_x, "middle": self.label_x - w / 2, "end": self.label_x - w}[self.label_anchor]
        return x, self.label_y - PILL_H / 2, w, PILL_H, x + w / 2


@dataclass
class Geometry:
    name: str  # wide | tall
    width: float
    height: float
    boxes: list[Box]
    arrows: list[Arrow]

    def box(self, actor: str) -> Box:
        return next(b for b in self.boxes if b.id == actor)


def _fmt(*numbers: float) -> list[str]:
    return [f"{n:.1f}".rstrip("0").rstrip(".") for n in numbers]


def _head(tip_x: float, tip_y: float, from_x: float, from_y: float, length: float = 11, half: float = 6.5):
    """The arrowhead triangle at the tip, pointing away from (from_x, from_y); also the base point."""
    dx, dy = tip_x - from_x, tip_y - from_y
    norm = math.hypot(dx, dy) or 1
    ux, uy = dx / norm, dy / norm
    bx, by = tip_x - ux * length, tip_y - uy * length
    p = _fmt(tip_x, tip_y, bx - uy * half, by + ux * half, bx + uy * half, by - ux * half)
    return f"M {p[0]} {p[1]} L {p[2]} {p[3]} L {p[4]} {p[5]} Z", bx, by


def _box_height(labels: list[str], room: float) -> float:
    lines = max(len(wrap(label, room)) for label in labels)
    return max(8 + NAME_FONT + (lines - 1) * (NAME_FONT + 3) + 6, 9 + ICON + 4) + STATUS_FONT + 12


def _pairs(trace: Trace) -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for step in trace.steps:
        if step.target and step.target != step.actor:
            seen.setdefault((step.actor, step.target), None)
    return list(seen)


def _split(trace: Trace) -> tuple[list[str], list[str], dict[str, str]]:
    """Main actors, bins, and which actor sends to each bin (the first to do so)."""
    main = [a for a in trace.actors if a not in BINS] or list(trace.actors)
    bins = [a for a in trace.actors if a not in main]
    sender: dict[str, str] = {}
    for source, target in _pairs(trace):
        if target in bins and source in main:
            sender.setdefault(target, source)
    for b in bins:
        sender.setdefault(b, main[-1])
    return main, bins, sender


def _wide(trace: Trace, widths: dict[str, float]) -> Geometry:
    main, bins, sender = _split(trace)
    n = len(main)
    width = WIDTH if n > 2 else 600
    pitch = width / n
    w = min(212.0, pitch - 40)
    room = w - TEXT_INSET - 8
    h = _box_height([trace.label(a) for a in trace.actors], room)
    pos = {a: i for i, a in enumerate(main)}
    pairs = _pairs(trace)
    lane_gap = PILL_H + 12

    def apex(lane: int) -> float:
        return 34 + lane_gap * (lane - 1)

    up_lanes = [pos[t] - pos[s] for s, t in pairs if s in pos and t in pos and pos[t] > pos[s]]
    down_lanes = [pos[s] - pos[t] for s, t in pairs if s in pos and t in pos and pos[t] < pos[s]]
    top = apex(max(up_lanes)) + PILL_H / 2 + 10 if up_lanes else 14
    bottom_band = apex(max(down_lanes)) + PILL_H / 2 + 8 if down_lanes else 0
    boxes = [
        Box(a, trace.label(a), pitch * i + (pitch - w) / 2, top, w, h, ICONS.get(a, "service"), room)
        for i, a in enumerate(main)
    ]
    by_id = {b.id: b for b in boxes}
    bin_top = top + h + max(bottom_band, 12) + PILL_H + 24
    per_sender: dict[str, list[str]] = {}
    for b in bins:
        per_sender.setdefault(sender[b], []).append(b)
    for owner, owned in per_sender.items():
        anchor = by_id[owner]
        start = anchor.cx - (len(owned) * w + (len(owned) - 1) * 24) / 2
        for k, b in enumerate(owned):
            x = min(max(4.0, start + k * (w + 24)), width - w - 4)
            boxes.append(Box(b, trace.label(b), x, bin_top, w, h, "bin", room, True))
    by_id = {b.id: b for b in boxes}
    height = (bin_top + h + 12) if bins else (top + h + max(bottom_band, 14))

    arrows = []
    for s, t in pairs:
        a, b = by_id[s], by_id[t]
        aid = arrow_id(s, t)
        if s in pos and t in pos:
            lane = abs(pos[t] - pos[s])
            off = max(0.06, 0.3 - 0.12 * (lane - 1))
            forward = pos[t] > pos[s]
            sign = 1 if forward else -1
            y0 = a.y if forward else a.y + a.h
            x0 = a.cx + sign * a.w * off
            x1 = b.cx - sign * b.w * off
            rise = -apex(lane) if forward else apex(lane)  # the arc's top (or bottom), where its label sits
            control = y0 + rise * 4 / 3  # a cubic with both controls at this height peaks at `rise`
            mid = (x0 + x1) / 2
            head, bx, by = _head(x1, y0, x1, control)  # the head points straight into the box
            p = _fmt(x0, y0, control, x1, bx, by)
            d = f"M {p[0]} {p[1]} C {p[0]} {p[2]} {p[3]} {p[2]} {p[4]} {p[5]}"
            arrows.append(Arrow(aid, s, t, d, head, mid, y0 + rise, "middle", widths[aid]))
        else:  # into (or out of) the bin row: a straight line between the boxes' facing edges
            down = b.y > a.y
            x0, y0 = a.cx, (a.y + a.h if down else a.y)
            x1, y1 = b.cx, (b.y if down else b.y + b.h)
            head, bx, by = _head(x1, y1, x0, y0)
            p = _fmt(x0, y0, bx, by)
            label_y = (b.y - PILL_H / 2 - 16) if down else (a.y - PILL_H / 2 - 16)
            label_x = x0 + (x1 - x0) * ((label_y - y0) / ((y1 - y0) or 1))
            arrows.append(
                Arrow(aid, s, t, f"M {p[0]} {p[1]} L {p[2]} {p[3]}", head, label_x, label_y, "middle", widths[aid])
            )
    return Geometry("wide", width, height, boxes, arrows)


def _tall(trace: Trace, widths: dict[str, float]) -> Geometry:
    main, bins, _ = _split(trace)
    order = main + bins
    pos = {a: i for i, a in enumerate(order)}
    x, w = 36.0, 248.0
    room = w - TEXT_INSET - 8
    h = _box_height([trace.label(a) for a in order], room)
    down_x, up_x = x + 36, x + w - 36
    pairs = _pairs(trace)
    # which labels sit in the gap above each box (gap k is between order[k-1] and order[k])
    rows: dict[int, list[tuple[str, str, str]]] = {}
    adjacent = {(min(pos[s], pos[t]) + 1, "down" if pos[t] > pos[s] else "up") for s, t in pairs}
    for s, t in pairs:
        i, j = pos[s], pos[t]
        if abs(j - i) == 1:
            rows.setdefault(max(i, j), []).append((arrow_id(s, t), "down" if j > i else "up", s))
            continue
        # a longer arrow's label goes in a gap it passes where no neighbour's line runs on its side, so it is not
        # read as that neighbour's label (the line it names runs in the channel right beside it)
        how, side = ("long-down", "down") if j > i else ("long-up", "up")
        gaps = list(range(min(i, j) + 1, max(i, j) + 1))
        free = [k for k in gaps if (k, side) not in adjacent]
        rows.setdefault((free or gaps)[0], []).append((arrow_id(s, t), how, s))
    rank = {"down": 0, "long-down": 1, "long-up": 2, "up": 3}
    for k in rows:
        rows[k].sort(key=lambda r: rank[r[1]])
    ys, y = [], 12.0
    for k in range(len(order)):
        if k:
            y += max(44.0, 14 + len(rows.get(k, [])) * (PILL_H + 6) + 8)
        ys.append(y)
        y += h
    height = y + 12
    boxes = [
        Box(a, trace.label(a), x, ys[k], w, h, "bin" if a in bins else ICONS.get(a, "service"), room, a in bins)
        for k, a in enumerate(order)
    ]
    by_id = {b.id: b for b in boxes}
    label_at: dict[str, tuple[float, float, str]] = {}
    for k, entries in rows.items():
        gap_top = ys[k - 1] + h
        for r, (aid, how, _) in enumerate(entries):
            cy = gap_top + 14 + r * (PILL_H + 6) + PILL_H / 2
            label_at[aid] = {
                "down": (down_x + 8, cy, "start"),
                "long-down": (x - 4, cy, "start"),
                "long-up": (x + w + 4, cy, "end"),
                "up": (up_x - 8, cy, "end"),
            }[how]
    long_lane: dict[str, int] = {}
    arrows = []
    for s, t in pairs:
        a, b = by_id[s], by_id[t]
        aid = arrow_id(s, t)
        i, j = pos[s], pos[t]
        lx, ly, anchor = label_at[aid]
        if abs(j - i) == 1:
            line_x = down_x if j > i else up_x
            y0, y1 = (a.y + a.h, b.y) if j > i else (a.y, b.y + b.h)
            head, bx, by = _head(line_x, y1, line_x, y0)
            p = _fmt(line_x, y0, by)
            d = f"M {p[0]} {p[1]} V {p[2]}"
        else:
            side = "left" if j > i else "right"
            lane = long_lane[side] = long_lane.get(side, 0) + 1
            edge = x if side == "left" else x + w
            channel = x - 14 - 10 * (lane - 1) if side == "left" else x + w + 14 + 10 * (lane - 1)
            turn = 8 if side == "left" else -8
            y0, y1 = a.cy + 6 * (lane - 1), b.cy - 6 * (lane - 1)
            vertical = 1 if y1 > y0 else -1
            head, bx, by = _head(edge, y1, channel, y1)
            p = _fmt(edge, y0, channel + turn, channel, y0 + 8 * vertical, y1 - 8 * vertical, channel + turn, y1, bx)
            d = f"M {p[0]} {p[1]} H {p[2]} Q {p[3]} {p[1]} {p[3]} {p[4]} V {p[5]} "
            d += f"Q {p[3]} {p[7]} {p[6]} {p[7]} H {p[8]}"
            lx = channel + 6 if side == "left" else channel - 6
        arrows.append(Arrow(aid, s, t, d, head, lx, ly, anchor, widths[aid]))
    return Geometry("tall", TALL_WIDTH, height, boxes, arrows)


# -- the diagram and its steps --------------------------------------------------------------------------------
@dataclass
class DiagramStep:
    index: int
    number: int
    clock: str
    actor: str
    target: str
    arrow: str  # arrow id, or "" for a step that happens at one actor
    kind: str
    tone: str
    summary: str
    records: tuple[str, ...]
    doc: str
    note: str
    label: str = ""  # what the arrow (or, for a step at one actor, the actor's status line) says
    diagram: Diagram | None = field(default=None, repr=False, compare=False)

    def _scene(self, geometry: Geometry) -> dict[str, Any]:
        assert self.diagram is not None
        labels = self.diagram.arrow_labels(self.index)
        arrows = []
        for arrow in geometry.arrows:
            text = labels[arrow.id]
            x, y, w, h, tx = arrow.pill(text)
            current = arrow.id == self.arrow
            arrows.append(
                {
                    "arrow": arrow,
                    "text": text,
                    "current": current,
                    "tone": self.tone if current else "",
                    "pill": {
                        "x": round(x, 1),
                        "y": round(y, 1),
                        "w": round(w, 1),
                        "h": h,
                        "tx": round(tx, 1),
                        "ty": round(arrow.label_y + LABEL_FONT * 0.35, 1),
                    },
                }
            )
        boxes = []
        for box in geometry.boxes:
            own = box.id == self.actor and not self.arrow
            boxes.append(
                {
                    "box": box,
                    "active": box.id in (self.actor, self.target),
                    "tone": self.tone if own else "",
                    "status": self.label if own else "",
                }
            )
        return {"geometry": geometry, "arrows": arrows, "boxes": boxes}

    @property
    def scenes(self) -> list[dict[str, Any]]:
        """Both layouts as they stand at this step (for the server-rendered ?step=N): wide first, then tall."""
        assert self.diagram is not None
        return [self._scene(self.diagram.wide), self._scene(self.diagram.tall)]

    @property
    def wide(self) -> dict[str, Any]:
        """The wide layout as it stands at this step (for the server-rendered ?step=N)."""
        assert self.diagram is not None
        return self._scene(self.diagram.wide)

    @property
    def tall(self) -> dict[str, Any]:
        assert self.diagram is not None
        return self._scene(self.diagram.tall)


@dataclass
class Diagram:
    slug: str
    title: str
    description: str
    boxes: list[Box]
    arrows: list[Arrow]
    steps: list[DiagramStep]
    dispositions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    width: float = WIDTH
    height: float = 220
    wide: Geometry | None = None
    tall: Geometry | None = None

    def step(self, index: int) -> DiagramStep:
        return self.steps[max(0, min(index, len(self.steps) - 1))]

    def arrow_labels(self, index: int) -> dict[str, str]:
        """What each arrow says at step `index`: the last action along it so far, else the first one to come."""
        labels: dict[str, str] = {}
        for step in self.steps[: index + 1]:
            if step.arrow:
                labels[step.arrow] = step.label
        for step in self.steps[index + 1 :]:
            if step.arrow and step.arrow not in labels:
                labels[step.arrow] = step.label
        return labels

    def to_json(self) -> list[dict[str, Any]]:
        """What the player needs per step."""
        return [
            {
                "actor": s.actor,
                "target": s.target,
                "arrow": s.arrow,
                "tone": s.tone,
                "label": s.label,
                "caption": f"Step {s.number} of {len(self.steps)}: {s.clock}: {s.summary}",
            }
            for s in self.steps
        ]


def arrow_id(source: str, target: str) -> str:
    return f"{source}--{target}"


def _tone(step) -> str:
    code = (step.state or {}).get("status_code")
    if step.kind == "respond" and isinstance(code, int) and code >= 400:
        return "bad"  # an error answer to the caller looks like the other errors
    return KIND_CLASS.get(step.kind, "info")


def build(trace: Trace, title: str) -> Diagram:
    steps = []
    for i, step in enumerate(trace.steps):
        arrow = arrow_id(step.actor, step.target) if step.target and step.target != step.actor else ""
        following = None
        if step.kind == "retry-wait" and not step.target:  # how long the wait is: until this actor acts again
            following = next((s for s in trace.steps[i + 1 :] if s.actor == step.actor), None)
        steps.append(
            DiagramStep(
                index=step.index,
                number=step.index + 1,
                clock=step.clock,
                actor=step.actor,
                target=step.target or "",
                arrow=arrow,
                kind=step.kind,
                tone=_tone(step),
                summary=step.summary,
                records=step.records,
                doc=step.doc,
                note=step.note,
                label=action_label(step, following),
            )
        )
    widths: dict[str, float] = {}
    for s in steps:
        if s.arrow:
            widths[s.arrow] = max(widths.get(s.arrow, 0), text_width(s.label, LABEL_FONT) + 2 * PILL_PAD)
    wide, tall = _wide(trace, widths), _tall(trace, widths)
    dispositions = [
        {
            "record": rid,
            "label": d.label,
            "detail": d.detail,
            "clock": _clock(d.t_ms),
            "status": d.status_code,
            "tone": FINAL_CLASS.get(d.kind, "info"),
            "kind": d.kind,
        }
        for rid, d in trace.dispositions.items()
    ]
    description = " ".join(f"{s.clock}: {s.summary}" for s in trace.steps[:3]) + (" …" if len(trace.steps) > 3 else "")
    diagram = Diagram(
        trace.source,
        title,
        description,
        wide.boxes,
        wide.arrows,
        steps,
        dispositions,
        list(trace.notes),
        wide.width,
        wide.height,
        wide,
        tall,
    )
    for s in steps:
        s.diagram = diagram
    return diagram


def _clock(t_ms: int) -> str:
    from learn.engine.types import format_time

    return format_time(t_ms)
