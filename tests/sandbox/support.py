"""What the sandbox tests share: skip (with the reason) where this machine cannot isolate code."""

from __future__ import annotations

import pytest

from learn.sandbox import runner

OK, WHY = runner.probe()
requires_sandbox = pytest.mark.skipif(not OK, reason=f"bubblewrap sandbox unavailable: {WHY} (CI installs it)")
