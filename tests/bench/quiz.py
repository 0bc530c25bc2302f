"""Quiz benchmark on SQLite (prints figures; asserts nothing).

1. Median and p95 time to record one answer (an HTTP POST through Django's test client).
2. Time to grade a 65-item exam (submit + results breakdown).
3. Answers recorded per second with concurrent clients (threads, each its own learner and connection),
   and how many requests failed (a "database is locked" would show here).

Run: `.venv/bin/python tests/bench/quiz.py [--clients 4] [--answers 200]`. Uses a throw-away SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def setup() -> None:
    db = Path(tempfile.mkdtemp(prefix="triggerlab-bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    call_command("migrate", verbosity=0)


def answer_data(item) -> dict:
    if item.type == "ordering":
        return {f"position-{o.key}": str(n) for n, o in enumerate(item.options, start=1)}
    return {"choice": list(item.correct_keys)}


def record_latency(count: int) -> None:
    from django.test import Client

    from learn.quiz import questions
    from learn.quiz.models import Attempt

    bank = questions.load()
    client = Client()
    client.post("/quiz/start/", {"mode": "exam", "size": "65"})
    attempt = Attempt.objects.latest("started_at")
    samples = []
    for n in range(min(count, len(attempt.item_ids))):
        item = bank.items[attempt.item_ids[n]]
        t0 = time.perf_counter()
        response = client.post(f"/quiz/a/{attempt.id}/{n + 1}/", answer_data(item))
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 302), response.status_code
    samples.sort()
    print(
        f"record an answer (HTTP POST, exam of {len(attempt.item_ids)}): median {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.1f} ms over {len(samples)} answers"
    )
    t0 = time.perf_counter()
    client.post(f"/quiz/a/{attempt.id}/submit/")
    client.get(f"/quiz/a/{attempt.id}/results/")
    print(f"grade and report the exam (submit + results page): {(time.perf_counter() - t0) * 1000:.1f} ms")


def concurrent(clients: int, per_client: int) -> None:
    from django.db import connections
    from django.test import Client

    from learn.quiz import questions
    from learn.quiz.models import Answer, Attempt

    bank = questions.load()
    errors = [0]
    done = [0]
    lock = threading.Lock()

    def learner() -> None:
        client = Client()
        client.post("/quiz/start/", {"mode": "exam", "size": "65"})
        attempt = Attempt.objects.filter(session_key=client.session.get("learner")).latest("started_at")
        for n in range(per_client):
            item = bank.items[attempt.item_ids[n % len(attempt.item_ids)]]
            response = client.post(f"/quiz/a/{attempt.id}/{n % len(attempt.item_ids) + 1}/", answer_data(item))
            with lock:
                if response.status_code in (200, 302):
                    done[0] += 1
                else:
                    errors[0] += 1
        connections.close_all()

    threads = [threading.Thread(target=learner) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    answered = Answer.objects.filter(answered_at__isnull=False).count()
    print(
        f"{clients} concurrent learners: {done[0] / elapsed:.0f} answers/s, {errors[0]} failed requests, "
        f"{answered} answers stored"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Quiz speed on SQLite")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--answers", type=int, default=50, help="answers per concurrent client")
    args = parser.parse_args()
    setup()
    record_latency(65)
    concurrent(args.clients, args.answers)


if __name__ == "__main__":
    main()
