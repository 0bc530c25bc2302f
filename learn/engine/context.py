"""What a family simulator needs besides the run: the source, its resolved settings and labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from learn.catalog.types import Source

from .types import Outcome

LDG = "https://docs.aws.amazon.com/lambda/latest/dg/"
APIGW = "https://docs.aws.amazon.com/apigateway/latest/developerguide/"


@dataclass
class Context:
    source: Source
    settings: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.settings[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default)

    @property
    def timeout_ms(self) -> int:
        return int(self.settings.get("timeout_s", 3)) * 1000

    def run_time(self, outcome: Outcome) -> int:
        """How long an invocation with this outcome runs: throttles never start, timeouts use it all."""
        if outcome.kind == "throttle":
            return 0
        return self.timeout_ms if outcome.kind == "timeout" else min(outcome.duration_ms, self.timeout_ms)
