"""A plain-subprocess runner for checking exercise content in tests (NOT a sandbox: trusted code only).

It reports errors in the sandbox's shapes: a module that cannot be loaded gives the same init error (empty
request id) for every event, and stack traces name /var/task/lambda_function.py, so grading reads both alike.
A step with resources runs against the sandbox's own AWS emulation (moto, from the sandbox's boto3/moto layer),
started as in the sandbox when the code first imports boto3, so exercises with side effects can be checked here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from .checks import Invocation
from .grading import thread_state

SCRIPT = r"""
import io, json, sys, traceback, contextlib
FILE = "/var/task/lambda_function.py"
request = json.loads(sys.stdin.read())

def frames(error):
    return [f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {f.line}\n'
            for f in traceback.extract_tb(error.__traceback__) if f.filename == FILE]

def failure(kind, message, trace=(), request_id=""):
    return {"errorType": kind, "errorMessage": message, "requestId": request_id, "stackTrace": list(trace)}

EMULATION = []  # emulated AWS (learn/sandbox/aws_emulation.py), started when the code first imports boto3
if request.get("aws"):
    import importlib.machinery, importlib.util, os
    # as Lambda sets them; fake credentials, so nothing could ever authenticate against real AWS
    os.environ.update({"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_ACCESS_KEY_ID": "ASIATRIGGERLABEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-real",
                       "AWS_SESSION_TOKEN": "not-real"})
    sys.path.insert(0, request["aws"]["layer"])
    spec = importlib.util.spec_from_file_location("_triggerlab_aws", request["aws"]["module"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.EMULATION.configure(request["aws"])

    class StartAfterImport:  # as the sandbox's runtime does: once boto3 (or botocore alone) has loaded
        def find_spec(self, name, path=None, target=None):
            if name not in ("boto3", "botocore") or EMULATION or (name == "botocore" and "boto3" in sys.modules):
                return None
            found = importlib.machinery.PathFinder.find_spec(name, path)
            load = found.loader.exec_module

            def exec_module(loaded):
                load(loaded)
                if not EMULATION:
                    EMULATION.append(module.EMULATION)
                    module.EMULATION.start()

            found.loader.exec_module = exec_module
            return found

    sys.meta_path.insert(0, StartAfterImport())

def aws_report():
    return EMULATION[0].take() if EMULATION else None

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
        results.append({"status": "ok", "response": response, "error": None, "logs": out.getvalue().splitlines(),
                        "aws": aws_report()})
    except Exception as error:
        results.append({"status": "error", "response": None, "logs": out.getvalue().splitlines(),
                        "error": failure(type(error).__name__, str(error), frames(error), f"request-{number}"),
                        "aws": aws_report()})
print(json.dumps(results))
"""


def run_trusted(
    code: str, handler: str, events: Sequence[Any], env_key: str, aws: dict | None = None
) -> list[Invocation]:
    """`aws` (a step with resources) runs the code against the sandbox's AWS emulation, in this subprocess,
    from the sandbox's boto3/moto layer (AwsLayerMissing when it is not installed)."""
    from learn.sandbox import environments

    request: dict[str, Any] = {"code": code, "handler": handler, "events": list(events)}
    if aws is not None:
        layer = environments.aws_layer()
        if layer is None:
            raise AwsLayerMissing("the boto3/moto layer is not installed (make install)")
        request["aws"] = {**aws, "layer": str(layer), "module": str(environments.AWS_MODULE)}
    completed = subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if completed.returncode != 0:
        error = {"errorType": "Runtime.ExitError", "errorMessage": completed.stderr[-500:], "requestId": "?"}
        return [Invocation("crash", None, error, ()) for _ in events]
    runs, report = [], None
    for r in json.loads(completed.stdout):
        aws, report = thread_state(aws, r.get("aws"), report)
        runs.append(Invocation(r["status"], r["response"], r["error"], tuple(r["logs"]), report))
    return runs


class AwsLayerMissing(RuntimeError):
    pass
