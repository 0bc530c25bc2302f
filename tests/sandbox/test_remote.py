"""SANDBOX_WORKERS=rq: runs go through Redis to `manage.py sandbox_worker` processes (real Redis, real workers)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from learn.sandbox import remote, runner
from learn.sandbox.environments import Busy, Unavailable

from .support import requires_sandbox

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_up() -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


pytestmark = [
    requires_sandbox,
    pytest.mark.skipif(not redis_up(), reason=f"Redis not reachable at {REDIS_URL} (set TEST_REDIS_URL)"),
]
CODE = "import os\nN = []\ndef handler(e, c):\n    N.append(1)\n    return [len(N), os.environ['AWS_LAMBDA_LOG_STREAM_NAME']]\n"


@pytest.fixture
def queue_settings(settings):
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    settings.SANDBOX_WORKERS, settings.REDIS_URL = "rq", REDIS_URL
    return settings


def start_worker(name: str) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "SANDBOX_WORKERS": "rq"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_worker", "--name", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while name not in remote.live_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert name in remote.live_workers(), worker.stderr.read1().decode() if worker.poll() is not None else "no beat"
    return worker


def stop(worker: subprocess.Popen) -> None:
    worker.kill()
    worker.wait()


def test_without_a_worker_the_learner_is_told(queue_settings):
    assert runner.mode()[0] is None and "no sandbox worker" in runner.mode()[1]
    with pytest.raises(Unavailable, match="No sandbox worker is running"):
        runner.run(CODE, {}, learner="x")


def test_runs_go_to_a_worker_and_stay_warm_there(queue_settings):
    worker = start_worker(f"w-{uuid.uuid4().hex[:6]}")
    try:
        assert runner.mode()[0] == "remote"
        first, second = runner.run(CODE, {}, learner="ann"), runner.run(CODE, {}, learner="ann")
        assert (first.cold, second.cold) == (True, False) and second.response[0] == 2
        assert first.response[1] == second.response[1]  # the same execution environment
        assert "bubblewrap" in first.isolation and first.logs[-1].startswith("REPORT RequestId:")
        with pytest.raises(runner.InvalidRequest):  # checked before anything is queued
            runner.run("x" * 70_000, {}, learner="ann")
    finally:
        stop(worker)


def test_learners_are_pinned_and_move_when_their_worker_dies(queue_settings):
    names = [f"p-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    workers = {name: start_worker(name) for name in names}
    try:
        learners = [f"learner-{n}" for n in range(8)]
        homes = {learner: remote.pick(learner, names) for learner in learners}
        assert set(homes.values()) == set(names)  # both workers get learners
        for learner in learners:
            runner.run(CODE, {}, learner=learner)
        assert all(not runner.run(CODE, {}, learner=learner).cold for learner in learners)  # pinned: warm
        victim = names[0]
        stop(workers.pop(victim))  # kill a sandbox worker
        moved = next(learner for learner, home in homes.items() if home == victim)
        deadline, outcomes = time.monotonic() + remote.ALIVE_S + 10, []
        while time.monotonic() < deadline:
            try:
                result = runner.run(CODE, {}, learner=moved)
                outcomes.append("ran")
                break
            except (Busy, Unavailable) as error:  # a clear message while the heartbeat runs out
                outcomes.append(str(error))
        assert outcomes[-1] == "ran" and result.cold  # recovered by itself, on the other worker (a cold start)
        assert all("Retry" in message for message in outcomes[:-1])
    finally:
        for worker in workers.values():
            stop(worker)


@pytest.mark.skipif(
    __import__("learn.sandbox.environments", fromlist=["aws_layer"]).aws_layer() is None,
    reason="the boto3/moto layer is not installed (make install)",
)
def test_emulated_aws_resources_travel_with_the_run_and_come_back(queue_settings):
    code = (
        "import boto3\ntable = boto3.resource('dynamodb').Table('orders')\n"
        "def handler(e, c):\n    table.put_item(Item={'orderId': e['id']})\n    return len(table.scan()['Items'])\n"
    )
    state = {
        "tables": [{"name": "orders", "key": {"hash": ["orderId", "S"], "range": None}, "items": []}],
        "queues": [],
        "buckets": [],
        "topics": [],
        "buses": [],
    }
    worker = start_worker(f"a-{uuid.uuid4().hex[:6]}")
    try:
        first = runner.run(code, {"id": "a"}, learner="aws-remote", aws={"state": state, "deny": []})
        assert first.status == "ok" and first.response == 1
        assert [c["operation"] for c in first.aws["calls"]] == ["PutItem", "Scan"]
        second = runner.run(code, {"id": "b"}, learner="aws-remote", aws={"state": first.aws["state"], "deny": []})
        assert second.response == 2 and len(second.aws["state"]["tables"][0]["items"]) == 2
    finally:
        stop(worker)
