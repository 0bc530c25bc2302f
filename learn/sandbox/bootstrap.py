"""The runtime INSIDE the sandbox (stdlib only, run by /usr/bin/python3 -I -S -B): an execution environment.

It reads length-prefixed JSON requests on stdin and answers on fd 3. The first request carries the code:
INIT imports it as module `lambda_function` from `/var/task/lambda_function.py` once; later requests are
invocations of the same module, so module state and /tmp persist like a warm Lambda environment. Everything
it sends back is learner data.

What it prints and answers follows AWS's Python runtime interface client (awslambdaric): the error payloads,
the `[ERROR]` log records, the init-error rules, the simplejson marshalling of the response. Where the real
runtime process would be gone (an init error, `sys.exit`, a crash), the result frame says `"reset": true` and
this process exits, so the next invocation is a cold start.
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
# simplejson gives up at about 990 levels of nesting (the recursion limit); the host's own JSON parser, reading
# the frame deeper in its stack, a little before that: stop at 900, with simplejson's error
DEPTH_CAP = 900
MODULE = "lambda_function"
TASK_FILE = "/var/task/lambda_function.py"
HOST_STDLIB = os.path.dirname(os.__file__) + "/"  # /usr/lib/python3.11/ here...
LAMBDA_STDLIB = "/var/lang/lib/python3.11/"  # ...where the managed runtime keeps it
# The frame through which the real runtime calls the handler: it is all that is left of a traceback when the
# call itself fails (a one-argument handler, a handler that is not callable).
RUNTIME_FRAME = (
    "/var/runtime/awslambdaric/bootstrap.py",
    178,
    "handle_event_request",
    "response = request_handler(event, lambda_context)",
)
IMPORT_FRAME = (
    LAMBDA_STDLIB + "importlib/__init__.py",
    126,
    "import_module",
    "return _bootstrap._gcd_import(name[level:], package, level)",
)
WRITE_FRAME = {"write": (361, "self.stream.write(msg)")}  # the runtime's stdout wrapper, where a bad write fails
# importlib's frozen frames moved by two lines between CPython 3.11.2 (here) and the 3.11 Lambda runs
FROZEN_LINES = {("_gcd_import", 1206): 1204, ("_find_and_load", 1178): 1176, ("_find_and_load_unlocked", 1149): 1147}
WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, "
    "in rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using "
    "managed runtimes, runtime updates can be triggered by a function change, or can be applied "
    "automatically. To determine if the runtime has been updated, check the runtime version in the "
    "INIT_START log entry. If this error correlates with a change in the runtime version, you may be able "
    "to mitigate this error by temporarily rolling back to the previous runtime version. For more "
    "information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


def read_frame():
    header = sys.stdin.buffer.read(8)
    if len(header) < 8:
        return None
    return json.loads(sys.stdin.buffer.read(int(header)))


def write_frame(data, body=None):
    """`body`, when given, is the response already serialised (Lambda's exact bytes): it goes in as is."""
    text = json.dumps(data)
    if body is not None:
        text = text[:-1] + ', "response": ' + body + "}"
    payload = text.encode()
    view = memoryview(b"%08d" % len(payload) + payload)
    while view:
        view = view[os.write(RESULT_FD, view) :]


class Capture(io.TextIOBase):
    def __init__(self):
        self.parts, self.size, self.dropped = [], 0, 0

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.size + len(text) > LOG_CAP:
            self.dropped += len(text)
            return len(text)
        self.parts.append(text)
        self.size += len(text)
        return len(text)

    def take(self):
        text, self.parts, self.size = "".join(self.parts), [], 0
        return text


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self):
        self.cognito_identity_id = self.cognito_identity_pool_id = None

    def __repr__(self):
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class LambdaContext:
    def __init__(self, request, deadline):
        self.aws_request_id = request["request_id"]
        self.function_name = request["function_name"]
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = request["log_stream"]
        self.memory_limit_in_mb = str(request["memory_mb"])  # a string, as in the real runtime
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.tenant_id = None
        self.client_context = None
        self.identity = CognitoIdentity()
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def log(self, msg):
        LOG_STREAM[0].write(str(msg))

    def __repr__(self):
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity},tenant_id={self.tenant_id}])"
        )


REQUEST = {"id": ""}
LOG_STREAM = [sys.__stdout__]  # the log sink: the capture, once main() has made it


def configure_logging(logging, stream):
    """What the Python runtime does to the root logger: one handler with the Lambda prefix, level WARNING."""

    class LambdaFormatter(logging.Formatter):
        converter = time.gmtime

        def formatException(self, ei):  # noqa: N802 - logging's name
            return super().formatException(ei).replace(f'File "{HOST_STDLIB}', f'File "{LAMBDA_STDLIB}')

    class RecordHandler(logging.StreamHandler):
        """Writes each record as is (the format ends in a line break), as the runtime's handler does. In the
        cloud a record is one log event, so one with a traceback still ends its line."""

        terminator = ""

        def format(self, record):
            text = super().format(record)
            return text if text.endswith("\n") else text + "\n"

    handler = RecordHandler(stream)
    handler.setFormatter(
        LambdaFormatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
    )

    class RequestId(logging.Filter):
        def filter(self, record):
            record.aws_request_id = REQUEST["id"]
            return True

    handler.addFilter(RequestId())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


class OnImport:
    """Set a module up the moment the learner's code imports it: `logging` gets the runtime's root logger,
    `linecache` the learner's source (so `warnings` and `traceback` show code lines). Importing them up front
    would cost every cold start a few ms, and most handlers never need them."""

    def __init__(self, hooks):
        self.hooks = hooks

    def find_spec(self, name, path=None, target=None):
        if name not in self.hooks:
            return None
        hook = self.hooks.pop(name)
        if not self.hooks:
            sys.meta_path.remove(self)
        spec = next(
            (s for f in sys.meta_path if f is not self and (s := f.find_spec(name, path, target)) is not None), None
        )
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            hook(module)

        spec.loader.exec_module = exec_module
        return spec


class TaskLoader(sys.modules["_frozen_importlib_external"].SourceLoader):
    """Loads `lambda_function` from the code as if it were the file /var/task/lambda_function.py, through the
    same importlib machinery as the real runtime: same frames in tracebacks, and `linecache` finds the source
    (through `get_source`), so every traceback shows the code line."""

    def __init__(self, source):
        self.source = source

    def get_filename(self, fullname):
        return TASK_FILE

    def get_data(self, path):
        if path != TASK_FILE:
            raise OSError(path)
        return self.source

    def source_to_code(self, data, path, *, _optimize=-1):
        try:
            return super().source_to_code(data, path, _optimize=_optimize)
        except ValueError as error:  # CPython 3.11.2 raises ValueError here; the later 3.11 Lambda runs, SyntaxError
            if "null bytes" in str(error):
                raise SyntaxError(str(error)) from None
            raise


class TaskFinder:
    def __init__(self, loader):
        self.loader = loader

    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        return sys.modules["_frozen_importlib_external"].spec_from_file_location(name, TASK_FILE, loader=self.loader)


class Fault(Exception):
    """One of the runtime's own errors (awslambdaric's FaultException)."""

    def __init__(self, kind, message, trace=None):
        super().__init__(message)
        self.kind, self.message, self.trace = kind, message, trace


def make_error(message, kind, stack, request_id=""):
    return {"errorMessage": message or "", "errorType": kind or "", "requestId": request_id, "stackTrace": stack or []}


def remember_source(linecache, source):
    """The learner's source in linecache, as if the file were there (mtime None: never checked)."""
    text = source.decode("utf-8", "replace")
    linecache.cache[TASK_FILE] = (len(text), None, text.splitlines(True), TASK_FILE)


def stack_trace(error, loader):
    """The runtime's stackTrace: every frame after the runtime's own leading ones, in `format_list` form from
    (file, line, name, code) tuples (no caret lines); only the runtime frame if nothing else is left."""
    import linecache
    import traceback

    remember_source(linecache, loader.source)  # again, in case the learner's code cleared the cache
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_globals is globals():
        tb = tb.tb_next
    walked = list(traceback.walk_tb(tb))
    limit = getattr(sys, "tracebacklimit", None)  # as extract_tb applies it
    if isinstance(limit, int):
        walked = walked[: max(limit, 0)] if limit >= 0 else walked[limit:]
    summary = traceback.StackSummary.extract(iter(walked))
    frames = []
    for entry, runtime in zip(summary, [frame.f_globals is globals() for frame, _ in walked], strict=True):
        path, line, name, code = entry.filename, entry.lineno, entry.name, entry.line
        if runtime:  # a runtime frame further in (the learner wrote bytes to sys.stdout...): the runtime's file
            path, line, code = RUNTIME_FRAME[0], *WRITE_FRAME.get(name, (line, None))
        elif path.startswith(HOST_STDLIB):
            path = LAMBDA_STDLIB + path[len(HOST_STDLIB) :]
        elif path.startswith("<frozen importlib"):
            line = FROZEN_LINES.get((name, line), line)
        frames.append((path, line, name, code))
    if frames and frames[0][2] == "_gcd_import":  # the real runtime imports through importlib.import_module,
        frames.insert(0, IMPORT_FRAME)  # whose frame comes first (this skips importing importlib: a cold start cost)
    elif not frames:
        frames = [RUNTIME_FRAME]
    return traceback.format_list(frames)


def fault_result(error, loader, request_id=""):
    """awslambdaric's build_fault_result / the invoke handler: the exception's own type, message and frames."""
    return make_error(str(error), type(error).__name__, stack_trace(error, loader), request_id)


def log_error(error, stream):
    """The `[ERROR]` record: type and message, then `Traceback (most recent call last):` and the frames, each
    frame line indented with no-break spaces as in CloudWatch (one record; its lines joined by newlines)."""
    head = "[ERROR]"
    if error["errorType"]:
        head += " " + error["errorType"]
    if error["errorMessage"]:
        head += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [head, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for line in element.splitlines() if element else [""]:
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    stream.write("\n".join(lines) + "\n")


def to_json(value):
    """The response as Lambda's marshaller writes it: simplejson with Decimal as its exact text (a NaN Decimal
    as NaN), bytes decoded as UTF-8, namedtuples (anything with `_asdict`) as objects, NaN/Infinity allowed,
    non-ASCII escaped (the 3.11 setting). Raises what simplejson would raise."""
    encode_str = json.encoder.encode_basestring_ascii
    decimal = sys.modules.get("decimal")
    decimal_type = decimal.Decimal if decimal is not None else ()
    parts, markers = [], set()
    append = parts.append

    def number(value):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)

    def key_text(key):
        if isinstance(key, str):
            return key
        if isinstance(key, bytes):
            return str(key, "utf-8")
        if isinstance(key, float):
            return number(key)
        if key is True or key is False or key is None:
            return {True: "true", False: "false", None: "null"}[key]
        if isinstance(key, int):
            return int.__repr__(int(key))
        raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")

    def encode(value):  # one Python frame per nesting level, so the depth limit is about simplejson's
        if isinstance(value, str):
            append(encode_str(value))
        elif isinstance(value, bytes):
            append(encode_str(str(value, "utf-8")))
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif isinstance(value, int):
            append(int.__repr__(int(value)))
        elif isinstance(value, float):
            append(number(value))
        else:
            as_dict = getattr(value, "_asdict", None)
            if callable(as_dict):
                try:
                    as_dict = (as_dict(),)
                except TypeError:
                    as_dict = None
            else:
                as_dict = None
            if as_dict is not None:
                if not isinstance(as_dict[0], dict):
                    raise TypeError(f"_asdict() must return a dict, not {type(as_dict[0]).__name__}")
                items, is_dict = as_dict[0].items(), True
            elif isinstance(value, (list, tuple)):
                items, is_dict = value, False
            elif isinstance(value, dict):
                items, is_dict = value.items(), True
            elif isinstance(value, decimal_type):
                append("NaN" if value.is_nan() else str(value))
                return
            else:
                raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
            marker = id(value)
            if marker in markers:
                raise ValueError("Circular reference detected")
            if len(markers) >= DEPTH_CAP:  # markers holds the containers being written: their number is the depth
                raise RecursionError
            markers.add(marker)
            append("{" if is_dict else "[")
            first = True
            for item in items:
                if not first:
                    append(", ")
                first = False
                if is_dict:
                    key, item = item
                    append(encode_str(key if type(key) is str else key_text(key)))
                    append(": ")
                kind = type(item)  # the common scalars inline: a call per item would double the time
                if kind is str:
                    append(encode_str(item))
                elif kind is int:
                    append(int.__repr__(item))
                elif kind is float:
                    append(number(item))
                elif item is None:
                    append("null")
                else:
                    encode(item)
            append("}" if is_dict else "]")
            markers.discard(marker)

    encode(value)
    return "".join(parts)


def marshal(response):
    """(body, is_json) as the runtime's marshaller: bytes go out as they are, anything else as JSON."""
    if isinstance(response, bytes):
        return response, False
    try:
        return to_json(response), True
    except RecursionError:
        raise Fault(
            "Runtime.MarshalError",
            "Unable to marshal response: maximum recursion depth exceeded while encoding a JSON object",
        ) from None
    except Exception as error:  # noqa: BLE001 - the runtime turns any failure into a MarshalError
        raise Fault("Runtime.MarshalError", f"Unable to marshal response: {error}") from None


def exit_status(code):
    """What the process's exit status would be after `sys.exit(code)`, and what Python prints first."""
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code & 0xFF, ""
    return 1, f"{code}\n"


def exit_error(request_id, status):
    """The platform's answer when the runtime process exits mid-invocation: two keys, and two log lines."""
    reason = f"Runtime exited with error: {status}" if status else "Runtime exited without providing a reason"
    message = f"RequestId: {request_id} Error: {reason}"
    return {"errorType": "Runtime.ExitError", "errorMessage": message}, f"{message}\nRuntime.ExitError\n"


def crash_report(error, loader):
    """What Python prints when an exception escapes the runtime (the process then dies with status 1)."""
    import linecache
    import traceback

    remember_source(linecache, loader.source)  # again, in case the learner's code cleared the cache
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_globals is globals():
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb)).replace(
        f'File "{HOST_STDLIB}', f'File "{LAMBDA_STDLIB}'
    )


def initialise(first, loader, capture):
    """Import the module and find the handler, as awslambdaric's _get_handler. Returns (function, init_error,
    exit_status): an init error is a payload (posted with requestId ""); exit_status when the process would
    have ended (the module called sys.exit, or something escaped the runtime)."""
    try:
        return find_handler(first["handler"]), None, None
    except Fault as fault:
        error = make_error(fault.message, fault.kind, fault.trace)
    except Exception as import_error:  # noqa: BLE001 - anything else keeps its own type, message and frames
        try:
            error = fault_result(import_error, loader)
        except BaseException as other:  # noqa: BLE001 - e.g. str() of it failed: the real runtime dies here
            capture.write(crash_report(other, loader))
            return None, None, 1
    except SystemExit as exit_request:
        status, printed = exit_status(exit_request.code)
        capture.write(printed)
        return None, None, status
    except BaseException as other:  # noqa: BLE001 - e.g. KeyboardInterrupt: the process would die
        capture.write(crash_report(other, loader))
        return None, None, 1
    try:
        import logging

        logging.warning(WARNING)  # a logging record: the [WARNING] prefix, an empty request id
    except Exception:  # noqa: BLE001 - the learner's module broke logging: the warning still goes out
        capture.write(f"[WARNING]\t{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())}.000Z\t\t{WARNING}\n")
    log_error(error, capture)
    return None, error, None


def find_handler(handler):
    try:
        module = sys.modules["_frozen_importlib"]._gcd_import(MODULE)
    except ImportError as error:
        raise Fault("Runtime.ImportModuleError", f"Unable to import module '{MODULE}': {error}") from None
    except SyntaxError as error:
        trace = ['  File "%s" Line %s\n    %s' % (error.filename, error.lineno, error.text)]  # noqa: UP031
        raise Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{MODULE}': {error}", trace) from None
    try:
        return getattr(module, handler)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", f"Handler '{handler}' missing on module '{MODULE}'") from None


def invoke(function, request, loader, capture):
    """One invocation, as awslambdaric's handle_event_request. Returns (status, body, is_json, error, reset)."""
    request_id = request["request_id"]
    deadline = time.monotonic() + request["timeout_s"]
    try:
        try:
            response = function(request["event"], LambdaContext(request, deadline))
            body, is_json = marshal(response)
        except Fault as fault:
            error = make_error(fault.message, fault.kind, fault.trace, request_id)
        except Exception as handler_error:  # noqa: BLE001 - any exception is the learner's function error
            error = fault_result(handler_error, loader, request_id)
        else:
            return "ok", body, is_json, None, False
        log_error(error, capture)
        return "error", None, True, error, False
    except SystemExit as exit_request:  # the real runtime does not catch it: the process exits
        status, printed = exit_status(exit_request.code)
        capture.write(printed)
        error, lines = exit_error(request_id, f"exit status {status}" if status else "")
    except BaseException as other:  # noqa: BLE001 - escaped the runtime (or str() of it failed): the process dies
        capture.write(crash_report(other, loader))
        signal = isinstance(other, KeyboardInterrupt)
        error, lines = exit_error(request_id, "signal: interrupt" if signal else "exit status 1")
    capture.write(lines)
    return "error", None, True, error, True


AWS = []  # the emulation, once the learner's code has imported boto3 or botocore


def start_aws(config):
    """Load the emulation (a file beside this runtime) and start it: moto answers every call from now on."""
    if AWS:
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("_triggerlab_aws", config["module"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.EMULATION.configure(config)
    AWS.append(module.EMULATION)
    try:
        module.EMULATION.start()
    except Exception as error:  # noqa: BLE001
        raise ImportError(
            f"Triggerlab's emulated AWS could not start: {type(error).__name__}: {str(error)[:300]}. If your "
            "resources came from an earlier run, Reset resources on the sandbox page brings back the scenario's own."
        ) from None


def emulator_overhead():
    return AWS[0].overhead_ms if AWS else 0.0


def aws_report():
    """The calls and resources after an invocation; what went wrong if the learner's code broke the reading."""
    try:
        return AWS[0].take()
    except Exception as error:  # noqa: BLE001
        return {"calls": AWS[0].calls[:100], "error": f"{type(error).__name__}: {str(error)[:300]}"}


def main():
    first = read_frame()
    capture = Capture()
    sys.stdout = sys.stderr = LOG_STREAM[0] = capture
    loader = TaskLoader(first["code"].encode("utf-8", "surrogatepass"))
    hooks = {
        "logging": lambda logging: configure_logging(logging, capture),
        "linecache": lambda linecache: remember_source(linecache, loader.source),
    }
    for name in [name for name in hooks if name in sys.modules]:
        hooks.pop(name)(sys.modules[name])
    aws = first.get("aws")
    if aws is not None:  # boto3 importable, against emulated AWS that starts when it is first imported
        sys.path.append(aws["layer"])
        hooks["boto3"] = lambda boto3: start_aws(aws)
        hooks["botocore"] = lambda botocore: "boto3" in sys.modules or start_aws(aws)  # boto3's own import waits
    if hooks:
        sys.meta_path.insert(0, OnImport(hooks))
    os.environ.update(first.get("env", {}))
    sys.meta_path.insert(0, TaskFinder(loader))
    started = time.monotonic()
    function, init_error, init_exit = initialise(first, loader, capture)
    emulator_ms = emulator_overhead()
    init_ms = (time.monotonic() - started) * 1000 - emulator_ms
    write_frame({"init": True, "init_ms": init_ms, "emulator_ms": emulator_ms, "logs": capture.take()})
    while True:
        request = read_frame()
        if request is None:
            break
        REQUEST["id"] = request["request_id"]
        if "aws" in request and AWS:
            AWS[0].configure(request["aws"])
        elif "aws" in request and first.get("aws") is not None:
            first["aws"].update(request["aws"])  # not started yet: what it starts with
        begin, overhead = time.monotonic(), emulator_overhead()
        if init_error is not None:  # the runtime posted the init error and exited
            status, body, is_json, error, reset = "error", None, True, init_error, True
        elif init_exit is not None:  # the module called sys.exit (or died) during INIT
            error, lines = exit_error(request["request_id"], f"exit status {init_exit}" if init_exit else "")
            capture.write(lines)
            status, body, is_json, reset = "error", None, True, True
        else:
            status, body, is_json, error, reset = invoke(function, request, capture=capture, loader=loader)
        if status == "ok":
            size = len(body)  # bytes, or ASCII JSON: one byte per character
            if size > RESPONSE_CAP:  # a synchronous response may be at most 6 MB
                status, body = "error", None
                error = make_error(
                    f"The response is {size:,} bytes: over the 6 MB limit for a synchronous response.",
                    "Triggerlab.ResponseTooLarge",
                    [],
                    request["request_id"],
                )
            elif not is_json:  # raw bytes (content type application/unknown): the frame carries them as text
                body = json.dumps(body.decode("utf-8", "replace"))
        emulator_ms = emulator_overhead() - overhead  # started (or rebuilt) during this invocation
        duration = (time.monotonic() - begin) * 1000 - emulator_ms
        try:
            import resource

            max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        except Exception:  # noqa: BLE001
            max_rss_mb = 0
        frame = {
            "request_id": request["request_id"],
            "status": status,
            "error": error,
            "logs": capture.take(),
            "duration_ms": duration,
            "max_rss_mb": max_rss_mb,
            "dropped": capture.dropped,
        }
        if reset:
            frame["reset"] = True
        if body is None:
            frame["response"] = None
        if emulator_ms:
            frame["emulator_ms"] = emulator_ms
        if AWS:
            frame["aws"] = True  # an "aws" frame follows: the calls and the resources, read after Duration ends
        write_frame(frame, body)
        if AWS:
            write_frame({"request_id": request["request_id"], "aws": aws_report()})
        if reset:  # the real runtime process is gone: the next invocation is a cold start
            os._exit(0)


if __name__ == "__main__":
    main()
