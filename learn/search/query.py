"""A learner's query, made safe for the full-text engines and widened with the glossary's synonyms.

Nothing the learner types is passed to MATCH or to_tsquery as syntax: the query is cut into word tokens (quotes,
`*`, `-`, `NEAR`, parentheses and colons are just separators or plain words), and each engine's query text is built
from those tokens by `fts5()` or `tsquery()`. A run of tokens that names a glossary concept ("dlq",
"dead letter queue", "ReportBatchItemFailures") becomes an OR of all the concept's names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import Glossary

MAX_QUERY = 100
MAX_GROUPS = 10
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Words that carry no meaning in a search box; dropped unless the query is nothing else.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "vs",
        "versus",
    ]
)

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """One thing the results must match: any of its phrases."""

    phrases: tuple[Phrase, ...]
    prefix: bool = False  # the last word typed may be unfinished (live search): match it as a prefix
    concepts: tuple[str, ...] = ()  # the glossary terms these words name

    @property
    def typed(self) -> Phrase:
        return self.phrases[0]


@dataclass(frozen=True)
class Query:
    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def concepts(self) -> tuple[str, ...]:
        """The glossary terms the whole query names ("dlq", "cold start"), or () when it says more than that."""
        return self.groups[0].concepts if len(self.groups) == 1 else ()


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def synonyms(glossary: Glossary) -> dict[Phrase, tuple[set[Phrase], set[str]]]:
    """Every name of every concept (as a phrase of tokens) → (all names of the concepts it names, their ids)."""
    table: dict[Phrase, tuple[set[Phrase], set[str]]] = {}
    for term in glossary.terms:
        names = {tuple(tokens(name)) for name in term.names} - {()}
        for name in names:
            phrases, ids = table.setdefault(name, (set(), set()))
            phrases.update(names)
            ids.add(term.id)
    return table


def parse(text: str, glossary: Glossary) -> Query:
    words = tokens(text[:MAX_QUERY])
    table = synonyms(glossary)
    longest = max((len(p) for p in table), default=1)
    groups: list[Group] = []
    i = 0
    while i < len(words):
        for length in range(min(longest, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + length])
            if phrase in table and not (length == 1 and phrase[0] in STOPWORDS):
                names, ids = table[phrase]
                others = sorted(names - {phrase}, key=lambda p: (len(p), p))
                groups.append(Group((phrase, *others), concepts=tuple(sorted(ids))))
                i += length
                break
        else:
            groups.append(Group(((words[i],),)))
            i += 1
    meaningful = [g for g in groups if not (len(g.typed) == 1 and g.typed[0] in STOPWORDS)]
    groups = (meaningful or groups)[:MAX_GROUPS]
    if groups and len(groups[-1].phrases) == 1 and len(groups[-1].typed) == 1 and len(groups[-1].typed[0]) >= 3:
        groups[-1] = Group(groups[-1].phrases, prefix=True, concepts=groups[-1].concepts)
    return Query(tuple(groups))


def fts5(query: Query, any_word: bool = False) -> str:
    """SQLite FTS5 MATCH text: every token double-quoted (a string, never an operator)."""

    def phrase(p: Phrase, prefix: bool) -> str:
        return '"' + " ".join(p) + '"' + ("*" if prefix else "")

    parts = []
    for group in query.groups:
        alternatives = [phrase(p, group.prefix) for p in group.phrases]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return (" OR " if any_word else " AND ").join(parts)


def tsquery(query: Query, any_word: bool = False) -> str:
    """PostgreSQL to_tsquery text: every token single-quoted, phrases joined with <->, prefixes with :*."""

    def phrase(p: Phrase, prefix: bool) -> str:
        words = [f"'{w}'" for w in p]
        if prefix:
            words[-1] += ":*"
        return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"

    parts = []
    for group in query.groups:
        alternatives = [phrase(p, group.prefix) for p in group.phrases]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
    return (" | " if any_word else " & ").join(parts)


def display(query: Query) -> str:
    """The query as the learner typed it (normalised), for messages."""
    return " ".join(" ".join(g.typed) for g in query.groups)
