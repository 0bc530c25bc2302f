"""Each source's example handler for its emulated resources (content/sources/<slug>/resources_handler.py) runs in
the sandbox against the source's first sample event and leaves the side effect its docstring promises, and a
second delivery of the same event changes nothing more (they are written to be idempotent)."""

from __future__ import annotations

import json
import uuid

import pytest

from learn import catalog
from learn.playground import resources
from learn.sandbox import environments, runner

from .support import requires_sandbox

pytestmark = [
    requires_sandbox,
    pytest.mark.skipif(environments.aws_layer() is None, reason="the boto3/moto layer is not installed (make install)"),
]
SOURCES = catalog.content_dir() / "sources"
EXAMPLES = sorted(path.parent.name for path in SOURCES.glob("*/resources_handler.py"))


def test_the_examples_are_the_sources_with_resources():
    assert EXAMPLES and set(EXAMPLES) <= set(resources.specs())


@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_example_runs_and_a_redelivery_changes_nothing(slug):
    code = (SOURCES / slug / "resources_handler.py").read_text()
    event = catalog.load().sources[slug].events[0].data
    spec = resources.spec(slug)
    who = f"example-{uuid.uuid4().hex[:8]}"
    first = runner.run(code, event, learner=who, aws={"state": spec.state, "deny": []}, timeout_s=10)
    assert first.status == "ok", (first.error, first.logs)
    assert first.aws["state"] != spec.state  # it did something
    again = runner.run(code, event, learner=who, aws={"state": first.aws["state"], "deny": []}, timeout_s=10)
    assert again.status == "ok", again.error
    if slug == "s3":  # the output's own event: skipped, so the loop ends
        output = json.loads(json.dumps(event).replace("incoming/", "processed/incoming/"))
        again = runner.run(code, output, learner=who, aws={"state": first.aws["state"], "deny": []}, timeout_s=10)
        assert again.status == "ok" and "skipping my own output" in "\n".join(again.logs)
    assert again.aws["state"] == first.aws["state"]
