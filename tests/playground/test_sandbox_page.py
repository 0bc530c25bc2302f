"""The sandbox page, with runtime.run replaced by the trusted local runner (isolation is tested in tests/sandbox)."""

from __future__ import annotations

import json

import pytest

from learn.exercises.local_runner import run_trusted
from learn.playground import events, runtime

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db
GOOD = "import json\n\ndef handler(event, context):\n    print('got', len(event['Records']))\n    return {'batchItemFailures': []}\n"
FAILS_SECOND = (
    "def handler(event, context):\n"
    "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']} for r in event['Records']"
    " if r['messageId'].startswith('2e14') and r['attributes']['ApproximateReceiveCount'] == '1']}\n"
)


@pytest.fixture
def fake_sandbox(monkeypatch):
    def run(code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, **extra):
        result = run_trusted(code, handler, [event], learner)[-1]
        return runtime.Run(
            result.status,
            result.response,
            result.error,
            ("START RequestId: x", *result.logs),
            duration_ms=1.5,
            billed_duration_ms=2,
            isolation="bubblewrap",
        )

    calls = []
    monkeypatch.setattr(runtime, "run", lambda *a, **kw: calls.append(a[1]) or run(*a, **kw))
    return calls


def sqs_event() -> str:
    return (CONTENT / "sources" / "sqs" / "events" / "standard.json").read_text()


def post(client, headers=None, **data):
    form = {"action": "run", "code": GOOD, "event": sqs_event(), "handler": "handler", "timeout": "3", "memory": "128"}
    return client.post("/sources/sqs/sandbox/", {**form, **data}, headers=headers or {})


def test_page_is_prefilled_from_the_lesson(client):
    html = client.get("/sources/sqs/sandbox/").content.decode()
    assert "batchItemFailures" in html and "messageId" in html


def test_a_run_shows_response_logs_and_what_happens_next(client, fake_sandbox):
    html = post(client).content.decode()
    assert "Succeeded" in html and "got 2" in html
    assert "What SQS does next" in html and "Processed successfully" in html


def test_the_engine_reinvokes_the_handler_with_a_rising_receive_count(client, fake_sandbox):
    html = post(client, code=FAILS_SECOND).content.decode()
    assert "2 real invocations" in html
    assert html.count("Processed successfully") == 2


def test_contract_problems_are_explained(client, fake_sandbox):
    code = "def handler(event, context):\n    return {'batchItemFailures': [{'itemIdentifier': 'nope'}]}\n"
    html = post(client, code=code).content.decode()
    assert "would not accept this response" in html and "not a messageId in this batch" in html


def test_bad_json_keeps_the_code_and_explains(client, fake_sandbox):
    response = post(client, event="{oops")
    html = response.content.decode()
    assert response.status_code == 400 and "not valid JSON" in html and "got" in html  # the code is still there
    assert "{oops" in client.get("/sources/sqs/sandbox/").content.decode()  # and survives a reload


def test_oversized_code_and_bad_limits_are_refused(client, fake_sandbox):
    assert post(client, code="x = 1\n" * 20000).status_code == 400
    assert post(client, timeout="60").status_code == 400


def test_without_the_sandbox_the_page_refuses_to_run(client, monkeypatch):
    from learn.sandbox import runner

    monkeypatch.setattr(runner, "probe", lambda: (False, "bubblewrap (bwrap) is not installed"))
    assert "Handlers cannot run on this server" in client.get("/sources/sqs/sandbox/").content.decode()
    response = post(client, code=GOOD + "# mine\n")
    html = response.content.decode()
    assert response.status_code == 503 and "cannot run here (bubblewrap (bwrap) is not installed)" in html
    assert "# mine" in html  # the learner's code is kept


def test_too_many_runs_get_a_friendly_429(client, fake_sandbox, settings, monkeypatch):
    from django.core.cache import cache

    from learn.playground import service

    # One fixed minute: 32 runs on a slow database could otherwise straddle a minute boundary (seen in CI).
    monkeypatch.setattr(service, "_window", lambda: (29_000_000, 30))
    cache.clear()
    responses = [post(client) for _ in range(32)]
    assert [r.status_code for r in responses[:30]] == [200] * 30 and responses[-1].status_code == 429
    assert 1 <= int(responses[-1]["Retry-After"]) <= 61  # says when to retry
    cache.clear()


def test_htmx_run_returns_only_the_result(client, fake_sandbox):
    form = {"action": "run", "code": GOOD, "event": sqs_event(), "handler": "handler", "timeout": "3", "memory": "128"}
    html = client.post("/sources/sqs/sandbox/", form, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="result"') and '<nav class="navbar' not in html


def test_lint_flags_a_body_that_is_not_a_string():
    sample = json.loads(sqs_event())
    bad = json.loads(sqs_event())
    bad["Records"][0]["body"] = {"orderId": "o-1"}
    assert events.lint(bad, sample) == ["Records[0].body must be a string (as the source sends it), not an object."]


def test_generate_makes_a_fifo_batch_with_fresh_ids():
    batch = events.generate("sqs", json.loads(sqs_event()), 4, fifo=True)
    ids = [r["messageId"] for r in batch["Records"]]
    assert len(set(ids)) == 4 and all(r["attributes"]["MessageGroupId"] for r in batch["Records"])


def test_a_successful_batch_invokes_the_handler_exactly_once(client, fake_sandbox):
    post(client)
    assert len(fake_sandbox) == 1  # the engine's first delivery reuses the run, it is not a second invocation


def test_generate_base64_bodies_and_a_poison_record():
    import base64

    batch = events.generate("sqs", json.loads(sqs_event()), 3, base64_body=True, poison=True)
    bodies = [base64.b64decode(r["body"]).decode() for r in batch["Records"]]
    assert json.loads(bodies[0])["orderId"] == "ord-1" and bodies[-1] == "not json {"  # the sample's own body
    kinesis = json.loads((CONTENT / "sources" / "kinesis" / "events").glob("*.json").__next__().read_text())
    stream = events.generate("kinesis", kinesis, 2, poison=True)
    assert json.loads(base64.b64decode(stream["Records"][0]["kinesis"]["data"]))["orderId"] == "ord-1"
    assert base64.b64decode(stream["Records"][1]["kinesis"]["data"]).startswith(b"\xff")


def test_the_generator_form_posts_its_knobs(client):
    html = client.post(
        "/sources/sqs/sandbox/",
        {
            "action": "generate",
            "count": "2",
            "base64": "1",
            "code": GOOD,
            "event": sqs_event(),
            "handler": "handler",
            "timeout": "3",
            "memory": "128",
        },
    ).content.decode()
    assert "eyJvcmRlcklkIjogIm9yZC0xIiwg" in html  # base64 of '{"orderId": "ord-1", ' (the sample's body)


def test_a_busy_sandbox_says_when_to_retry_and_keeps_the_code(client, monkeypatch):
    from learn.sandbox import runner
    from learn.sandbox.environments import Busy

    def busy(*args, **kwargs):
        raise Busy(3)

    monkeypatch.setattr(runner, "run", busy)
    response = post(client, code=GOOD + "# busy day\n", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "3"
    assert "Retry in 3 s" in html and "Your code and event are kept" in html
    assert "# busy day" in client.get("/sources/sqs/sandbox/").content.decode()
