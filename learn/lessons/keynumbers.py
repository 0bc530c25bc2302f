"""The key numbers card at the top of a lesson: the figures a learner looks up most, read from the catalog.

Only structured data is used (the source's batching settings, the numeric settings of its retry rules, the
per-invocation payload the rules' facts state, then the source's own [[key_numbers]], each of which quotes one of
its facts), so a number on the card is never typed twice. Every number carries the documentation page it comes
from, which the lesson shows as a citation marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learn.catalog.types import Catalog, Fact, Knob, Source

# settings the batching section already gives as "Batch size" and "Batching window"
BATCHING_KNOBS = {"batch_size", "maximum_batching_window_s"}
# "An asynchronous invocation carries at most 1 MB of payload." -> "at most 1 MB"
SIZE = r"\d[\d,.]* ?[KM]i?B"
PAYLOAD = re.compile(
    rf"\binvo(?:cation|ke) carries ((?:up to|at most) {SIZE}(?: of request and {SIZE} of response)?)", re.IGNORECASE
)
# a simulator default that is not AWS's (see the knob's description): show the range only
OUR_DEFAULT = re.compile(r"\bour default\b", re.IGNORECASE)


@dataclass(frozen=True)
class KeyNumber:
    """One figure: `value` is what a learner reads first (a default), `detail` qualifies it (the allowed range)."""

    label: str
    value: str
    detail: str
    doc: str
    api_name: str = ""


def key_numbers(cat: Catalog, source: Source) -> list[KeyNumber]:
    """The source's key numbers: batching first, then each retry rule's numeric settings, then the payload cap,
    then the figures the author lifted from the source's facts (a label already on the card is not repeated)."""
    rules = [cat.rules[rule_id] for rule_id in source.retries.rules]
    knobs = [knob for rule in rules for knob in rule.knobs]
    numbers = _batching(source, {k.name: k for k in knobs})
    seen = {n.label for n in numbers}
    for knob in knobs:
        if knob.type != "int" or knob.label in seen:
            continue
        if source.batching.supported and knob.name in BATCHING_KNOBS:
            continue
        numbers.append(KeyNumber(knob.label, *describe_knob(knob), knob.doc, knob.api_name))
        seen.add(knob.label)
    facts = [*source.all_facts(), *(fact for rule in rules for fact in rule.facts)]
    numbers.extend(_payload(facts))
    seen = {n.label.casefold() for n in numbers}
    for authored in source.key_numbers:
        if authored.label.casefold() not in seen:
            numbers.append(KeyNumber(authored.label, authored.value, authored.detail, authored.doc))
            seen.add(authored.label.casefold())
    return numbers


def _batching(source: Source, knobs: dict[str, Knob]) -> list[KeyNumber]:
    batching = source.batching
    if not batching.supported:
        return []
    numbers = []
    if batching.default_batch_size is not None and batching.max_batch_size is not None:
        doc = _citing(batching.facts, [_number(batching.max_batch_size)], knobs.get("batch_size"))
        value, detail = _number(batching.default_batch_size), f"default · up to {_number(batching.max_batch_size)}"
        # the summary's closing remark qualifies the maximum: SQS's "(FIFO: 10, no window)"
        if caveat := re.search(r"\(([^()]*)\)\s*$", batching.summary):
            detail += f" ({caveat.group(1)})"
        if doc:
            numbers.append(KeyNumber("Batch size", value, detail, doc, "BatchSize"))
    if batching.window_default_s is not None and batching.window_max_s is not None:
        window_knob = knobs.get("maximum_batching_window_s")
        doc = _citing(batching.facts, ["window", _number(batching.window_max_s)], window_knob)
        value, detail = f"{_number(batching.window_default_s)} s", f"default · up to {_number(batching.window_max_s)} s"
        if doc:
            numbers.append(KeyNumber("Batching window", value, detail, doc, "MaximumBatchingWindowInSeconds"))
    return numbers


def _citing(facts: tuple[Fact, ...], words: list[str], knob: Knob | None) -> str:
    """The page that states a figure: a fact naming every word, else the rule's setting, else the first fact."""
    for fact in facts:
        if all(word.lower() in fact.text.lower() for word in words):
            return fact.doc
    if knob is not None:
        return knob.doc
    return facts[0].doc if facts else ""


def _payload(facts: list[Fact]) -> list[KeyNumber]:
    for fact in facts:
        if match := PAYLOAD.search(fact.text):
            return [KeyNumber("Payload per invocation", match.group(1), "", fact.doc)]
    return []


def describe_knob(knob: Knob) -> tuple[str, str]:
    """(value, detail): ('2', 'default · 0–2 retries'), ('6 h', 'default · 1 min–6 h'), ('6 redeliveries', 'fixed')."""
    unit, meanings = _unit(knob.unit)
    seconds = unit.endswith("seconds")
    if knob.minimum is not None and knob.maximum is not None and knob.minimum == knob.maximum:
        return _amount(knob.minimum, seconds, unit), "fixed"
    low = _amount(knob.minimum, seconds, "") if knob.minimum is not None else ""
    high = _amount(knob.maximum, seconds, unit) if knob.maximum is not None else ""
    allowed = f"{low}–{high}" if low and high else high or low
    if OUR_DEFAULT.search(knob.description):
        return allowed, "allowed; no AWS default"
    default = meanings.get(knob.default) or _amount(knob.default, seconds, "" if allowed else unit)
    return default, f"default · {allowed}" if allowed else "default"


def _unit(unit: str) -> tuple[str, dict]:
    """'retries (-1 = until the records expire)' -> ('retries', {-1: 'until the records expire'})."""
    meanings = {}
    if match := re.search(r"\((-?\d+) = ([^)]+)\)", unit):
        meanings[int(match.group(1))] = match.group(2)
        unit = unit[: match.start()].strip()
    return re.sub(r"\s*\(.*\)$", "", unit).strip(), meanings


DURATIONS = ((86400, "day"), (3600, "h"), (60, "min"))


def _amount(value, seconds: bool, unit: str) -> str:
    """A number with its unit; a whole number of days, hours or minutes for durations ('345,600' -> '4 days')."""
    if seconds and isinstance(value, int | float) and value >= 60:
        for size, name in DURATIONS:
            if value % size == 0:
                count = int(value // size)
                plural = "s" if name == "day" and count != 1 else ""
                return f"{count:,} {name}{plural}"
    if seconds:
        return f"{_number(value)} s"
    return f"{_number(value)} {unit}".strip()


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    return f"{int(value):,}"
