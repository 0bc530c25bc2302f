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


# The attack files run every attack twice: as written, and with boto3 and the emulated AWS behind it imported first
# (issue 17: isolation must hold with the emulation loaded in the same process).
PRELUDE = {"code": ""}


@pytest.fixture(params=["plain", "with-boto3"])
def with_and_without_boto3(request):
    from learn.sandbox import environments

    with_boto3 = request.param == "with-boto3" and environments.aws_layer() is not None
    PRELUDE["code"] = "import boto3; boto3.client('sqs')\n" if with_boto3 else ""
    yield
    PRELUDE["code"] = ""
