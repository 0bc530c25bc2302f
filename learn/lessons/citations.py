"""Citations as numbered markers: each documentation page a lesson cites gets one number, in page order.

A fact, a setting or a key number shows a marker such as [3] that links to entry 3 of the lesson's Sources list;
the same URL always gets the same number on one page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from learn.catalog.types import Catalog, Fact


@dataclass(frozen=True)
class Citation:
    number: int
    url: str
    title: str

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"


class Citations:
    """The numbered Sources list of one page, built from the URLs in the order the page cites them."""

    def __init__(self, urls: Iterable[str], titles: Mapping[str, str]) -> None:
        ordered = list(dict.fromkeys(url for url in urls if url))
        self.entries = [Citation(n, url, titles.get(url) or page_label(url)) for n, url in enumerate(ordered, 1)]
        self._by_url = {citation.url: citation for citation in self.entries}

    def __getitem__(self, url: str) -> Citation:
        return self._by_url[url]

    def __contains__(self, url: object) -> bool:
        return url in self._by_url

    def __iter__(self) -> Iterator[Citation]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def fact_id(fact: Fact) -> str:
    """A stable anchor for a fact, from its text (facts have no ids in content/): 'fact-1a2b3c4d'."""
    return "fact-" + hashlib.sha1(fact.text.encode(), usedforsecurity=False).hexdigest()[:8]


def doc_titles(cat: Catalog) -> dict[str, str]:
    """Every page title the catalog knows (the sources' "Read more" lists), by URL."""
    return {doc.url: doc.title for source in cat.ordered_sources() for doc in source.docs}


def page_label(url: str) -> str:
    """A readable name for a page no source titles: the lesson_tags doc_label ('Lambda: with sqs')."""
    from .templatetags.lesson_tags import doc_label

    return doc_label(url)
