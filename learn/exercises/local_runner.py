"""A plain-subprocess runner for checking exercise content in tests (NOT a sandbox: trusted code only)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from .checks import Invocation

SCRIPT = r"""
import io, json, sys, traceback, contextlib
request = json.loads(sys.stdin.read())
namespace = {"__name__": "lambda_function"}
exec(compile(request["code"], "lambda_function.py", "exec"), namespace)
results = []
for event in request["events"]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            response = namespace[request["handler"]](event, None)
        json.dumps(response)
        results.append({"status": "ok", "response": response, "error": None, "logs": out.getvalue().splitlines()})
    except Exception as error:
        results.append({"status": "error", "response": None, "logs": out.getvalue().splitlines(),
                        "error": {"errorType": type(error).__name__, "errorMessage": str(error)}})
print(json.dumps(results))
"""


def run_trusted(code: str, handler: str, events: Sequence[Any], env_key: str) -> list[Invocation]:
    completed = subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT],
        input=json.dumps({"code": code, "handler": handler, "events": list(events)}),
        capture_output=True,
        text=True,
        timeout=30,
    )
    if completed.returncode != 0:
        error = {"errorType": "Runtime.Error", "errorMessage": completed.stderr[-500:]}
        return [Invocation("error", None, error, ())]
    return [Invocation(r["status"], r["response"], r["error"], tuple(r["logs"])) for r in json.loads(completed.stdout)]
