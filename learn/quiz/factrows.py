"""The fact rows quiz items cite, with their verification status, read from the project's checked reference.

Items name the rows of `aws-facts.md` they rely on (`facts = ['§5 "Batch size (FIFO)"']`). The reference
lives outside the repository, so its row labels and statuses are kept in `content/quiz/fact-rows.toml`
(regenerate with `python -m learn.quiz.factrows ../shared/aws-facts.md`). Validation rejects an item that
cites an unknown row or one marked `conflict` or `unverified`.

The quiz follows the facts: each row also carries a digest of what it says (its value, sources and status).
`content/quiz/reviewed-rows.toml` records the digest each cited row had when the items citing it were last
reviewed. After the rows are regenerated, an item citing a row whose digest changed is **flagged** (listed by
`python -m learn.quiz` and warned about by `manage.py check`) until someone reviews it and runs
`python -m learn.quiz.factrows --reviewed '§5 "Batch size (FIFO)"'` (or `--reviewed-all`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
                return full + part[len(short) :]
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


def row_digests(text: str) -> dict[str, str]:
    """{'§5 "Batch size (FIFO)"': '3f0c…', ...}: a short digest of what each row says (every cell but its label),
    so a changed value, source or status shows up as a changed digest."""
    return {
        citation: hashlib.sha256(" | ".join(" ".join(cell.split()) for cell in cells[1:]).encode()).hexdigest()[:12]
        for citation, cells in _table_rows(text)
    }


def load_digests(path: Path) -> dict[str, str]:
    """The digest of each row from fact-rows.toml (rows written before digests existed have none)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {cite(row["section"], row["label"]): row["digest"] for row in data.get("rows", []) if "digest" in row}


REVIEWED_HEADER = [
    "# For each aws-facts.md row that quiz items cite: the row's digest when the items citing it were last reviewed.",
    "# An item citing a row whose digest in fact-rows.toml differs is flagged until it is reviewed again.",
    "# Mark a row reviewed: python -m learn.quiz.factrows --reviewed '§5 \"Batch size (FIFO)\"'",
    "# No fact is stated here: each row's fact and its AWS page are in ../shared/aws-facts.md (mostly the Lambda",
    "# guide, https://docs.aws.amazon.com/lambda/latest/dg/welcome.html).",
    "",
]


def load_reviewed(path: Path) -> dict[str, str]:
    if not Path(path).exists():
        return {}
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {entry["row"]: entry["digest"] for entry in data.get("reviewed", [])}


def write_reviewed(path: Path, reviewed: dict[str, tuple[str, str]]) -> None:
    """reviewed: {citation: (digest, ISO date of the review)}, written sorted by citation."""
    out = list(REVIEWED_HEADER)
    for citation in sorted(reviewed):
        digest, date = reviewed[citation]
        out += [
            "[[reviewed]]",
            f"row = {json.dumps(citation, ensure_ascii=False)}",
            f'digest = "{digest}"',
            f"date = {date}",
            "",
        ]
    Path(path).write_text("\n".join(out), encoding="utf-8")


def changed_rows(digests: dict[str, str], reviewed: dict[str, str], cited: set[str]) -> set[str]:
    """The cited rows whose current digest is not the one their items were reviewed against."""
    return {row for row in cited if row in digests and reviewed.get(row) != digests[row]}


def flagged_items(items, digests: dict[str, str], reviewed: dict[str, str]) -> dict[str, list[str]]:
    """{item id: [changed rows it cites]} for every item that cites a row changed since its last review."""
    cited = {row for item in items for row in item.facts}
    changed = changed_rows(digests, reviewed, cited)
    return {item.id: sorted(set(item.facts) & changed) for item in items if set(item.facts) & changed}


def flagged_in(quiz_dir: Path, items) -> dict[str, list[str]]:
    """flagged_items() for the bank in quiz_dir, read from its fact-rows.toml and reviewed-rows.toml."""
    quiz_dir = Path(quiz_dir)
    if not (quiz_dir / "fact-rows.toml").exists():
        return {}
    digests = load_digests(quiz_dir / "fact-rows.toml")
    return flagged_items(items, digests, load_reviewed(quiz_dir / "reviewed-rows.toml"))


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


def render(rows: dict[str, str], docs: dict[str, str] | None = None, digests: dict[str, str] | None = None) -> str:
    out = [
        "# Row labels, verification status and documentation page of each row of aws-facts.md (the project's",
        "# checked reference), so that quiz validation works in a clone without it.",
        "# Regenerate: python -m learn.quiz.factrows ../shared/aws-facts.md",
        "",
    ]
    for citation, status in rows.items():
        section, label = citation[1:].split(" ", 1)
        out += [
            "[[rows]]",
            f"section = {section}",
            f"label = {json.dumps(label[1:-1], ensure_ascii=False)}",
            f'status = "{status}"',
        ]
        if docs and docs.get(citation):
            out.append(f"doc = {json.dumps(docs[citation])}")
        if digests and digests.get(citation):
            out.append(f'digest = "{digests[citation]}"')
        out.append("")
    return "\n".join(out)


QUIZ_DIR = Path(__file__).resolve().parents[2] / "content" / "quiz"


def main(argv: list[str]) -> int:
    usage = (
        "usage: python -m learn.quiz.factrows PATH/TO/aws-facts.md   (regenerate fact-rows.toml)\n"
        "       python -m learn.quiz.factrows --reviewed 'ROW' ...     (the items citing ROW were reviewed)\n"
        "       python -m learn.quiz.factrows --reviewed-all           (every cited row was reviewed)"
    )
    if argv and argv[0] in ("--reviewed", "--reviewed-all"):
        return _mark_reviewed(argv[1:] if argv[0] == "--reviewed" else None, usage)
    if len(argv) != 1:
        print(usage, file=sys.stderr)
        return 2
    text = Path(argv[0]).read_text(encoding="utf-8")
    rows = parse_reference(text)
    target = QUIZ_DIR / "fact-rows.toml"
    target.write_text(render(rows, reference_docs(text), row_digests(text)), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {target}")
    return 0


def _mark_reviewed(citations: list[str] | None, usage: str) -> int:
    digests = load_digests(QUIZ_DIR / "fact-rows.toml")
    reviewed_path = QUIZ_DIR / "reviewed-rows.toml"
    data = tomllib.loads(reviewed_path.read_text(encoding="utf-8")) if reviewed_path.exists() else {}
    reviewed = {entry["row"]: (entry["digest"], entry["date"].isoformat()) for entry in data.get("reviewed", [])}
    if citations is None:
        from . import bank

        citations = sorted({row for item in bank.load(QUIZ_DIR).items.values() for row in item.facts})
    if not citations:
        print(usage, file=sys.stderr)
        return 2
    today = dt.date.today().isoformat()
    for citation in citations:
        if citation not in digests:
            print(f"{citation} is not a row of fact-rows.toml", file=sys.stderr)
            return 1
        reviewed[citation] = (digests[citation], today)
    write_reviewed(reviewed_path, reviewed)
    print(f"marked {len(citations)} row(s) reviewed in {reviewed_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
