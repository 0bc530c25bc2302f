"""Read a learner's what-if choices (a scenario preset and settings) from query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from learn import engine
from learn.engine.knobs import convert


@dataclass
class WhatIf:
    preset: str
    settings: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # what the learner typed, to refill the form
    notices: list[str] = field(default_factory=list)
    error: str = ""


def default_preset(slug: str, catalog) -> str:
    return "success" if catalog.sources[slug].model == "sync" else "function-error"


def parse(slug: str, params: Mapping[str, str], catalog) -> WhatIf:
    presets = dict(engine.presets_for(slug, catalog))
    preset = params.get("preset", "")
    whatif = WhatIf(preset if preset in presets else default_preset(slug, catalog))
    if preset and preset not in presets:
        whatif.notices.append("Ignored an unknown scenario; showing the default one.")
    for knob in engine.knobs_for(slug, catalog):
        raw = params.get(knob.name)
        if raw is None or raw == "":
            continue
        whatif.raw[knob.name] = str(raw)[:40]
        try:
            value = convert(knob, raw)
        except engine.EngineError as error:
            whatif.error = whatif.error or str(error)
            continue
        if value != knob.default:
            whatif.settings[knob.name] = value
    return whatif
