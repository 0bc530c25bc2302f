"""Every example handler runs against its sample events, in a subprocess, and honours its source's contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from learn.catalog import contracts, loader

from ..conftest import CONTENT

RUNNER = Path(__file__).with_name("run_handler.py")
CATALOG = loader.load(CONTENT)
CASES = [
    pytest.param(source, handler, event_file, id=f"{source.slug}/{handler.file}/{event_file}")
    for source in CATALOG.ordered_sources()
    for handler in source.handlers
    for event_file in handler.events
]


@pytest.mark.parametrize(("source", "handler", "event_file"), CASES)
def test_example_handler_honours_the_response_contract(source, handler, event_file):
    event_path = CONTENT / "sources" / source.slug / "events" / event_file
    completed = subprocess.run(
        [sys.executable, "-I", str(RUNNER), handler.path, handler.function, str(event_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.rsplit("__RESULT__", 1)[1])
    event = json.loads(event_path.read_text())
    assert contracts.check(source.response.contract, event, result) == []
