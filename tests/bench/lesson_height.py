"""Lesson height benchmark (prints figures; asserts nothing).

Opens every lesson in Debian's Chromium at a 1366×900 desktop and a 390×844 phone and prints the median,
minimum and maximum page height in CSS pixels (`document.documentElement.scrollHeight`), the figure issue 13
asks to bring down ("8,000–10,000 px of bullets").

Run: `.venv/bin/python tests/bench/lesson_height.py [--only sqs,kinesis]` (starts its own `runserver` on a free
port with a throw-away database).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
CHROMIUM = os.environ.get("TRIGGERLAB_CHROMIUM", "/usr/bin/chromium")
# the page height, and the height of the lesson's checkpoint (questions loaded by htmx, owned by learn/course), so
# that the lesson's own length can be compared with the pages from before the checkpoint existed
CHECKPOINT_JS = """() => {
  const checkpoint = document.getElementById('checkpoint');
  const style = checkpoint && getComputedStyle(checkpoint);
  const height = checkpoint
    ? checkpoint.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom) : 0;
  return [document.documentElement.scrollHeight, Math.round(height)];
}"""
VIEWPORTS = {"desktop 1366×900": (1366, 900, False), "phone 390×844": (390, 844, True)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--skip-checks", "--verbosity", "0"], cwd=REPO, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/", timeout=2)  # noqa: S310 - our own loopback server
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("runserver did not start")


def measure(base: str, slugs: list[str]) -> dict[str, list[int]]:
    from playwright.sync_api import sync_playwright

    heights: dict[str, list[int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for label, (width, height, mobile) in VIEWPORTS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile, base_url=base
            )
            page = context.new_page()
            heights[label] = []
            for slug in slugs:
                page.goto(f"/sources/{slug}/", wait_until="load")
                page.wait_for_timeout(300)  # let deferred scripts and htmx-loaded parts settle
                total, checkpoint = page.evaluate(CHECKPOINT_JS)
                heights[label].append(total)
                heights.setdefault(f"{label}, no checkpoint", []).append(total - checkpoint)
            context.close()
        browser.close()
    return heights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated lesson slugs (default: every lesson)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learn.settings",
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='triggerlab-heights-')}/bench.sqlite3",
    }
    os.environ.update(env)
    import django

    django.setup()
    from learn import catalog

    slugs = [s for s in args.only.split(",") if s] or [s.slug for s in catalog.load().ordered_sources()]
    server, base = start_server(env)
    try:
        heights = measure(base, slugs)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Lesson page height in px over {len(slugs)} lessons:")
    print(f"{'viewport':34} {'median':>8} {'min':>8} {'max':>8}")
    for label, values in heights.items():
        print(f"{label:34} {statistics.median(values):8.0f} {min(values):8d} {max(values):8d}")


if __name__ == "__main__":
    main()
