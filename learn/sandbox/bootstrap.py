"""The runtime INSIDE the sandbox (stdlib only, run by /usr/bin/python3 -I -S -B): an execution environment.

It reads length-prefixed JSON requests on stdin and answers on fd 3. The first request carries the code:
INIT compiles it as module `lambda_function` once; later requests are invocations of the same module, so
module state and /tmp persist like a warm Lambda environment. Everything it sends back is learner data.
"""
from __future__ import annotations

import io
import json
import os
import sys
import time

RESULT_FD = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LOG_CAP = 256 * 1024
RESPONSE_CAP = 6 * 1024 * 1024


def read_frame():
    header = sys.stdin.buffer.read(8)
    if len(header) < 8:
        return None
    return json.loads(sys.stdin.buffer.read(int(header)))


def write_frame(data):
    payload = json.dumps(data).encode()
    os.write(RESULT_FD, b"%08d" % len(payload) + payload)


class Capture(io.TextIOBase):
    def __init__(self):
        self.parts, self.size, self.dropped = [], 0, 0

    def write(self, text):
        if self.size + len(text) > LOG_CAP:
            self.dropped += len(text)
            return len(text)
        self.parts.append(text)
        self.size += len(text)
        return len(text)

    def take(self):
        text, self.parts, self.size = "".join(self.parts), [], 0
        return text


class Identity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class Context:
    def __init__(self, request, deadline):
        self.function_name = request["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.memory_limit_in_mb = str(request["memory_mb"])  # a string, as in the real runtime
        self.aws_request_id = request["request_id"]
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = request["log_stream"]
        self.identity = Identity()
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_payload(kind, message, request_id, stack=()):
    return {"errorMessage": message, "errorType": kind, "requestId": request_id, "stackTrace": list(stack)}


def frames(error):
    import traceback  # only on errors: importing it up front costs every cold start

    summary = traceback.extract_tb(error.__traceback__)
    keep = [f for f in summary if f.filename == "/var/task/lambda_function.py"]
    return traceback.format_list(keep)


REQUEST = {"id": ""}


def configure_logging(logging, stream):
    """What the Python runtime does to the root logger: one handler with the Lambda prefix, level WARNING."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                           "%Y-%m-%dT%H:%M:%S"))

    class RequestId(logging.Filter):
        def filter(self, record):
            record.aws_request_id = REQUEST["id"]
            return True

    handler.addFilter(RequestId())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


class LoggingOnImport:
    """Configure `logging` the moment the learner's code imports it (importing it up front costs ~3 ms of every
    cold start, and most handlers never log). The learner sees the same, pre-configured root logger."""

    def __init__(self, stream):
        self.stream = stream

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        spec = next((s for f in sys.meta_path if (s := f.find_spec(name, path, target)) is not None), None)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module
        stream = self.stream

        def exec_module(module):
            load(module)
            configure_logging(module, stream)

        spec.loader.exec_module = exec_module
        return spec


def main():
    first = read_frame()
    capture = Capture()
    sys.stdout = sys.stderr = capture
    if "logging" in sys.modules:
        configure_logging(sys.modules["logging"], capture)
    else:
        sys.meta_path.insert(0, LoggingOnImport(capture))
    os.environ.update(first.get("env", {}))
    started = time.monotonic()
    init_error = None
    function = None
    namespace = {"__name__": "lambda_function", "__file__": "/var/task/lambda_function.py"}
    try:
        code = compile(first["code"], "/var/task/lambda_function.py", "exec")
        exec(code, namespace)
        function = namespace.get(first["handler"])
        if not callable(function):
            missing = f"Handler '{first['handler']}' missing on module 'lambda_function'"
            init_error = ("Runtime.HandlerNotFound", missing, [])
    except SyntaxError as error:
        init_error = ("Runtime.UserCodeSyntaxError", f"Syntax error in module 'lambda_function': {error.msg} "
                      f"(lambda_function.py, line {error.lineno})", [])
    except Exception as error:  # noqa: BLE001 - the learner's module failed at import
        init_error = ("Runtime.ImportModuleError", f"Unable to import module 'lambda_function': {error}", frames(error))
    init_ms = (time.monotonic() - started) * 1000
    if init_error:  # the real runtime warns before it reports an init failure
        capture.write("LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code.\n"
                      f"[ERROR] {init_error[0]}: {init_error[1]}\n")
    write_frame({"init": True, "init_ms": init_ms, "logs": capture.take()})
    while True:
        request = read_frame()
        if request is None:
            break
        REQUEST["id"] = request["request_id"]
        deadline = time.monotonic() + request["timeout_s"]
        begin = time.monotonic()
        status, response, error = "ok", None, None
        if init_error:
            status, error = "error", error_payload(init_error[0], init_error[1], request["request_id"], init_error[2])
        else:
            try:
                response = function(request["event"], Context(request, deadline))
            except SystemExit as exit_error:
                status = "error"
                error = error_payload("Runtime.ExitError", f"RequestId: {request['request_id']} Error: Runtime exited "
                                      f"with error: exit status {exit_error.code}", request["request_id"])
            except Exception as handler_error:  # noqa: BLE001 - any exception is the learner's function error
                status = "error"
                error = error_payload(type(handler_error).__name__, str(handler_error), request["request_id"],
                                      frames(handler_error))
                capture.write(f"[ERROR] {type(handler_error).__name__}: {handler_error}\n"
                              "Traceback (most recent call last):\n" + "".join(frames(handler_error)))
            else:
                try:
                    size = len(json.dumps(response).encode())
                except (TypeError, ValueError) as marshal_error:
                    status, response = "error", None
                    error = error_payload("Runtime.MarshalError", f"Unable to marshal response: {marshal_error}",
                                          request["request_id"])
                    capture.write(f"[ERROR] Runtime.MarshalError: Unable to marshal response: {marshal_error}\n")
                else:
                    if size > RESPONSE_CAP:  # a synchronous response may be at most 6 MB
                        status, response = "error", None
                        error = error_payload("Triggerlab.ResponseTooLarge", f"The response is {size:,} bytes: over "
                                              "the 6 MB limit for a synchronous response.", request["request_id"])
        duration = (time.monotonic() - begin) * 1000
        try:
            import resource

            max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        except Exception:  # noqa: BLE001
            max_rss_mb = 0
        write_frame({"request_id": request["request_id"], "status": status,
                     "response": response if status == "ok" else None, "error": error,
                     "logs": capture.take(), "duration_ms": duration, "max_rss_mb": max_rss_mb,
                     "dropped": capture.dropped})


if __name__ == "__main__":
    main()
