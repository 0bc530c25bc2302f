"""How much host memory a full sandbox pool can hold (prints figures; asserts nothing).

Fills the pool with learners whose module keeps a block resident (the red team's A6), then reports the pool's
idle environments, their resident memory as the host measures it, and the host's MemAvailable before, at the
peak and after shutdown. The idle budget (SANDBOX_IDLE_MEMORY_MB, 2048 by default) and the per-environment
cap (1 GB) bound it; frozen environments cannot grow, so only running ones (at most one per core) add to it.

Run: `.venv/bin/python tests/bench/sandbox_memory.py [--learners 20] [--block-mb 300]`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings")
django.setup()

from learn.sandbox import environments, memcg, runner  # noqa: E402


def available_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox pool memory")
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--block-mb", type=int, default=300)
    args = parser.parse_args()
    kind, why = runner.mode()
    if kind is None:
        print(f"sandbox unavailable: {why}")
        return
    code = f"BLOCK = b'x' * ({args.block_mb} * 1024 * 1024)\ndef handler(e, c):\n    return len(BLOCK)\n"
    before, peak = available_mb(), 0
    pool = runner.pool(kind)
    for n in range(args.learners):
        result = runner.run(code, {}, learner=f"hog-{n}", memory_mb=1024, timeout_s=10)
        assert result.status == "ok", result.error
        held = sum(env.resident_mb() for env in pool.envs.values())
        peak = max(peak, before - available_mb())
        print(f"after learner {n + 1:2d}: {len(pool.envs):2d} environments, {held:5d} MB resident (host measured)")
    cgroups, reason = memcg.available()
    print(
        f"memory cgroups: {'yes' if cgroups else 'no (' + reason + ')'}; live cap {environments.MAX_LIVE}, "
        f"idle budget {environments.IDLE_MEMORY_MB} MB, per-environment cap {environments.MAX_MEMORY_MB} MB, "
        f"{pool.running._initial_value} running at once"
    )
    print(f"host MemAvailable: {before} MB before, {peak} MB used at the peak")
    runner.shutdown()
    print(f"after shutdown: {before - available_mb()} MB still used")
    bound = environments.IDLE_MEMORY_MB + pool.running._initial_value * environments.MAX_MEMORY_MB
    print(f"bound per web process: idle budget + one running environment per slot = {bound} MB")


if __name__ == "__main__":
    main()
