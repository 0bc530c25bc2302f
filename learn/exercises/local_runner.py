"""A plain-subprocess runner for checking exercise content in tests (NOT a sandbox: trusted code only).

It reports errors in the sandbox's shapes: a module that cannot be loaded gives the same init error (empty
request id) for every event, and stack traces name /var/task/lambda_function.py, so grading reads both alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from .checks import Invocation

SCRIPT = r"""
import io, json, sys, traceback, contextlib
FILE = "/var/task/lambda_function.py"
request = json.loads(sys.stdin.read())

def frames(error):
    return [f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {f.line}\n'
            for f in traceback.extract_tb(error.__traceback__) if f.filename == FILE]

def failure(kind, message, trace=(), request_id=""):
    return {"errorType": kind, "errorMessage": message, "requestId": request_id, "stackTrace": list(trace)}

namespace = {"__name__": "lambda_function"}
init_error = None
try:
    exec(compile(request["code"], FILE, "exec"), namespace)
except SyntaxError as error:
    message = f"{error.msg} (lambda_function.py, line {error.lineno})"
    init_error = failure("Runtime.UserCodeSyntaxError", f"Syntax error in module 'lambda_function': {message}",
                         [f'  File "{FILE}" Line {error.lineno}\n    {error.text}\n'])
except ImportError as error:
    init_error = failure("Runtime.ImportModuleError", f"Unable to import module 'lambda_function': {error}")
except Exception as error:
    init_error = failure(type(error).__name__, str(error), frames(error))
if init_error is None and not callable(namespace.get(request["handler"])):
    missing = f"Handler '{request['handler']}' missing on module 'lambda_function'"
    init_error = failure("Runtime.HandlerNotFound", missing)
results = []
for number, event in enumerate(request["events"]):
    if init_error:
        results.append({"status": "error", "response": None, "error": init_error, "logs": []})
        continue
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            response = namespace[request["handler"]](event, None)
        json.dumps(response)
        results.append({"status": "ok", "response": response, "error": None, "logs": out.getvalue().splitlines()})
    except Exception as error:
        results.append({"status": "error", "response": None, "logs": out.getvalue().splitlines(),
                        "error": failure(type(error).__name__, str(error), frames(error), f"request-{number}")})
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
        error = {"errorType": "Runtime.ExitError", "errorMessage": completed.stderr[-500:], "requestId": "?"}
        return [Invocation("crash", None, error, ()) for _ in events]
    return [Invocation(r["status"], r["response"], r["error"], tuple(r["logs"])) for r in json.loads(completed.stdout)]
