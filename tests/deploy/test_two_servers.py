"""Two gunicorn instances on two ports, PostgreSQL + Redis + sandbox workers: they behave as one app.

One learner's requests alternate between the two servers: the session, CSRF, an exam attempt, sign-up, the
sandbox's warm environment and the per-learner rate limit all carry across. Skipped without PostgreSQL and
Redis on this machine (CI has both).
"""

from __future__ import annotations

import re
import time

import httpx
import pytest

from .servers import Stack, postgres_up, redis_up

pytestmark = pytest.mark.skipif(not (postgres_up() and redis_up()), reason="needs PostgreSQL and Redis on 127.0.0.1")
HANDLER = "N = []\ndef handler(event, context):\n    N.append(1)\n    print('call', len(N))\n    return None\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from learn.sandbox import runner

    runner.shutdown()
    with Stack(
        "postgres", ports=(8111, 8112), web_workers=2, sandbox_workers=1, log_dir=tmp_path_factory.mktemp("logs")
    ) as running:
        yield running


def csrf(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"]}


def test_one_learner_across_two_servers(stack):
    a, b = stack.urls
    with httpx.Client(timeout=30) as client:
        assert client.get(f"{a}/quiz/").status_code == 200  # the CSRF cookie comes from server A
        started = client.post(f"{b}/quiz/start/", data={"mode": "exam", "size": "15"}, headers=csrf(client))
        assert started.status_code == 302, started.text[:300]
        question = started.headers["location"]
        attempt = re.search(r"/quiz/a/([0-9a-f-]+)/1/", question).group(1)
        page = client.get(f"{a}{question}")  # the attempt, owned through the session, is found by server A
        assert page.status_code == 200 and "Question 1 of 15" in page.text
        keys = re.findall(r'name="choice" id="opt-(\w)"', page.text)
        choose = int(m.group(1)) if (m := re.search(r"Choose (\d)", page.text)) else 1
        if keys:
            data = {"choice": keys[:choose]}
        else:  # an ordering item
            steps = re.findall(r'name="position-(\w)"', page.text)
            data = {f"position-{k}": str(n) for n, k in enumerate(steps, 1)}
        answered = client.post(f"{b}{question}", data=data, headers=csrf(client))
        assert answered.status_code == 302 and answered.headers["location"].endswith(f"/quiz/a/{attempt}/2/")
        review = client.get(f"{a}/quiz/a/{attempt}/review/")
        assert "Unanswered (14)" in review.text

        signed_up = client.post(
            f"{a}/accounts/signup/",
            headers=csrf(client),
            data={"username": "two-servers", "password1": "a long Passphrase 42", "password2": "a long Passphrase 42"},
        )
        assert signed_up.status_code == 302
        assert "Log out" in client.get(f"{b}/progress/").text  # logged in on the other server too


def within_one_rate_window(seconds_needed: float = 30) -> None:
    """The sandbox rate limit counts per clock minute (learn/playground/service.py): start the burst where it
    fits in one minute, or a count split over two minutes lets one more run through."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.2)


def test_sandbox_runs_go_to_the_worker_and_stay_warm_across_servers(stack):
    a, b = stack.urls
    within_one_rate_window()
    with httpx.Client(timeout=60) as client:
        client.get(f"{a}/sources/sqs/sandbox/")
        form = {
            "action": "run",
            "code": HANDLER,
            "event": '{"Records": []}',
            "handler": "handler",
            "timeout": "3",
            "memory": "128",
        }
        first = client.post(f"{a}/sources/sqs/sandbox/", data=form, headers={**csrf(client), "HX-Request": "true"})
        second = client.post(f"{b}/sources/sqs/sandbox/", data=form, headers={**csrf(client), "HX-Request": "true"})
        assert first.status_code == 200 and "call 1" in first.text and "Cold start" in first.text
        assert second.status_code == 200 and "call 2" in second.text and "Warm environment" in second.text
        statuses = [
            client.post(f"{(a, b)[n % 2]}/sources/sqs/sandbox/", data=form, headers=csrf(client)).status_code
            for n in range(30)
        ]
        assert statuses[-1] == 429 and statuses.count(200) == 28  # one limit, shared through Redis
