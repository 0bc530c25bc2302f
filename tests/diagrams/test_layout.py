"""The diagram layout: what each arrow says, both geometries, icons, and text sizes."""

from __future__ import annotations

import re

import pytest

from learn import engine
from learn.diagrams import layout, whatif
from learn.engine.simulate import default_catalog

CATALOG = default_catalog()


def labels(trace) -> dict[tuple[str, str, str], set[str]]:
    diagram = layout.build(trace, "t")
    found: dict[tuple[str, str, str], set[str]] = {}
    for step in diagram.steps:
        found.setdefault((step.actor, step.target, step.kind), set()).add(step.label)
    return found


def test_arrow_labels_name_the_action_for_each_step_kind():
    sqs = labels(engine.scenario("sqs", "poison", {"redrive_policy": True, "report_batch_item_failures": True}))
    assert sqs[("poller", "queue", "poll")] == {"ReceiveMessage"}
    assert sqs[("poller", "queue", "delete")] == {"DeleteMessageBatch"}
    assert sqs[("poller", "function", "invoke")] == {"Invoke"}
    assert sqs[("queue", "queue-dlq", "redrive")] == {"redrive"}
    assert sqs[("function", "poller", "return")] == {"response"}
    assert sqs[("queue", "", "enqueue")] == {"3 messages waiting"}
    s3 = labels(engine.scenario("s3", "function-error", {"dead_letter_queue": "sqs"}))
    assert s3[("service", "async-queue", "send")] == {"event"}
    assert s3[("async-queue", "service", "accept")] == {"202 Accepted"}
    assert s3[("async-queue", "function", "invoke")] == {"Invoke", "Invoke, attempt 2", "Invoke, attempt 3"}
    assert s3[("function", "async-queue", "error")] == {"error"}
    assert s3[("async-queue", "", "retry-wait")] == {"retry after 1 min", "retry after 2 min"}  # the trace's delays
    assert s3[("async-queue", "function-dlq", "dlq")] == {"to DLQ"}
    http = labels(engine.scenario("api-gateway-http", "function-error"))
    assert http[("caller", "service", "send")] == {"request"}
    assert http[("service", "caller", "respond")] == {"response 502"}
    kinesis = labels(
        engine.scenario("kinesis", "poison", {"on_failure_destination": "sqs", "maximum_retry_attempts": 1})
    )
    assert kinesis[("poller", "stream", "poll")] == {"read batch"}
    assert kinesis[("poller", "destination", "destination")] == {"failure metadata"}
    assert labels(engine.scenario("alexa", "throttle"))[("function", "caller", "throttle")] == {"throttled (429)"}


def test_an_error_answer_to_the_caller_has_the_error_tone():
    diagram = layout.build(engine.scenario("api-gateway-http", "function-error"), "t")
    assert diagram.steps[-1].kind == "respond" and diagram.steps[-1].tone == "bad"
    ok = layout.build(engine.scenario("api-gateway-http", "success"), "t")
    assert ok.steps[-1].tone == "info" and ok.steps[-1].label == "response"


@pytest.mark.parametrize("slug", sorted(CATALOG.sources))
def test_every_label_is_short(slug):
    diagram = layout.build(engine.scenario(slug, whatif.default_preset(slug, CATALOG)), "t")
    assert all(0 < len(s.label) <= 20 for s in diagram.steps), [s.label for s in diagram.steps]


def test_an_arrow_says_what_last_went_along_it_else_what_comes_first():
    diagram = layout.build(engine.scenario("sqs", "success"), "t")
    first, last = 0, len(diagram.steps) - 1
    assert diagram.arrow_labels(first)["poller--queue"] == "ReceiveMessage"
    assert diagram.arrow_labels(last)["poller--queue"] == "DeleteMessageBatch"
    scene = diagram.step(last).wide
    current = [a for a in scene["arrows"] if a["current"]]
    assert [(a["arrow"].id, a["text"], a["tone"]) for a in current] == [("poller--queue", "DeleteMessageBatch", "good")]
    enqueue = diagram.step(0).wide
    assert {b["box"].id: b["status"] for b in enqueue["boxes"]}["queue"] == "3 messages waiting"
    assert all(not b["status"] for b in diagram.step(1).wide["boxes"])  # only a step at one actor has a status


@pytest.mark.parametrize(
    ("slug", "preset", "settings"),
    [
        ("sqs", "poison", {"redrive_policy": True}),
        ("s3", "function-error", {"on_failure_destination": "sqs"}),
        ("mq", "function-error", {}),
        ("api-gateway-http", "success", {}),
        ("step-functions", "function-error", {}),
        ("cloudformation", "success", {}),
    ],
)
def test_both_geometries_place_every_actor_without_overlaps(slug, preset, settings):
    diagram = layout.build(engine.scenario(slug, preset, settings), "t")
    for geometry in (diagram.wide, diagram.tall):
        assert {b.id for b in geometry.boxes} == {b.id for b in diagram.boxes}
        assert {a.id for a in geometry.arrows} == {a.id for a in diagram.arrows}
        for box in geometry.boxes:
            assert box.x >= 0 and box.x + box.w <= geometry.width and box.y >= 0 and box.y + box.h <= geometry.height
        for a in geometry.boxes:
            for b in geometry.boxes:
                if a.id < b.id:
                    apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
                    assert apart, (geometry.name, a.id, b.id)
        pills = [arrow.pill() for arrow in geometry.arrows]
        for i, (x, y, w, h, _) in enumerate(pills):
            assert x >= -1 and x + w <= geometry.width + 1, (geometry.name, geometry.arrows[i].id)
            for box in geometry.boxes:  # a label never sits on a box
                assert x + w <= box.x or box.x + box.w <= x or y + h <= box.y or box.y + box.h <= y, (
                    geometry.name,
                    geometry.arrows[i].id,
                    box.id,
                )
            for x2, y2, w2, h2, _ in pills[i + 1 :]:  # nor on another label
                assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, geometry.name
    tall = diagram.tall
    assert [b.y for b in tall.boxes] == sorted(b.y for b in tall.boxes)  # stacked top to bottom
    assert len({b.x for b in tall.boxes}) == 1


def test_bins_sit_below_the_actor_that_sends_to_them_in_the_wide_layout():
    diagram = layout.build(engine.scenario("sqs", "poison", {"redrive_policy": True}), "t")
    queue, dlq = diagram.wide.box("queue"), diagram.wide.box("queue-dlq")
    assert dlq.y > queue.y + queue.h and dlq.cx == queue.cx
    assert len({b.y for b in diagram.wide.boxes if not b.bin}) == 1  # the main actors share one row


def render(client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.mark.django_db
def test_the_stage_emits_both_layouts_with_icons_defined_once(client):
    html = render(client, "/diagrams/sqs/?preset=poison&redrive_policy=true")
    stage = html.split('class="flow-stage"')[1].split("</div>")[0]
    assert stage.count("<svg") == 3  # the icon definitions, the wide layout, the tall layout
    assert 'data-layout="wide"' in stage and 'data-layout="tall"' in stage
    for icon in ("queue", "poller", "function", "bin", "caller", "service", "stream", "broker"):
        assert stage.count(f'<symbol id="icon-{icon}-') == 1
    used = re.findall(r'href="#icon-(\w+)-', stage)
    assert sorted(set(used)) == ["bin", "function", "poller", "queue"] and len(used) == 8  # 4 actors × 2 layouts
    assert "λ" not in stage and "lambda" not in stage.lower().replace("lambda event queue", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/diagrams/sqs/?preset=poison&redrive_policy=true", "/diagrams/api-gateway-http/", "/diagrams/mq/"]
)
def test_no_text_under_12_units_and_labels_are_rendered_for_step_n(client, url):
    html = render(client, url + ("&" if "?" in url else "?") + "step=2")
    tall = html.split('data-layout="tall"')[1].split("</svg>")[0]
    sizes = [float(s) for s in re.findall(r'<text[^>]*font-size="([\d.]+)"', tall)]
    assert sizes and min(sizes) >= 12 and len(sizes) == len(re.findall(r"<text", tall))
    assert min(layout.MIN_FONT, *sizes) >= 12
    wide = html.split('data-layout="wide"')[1].split("</svg>")[0]
    assert wide.count('class="flow-label is-current') == 1 or "data-arrow" not in wide
    assert re.search(r'class="flow-label is-current tone-\w+"[^>]*>.*?<text[^>]*>[^<]+</text>', wide)


@pytest.mark.django_db
def test_the_whatif_settings_start_collapsed_and_say_what_changed(client):
    html = render(client, "/diagrams/sqs/?preset=poison&redrive_policy=true")
    details = html.split('class="whatif-settings')[1].split(">")[0]
    assert "open" not in details
    assert "Queue has a redrive policy (DLQ): on" in html
    bad = render(client, "/diagrams/sqs/?batch_size=99999")
    assert 'class="whatif-settings small" open' in bad  # a value to fix stays in view
