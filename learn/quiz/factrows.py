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
SHORT_URLS = {  # the reference's abbreviations for its most cited guides
    "LDG/": "https://docs.aws.amazon.com/lambda/latest/dg/",
    "LAPI/": "https://docs.aws.amazon.com/lambda/latest/api/",
    "LDG-2023/": "https://github.com/awsdocs/aws-lambda-developer-guide/blob/03f7fcb0b771f031f7cb3aa43e8b18407c00b3a8/doc_source/",
}


def first_url(cell: str) -> str:
    """The first documentation address in a reference cell, with its abbreviation expanded ('' if none)."""
    for part in re.split(r"\s*;\s*|\s+", cell):
        for short, full in SHORT_URLS.items():
            if part.startswith(short):
                return full + part[len(short):]
        if part.startswith("https://"):
            return part.rstrip(").,")
    return ""


CITATION = re.compile(r'§(\d+) "(.+)"')
USABLE = ("yes", "yes-2023")


def _table_rows(text: str):
    """(citation, cells) for every table row of the numbered sections of the reference."""
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
            yield cite(section, cells[0]), cells


def parse_reference(text: str) -> dict[str, str]:
    """{'§5 "Batch size (FIFO)"': 'yes', ...}: each row's verification status (its last column)."""
    return {citation: cells[-1].strip("` ") for citation, cells in _table_rows(text)}


def reference_docs(text: str) -> dict[str, str]:
    """{'§5 "Batch size (FIFO)"': 'https://docs.aws.amazon.com/…', ...}: where each row can be checked."""
    return {citation: first_url(cells[-2]) for citation, cells in _table_rows(text)}


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


def render(rows: dict[str, str], docs: dict[str, str] | None = None) -> str:
    out = ["# Row labels, verification status and documentation page of each row of aws-facts.md (the project's",
           "# checked reference), so that quiz validation works in a clone without it.",
           "# Regenerate: python -m learn.quiz.factrows ../shared/aws-facts.md",
           ""]
    for citation, status in rows.items():
        section, label = citation[1:].split(" ", 1)
        out += ["[[rows]]", f"section = {section}", f"label = {json.dumps(label[1:-1], ensure_ascii=False)}",
                f'status = "{status}"']
        if docs and docs.get(citation):
            out.append(f"doc = {json.dumps(docs[citation])}")
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m learn.quiz.factrows PATH/TO/aws-facts.md", file=sys.stderr)
        return 2
    text = Path(argv[0]).read_text(encoding="utf-8")
    rows = parse_reference(text)
    target = Path(__file__).resolve().parents[2] / "content" / "quiz" / "fact-rows.toml"
    target.write_text(render(rows, reference_docs(text)), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
