"""The sandbox page's Resources panel and each run's calls to AWS (issue 17).

runtime.run is replaced by a fake that behaves like a naive, non-idempotent SQS consumer against the emulated
resources: every invocation writes one new item and reports its call and the state after it, as the sandbox
does (learn/sandbox/aws_emulation.py; the emulation itself is tested in tests/sandbox).
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core.cache import cache
from django.test import Client

from learn.playground import resources, runtime, views

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db

RAISES = "import boto3\n\ndef handler(event, context):\n    raise RuntimeError('downstream failed')\n"
PLAIN = "def handler(event, context):\n    return {'batchItemFailures': []}\n"


class NaiveWriter:
    """Each invocation puts one item with a fresh key into `orders` (so a redelivery writes a duplicate)."""

    def __init__(self, fail_call: bool = False, report_error: str | None = None):
        self.count = 0
        self.fail_call = fail_call
        self.report_error = report_error

    def run(self, code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, force_cold=False, aws=None):
        self.count += 1
        report = None
        if "boto3" in code and aws is not None:
            state = copy.deepcopy(aws["state"])
            item = {"orderId": {"S": f"write-{self.count}"}, "body": {"S": "order 7"}}
            table = resources.find(state, "tables", "orders")
            table["items"].append(item)
            call = {"service": "dynamodb", "operation": "PutItem"}
            call["params"] = json.dumps({"TableName": "orders", "Item": {"orderId": f"write-{self.count}"}})
            call["result"] = "ok"
            calls = [call]
            if self.fail_call:
                denied = {"service": "sqs", "operation": "SendMessage", "params": "{}"}
                denied["error"] = "AccessDeniedException: not authorized to perform sqs:SendMessage"
                calls.append(denied)
            report = {"calls": calls, "dropped_calls": 0, "state": state, "error": self.report_error}
        status = "error" if "raise" in code else "ok"
        error = {"errorType": "RuntimeError", "errorMessage": "downstream failed", "stackTrace": []}
        return runtime.Run(
            status,
            None if status == "error" else {"batchItemFailures": []},
            error if status == "error" else None,
            ("START RequestId: x",),
            1.5,
            2,
            None,
            40,
            False,
            "bubblewrap",
            aws=report,
        )


@pytest.fixture
def naive(monkeypatch):
    cache.clear()
    writer = NaiveWriter()
    monkeypatch.setattr(runtime, "run", writer.run)
    yield writer
    cache.clear()


def form(**data) -> dict:
    event = (CONTENT / "sources" / "sqs" / "events" / "standard.json").read_text()
    base = {"action": "run", "code": RAISES, "event": event, "handler": "handler", "timeout": "3", "memory": "128"}
    return {**base, **data}


def run(client, **data):
    return client.post("/sources/sqs/sandbox/", form(**data))


def streamed(response) -> list[str]:
    body = b"".join(response.streaming_content).decode()
    return [part.strip() for part in body.split(views.FRAGMENT_END) if part.strip()]


def learner_of(client) -> str:
    """The learner id the sandbox uses for this client (views._learner), read from a page's request."""
    response = client.get("/sources/sqs/sandbox/")
    return views._learner(response.wsgi_request)


def panel_html(html: str) -> str:
    start = html.index('id="resources"')
    return html[start : html.index("</section>", start)]


def test_the_panel_lists_the_scenarios_resources_with_empty_states(client):
    html = client.get("/sources/sqs/sandbox/").content.decode()
    panel = panel_html(html)
    assert resources.spec("sqs").summary in panel
    assert "<code>orders</code>" in panel and "<code>orders-dlq</code>" in panel
    assert "No items yet" in panel and "No messages" in panel
    assert "moto" in panel and "123456789012" in panel and "us-east-1" in panel
    assert 'name="csrfmiddlewaretoken"' in panel and "Reset resources" in panel


def test_a_source_without_a_spec_has_no_panel(client):
    html = client.get("/sources/sdk-invoke/sandbox/").content.decode()
    assert 'id="resources"' not in html


def test_a_run_shows_each_invocations_calls_and_the_items_it_left(client, naive):
    html = run(client, redrive="on").content.decode()
    assert "What your handler did to AWS" in html
    assert "Calls to AWS in invocation 1" in html and "Calls to AWS in invocation 2" in html
    assert "PutItem" in html and "TableName=" in html
    assert "Resources after invocation 2" in html
    assert "write-1" in html and "write-2" in html
    assert 'class="change-new"' in html and ">New<" in html  # the duplicate write of the redelivery is marked
    assert html.count("1 new") >= 2  # every redelivery added one more item
    # the panel shows what the last invocation left
    assert f"write-{naive.count}" in panel_html(html)


def test_the_resources_persist_to_the_next_run(client, naive):
    run(client)
    first = naive.count
    html = run(client).content.decode()
    assert f"write-{first}" in panel_html(html) and f"write-{naive.count}" in panel_html(html)


def test_a_failed_call_and_a_report_error_are_marked(client, monkeypatch):
    writer = NaiveWriter(fail_call=True, report_error="Reading the resources failed: boom")
    monkeypatch.setattr(runtime, "run", writer.run)
    html = run(client).content.decode()
    assert "aws-call is-failed" in html and "AccessDeniedException" in html and ">Error<" in html
    assert "Reading the resources failed: boom" in html


def test_a_handler_without_boto3_is_said_to_have_made_no_calls(client, naive):
    html = run(client, code=PLAIN).content.decode()
    assert "did not import <code>boto3</code>" in html


def test_each_streamed_invocation_shows_its_calls_then_the_panel_comes_with_the_result(client, naive):
    parts = streamed(run(client, redrive="on", stream="1"))
    invocations = [p for p in parts if p.startswith('<li class="stream-run"')]
    assert len(invocations) >= 2
    assert "Calls to AWS in invocation 1" in invocations[0] and "write-1" in invocations[0]
    assert "Resources after invocation 2" in invocations[1] and ">New<" in invocations[1]
    assert parts[-3].startswith('<section id="resources"') and f"write-{naive.count}" in parts[-3]
    assert parts[-2].startswith('<section id="result"')


def test_reset_restores_the_specs_state(client, naive):
    run(client)
    learner = learner_of(client)
    assert resources.find(resources.state_for(learner, "sqs"), "tables", "orders")["items"]
    response = client.post("/sources/sqs/sandbox/resources/reset/")
    assert response.status_code == 302 and response["Location"].endswith("/sources/sqs/sandbox/#resources")
    assert resources.state_for(learner, "sqs") == resources.spec("sqs").state
    page = client.get(response["Location"]).content.decode()
    assert "back to the scenario" in page and "No items yet" in panel_html(page)


def test_reset_with_htmx_returns_only_the_panel_with_a_notice(client, naive):
    run(client)
    response = client.post("/sources/sqs/sandbox/resources/reset/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="resources"')
    assert "<html" not in html and 'role="status"' in html and "No items yet" in html


def test_reset_without_csrf_is_refused(naive):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/sources/sqs/sandbox/")
    assert strict.post("/sources/sqs/sandbox/resources/reset/").status_code == 403


def test_reset_is_post_only_and_needs_a_source_with_a_spec(client):
    assert client.get("/sources/sqs/sandbox/resources/reset/").status_code == 405
    assert client.post("/sources/sdk-invoke/sandbox/resources/reset/").status_code == 404
    assert client.post("/sources/nope/sandbox/resources/reset/").status_code == 404


def test_a_learner_neither_sees_nor_resets_another_learners_resources(naive):
    alice, bob = Client(), Client()
    run(alice)
    alice_id, bob_id = learner_of(alice), learner_of(bob)
    assert alice_id != bob_id
    assert "write-1" not in panel_html(bob.get("/sources/sqs/sandbox/").content.decode())
    bob.post("/sources/sqs/sandbox/resources/reset/")
    assert resources.find(resources.state_for(alice_id, "sqs"), "tables", "orders")["items"]
    assert "write-1" in panel_html(alice.get("/sources/sqs/sandbox/").content.decode())


def test_describe_marks_new_changed_and_removed_rows():
    before = copy.deepcopy(resources.spec("sqs").state)
    resources.find(before, "tables", "orders")["items"] = [
        {"orderId": {"S": "a"}, "n": {"N": "1"}},
        {"orderId": {"S": "gone"}},
    ]
    after = copy.deepcopy(before)
    resources.find(after, "tables", "orders")["items"] = [
        {"orderId": {"S": "a"}, "n": {"N": "2"}},
        {"orderId": {"S": "b"}},
    ]
    table = resources.describe(after, before)[0]
    assert [row["change"] for row in table["rows"]] == ["changed", "new", "removed"]
    assert table["changes"] == {"new": 1, "changed": 1, "removed": 1}
    assert table["columns"] == ["orderId", "n"]


def test_the_same_message_body_twice_is_two_messages():
    before = copy.deepcopy(resources.spec("sqs").state)
    resources.find(before, "queues", "orders-dlq")["messages"] = [{"body": "x", "receives": 1, "in_flight": False}]
    after = copy.deepcopy(before)
    resources.find(after, "queues", "orders-dlq")["messages"].append({"body": "x", "receives": 0, "in_flight": False})
    queue = next(r for r in resources.describe(after, before) if r["name"] == "orders-dlq")
    assert [row["change"] for row in queue["rows"]] == ["", "new"]


def test_call_parameters_name_queues_and_topics_by_their_names():
    listed = resources.describe_calls(
        [
            {
                "service": "sns",
                "operation": "Publish",
                "params": json.dumps({"TopicArn": "arn:aws:sns:us-east-1:123456789012:order-events", "Message": "m"}),
                "result": "ok",
            }
        ]
    )
    assert listed[0]["params"] == [("TopicArn", "order-events"), ("Message", "m")]
    assert not listed[0]["failed"]


@pytest.mark.parametrize("slug", sorted(resources.specs()))
def test_every_source_with_a_spec_shows_its_resources(client, slug):
    panel = panel_html(client.get(f"/sources/{slug}/sandbox/").content.decode())
    for _kind, name in resources.spec(slug).names:
        assert f"<code>{name}</code>" in panel


def test_the_panel_opens_the_example_handler_written_for_its_resources(client):
    html = client.get("/sources/sqs/sandbox/").content.decode()
    assert 'href="?handler=resources_handler.py#code"' in html
    opened = client.get("/sources/sqs/sandbox/?handler=resources_handler.py").content.decode()
    assert "attribute_not_exists(orderId)" in opened and "has no example handler" not in opened
    other = client.get("/sources/sdk-invoke/sandbox/?handler=resources_handler.py").content.decode()
    assert "has no example handler called" in other  # a source without resources says so


class Recorder(NaiveWriter):
    def __init__(self):
        super().__init__()
        self.aws: list[dict | None] = []

    def run(self, code, event, **kw):
        self.aws.append(kw.get("aws"))
        return super().run(code, event, **kw)


def test_taking_a_permission_from_the_role_denies_it_in_the_next_run(client, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(runtime, "run", recorder.run)
    offered = resources.role_actions("sqs")
    assert "dynamodb:PutItem" in offered and "sqs:SendMessage" in offered
    keep = [action for action in offered if action != "dynamodb:PutItem"] + ["iam:PassRole"]  # an odd extra
    response = client.post("/sources/sqs/sandbox/resources/role/", {"allowed": keep}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "The role now lacks dynamodb:PutItem" in html
    assert 'value="dynamodb:PutItem" id="role-2">' in html  # unticked: no "checked"
    run(client)
    assert recorder.aws[-1]["deny"] == ["dynamodb:PutItem"]  # the offered action only, not the odd extra
    client.post("/sources/sqs/sandbox/resources/role/", {"allowed": offered})
    run(client)
    assert recorder.aws[-1]["deny"] == []


def test_the_role_form_needs_csrf_and_a_source_with_resources():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/sources/sqs/sandbox/resources/role/", {"allowed": []}).status_code == 403
    assert Client().post("/sources/sdk-invoke/sandbox/resources/role/", {}).status_code == 404
    assert Client().get("/sources/sqs/sandbox/resources/role/").status_code == 405


def test_messages_the_replay_moves_to_the_dlq_land_in_the_dlq_resource(client, naive):
    response = client.post("/sources/sqs/sandbox/", form(code=RAISES, redrive="on"))
    assert response.status_code == 200
    dlq = resources.find(resources.state_for(learner_of(client), "sqs"), "queues", "orders-dlq")
    bodies = [json.loads(m["body"])["orderId"] for m in dlq["messages"]]
    assert bodies == ["ord-1001", "ord-1002"]  # both messages failed every receive
    html = panel_html(client.get("/sources/sqs/sandbox/").content.decode())
    assert "ord-1001" in html and "2 messages" in html


def test_an_object_written_to_the_bucket_that_invoked_the_handler_is_flagged():
    event = json.loads((CONTENT / "sources" / "s3" / "events" / "object_created_put.json").read_text())
    before = resources.spec("s3").state
    after = copy.deepcopy(before)
    bucket = resources.find(after, "buckets", "photo-uploads-123456789012")
    bucket["objects"].append({"key": "incoming/copy.jpg", "body": "x"})
    assert resources.writes_to_trigger_bucket(event, before, after) == [
        ("photo-uploads-123456789012", "incoming/copy.jpg")
    ]
    assert resources.writes_to_trigger_bucket(event, before, before) == []
    assert resources.writes_to_trigger_bucket({"Records": [1, {"s3": "x"}]}, before, after) == []  # odd events


def test_a_reset_during_a_run_is_not_undone_by_the_runs_save():
    learner, slug = "user-race", "sqs"
    started = resources.revision(learner, slug)
    assert resources.save(learner, slug, resources.spec(slug).state, expected=started)
    during = resources.revision(learner, slug)
    resources.reset(learner, slug)  # the learner pressed Reset while a run was going
    state = copy.deepcopy(resources.spec(slug).state)
    resources.find(state, "tables", "orders")["items"].append({"orderId": {"S": "late"}})
    assert not resources.save(learner, slug, state, expected=during)
    assert resources.state_for(learner, slug) == resources.spec(slug).state


def test_a_reset_during_the_first_run_is_not_undone_either():
    learner, slug = "user-first", "sqs"
    started = resources.revision(learner, slug)  # nothing stored yet
    resources.reset(learner, slug)
    state = copy.deepcopy(resources.spec(slug).state)
    resources.find(state, "tables", "orders")["items"].append({"orderId": {"S": "late"}})
    assert not resources.save(learner, slug, state, expected=started)


def test_anonymous_visitors_from_one_address_store_a_bounded_amount_per_day(client, naive, monkeypatch):
    monkeypatch.setattr(views, "ANON_RESOURCE_BYTES_PER_DAY", 1)  # any state is over
    html = run(client).content.decode()
    assert "were not kept: visitors from your address have stored a lot of them today" in html


def test_resources_unused_for_a_month_are_deleted():
    import datetime as dt

    from django.utils import timezone

    from learn.playground.models import EmulatedResources

    resources.save("anon-old", "sqs", resources.spec("sqs").state)
    resources.save("anon-new", "sqs", resources.spec("sqs").state)
    EmulatedResources.objects.filter(learner="anon-old").update(updated=timezone.now() - dt.timedelta(days=31))
    assert resources.purge_stale() == 1
    assert list(EmulatedResources.objects.values_list("learner", flat=True)) == ["anon-new"]
