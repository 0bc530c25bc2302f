"""B8: the batch generator's records are ones the source's own sample handler accepts, so asking for a poison
record fails exactly that one record."""

from __future__ import annotations

import json

import pytest

from learn import catalog
from learn.exercises.local_runner import run_trusted
from learn.playground import events

pytestmark = pytest.mark.django_db


def run_sample_handler(slug: str, handler_file: str, event) -> dict:
    source = catalog.load().sources[slug]
    handler = next(h for h in source.handlers if h.file == handler_file)
    [result] = run_trusted(handler.code, handler.function, [event], "generator-test")
    assert result.status == "ok", result.error
    return result.response


@pytest.mark.parametrize(("slug", "handler"), [("sqs", "partial_batch.py"), ("kinesis", "partial_batch.py")])
def test_a_poison_record_fails_exactly_one_record(slug, handler):
    source = catalog.load().sources[slug]
    batch = events.generate(slug, source.events[0].data, 4, poison=True)
    failures = run_sample_handler(slug, handler, batch)["batchItemFailures"]
    last = batch["Records"][-1]
    expected = last["messageId"] if slug == "sqs" else last["kinesis"]["sequenceNumber"]
    assert failures == [{"itemIdentifier": expected}]


@pytest.mark.parametrize(
    ("slug", "handler"),
    [("sqs", "partial_batch.py"), ("kinesis", "partial_batch.py"), ("dynamodb-streams", "route_by_event_name.py")],
)
def test_without_poison_the_sample_handler_accepts_every_record(slug, handler):
    source = catalog.load().sources[slug]
    batch = events.generate(slug, source.events[0].data, 5, body_bytes=20)
    assert len(batch["Records"]) == 5
    assert run_sample_handler(slug, handler, batch)["batchItemFailures"] == []


def test_generated_sqs_bodies_keep_the_samples_fields_with_numbered_ids():
    source = catalog.load().sources["sqs"]
    batch = events.generate("sqs", source.events[0].data, 3)
    bodies = [json.loads(r["body"]) for r in batch["Records"]]
    assert [b["orderId"] for b in bodies] == ["ord-1", "ord-2", "ord-3"]
    assert all({"total", "currency"} <= set(b) for b in bodies)


def test_the_fifo_handler_gets_batches_cloned_from_its_own_event(client):
    source = catalog.load().sources["sqs"]
    fifo = next(h for h in source.handlers if h.file == "fifo_in_order.py")
    page = client.post(
        "/sources/sqs/sandbox/",
        {"action": "generate", "code": fifo.code, "event": "{}", "count": "3", "fifo": "1", "poison": "1"},
    ).content.decode()
    assert "accountId" in page


@pytest.mark.parametrize("handler_file", ["partial_batch.py", "fifo_in_order.py"])
def test_generate_on_the_page_makes_a_batch_the_handler_in_the_editor_accepts(client, handler_file):
    import html

    source = catalog.load().sources["sqs"]
    handler = next(h for h in source.handlers if h.file == handler_file)
    page = client.post(
        "/sources/sqs/sandbox/",
        {"action": "generate", "code": handler.code, "event": "{}", "count": "4", "poison": "1"},
    ).content.decode()
    start = page.index('name="event"')
    batch = json.loads(html.unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)]))
    failures = run_sample_handler("sqs", handler_file, batch)["batchItemFailures"]
    assert failures == [{"itemIdentifier": batch["Records"][-1]["messageId"]}]


def test_generate_keeps_the_generators_settings(client):
    page = client.post(
        "/sources/sqs/sandbox/",
        {"action": "generate", "code": "x = 1\n", "event": "{}", "count": "4", "size": "10", "poison": "1"},
    ).content.decode()
    assert 'id="count" name="count" value="4"' in page and 'id="size" name="size" value="10"' in page
    assert 'id="poison" name="poison" value="1" checked' in page
    assert 'id="fifo" name="fifo" value="1">' in page  # left unchecked
