"""What the sandbox tests share: skip (with the reason) where this machine cannot isolate code."""

from __future__ import annotations

import os

import pytest

from learn.sandbox import runner

OK, WHY = runner.probe()
requires_sandbox = pytest.mark.skipif(not OK, reason=f"bubblewrap sandbox unavailable: {WHY} (CI installs it)")

AS_ROOT = os.geteuid() == 0  # dedicated uids and cgroups apply when the app runs as root
# Handler code that writes its own result frame on the runtime's channel (forging it)
FORGE = (
    "import json, os, sys\ndef forge(payload):\n    data = json.dumps(payload).encode()\n"
    "    os.write(int(sys.argv[1]), b'%08d' % len(data) + data)\n"
)
