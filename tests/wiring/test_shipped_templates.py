"""Every source's shipped wiring (content/sources/<slug>/wiring/): the template lints clean with cfn-lint and our
checks, each note's `match` is on a line of the template, and cli.sh is a strict bash script."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from learn.wiring import check_template

SOURCES = Path(__file__).resolve().parents[2] / "content" / "sources"
FOLDERS = sorted(p.parent for p in SOURCES.glob("*/wiring/template.yaml"))


def ids(path: Path) -> str:
    return path.parent.name


def test_sources_ship_their_wiring():
    assert len(FOLDERS) >= 5, "the wiring lab needs the shipped templates"
    for folder in FOLDERS:
        for name in ("template.yaml", "cli.sh", "notes.toml"):
            assert (folder / name).is_file(), f"{folder.parent.name}/wiring/ lacks {name}"


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_template_lints_clean(folder):
    report = check_template((folder / "template.yaml").read_text(), filename=str(folder / "template.yaml"))
    assert report.error is None
    lint = [f"line {f.line}: {f.code} {f.message}" for f in report.findings if f.origin == "cfn-lint"]
    assert lint == []
    errors = [f"line {f.line}: {f.code} {f.message}" for f in report.findings if f.level == "error"]
    assert errors == []
    assert report.ok
    assert report.wirings, "the template wires its source to a function"


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_template_is_a_sam_template(folder):
    text = (folder / "template.yaml").read_text()
    assert "Transform: AWS::Serverless-2016-10-31" in text
    assert "python3.12" in text


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_every_note_matches_a_template_line(folder):
    text = (folder / "template.yaml").read_text()
    notes = tomllib.loads((folder / "notes.toml").read_text())
    assert str(notes.get("summary", "")).strip(), "notes.toml needs a summary"
    entries = notes.get("notes", [])
    assert 4 <= len(entries) <= 10, f"{len(entries)} notes: 4 to 10 explain the lines that matter"
    lines = text.splitlines()
    for note in entries:
        match = str(note.get("match", ""))
        assert match and any(match in line for line in lines), f"no template line contains {match!r}"
        hits = sum(match in line for line in lines)
        assert hits == 1, f"{match!r} is on {hits} template lines: a note is pinned to exactly one"
        assert str(note.get("text", "")).strip()
        assert str(note.get("doc", "")).startswith("https://"), f"the note on {match!r} needs its AWS page"


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_cli_script_is_strict_bash(folder):
    lines = (folder / "cli.sh").read_text().splitlines()
    assert lines and lines[0].startswith("#!") and "bash" in lines[0], "cli.sh starts with a bash shebang"
    commands = [line.strip() for line in lines[1:] if line.strip() and not line.lstrip().startswith("#")]
    assert commands and commands[0] == "set -euo pipefail", "the first command of cli.sh is set -euo pipefail"
    assert "aws " in "\n".join(lines)
