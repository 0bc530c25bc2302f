from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from learn.catalog import CatalogInvalid
from learn.course import paths

KNOWN = paths.Known(
    sources={"sqs": "SQS", "s3": "S3"},
    models={"poll": "Poll-based: event source mappings"},
    presets={"sqs": {"poison": "One record always fails (poison record)"}, "s3": {"success": "The function succeeds"}},
    exercises={"sqs-partial-batch": "Report only the failed SQS messages"},
    checkpointable=frozenset({"sqs"}),
)

GOOD = """
title = "Starter: queues"
order = 2
audience = "Anyone."
intro = "Queues, step by step."
docs = ["https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"]

[[steps]]
kind = "model"
target = "poll"
intro = "The model."

[[steps]]
kind = "diagram"
target = "sqs"
preset = "poison"
intro = "Watch it fail."

[[steps]]
kind = "checkpoint"
target = "sqs"
intro = "Check."

[[steps]]
kind = "exercise"
target = "sqs-partial-batch"
intro = "Write it."
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "content" / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def errors_for(tmp_path: Path, text: str) -> list[str]:
    folder = write(tmp_path, "broken", text)
    with pytest.raises(CatalogInvalid) as caught:
        paths.load(folder, KNOWN)
    return [str(e) for e in caught.value.errors]


def test_a_path_loads_its_steps_in_order_with_urls(tmp_path):
    loaded = paths.load(write(tmp_path, "queues", GOOD), KNOWN)["queues"]
    assert [s.kind for s in loaded.steps] == ["model", "diagram", "checkpoint", "exercise"]
    assert [s.url for s in loaded.steps] == [
        "/models/poll/",
        "/diagrams/sqs/?preset=poison",
        "/sources/sqs/#checkpoint",
        "/exercises/sqs-partial-batch/",
    ]
    assert loaded.steps[2].number == 3 and loaded.steps[2].key == "checkpoint:sqs"
    assert loaded.short_title == "Starter"


def test_a_missing_source_slug_is_reported_with_file_and_step(tmp_path):
    found = errors_for(
        tmp_path, GOOD.replace('kind = "checkpoint"\ntarget = "sqs"', 'kind = "checkpoint"\ntarget = "sqss"')
    )
    assert found == ["content/paths/broken.toml: steps[2].target: 'sqss' is not a source in content/sources"]


def test_an_unknown_exercise_is_reported(tmp_path):
    found = errors_for(tmp_path, GOOD.replace('target = "sqs-partial-batch"', 'target = "sqs-batch"'))
    assert any("'sqs-batch' is not an exercise" in e for e in found)


def test_an_unknown_diagram_preset_is_reported(tmp_path):
    found = errors_for(tmp_path, GOOD.replace('preset = "poison"', 'preset = "explode"'))
    assert any("steps[1].preset: 'explode' is not a scenario of the sqs diagram" in e for e in found)


def test_a_checkpoint_without_questions_is_reported(tmp_path):
    found = errors_for(
        tmp_path, GOOD.replace('kind = "checkpoint"\ntarget = "sqs"', 'kind = "checkpoint"\ntarget = "s3"')
    )
    assert any("the 's3' checkpoint has no questions" in e for e in found)


def test_a_repeated_step_and_a_misspelt_field_are_reported(tmp_path):
    text = GOOD + '\n[[steps]]\nkind = "model"\ntarget = "poll"\nintro = "Again."\nintroo = "typo"\n'
    found = errors_for(tmp_path, text)
    assert any("'model:poll' is already a step of this path" in e for e in found)
    assert any("steps[4].introo: is not a known field" in e for e in found)


def test_docs_must_be_aws_documentation(tmp_path):
    found = errors_for(
        tmp_path, GOOD.replace("https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html", "https://example.com/")
    )
    assert any("docs[0]: must be an AWS documentation URL" in e for e in found)


def test_the_real_paths_load_and_include_the_three_the_issue_asks_for():
    paths.all_paths.cache_clear()
    loaded = paths.all_paths()
    titles = [p.title for p in loaded.values()]
    assert titles[:3] == [
        "Foundations: the three invocation models",
        "Developer Associate: event sources",
        "Architect: choosing and wiring sources",
    ]
    kinds = {s.kind for p in loaded.values() for s in p.steps}
    assert kinds == set(paths.KINDS)


def test_manage_py_check_reports_a_broken_path(tmp_path, settings):
    from learn.course.checks import check_paths

    write(tmp_path, "broken", GOOD.replace('target = "poll"', 'target = "polling"'))
    settings.CONTENT_DIR = str(tmp_path / "content")
    real = paths.known_now

    try:
        paths.known_now = lambda: KNOWN
        found = check_paths()
    finally:
        paths.known_now = real
        paths.all_paths.cache_clear()
    assert [m.id for m in found] == ["course.E001"]
    assert "'polling' is not an invocation model" in found[0].msg
