"""The sandbox page's runs: Run vs Force a cold start and the run history, one verdict, error lines, streamed
replays and Cancel, and the red-team rows A13 (big results), A18 (unencodable text) and A21 (draft sizes).

runtime.run is replaced by an in-process fake with warm environments (test code only; isolation is tested in
tests/sandbox), so these tests are fast and need no bubblewrap.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
import traceback

import pytest
from django.core.cache import cache

from learn.playground import runtime, views

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db

COUNTER = (
    "N = []\n\ndef handler(event, context):\n    N.append(1)\n    print('call', len(N))\n"
    "    return {'batchItemFailures': []}\n"
)
RAISES = "import json\n\ndef handler(event, context):\n    raise KeyError('total')\n"
FAILS_SECOND = (
    "def handler(event, context):\n"
    "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']} for r in event['Records']"
    " if r['messageId'].startswith('2e14') and r['attributes']['ApproximateReceiveCount'] == '1']}\n"
)
ALWAYS_FAILS_SECOND = (
    "def handler(event, context):\n"
    "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']} for r in event['Records']"
    " if r['messageId'].startswith('2e14')]}\n"
)


class FakeLambda:
    """Warm environments per learner, like the sandbox: module state survives until the code changes."""

    def __init__(self):
        self.envs: dict[str, tuple] = {}
        self.calls: list = []
        self.gate: threading.Event | None = None  # when set up, invocations after the first wait for it
        self.fixed: runtime.Run | None = None

    def run(self, code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, force_cold=False, aws=None):
        self.calls.append(event)
        if self.gate is not None and len(self.calls) > 1:
            self.gate.wait(10)
        if self.fixed is not None:
            return self.fixed
        key = (code, handler, memory_mb)
        env = self.envs.get(learner)
        cold = force_cold or env is None or env[0] != key
        out = io.StringIO()
        if cold:
            namespace: dict = {}
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(code, "/var/task/lambda_function.py", "exec"), namespace)  # noqa: S102 - test code
            except SyntaxError as error:
                message = (
                    f"Syntax error in module 'lambda_function': {error.msg} (lambda_function.py, line {error.lineno})"
                )
                return runtime.Run(
                    "error",
                    None,
                    {"errorType": "Runtime.UserCodeSyntaxError", "errorMessage": message, "stackTrace": []},
                    (message,),
                    1.0,
                    1,
                    2.0,
                    10,
                    True,
                    "bubblewrap",
                )
            env = (key, namespace)
            self.envs[learner] = env
        try:
            with contextlib.redirect_stdout(out):
                response = env[1][handler](event, None)
            status, error = "ok", None
        except Exception as exc:  # noqa: BLE001 - the learner's error, reported like Lambda
            status, response = "error", None
            error = {
                "errorType": type(exc).__name__,
                "errorMessage": str(exc),
                "stackTrace": traceback.format_tb(exc.__traceback__)[1:],
            }
        logs = ("START RequestId: x", *out.getvalue().splitlines(), "REPORT RequestId: x")
        return runtime.Run(status, response, error, logs, 1.5, 2, 12.5 if cold else None, 31, cold, "bubblewrap")


@pytest.fixture
def fake(monkeypatch):
    cache.clear()
    lam = FakeLambda()
    monkeypatch.setattr(runtime, "run", lam.run)
    yield lam
    if lam.gate is not None:
        lam.gate.set()
    cache.clear()


def sqs_event() -> str:
    return (CONTENT / "sources" / "sqs" / "events" / "standard.json").read_text()


def form(**data) -> dict:
    base = {
        "action": "run",
        "code": COUNTER,
        "event": sqs_event(),
        "handler": "handler",
        "timeout": "3",
        "memory": "128",
        "rbif_shown": "1",
        "rbif": "on",
    }
    return {**base, **data}


def post(client, slug="sqs", **data):
    return client.post(f"/sources/{slug}/sandbox/", form(**data))


def streamed(response) -> list[str]:
    body = b"".join(response.streaming_content).decode()
    return [part.strip() for part in body.split(views.FRAGMENT_END) if part.strip()]


# 1. Run vs Force a cold start, and the history of runs


def test_run_is_warm_and_force_cold_starts_a_fresh_environment(client, fake):
    assert "call 1" in post(client).content.decode()
    html = post(client).content.decode()
    assert "call 2" in html and "Warm environment" in html  # module state kept: warm
    html = post(client, action="cold").content.decode()
    assert "call 1" in html and "Cold start" in html and "(forced)" in html
    rows = client.session["sandbox-history:sqs"]
    assert [(r["cold"], r["forced"]) for r in rows] == [(True, True), (False, False), (True, False)]
    assert rows[0]["init"] == 12.5 and rows[1]["init"] is None and rows[0]["size"] == 128 and rows[0]["used"] == 31


def test_history_table_shows_cold_and_warm_and_keeps_ten_rows(client, fake):
    for _ in range(11):
        post(client)
    post(client, action="cold")
    html = client.get("/sources/sqs/sandbox/").content.decode()
    assert "Your last runs of this handler" in html and html.count("<tr>") == 11  # header + 10 rows
    assert 'tone-warn">Cold</span>' in html and 'tone-good">Warm</span>' in html
    assert len(client.session["sandbox-history:sqs"]) == 10
    assert "31/128 MB" in html  # memory used / size
    assert len(str(client.session["sandbox-history:sqs"])) < 3000  # small


def test_the_page_has_run_and_force_cold_buttons_and_explains_freeze_and_thaw(client):
    html = client.get("/sources/sqs/sandbox/").content.decode()
    assert 'value="run"' in html and 'value="cold"' in html and "Force a cold start" in html
    assert "Invoke again" not in html
    assert "/tmp" in html and "freezes" in html and "background thread" in html
    assert "sandbox.js" in html and "<script>" not in html  # CSP: no inline script


# 2. One verdict: what the source does with the response


def test_success_is_accepted(client, fake):
    html = post(client).content.decode()
    assert "verdict-good" in html and ">Accepted<" in html and "all 2 records as processed" in html


def test_a_partial_batch_says_how_many_records_are_retried(client, fake):
    html = post(client, code=FAILS_SECOND).content.decode()
    assert "Partial batch: 1 of 2 retried" in html and "verdict-warn" in html
    assert "In the end: 2 records processed" in html


def test_a_raising_handler_is_retried_and_the_verdict_says_so(client, fake):
    html = post(client, code=RAISES, redrive="on").content.decode()
    assert 'verdict-title">Retried' in html and "Your handler raised KeyError" in html
    assert "invoked your handler 5 times" in html and ">Accepted<" not in html


def test_the_verdict_names_the_dlq_when_the_records_end_there(fake):
    import json

    from learn import catalog
    from learn.playground import replay, service

    cat = catalog.load()
    source = cat.sources["sqs"]
    event = json.loads(sqs_event())
    run = runtime.Run("error", None, {"errorType": "KeyError", "errorMessage": "'total'"}, ())
    trace = replay.replay(
        "sqs", {"redrive_policy": True}, event, lambda e: ("error", None, run.error), catalog=cat, contract="sqs-batch"
    )
    said = views.verdict(source, service.Outcome(run, replay=trace))
    assert said["tone"] == "bad" and said["title"] == "Retried, then moved to the queue's DLQ"
    assert said["final"] == ["2 records moved to the queue's DLQ"] and "5 times" in said["detail"]


def test_reported_failures_with_report_batch_item_failures_off_are_lost(client, fake):
    data = form(code=ALWAYS_FAILS_SECOND)
    del data["rbif"]  # the checkbox is unchecked
    html = client.post("/sources/sqs/sandbox/", data).content.decode()
    assert "Failures ignored" in html and "ReportBatchItemFailures is off" in html


def test_a_sync_source_returns_the_error_to_the_caller(client, fake):
    html = post(
        client, slug="api-gateway-rest", code="def handler(event, context):\n    return 'hi'\n", event="{}"
    ).content.decode()
    assert "Error returned to the caller" in html and "502" in html
    assert "Accepted" not in html  # the handler succeeded, but there is one verdict and it is not "Succeeded"


def test_out_of_memory_is_named_in_the_verdict_and_history(client, fake):
    fake.fixed = runtime.Run(
        "error",
        None,
        {"errorType": "Runtime.OutOfMemory", "errorMessage": "Runtime exited"},
        ("REPORT",),
        900.0,
        900,
        None,
        128,
        False,
        "bubblewrap",
    )
    html = post(client, slug="sdk-invoke", code="def handler(e, c):\n    return 1\n", event="{}").content.decode()
    assert "ran out of memory" in html and "Error returned to the caller" in html
    assert "128/128 MB" in html and "Runtime.OutOfMemory</td>" in html


# 2b. Error lines


def test_error_line_is_parsed_from_the_stack_trace_and_linked(client, fake):
    html = post(client, code=RAISES).content.decode()
    assert 'data-error-line="4"' in html and 'data-goto-line="4"' in html and ">line 4</a>" in html


def test_error_line_of_a_syntax_error_and_the_innermost_frame():
    assert (
        views.error_line(
            {
                "errorMessage": "Syntax error in module 'lambda_function': expected ':' (lambda_function.py, line 7)",
                "stackTrace": [],
            }
        )
        == 7
    )
    trace = [
        '  File "/var/task/lambda_function.py", line 9, in handler\n',
        '  File "/var/task/lambda_function.py", line 3, in helper\n',
        '  File "/var/runtime/json/__init__.py", line 346, in loads\n',
    ]
    assert views.error_line({"errorMessage": "x", "stackTrace": trace}) == 3
    assert views.error_line({"errorMessage": "x", "stackTrace": "nope"}) is None
    assert views.error_line(None) is None


# 3. Streaming the replay


def test_a_streamed_replay_sends_a_plan_then_each_invocation_then_the_result(client, fake):
    response = post(client, code=RAISES, redrive="on", stream="1")
    assert response.streaming and response["Cache-Control"] == "no-store"
    parts = streamed(response)
    assert parts[0].startswith('<p class="stream-plan') and "up to <strong>5 real invocations" in parts[0]
    runs = [p for p in parts if p.startswith('<li class="stream-run"')]
    assert len(runs) == 5 and "Invocation 1 (your run)" in runs[0] and "Invocation 5" in runs[4]
    assert "KeyError" in runs[0]
    assert parts[-2].startswith('<section id="result"') and "Your handler raised KeyError" in parts[-2]
    assert parts[-1].startswith('<section id="history"')
    assert len(client.session["sandbox-history:sqs"]) == 1  # the history row was saved during the stream


def test_a_short_replay_streams_without_a_plan(client, fake):
    parts = streamed(post(client, slug="sdk-invoke", code="def handler(e, c):\n    return 1\n", event="{}", stream="1"))
    assert parts[0].startswith('<li class="stream-run"') and len(parts) == 3


def test_a_streamed_run_with_bad_input_answers_with_the_message(client, fake):
    response = post(client, event="{oops", stream="1")
    assert not response.streaming and response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="result"') and "not valid JSON" in html


def test_closing_the_stream_cancels_the_rest_of_the_replay(client, fake):
    fake.gate = threading.Event()
    response = post(client, code=RAISES, redrive="on", stream="1")
    content = iter(response.streaming_content)
    seen = ""
    while "stream-run" not in seen:
        seen += next(content).decode()
    response.close()  # the browser's Cancel aborts the fetch: the server's stream is closed
    fake.gate.set()
    time.sleep(0.5)
    assert len(fake.calls) == 2  # the invocation in flight finished; no further one was made


def test_a_replay_stopped_by_the_rate_limit_says_so(client, fake, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 3
    html = post(client, code=RAISES, redrive="on").content.decode()
    assert "The replay stopped early" in html and "3 real invocations" in html


def test_without_javascript_the_form_post_returns_the_whole_page(client, fake):
    html = post(client, code=RAISES).content.decode()
    assert "<nav" in html and 'id="result"' in html and 'id="history"' in html


# 4. A13, A18, A21


def test_a13_big_responses_and_logs_are_cut_before_highlighting(client, fake):
    logs = tuple(f"line {i}" for i in range(5000))
    fake.fixed = runtime.Run("ok", list(range(800_000)), None, logs, 1.0, 1, None, 50, False, "bubblewrap")
    started = time.monotonic()
    response = post(client, slug="sdk-invoke", code="def handler(e, c):\n    return 1\n", event="{}")
    html = response.content.decode()
    assert response.status_code == 200 and time.monotonic() - started < 5
    assert "Showing the first 64 KB of 5.2 MB." in html
    assert "Showing the first 2,000 of 5,000 lines" in html and "line 1999" in html and "line 2000\n" not in html
    assert len(html) < 2_000_000


def test_a13_a_long_log_is_cut_at_256_kb():
    shown = views._shown_logs(["x" * 1000] * 1000)
    assert shown["truncated"] and len(shown["text"].encode()) <= views.SHOW_LOG_BYTES


def test_a18_lone_surrogates_in_the_response_and_logs_are_escaped(client, fake):
    fake.fixed = runtime.Run("ok", {"a": "\ud800"}, None, ("got \udcff",), 1.0, 1, None, 50, False, "bubblewrap")
    response = post(client, slug="sdk-invoke", code="def handler(e, c):\n    return 1\n", event="{}")
    html = response.content.decode()
    assert response.status_code == 200 and "\\ud800" in html and "\\udcff" in html


def test_a18_lone_surrogates_in_the_event_and_in_the_stream_never_give_a_500(client, fake):
    response = post(client, event='{"Records": [], "a": "\\ud800"}')
    assert response.status_code in (200, 400)
    fake.fixed = runtime.Run(
        "error",
        None,
        {"errorType": "Bad\ud800", "errorMessage": "\ud800"},
        ("\ud800",),
        1.0,
        1,
        None,
        50,
        False,
        "bubblewrap",
    )
    parts = streamed(post(client, stream="1"))
    assert any("\\ud800" in p for p in parts)


def test_a21_oversize_code_is_shown_back_but_not_stored(client, fake):
    big = "x = 1\n" * 12000  # 72 KB
    response = post(client, code=big)
    html = response.content.decode()
    assert response.status_code == 400 and "Your code is 70 KB" in html and "not saved" in html
    assert html.count("x = 1") > 11000  # the learner's input is in the form
    assert "sandbox-draft:sqs" not in client.session and not fake.calls


def test_a21_code_from_a_browser_is_counted_with_plain_new_lines(client, fake):
    code = COUNTER.replace("\n", "\r\n") + "#" * (63 * 1024)  # under 64 KB once CRLF is LF
    response = post(client, code=code)
    assert response.status_code == 200 and "\r" not in client.session["sandbox-draft:sqs"]["code"]


def test_a21_oversize_event_and_long_fields_are_refused(client, fake):
    response = post(client, event='{"a": "' + "y" * (1024 * 1024 + 10) + '"}', handler="h" * 500)
    html = response.content.decode()
    assert response.status_code == 400 and "Your event is 1.0 MB" in html and "function name is too long" in html
    assert "sandbox-draft:sqs" not in client.session


def test_a21_htmx_gets_422_so_the_page_is_not_wiped(client, fake):
    response = client.post(
        "/sources/sqs/sandbox/", form(action="sample", code="x" * 70_000), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422 and "not saved" in response.content.decode()


def test_a21_drafts_are_capped_across_sources(client, fake):
    slugs = ["sqs", "sns", "s3", "kinesis", "eventbridge", "api-gateway-rest", "alb", "mq", "msk", "firehose"]
    for slug in slugs:
        client.post(
            f"/sources/{slug}/sandbox/",
            {
                "code": "def handler(e, c):\n    return 1\n",
                "event": "{}",
                "handler": "handler",
                "timeout": "3",
                "memory": "128",
            },
        )
    kept = [k for k in client.session.keys() if k.startswith("sandbox-draft:")]  # noqa: SIM118 (no __iter__)
    assert len(kept) == views.MAX_DRAFT_SOURCES
    assert "sandbox-draft:sqs" not in kept and "sandbox-draft:firehose" in kept  # the oldest go first
    big_event = '{"a": "' + "z" * 1_000_000 + '"}'
    for slug in ("sqs", "sns", "s3"):
        client.post(
            f"/sources/{slug}/sandbox/",
            {
                "code": "def handler(e, c):\n    return 1\n",
                "event": big_event,
                "handler": "handler",
                "timeout": "3",
                "memory": "128",
            },
        )
    total = sum(len(str(client.session[k])) for k in client.session.keys() if k.startswith("sandbox-draft:"))  # noqa: SIM118
    assert total <= views.MAX_DRAFTS_BYTES
    assert "sandbox-draft:s3" in client.session and "sandbox-draft:sns" in client.session
    assert "sandbox-draft:sqs" not in client.session


def test_a_cold_start_from_a_pre_started_runtime_says_so(client, monkeypatch):
    """The sandbox keeps a few runtimes started (like Lambda's pool): the page says Init is the module's only."""
    cache.clear()

    def run(code, event, **kwargs):
        return runtime.Run("ok", None, None, (), 1.0, 1, 3.0, 20, True, "bubblewrap", "rid", prestarted=True)

    monkeypatch.setattr(runtime, "run", run)
    html = post(client, slug="function-urls").content.decode()
    assert "Cold start" in html and "(from a pre-started runtime)" in html
    cache.clear()
