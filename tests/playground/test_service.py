"""service.execute: every real invocation is charged (per learner and per address), replays stop cleanly."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from learn.exercises.local_runner import run_trusted
from learn.playground import replay, runtime, service

from ..conftest import CONTENT

ALWAYS_FAILS = "def handler(event, context):\n    raise ValueError('nope')\n"
SUCCEEDS = "def handler(event, context):\n    return None\n"


def sample(slug: str, name: str):
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text())


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(service, "_window", lambda: (12345, 30))  # one rate-limit minute for the whole test
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_runtime(monkeypatch):
    """runtime.run through the trusted local runner; records each call's keyword arguments."""
    calls: list[dict] = []

    def run(code, event, *, learner, handler="handler", timeout_s=3, memory_mb=128, **extra):
        calls.append({"event": event, **extra})
        result = run_trusted(code, handler, [event], learner)[-1]
        return runtime.Run(result.status, result.response, result.error, tuple(result.logs), isolation="bubblewrap")

    monkeypatch.setattr(runtime, "run", run)
    return calls


def execute(catalog, slug="sqs", code=ALWAYS_FAILS, event=None, **kw):
    event = sample("sqs", "standard.json") if event is None else event
    kw.setdefault("learner", "learner-1")
    kw.setdefault("settings", {"report_batch_item_failures": True} if slug == "sqs" else {})
    return service.execute(catalog, slug, code, event, **kw)


# -- client_address -----------------------------------------------------------------------------------------


def test_client_address_is_remote_addr_when_not_behind_a_proxy(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert service.client_address(request) == "203.0.113.7"  # a forged header changes nothing


def test_client_address_behind_our_proxy_is_the_right_most_forwarded_address(settings):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9, 203.0.113.7"
    )
    assert service.client_address(request) == "203.0.113.7"  # the entry our proxy added, not the forged ones
    assert service.client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert service.client_address(garbage) == "10.0.0.2"


def test_ipv6_clients_are_grouped_by_their_64():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert service.client_address(one) == service.client_address(other) == "2001:db8:1:2::/64"


# -- charging ---------------------------------------------------------------------------------------------


def test_every_real_invocation_of_a_replay_is_charged(real_catalog, fake_runtime):
    outcome = execute(real_catalog, client="203.0.113.7")
    assert outcome.invocations == len(fake_runtime) > 1  # SQS redelivers a failing batch
    assert outcome.invocations == len(outcome.replay.runs)
    with pytest.raises(service.RateLimited):
        service.charge("learner-1", "203.0.113.7", service.runs_per_minute() - outcome.invocations + 1)


def test_over_the_limit_nothing_runs_and_the_message_says_when_to_retry(real_catalog, fake_runtime, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 3
    service.charge("learner-1", "", 3)
    with pytest.raises(service.RateLimited) as refused:
        execute(real_catalog, code=SUCCEEDS)
    assert fake_runtime == []
    assert "seconds" in str(refused.value) and "kept" in str(refused.value)
    assert 1 <= refused.value.retry_after_s <= 61


def test_a_replay_that_reaches_the_limit_stops_cleanly(real_catalog, fake_runtime, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 2
    outcome = execute(real_catalog)
    assert len(fake_runtime) == outcome.invocations == 2
    assert outcome.stopped.startswith("Stopped after 2 invocations") and "seconds" in outcome.stopped
    assert outcome.replay.stopped == outcome.stopped
    assert outcome.replay.trace.truncated and len(outcome.replay.runs) == 2


def test_dropping_the_session_does_not_give_a_fresh_allowance(real_catalog, fake_runtime, settings):
    settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE = 4
    for n in range(4):
        execute(real_catalog, code=SUCCEEDS, learner=f"anon-{n}", client="203.0.113.7")
    with pytest.raises(service.RateLimited, match="network address"):
        execute(real_catalog, code=SUCCEEDS, learner="anon-new", client="203.0.113.7")
    execute(real_catalog, code=SUCCEEDS, learner="anon-new", client="198.51.100.1")  # another address is fine


def test_a_refused_charge_is_not_counted():
    for _ in range(5):
        with pytest.raises(service.RateLimited):
            service.charge("learner-1", "", service.runs_per_minute() + 1)
    service.charge("learner-1", "", service.runs_per_minute())  # the refused attempts took nothing


def test_check_rate_refuses_early_but_charges_nothing(settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 2
    service.check_rate("learner-1", "1.2.3.4")
    service.check_rate("learner-1", "1.2.3.4")
    service.charge("learner-1", "1.2.3.4", 2)
    with pytest.raises(service.RateLimited):
        service.check_rate("learner-1", "1.2.3.4")


# -- progress, cancel, cold start --------------------------------------------------------------------------


def test_on_run_reports_every_real_invocation_in_order(real_catalog, fake_runtime):
    seen = []
    outcome = execute(real_catalog, on_run=lambda index, run: seen.append((index, run.status)))
    assert [i for i, _ in seen] == list(range(1, outcome.invocations + 1))
    assert {status for _, status in seen} == {"error"}


def test_cancelling_stops_the_replay_before_the_next_invocation(real_catalog, fake_runtime):
    seen = []
    outcome = execute(real_catalog, on_run=lambda i, run: seen.append(i), cancelled=lambda: len(seen) >= 2)
    assert outcome.invocations == len(fake_runtime) == 2
    assert outcome.stopped == "Cancelled by you after 2 invocations."


def test_force_cold_goes_to_the_first_invocation_only(real_catalog, fake_runtime):
    execute(real_catalog, force_cold=True)
    assert fake_runtime[0].get("force_cold") is True
    assert all("force_cold" not in call for call in fake_runtime[1:])
    fake_runtime.clear()
    execute(real_catalog, learner="learner-2")
    assert all("force_cold" not in call for call in fake_runtime)  # not passed at all unless asked


def test_a_busy_sandbox_mid_replay_ends_it_with_a_reason(real_catalog, monkeypatch):
    calls = []

    def run(code, event, **kw):
        calls.append(event)
        if len(calls) > 1:
            raise runtime.Refused("The sandbox is busy.", retry_after_s=3)
        return runtime.Run("error", None, {"errorType": "ValueError", "errorMessage": "x"})

    monkeypatch.setattr(runtime, "run", run)
    outcome = execute(real_catalog)
    assert outcome.invocations == 1 and "could not run" in outcome.stopped and "busy" in outcome.stopped


def test_lone_surrogates_from_the_handler_are_made_printable(real_catalog, monkeypatch):
    monkeypatch.setattr(
        runtime, "run", lambda *a, **kw: runtime.Run("ok", {"a\ud800": ["\udfff"]}, None, ("printed \ud800",))
    )
    outcome = execute(real_catalog, slug="s3", event=sample("s3", "object_created_put.json"), simulate=False)
    assert outcome.run.response == {"a\\ud800": ["\\udfff"]} and outcome.run.logs == ("printed \\ud800",)
    json.dumps(outcome.run.response, ensure_ascii=False).encode()


# -- planned invocations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "event_file", "settings"),
    [
        ("sqs", "standard.json", {"report_batch_item_failures": True}),
        ("sqs", "standard.json", {"report_batch_item_failures": True, "redrive_policy": True}),
        ("s3", "object_created_put.json", {}),
    ],
)
def test_the_plan_bounds_what_a_replay_really_does(real_catalog, fake_runtime, slug, event_file, settings):
    event = sample(slug, event_file)
    planned = replay.planned_invocations(slug, settings, event, catalog=real_catalog)
    assert 1 < planned <= replay.MAX_REAL_INVOCATIONS
    for code in (ALWAYS_FAILS, SUCCEEDS, "import time\ndef handler(e, c):\n    raise RuntimeError(time.time())\n"):
        outcome = execute(real_catalog, slug=slug, code=code, event=event, settings=settings, learner=code)
        assert outcome.invocations <= planned


def test_the_plan_of_a_success_that_needs_no_retry_is_known_before_running(real_catalog):
    kinesis = next((CONTENT / "sources" / "kinesis" / "events").glob("*.json")).read_text()
    assert replay.planned_invocations("kinesis", {}, json.loads(kinesis), catalog=real_catalog) == 12
    assert replay.MAX_REAL_INVOCATIONS == 12


def test_bad_settings_are_refused_before_anything_runs(real_catalog, fake_runtime):
    with pytest.raises(ValueError):
        execute(real_catalog, settings={"no_such_knob": 1})
    assert fake_runtime == []
