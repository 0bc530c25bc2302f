from __future__ import annotations

import pytest

from learn.sandbox import runner


@pytest.fixture(autouse=True)
def fresh_pool():
    """Every test starts without live execution environments and leaves none behind."""
    yield
    runner.shutdown()
