"""The personal fragment a public page loads after it (learn/progress/fragment.py), as tests fetch it."""

from __future__ import annotations


def fragment(client, path: str):
    """The response: what htmx fetches for the page at `path` (tests name the page with ?path=)."""
    return client.get("/me/fragment/", {"path": path}, headers={"HX-Request": "true"})


def personal(client, path: str) -> str:
    """What a learner sees of a public page's own parts: the fragment's HTML."""
    return fragment(client, path).content.decode()
