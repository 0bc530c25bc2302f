"""`manage.py check` says loudly when the sandbox's boto3/moto layer is missing (import boto3 would fail)."""

from __future__ import annotations

from learn.sandbox import checks, environments


def test_a_missing_layer_is_a_warning_that_says_how_to_fix_it(monkeypatch, tmp_path):
    monkeypatch.setattr(environments, "AWS_LAYER", tmp_path)
    (warning,) = checks.check_aws_layer()
    assert warning.id == "sandbox.W005" and "make install" in warning.hint
    assert environments.aws_binds() == ()  # nothing to bind: the sandbox starts as before


def test_an_installed_layer_is_bound_read_only(monkeypatch, tmp_path):
    for name in ("boto3", "moto"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(environments, "AWS_LAYER", tmp_path)
    assert checks.check_aws_layer() == []
    binds = environments.aws_binds()
    assert binds[:3] == ("--ro-bind", str(tmp_path), environments.SANDBOX_LAYER_PATH)
    assert binds[3:] == ("--ro-bind", str(environments.AWS_MODULE), environments.SANDBOX_AWS_MODULE)
