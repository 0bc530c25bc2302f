from __future__ import annotations

import pytest

from learn import engine
from learn.diagrams import layout, whatif
from learn.engine.simulate import default_catalog

CATALOG = default_catalog()
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", sorted(CATALOG.sources))
def test_the_diagram_shows_the_engines_steps_one_to_one(slug):
    preset = whatif.default_preset(slug, CATALOG)
    trace = engine.scenario(slug, preset)
    diagram = layout.build(trace, "t")
    assert [(s.actor, s.target or "", s.summary, s.clock) for s in diagram.steps] == [
        (s.actor, s.target or "", s.summary, s.clock) for s in trace.steps
    ]
    assert {b.id for b in diagram.boxes} == set(trace.actors)
    assert {a.id for a in diagram.arrows} == {
        f"{s.actor}--{s.target}" for s in trace.steps if s.target and s.target != s.actor
    }
    assert [d["record"] for d in diagram.dispositions] == list(trace.dispositions)


def test_boxes_fit_the_stage_and_long_labels_wrap():
    trace = engine.scenario("sqs", "poison", {"redrive_policy": True, "report_batch_item_failures": True})
    diagram = layout.build(trace, "t")
    assert all(b.x >= 0 and b.x + b.w <= diagram.width for b in diagram.boxes)
    mapping = next(b for b in diagram.boxes if b.id == "poller")
    assert len(mapping.lines) == 2 and all(len(text) <= 15 for text, _ in mapping.lines)


def test_whatif_reads_presets_and_settings():
    choice = whatif.parse("sqs", {"preset": "poison", "batch_size": "5", "fifo": "true"}, CATALOG)
    assert choice.preset == "poison" and choice.settings == {"batch_size": 5, "fifo": True} and not choice.error


def test_whatif_explains_bad_values_and_unknown_presets():
    choice = whatif.parse("s3", {"preset": "nope", "maximum_retry_attempts": "9"}, CATALOG)
    assert choice.preset == "function-error" and choice.notices
    assert "must be 0–2" in choice.error and choice.raw["maximum_retry_attempts"] == "9"


def test_flow_page_renders_and_step_links_work_without_javascript(client):
    html = client.get("/diagrams/s3/?preset=function-error&step=5").content.decode()
    assert "Step 5 of" in html and 'aria-current="step"' in html
    assert "step=4" in html and "step=6" in html  # Back and Next are real links


def test_flow_htmx_request_returns_the_partial(client):
    html = client.get("/diagrams/kinesis/?preset=poison&uid=lesson", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section class="flow" id="flow-lesson"') and '<nav class="navbar' not in html


def test_bad_parameters_never_break_the_page(client):
    for query in ("step=abc", "step=-4", "preset=<script>", "batch_size=ten", "uid=<b>x</b>"):
        response = client.get(f"/diagrams/sqs/?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.content.decode().split('id="flow-')[1][:200]
    assert client.get("/diagrams/unknown/").status_code == 404


def test_every_lesson_and_model_page_has_its_diagram(client):
    assert 'hx-get="/diagrams/alb/?uid=lesson"' in client.get("/sources/alb/").content.decode()
    slot = client.get("/diagrams/alb/", {"uid": "lesson"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="flow-lesson"' in slot
    for model in ("sync", "async", "poll"):
        html = client.get(f"/models/{model}/").content.decode()
        assert html.count("data-flow") == 3
