"""manage.py wiring check stays quick: no system checks, and the engine's catalog without rendered prose."""

from __future__ import annotations

import importlib

from learn.wiring import fastcatalog
from learn.wiring.management.commands.wiring import Command

simulate = importlib.import_module("learn.engine.simulate")


def test_the_command_skips_the_site_wide_system_checks():
    assert Command.requires_system_checks == []


def test_the_prose_free_catalog_has_the_same_engine_data():
    fast = fastcatalog.prose_free_catalog()
    full = simulate.default_catalog()
    assert set(fast.sources) == set(full.sources)
    names = [k.name for k in simulate.knobs_for("sqs", fast)]
    assert names == [k.name for k in simulate.knobs_for("sqs", full)]
    assert [(k.name, k.default) for k in simulate.knobs_for("kinesis", fast)] == [
        (k.name, k.default) for k in simulate.knobs_for("kinesis", full)
    ]


def test_install_points_the_engine_at_the_prose_free_catalog(monkeypatch):
    monkeypatch.setattr(simulate, "default_catalog", simulate.default_catalog)  # restored after the test
    fastcatalog.install()
    assert simulate.default_catalog is fastcatalog.prose_free_catalog
