"""The checker's results: a Report holds Findings, assumptions and Wirings (pure Python, no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    origin: str  # "cfn-lint" | "semantic"
    level: str  # "error" | "warning" | "info"
    code: str  # "E3012" | "sqs-visibility-timeout"
    message: str
    line: int | None = None
    doc: str = ""
    lesson: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "doc": self.doc,
            "lesson": self.lesson,
        }


@dataclass
class Wiring:
    """One source -> function connection found in the template."""

    source: str  # catalog slug: "sqs", "kinesis", "s3", ...
    function: str  # logical id of the function
    line: int | None
    settings: dict[str, Any] = field(default_factory=dict)  # engine knob name -> value
    resource: str = ""  # logical id of the mapping, event or trigger resource
    label: str = ""  # "SQS queue Jobs -> function Worker"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "function": self.function,
            "line": self.line,
            "settings": dict(self.settings),
            "resource": self.resource,
            "label": self.label,
        }


@dataclass
class Report:
    filename: str = "template.yaml"
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    wirings: list[Wiring] = field(default_factory=list)
    linted: bool = False  # cfn-lint ran on this template

    @property
    def ok(self) -> bool:
        return self.error is None and not any(f.level == "error" for f in self.findings)

    def codes(self, origin: str | None = None) -> list[str]:
        return [f.code for f in self.findings if origin is None or f.origin == origin]

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "ok": self.ok,
            "error": self.error,
            "findings": [f.as_dict() for f in self.findings],
            "assumptions": list(self.assumptions),
            "wirings": [w.as_dict() for w in self.wirings],
        }


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    records: int | list
    outcomes: list[str]
