"""The wiring each source ships with: content/sources/<slug>/wiring/{template.yaml,cli.sh,notes.toml}.

Read once per process; a slug is looked up in the catalog first and never turned into a path from request data.
Each note is placed on the first template line that contains its `match` text, so the page can show it beside
that line.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "content" / "sources"


@dataclass(frozen=True)
class Note:
    match: str
    text: str
    doc: str
    line: int | None  # 1-based line of the template the note explains; None when its text is not found


@dataclass(frozen=True)
class Segment:
    """A run of template lines that starts at a note's line (or the top) and ends before the next note's."""

    start: int
    lines: tuple[str, ...]
    notes: tuple[Note, ...]

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1


@dataclass(frozen=True)
class Shipped:
    slug: str
    template: str
    cli: str
    summary: str
    notes: tuple[Note, ...]

    def segments(self) -> list[Segment]:
        lines = self.template.splitlines()
        by_line: dict[int, list[Note]] = {}
        for note in self.notes:
            if note.line:
                by_line.setdefault(note.line, []).append(note)
        starts = sorted({1, *by_line})
        out = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines) + 1
            out.append(Segment(start, tuple(lines[start - 1 : end - 1]), tuple(by_line.get(start, ()))))
        return [segment for segment in out if segment.lines]

    def listing(self) -> list[tuple[int, str, tuple[Note, ...]]]:
        """Every template line as (number, text, the notes placed on it): one continuous listing."""
        by_line: dict[int, list[Note]] = {}
        for note in self.notes:
            if note.line:
                by_line.setdefault(note.line, []).append(note)
        return [(i, text, tuple(by_line.get(i, ()))) for i, text in enumerate(self.template.splitlines(), start=1)]

    @property
    def unplaced(self) -> list[Note]:
        return [note for note in self.notes if not note.line]


@functools.cache
def load(slug: str, root: Path = SOURCES) -> Shipped | None:
    """The shipped wiring of a catalog source, or None when it has none (or an unreadable one)."""
    folder = root / slug / "wiring"
    try:
        template = (folder / "template.yaml").read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        cli = (folder / "cli.sh").read_text(encoding="utf-8")
    except OSError:
        cli = ""
    try:
        data = tomllib.loads((folder / "notes.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    lines = template.splitlines()
    notes = []
    for raw in data.get("notes", []):
        match = str(raw.get("match", ""))
        line = next((n for n, text in enumerate(lines, 1) if match and match in text), None)
        notes.append(Note(match, str(raw.get("text", "")), str(raw.get("doc", "")), line))
    return Shipped(slug, template, cli, str(data.get("summary", "")), tuple(notes))
