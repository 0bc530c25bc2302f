"""The template as the checker sees it (stub)."""

from __future__ import annotations


class Template:
    def __init__(self, data):
        self.data = data
        self._assumptions: list[str] = []

    def wirings(self):
        return []

    def assumptions(self):
        return list(self._assumptions)
