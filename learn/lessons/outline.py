"""What a lesson page shows, in page order: each fact once, numbered citations, the key numbers, Try it links.

The template walks the sections in the same order as `SECTIONS`, so citation numbers rise down the page. A fact
that a section already shows (same text) is left out of the places after it, the retry rule cards included. Long
lists are folded here too ("Show N more"), so that the numbering follows what the page really shows first.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from learn.catalog.types import Catalog, ExampleHandler, Fact, RetryRule, Source

from .citations import Citations, doc_titles
from .keynumbers import KeyNumber, key_numbers

# the source's sections in the order the page shows them; the rule cards come right after "retries"
SECTIONS = ("response", "retries", "failure", "batching", "ordering", "wiring", "limits", "pitfalls", "best_practices")
SECTION_TITLES = {
    "response": "What to return",
    "retries": "Who retries",
    "failure": "Where failed events end up",
    "batching": "Batching",
    "ordering": "Ordering",
    "wiring": "Wiring and permissions",
    "limits": "Limits",
    "pitfalls": "Pitfalls",
    "best_practices": "Best practices",
}
# how many facts a list shows before "Show N more" (a rule card folds all of its facts and settings, P1: the same
# card comes back on every lesson of its model)
FOLD_AFTER = {"response": 8, "limits": 4, "pitfalls": 4, "best_practices": 4}
FOLD_DEFAULT = 3


@dataclass(frozen=True)
class Folded:
    """A fact list as the page shows it: `shown` first, then `folded` behind "Show N more"."""

    shown: tuple[Fact, ...]
    folded: tuple[Fact, ...] = ()

    @property
    def all(self) -> tuple[Fact, ...]:
        return self.shown + self.folded

    def __bool__(self) -> bool:
        return bool(self.shown)


def fold(facts: tuple[Fact, ...], limit: int) -> Folded:
    """The first `limit` facts, the rest folded. A disputed fact is never folded (the banner links to it), and a
    fold of one fact is not worth a click, so it is shown."""
    if len(facts) <= limit + 1:
        return Folded(tuple(facts))
    shown = tuple(fact for n, fact in enumerate(facts) if n < limit or fact.disputed)
    return Folded(shown, tuple(fact for fact in facts if fact not in shown))


@dataclass(frozen=True)
class RuleCard:
    rule: RetryRule
    facts: Folded

    @property
    def disputed(self) -> bool:
        return any(fact.disputed for fact in self.facts.all)


@dataclass(frozen=True)
class TryIt:
    handler: ExampleHandler
    event: str
    url: str


@dataclass(frozen=True)
class Outline:
    key_numbers: tuple[KeyNumber, ...]
    facts: dict[str, Folded]
    rule_cards: tuple[RuleCard, ...]
    citations: Citations

    @property
    def disputed(self) -> list[tuple[Fact, str]]:
        """The disputed facts on the page, each with the name of the part that shows it (for the banner)."""
        return [(fact, where) for fact, where in self._placed() if fact.disputed]

    def _placed(self) -> list[tuple[Fact, str]]:
        placed = []
        for name in SECTIONS:
            placed.extend((fact, SECTION_TITLES[name]) for fact in self.facts[name].all)
            if name == "retries":
                placed.extend((fact, card.rule.name) for card in self.rule_cards for fact in card.facts.all)
        return placed

    def shown_facts(self) -> list[Fact]:
        """Every fact on the page, in page order."""
        return [fact for fact, _ in self._placed()]


def build(cat: Catalog, source: Source) -> Outline:
    seen: set[str] = set()

    def first_showing(facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
        kept = []
        for fact in facts:
            key = " ".join(fact.text.split()).lower()
            if key not in seen:
                seen.add(key)
                kept.append(fact)
        return tuple(kept)

    numbers = tuple(key_numbers(cat, source))
    facts: dict[str, Folded] = {}
    cards: list[RuleCard] = []
    urls = [number.doc for number in numbers]
    for name in SECTIONS:
        facts[name] = fold(first_showing(getattr(source, name).facts), FOLD_AFTER.get(name, FOLD_DEFAULT))
        urls.extend(fact.doc for fact in facts[name].all)
        if name == "retries":
            for rule_id in source.retries.rules:
                rule = cat.rules[rule_id]
                cards.append(RuleCard(rule, Folded(first_showing(rule.facts))))
                urls.extend([*(fact.doc for fact in cards[-1].facts.all), *(knob.doc for knob in rule.knobs)])
    urls.extend(doc.url for doc in source.docs)
    return Outline(numbers, facts, tuple(cards), Citations(urls, doc_titles(cat)))


def try_it_links(source: Source) -> tuple[TryIt, ...]:
    """Each example handler opened in the source's sandbox with the event that goes with it: the first of the
    source's sample events, in the lesson's order, that the handler is meant for (the loader gives a handler that
    names none every event, sorted by file name, so its own order says nothing)."""
    path = reverse("playground:source_sandbox", args=[source.slug])
    links = []
    for handler in source.handlers:
        event = next((e.file for e in source.events if e.file in handler.events), "")
        event = event or (source.events[0].file if source.events else "")
        query = {"handler": handler.file, **({"event": event} if event else {})}
        links.append(TryIt(handler, event, f"{path}?{urlencode(query)}"))
    return tuple(links)
