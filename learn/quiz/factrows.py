"""The fact rows quiz items cite, with their verification status, read from the project's checked reference.

Items name the rows of `aws-facts.md` they rely on (`facts = ['§5 "Batch size (FIFO)"']`). The reference
lives outside the repository, so its row labels and statuses are kept in `content/quiz/fact-rows.toml`
(regenerate with `python -m learn.quiz.factrows ../shared/aws-facts.md`). Validation rejects an item that
cites an unknown row or one marked `conflict` or `unverified`.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

SECTION = re.compile(r"^## (\d+)\. ")
CITATION = re.compile(r'§(\d+) "(.+)"')
USABLE = ("yes", "yes-2023")


def parse_reference(text: str) -> dict[str, str]:
    """{'§5 "Batch size (FIFO)"': 'yes', ...} for every table row of the numbered sections."""
    rows: dict[str, str] = {}
    section = None
    for line in text.splitlines():
        heading = SECTION.match(line)
        if heading:
            section = int(heading.group(1))
            continue
        if line.startswith("## "):
            section = None  # the unnumbered sections (claims checked, exam facts) are not citable rows
        if section is None or not line.startswith("|") or line.startswith("| ---") or line.startswith("| fact |"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0]:
            rows[cite(section, cells[0])] = cells[-1].strip("` ")
    return rows


def load(path: Path) -> dict[str, str]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {cite(row["section"], row["label"]): row["status"] for row in data.get("rows", [])}


def cite(section: int, label: str) -> str:
    return f'§{section} "{label}"'


def problems(citations: tuple[str, ...], rows: dict[str, str]) -> list[str]:
    """What is wrong with an item's `facts` list (empty when every cited row exists and is usable)."""
    found = []
    if not citations:
        return ["must cite at least one fact row of aws-facts.md"]
    for citation in citations:
        if not CITATION.fullmatch(citation):
            found.append(f"{citation!r} is not a citation like '§5 \"Batch size (FIFO)\"'")
        elif citation not in rows:
            found.append(f"{citation} is not a row of aws-facts.md")
        elif rows[citation] not in USABLE:
            found.append(f"{citation} is marked {rows[citation]!r}: items must not be built on it")
    return found


def render(rows: dict[str, str]) -> str:
    out = ["# Row labels and verification status of aws-facts.md (the project's checked reference), so that quiz",
           "# validation works in a clone without it. Regenerate: python -m learn.quiz.factrows ../shared/aws-facts.md",
           ""]
    for citation, status in rows.items():
        section, label = citation[1:].split(" ", 1)
        out += ["[[rows]]", f"section = {section}", f"label = {json.dumps(label[1:-1], ensure_ascii=False)}",
                f'status = "{status}"', ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m learn.quiz.factrows PATH/TO/aws-facts.md", file=sys.stderr)
        return 2
    rows = parse_reference(Path(argv[0]).read_text(encoding="utf-8"))
    target = Path(__file__).resolve().parents[2] / "content" / "quiz" / "fact-rows.toml"
    target.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
