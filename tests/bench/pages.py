"""Page benchmark (prints figures; asserts nothing).

1. Median and p95 server time per page through Django's test client (no network).
2. The weight of each public page, plain and gzipped.
3. Requests per second for the public pages (lesson, model, grid, guide, glossary) and for a static file under
   gunicorn (a real WSGI server) on loopback, with concurrent clients, and each page's ratio to the static file
   (issue 16's target: >= 0.5x). Without and with `Accept-Encoding: gzip`.

Run: `make bench` (or `.venv/bin/python tests/bench/pages.py [--requests N] [--clients C]`).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
PAGES = [
    "/",
    "/sources/",
    "/sources/sqs/",
    "/sources/kinesis/",
    "/sources/api-gateway-http/",
    "/models/poll/",
    "/glossary/",
    # what a lesson fetches after it loads: the learner's own parts (never cached), the diagram, the first code block
    "/me/fragment/?path=/sources/sqs/",
    "/diagrams/sqs/?uid=lesson",
    "/sources/sqs/code/event/0/",
]
#: The public pages (learn.pagecache) whose throughput is compared with a static file's (issue 16: >= 0.5x).
PUBLIC = [
    ("lesson", "/sources/sqs/"),
    ("model", "/models/poll/"),
    ("grid", "/sources/"),
    ("guide", "/choose/"),
    ("glossary", "/glossary/"),
]


def server_times(repeats: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
    # a throw-away database, so the benchmark needs no set-up and never touches the developer's db.sqlite3
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='triggerlab-bench-')}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from learn import catalog

    started = time.perf_counter()
    catalog.load()
    print(f"catalog load (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    client = Client()
    print(f"\nServer time per page, Django test client, {repeats} requests each (after one warm-up):")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8}")
    for url in PAGES:
        client.get(url)
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        samples.sort()
        print(f"{url:32} {statistics.median(samples):10.2f} {samples[int(len(samples) * 0.95) - 1]:8.2f}")
    print("\nPage weight (HTML as served; gzip as a browser that asks gets it):")
    print(f"{'page':32} {'bytes':>8} {'gzip':>8}")
    for _, url in PUBLIC + [("fragment", "/me/fragment/?path=/sources/sqs/")]:
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        zipped = len(packed.content) if packed.get("Content-Encoding") == "gzip" else None
        print(f"{url:32} {len(plain.content):8} {zipped if zipped is not None else '-':>8}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(port: int, path: str, total: int, clients: int, encoding: str) -> tuple[float, int]:
    hammer(port, path, min(50, total), clients, encoding)  # warm-up: every worker renders and keeps the page
    return hammer(port, path, total, clients, encoding)


def hammer(port: int, path: str, total: int, clients: int, encoding: str = "") -> tuple[float, int]:
    """Send `total` GETs from `clients` threads; return (requests per second, errors)."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    remaining = iter(range(total))
    lock = threading.Lock()
    errors = [0]

    def worker() -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
                conn.close()
            except OSError:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total / (time.perf_counter() - t0), errors[0]


def wsgi_throughput(total: int, clients: int, workers: int) -> None:
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="triggerlab-static-")
    env = dict(
        os.environ,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_HTTPS="0",  # plain http on loopback (no redirect to https)
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "learn.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        css = "/static/site/site.css"
        for encoding in ("", "gzip"):
            asks = f"Accept-Encoding: {encoding}" if encoding else "no Accept-Encoding"
            print(f"\ngunicorn, {workers} sync workers, {clients} concurrent clients, {total} requests each, {asks}:")
            rps, errors = measure(port, css, total, clients, encoding)
            print(f"{'static file ' + css:36} {rps:8.0f} req/s   errors: {errors}")
            for label, path in PUBLIC:
                page_rps, errors = measure(port, path, total, clients, encoding)
                ratio = page_rps / rps
                print(
                    f"{label + ' ' + path:36} {page_rps:8.0f} req/s   {ratio:4.2f}x the static file   errors: {errors}"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(static_root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    server_times(args.repeats)
    wsgi_throughput(args.requests, args.clients, args.workers)


if __name__ == "__main__":
    main()
