"""Without bubblewrap: refuse, unless DEBUG and SANDBOX_ALLOW_UNSAFE_FALLBACK — then run, loudly labelled."""

from __future__ import annotations

import pytest
from django.core import checks

from learn.sandbox import runner
from learn.sandbox.checks import check_isolation
from learn.sandbox.environments import Unavailable

CODE = (
    "import os\nN = []\ndef handler(e, c):\n    N.append(1)\n    return [len(N), c.memory_limit_in_mb, os.getcwd()]\n"
)


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(runner, "probe", lambda: (False, "bubblewrap (bwrap) is not installed"))
    yield
    runner.shutdown()


def test_production_without_bubblewrap_refuses_even_if_the_fallback_is_allowed(no_bwrap, settings):
    settings.DEBUG, settings.SANDBOX_ALLOW_UNSAFE_FALLBACK = False, True
    with pytest.raises(Unavailable, match="cannot run here"):
        runner.run(CODE, {}, learner="x")
    [warning] = check_isolation()
    assert warning.id == "sandbox.W001" and warning.level == checks.WARNING


def test_debug_without_the_setting_refuses(no_bwrap, settings):
    settings.DEBUG, settings.SANDBOX_ALLOW_UNSAFE_FALLBACK = True, False
    with pytest.raises(Unavailable):
        runner.run(CODE, {}, learner="x")


def test_the_fallback_runs_warm_environments_and_says_it_is_unsafe(no_bwrap, settings, caplog):
    settings.DEBUG, settings.SANDBOX_ALLOW_UNSAFE_FALLBACK = True, True
    first = runner.run(CODE, {}, learner="x")
    second = runner.run(CODE, {}, learner="x")
    assert first.response[:2] == [1, "128"] and second.response[0] == 2 and (first.cold, second.cold) == (True, False)
    assert "UNSAFE" in first.isolation and "triggerlab-unsafe-" in first.response[2]  # a throw-away directory
    assert "WITHOUT isolation" in caplog.text
    [warning] = check_isolation()
    assert warning.id == "sandbox.W002"


def test_the_fallback_still_stops_a_spinning_handler(no_bwrap, settings):
    settings.DEBUG, settings.SANDBOX_ALLOW_UNSAFE_FALLBACK = True, True
    result = runner.run("def handler(e, c):\n    while True:\n        pass\n", {}, learner="x", timeout_s=1)
    assert result.status == "timeout"


@pytest.mark.django_db
def test_the_sandbox_page_shows_the_weak_isolation_banner_and_label(no_bwrap, settings, client):
    settings.DEBUG, settings.SANDBOX_ALLOW_UNSAFE_FALLBACK = True, True
    assert "Weak isolation." in client.get("/sources/sqs/sandbox/").content.decode()
    html = client.post(
        "/sources/sqs/sandbox/",
        {
            "action": "run",
            "code": "def handler(e, c):\n    return None\n",
            "event": '{"Records": []}',
            "handler": "handler",
            "timeout": "3",
            "memory": "128",
        },
    ).content.decode()
    assert "Weak isolation:" in html and "UNSAFE" in html
