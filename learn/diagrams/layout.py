"""Turn an engine trace into a diagram: actor boxes on a stage, one arrow path per pair of actors, and the
steps the player walks through. The engine decides what happens; this only decides where it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from learn.engine import Trace

WIDTH = 1000
BOX_W, BOX_H = 148, 62
BOX_Y = 82
HEIGHT = 220
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


@dataclass(frozen=True)
class Box:
    id: str
    label: str
    x: float
    y: float = BOX_Y
    w: float = BOX_W
    h: float = BOX_H

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def lines(self) -> list[tuple[str, float]]:
        """The label as one or two centred lines (text, y) so long names stay inside the box."""
        words, first = self.label.split(), ""
        while words and len(f"{first} {words[0]}".strip()) <= 15:
            first = f"{first} {words.pop(0)}".strip()
        if not words:
            return [(first, self.y + self.h / 2 + 5)]
        second = " ".join(words) if first else " ".join(words)
        return [(first or second, self.y + self.h / 2 - 4), (second if first else "", self.y + self.h / 2 + 14)]


@dataclass(frozen=True)
class Arrow:
    id: str
    source: str
    target: str
    d: str  # SVG path


@dataclass(frozen=True)
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
    width: int = WIDTH
    height: int = HEIGHT

    def step(self, index: int) -> DiagramStep:
        return self.steps[max(0, min(index, len(self.steps) - 1))]

    def to_json(self) -> list[dict[str, Any]]:
        """What the player needs per step."""
        return [
            {
                "actor": s.actor,
                "target": s.target,
                "arrow": s.arrow,
                "tone": s.tone,
                "caption": f"Step {s.number} of {len(self.steps)}: {s.clock}: {s.summary}",
            }
            for s in self.steps
        ]


def arrow_id(source: str, target: str) -> str:
    return f"{source}--{target}"


def _path(a: Box, b: Box) -> str:
    """A curve from a's edge to b's edge: forward arrows bow upward, backward ones downward."""
    forward = b.cx > a.cx
    start_x = a.x + a.w if forward else a.x
    end_x = b.x if forward else b.x + b.w
    y = BOX_Y + (BOX_H * 0.35 if forward else BOX_H * 0.65)
    lift = -(46 + abs(b.cx - a.cx) * 0.08) if forward else (46 + abs(b.cx - a.cx) * 0.08)
    mid_x = (start_x + end_x) / 2
    return f"M {start_x:.1f} {y:.1f} Q {mid_x:.1f} {y + lift:.1f} {end_x:.1f} {y:.1f}"


def build(trace: Trace, title: str) -> Diagram:
    actors = list(trace.actors)
    gap = (WIDTH - len(actors) * BOX_W) / (len(actors) + 1) if actors else 0
    boxes = [Box(actor, trace.label(actor), gap + i * (BOX_W + gap)) for i, actor in enumerate(actors)]
    by_id = {b.id: b for b in boxes}
    arrows: dict[str, Arrow] = {}
    steps = []
    for step in trace.steps:
        arrow = ""
        if step.target and step.target != step.actor:
            arrow = arrow_id(step.actor, step.target)
            if arrow not in arrows:
                arrows[arrow] = Arrow(arrow, step.actor, step.target, _path(by_id[step.actor], by_id[step.target]))
        steps.append(
            DiagramStep(
                index=step.index,
                number=step.index + 1,
                clock=step.clock,
                actor=step.actor,
                target=step.target or "",
                arrow=arrow,
                kind=step.kind,
                tone=KIND_CLASS.get(step.kind, "info"),
                summary=step.summary,
                records=step.records,
                doc=step.doc,
                note=step.note,
            )
        )
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
    return Diagram(
        trace.source, title, description, boxes, list(arrows.values()), steps, dispositions, list(trace.notes)
    )


def _clock(t_ms: int) -> str:
    from learn.engine.types import format_time

    return format_time(t_ms)
