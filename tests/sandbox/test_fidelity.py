"""The sandbox's runtime against AWS's own Python runtime interface client (awslambdaric 4.2.2, CPython 3.11).

One test per case of shared/runtime-fidelity-2026-12.md, plus the edges found while fixing it. Every expected
value below is what awslambdaric produced for the same code (driven with a fake Runtime API; its paths shown as
the cloud has them: the stdlib under /var/lang/lib/python3.11, the runtime under /var/runtime), or, where the
runtime process exits, what the Lambda platform answers. `<rid>` is the invocation's request id, `<ts>` a log
timestamp. Frame lines of an `[ERROR]` record are indented with no-break spaces, as in CloudWatch.
"""

from __future__ import annotations

import re

from learn.sandbox import runner

from .support import requires_sandbox

pytestmark = requires_sandbox

TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PLATFORM = ("INIT_START", "INIT_REPORT", "END RequestId", "REPORT RequestId", "[Triggerlab]")
NB = "\u00a0"
WARNING = (
    "[WARNING]\t<ts>\t\tLAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function "
    "code. However, in rare cases, a Lambda runtime update can cause unexpected function behavior. For "
    "functions using managed runtimes, runtime updates can be triggered by a function change, or can be "
    "applied automatically. To determine if the runtime has been updated, check the runtime version in the "
    "INIT_START log entry. If this error correlates with a change in the runtime version, you may be able to "
    "mitigate this error by temporarily rolling back to the previous runtime version. For more information, "
    "see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)
TASK = "/var/task/lambda_function.py"
RUNTIME_FRAME = (
    '  File "/var/runtime/awslambdaric/bootstrap.py", line 178, in handle_event_request\n'
    "    response = request_handler(event, lambda_context)\n"
)


def run(code: str, event=None, learner: str = "fidelity", handler: str = "handler"):
    return runner.run(
        code, event if event is not None else {}, learner=learner, handler=handler, timeout_s=3, memory_mb=128
    )


def lines(result) -> list[str]:
    """The log as the function wrote it: platform lines dropped except START, ids and timestamps normalised."""
    out = []
    for line in result.logs:
        if line.startswith(PLATFORM):
            continue
        line = TS.sub("<ts>", line.replace(result.request_id, "<rid>"))
        out.append("START" if line.startswith("START RequestId: <rid>") else line)
    return out


def invoke_lines(result) -> list[str]:
    logged = lines(result)
    return logged[logged.index("START") + 1 :]


def init_lines(result) -> list[str]:
    logged = lines(result)
    return logged[: logged.index("START")]


def record(kind: str, message: str, *frames: str) -> list[str]:
    """An `[ERROR]` record as the runtime writes it: head, Traceback line, frame lines (no-break indented)."""
    head = (
        "[ERROR]"
        + (f" {kind}" if kind else "")
        + (":" if kind and message else "")
        + (f" {message}" if message else "")
    )
    body = []
    for frame in frames:
        for line in frame.splitlines():
            stripped = line.lstrip(" ")
            body.append(NB * (len(line) - len(stripped)) + stripped)
    return [*head.split("\n"), "Traceback (most recent call last):", *body]


def error(result, message: str, kind: str, *stack: str, request_id: str | None = None) -> None:
    expected = {
        "errorMessage": message,
        "errorType": kind,
        "requestId": result.request_id if request_id is None else request_id,
        "stackTrace": list(stack),
    }
    assert result.status == "error"
    assert result.error == expected
    assert list(result.error) == ["errorMessage", "errorType", "requestId", "stackTrace"]


def frame(line: int, name: str, code: str, path: str = TASK) -> str:
    return f'  File "{path}", line {line}, in {name}\n    {code}\n'


# --- success cases ---------------------------------------------------------------------------------------------


def test_success_dict():
    result = run("def handler(event, context):\n    return {'ok': True, 'n': 3, 'items': [1, 2.5, None, 'x']}\n")
    assert result.status == "ok" and result.response == {"ok": True, "n": 3, "items": [1, 2.5, None, "x"]}
    assert invoke_lines(result) == []


def test_return_str():
    result = run("def handler(event, context):\n    return 'hello from lambda'\n")
    assert result.status == "ok" and result.response == "hello from lambda"


def test_return_none():
    result = run("def handler(event, context):\n    print('nothing to return')\n")
    assert result.status == "ok" and result.response is None
    assert invoke_lines(result) == ["nothing to return"]


def test_unicode_response():
    result = run("def handler(event, context):\n    return {'msg': 'h\u00e9llo \u2713 \u65e5\u672c'}\n")
    assert result.status == "ok" and result.response == {"msg": "h\u00e9llo \u2713 \u65e5\u672c"}


def test_init_output():
    code = (
        "import logging\nprint('cold start')\nlogging.warning('loading config')\n\n"
        "def handler(event, context):\n    logging.warning('in handler')\n    return 1\n"
    )
    result = run(code)
    assert result.status == "ok" and result.response == 1
    assert lines(result) == [
        "cold start",
        "[WARNING]\t<ts>\t\tloading config",
        "START",
        "[WARNING]\t<ts>\t<rid>\tin handler",
    ]  # one line per record (no blank line: D12)


# --- marshalling (D2, D8) -----------------------------------------------------------------------------------------


def test_return_datetime():
    result = run(
        "import datetime\n\ndef handler(event, context):\n    return {'at': datetime.datetime(2026, 1, 2, 3, 4, 5)}\n"
    )
    message = "Unable to marshal response: Object of type datetime is not JSON serializable"
    error(result, message, "Runtime.MarshalError")
    assert invoke_lines(result) == record("Runtime.MarshalError", message)  # with its empty Traceback line


def test_return_set():
    result = run("def handler(event, context):\n    return {'tags': {'a'}}\n")
    message = "Unable to marshal response: Object of type set is not JSON serializable"
    error(result, message, "Runtime.MarshalError")
    assert invoke_lines(result) == record("Runtime.MarshalError", message)


def test_return_bytes():
    # Lambda sends the bytes as they are (content type application/unknown); the frame carries them as text
    result = run("def handler(event, context):\n    return b'raw bytes body'\n")
    assert result.status == "ok" and result.response == "raw bytes body"
    assert invoke_lines(result) == []


def test_return_bytes_nested():
    result = run("def handler(event, context):\n    return {'data': b'abc'}\n")
    assert result.status == "ok" and result.response == {"data": "abc"}


def test_return_decimal():
    result = run(
        "from decimal import Decimal\n\ndef handler(event, context):\n"
        "    return {'price': Decimal('19.99'), 'qty': Decimal('3')}\n"
    )
    assert result.status == "ok" and result.response == {"price": 19.99, "qty": 3}
    assert isinstance(result.response["qty"], int)  # written as `3`, not `3.0`


def test_simplejson_rules_for_other_values():
    code = (
        "import collections\nfrom decimal import Decimal\nP = collections.namedtuple('P', 'x y')\n"
        "def handler(event, context):\n"
        "    return {'nan': Decimal('NaN'), 'exp': Decimal('1E+2'), 'point': P(1, 2), 'pairs': [P(3, 4)],\n"
        "            b'key': (1, b'x'), 1: 'int key', 2.5: 'float key', None: 'none key', 'inf': float('inf')}\n"
    )
    result = run(code)
    assert result.status == "ok"
    response = result.response
    # awslambdaric's body: {"nan": NaN, "exp": 1E+2, "point": {"x": 1, "y": 2}, "pairs": [{"x": 3, "y": 4}],
    #   "key": [1, "x"], "1": "int key", "2.5": "float key", "null": "none key", "inf": Infinity}
    assert response["nan"] != response["nan"] and response["exp"] == 100 and response["inf"] == float("inf")
    assert response["point"] == {"x": 1, "y": 2} and response["pairs"] == [{"x": 3, "y": 4}]
    assert response["key"] == [1, "x"]
    assert [response["1"], response["2.5"], response["null"]] == ["int key", "float key", "none key"]


def test_marshal_errors_match_simplejson():
    cases = {
        "{'data': b'\\xff'}": "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        "{Decimal('1.5'): 1}": "keys must be str, int, float, bool or None, not Decimal",
        "{(1, 2): 1}": "keys must be str, int, float, bool or None, not tuple",
        "[bytearray(b'ab')]": "Object of type bytearray is not JSON serializable",
        "(i for i in range(3))": "Object of type generator is not JSON serializable",
        "loop": "Circular reference detected",
        "10 ** 5000": "Exceeds the limit (4300 digits) for integer string conversion; use "
        "sys.set_int_max_str_digits() to increase the limit",
    }
    for value, message in cases.items():
        body = "a = []\n    a.append(a)\n    return a" if value == "loop" else f"return {value}"
        result = run(
            f"from decimal import Decimal\ndef handler(event, context):\n    {body}\n", learner=f"m{len(value)}"
        )
        error(result, f"Unable to marshal response: {message}", "Runtime.MarshalError")


def test_a_response_nested_too_deep_is_a_marshal_error_and_the_environment_lives_on():
    code = (
        "def handler(event, context):\n    x = []\n    for _ in range(event.get('depth', 100000)):\n"
        "        x = [x]\n    return x\n"
    )
    result = run(code)
    message = "Unable to marshal response: maximum recursion depth exceeded while encoding a JSON object"
    error(result, message, "Runtime.MarshalError")
    assert invoke_lines(result) == record("Runtime.MarshalError", message)
    again = run(code, {"depth": 800})  # 800 levels are fine for simplejson too
    assert again.status == "ok" and not again.cold


# --- handler exceptions (D1, D5, D9) -----------------------------------------------------------------------------


def test_raise_valueerror():
    code = (
        "def check(order):\n    if not order.get('lines'):\n"
        "        raise ValueError(f\"order {order['order_id']} has no lines\")\n\n"
        "def handler(event, context):\n    check(event)\n    return {'ok': True}\n"
    )
    result = run(code, {"order_id": 42})
    stack = (
        frame(6, "handler", "check(event)"),
        frame(3, "check", "raise ValueError(f\"order {order['order_id']} has no lines\")"),
    )
    error(result, "order 42 has no lines", "ValueError", *stack)
    assert invoke_lines(result) == record("ValueError", "order 42 has no lines", *stack)


def test_raise_custom():
    code = (
        "class PaymentDeclined(Exception):\n    pass\n\ndef handler(event, context):\n"
        "    raise PaymentDeclined('card 4242 declined: insufficient funds')\n"
    )
    result = run(code)
    stack = (frame(5, "handler", "raise PaymentDeclined('card 4242 declined: insufficient funds')"),)
    error(result, "card 4242 declined: insufficient funds", "PaymentDeclined", *stack)
    assert invoke_lines(result) == record("PaymentDeclined", "card 4242 declined: insufficient funds", *stack)


def test_keyerror_event():
    result = run("def handler(event, context):\n    for record in event['Records']:\n        print(record)\n")
    stack = (frame(2, "handler", "for record in event['Records']:"),)
    error(result, "'Records'", "KeyError", *stack)
    assert invoke_lines(result) == record("KeyError", "'Records'", *stack)


def test_multiline_message():
    result = run(
        "def handler(event, context):\n    raise RuntimeError('first line\\nsecond line\\n  indented third')\n"
    )
    stack = (frame(2, "handler", "raise RuntimeError('first line\\nsecond line\\n  indented third')"),)
    error(result, "first line\nsecond line\n  indented third", "RuntimeError", *stack)
    assert invoke_lines(result) == [
        "[ERROR] RuntimeError: first line",
        "second line",
        "  indented third",
        "Traceback (most recent call last):",
        f'{NB * 2}File "{TASK}", line 2, in handler',
        f"{NB * 4}raise RuntimeError('first line\\nsecond line\\n  indented third')",
    ]


def test_unicode_error():
    result = run("def handler(event, context):\n    raise ValueError('caf\u00e9 \u2615 \u65e5\u672c\u8a9e')\n")
    stack = (frame(2, "handler", "raise ValueError('caf\u00e9 \u2615 \u65e5\u672c\u8a9e')"),)
    error(result, "caf\u00e9 \u2615 \u65e5\u672c\u8a9e", "ValueError", *stack)
    assert invoke_lines(result) == record("ValueError", "caf\u00e9 \u2615 \u65e5\u672c\u8a9e", *stack)


def test_recursion():
    result = run("def walk(n):\n    return walk(n + 1)\n\ndef handler(event, context):\n    return walk(0)\n")
    walk = frame(2, "walk", "return walk(n + 1)")
    stack = (frame(5, "handler", "return walk(0)"), walk, walk, walk, "  [Previous line repeated 993 more times]\n")
    error(result, "maximum recursion depth exceeded", "RecursionError", *stack)
    assert invoke_lines(result) == record("RecursionError", "maximum recursion depth exceeded", *stack)


def test_empty_message():
    result = run("def handler(event, context):\n    raise ValueError()\n")
    stack = (frame(2, "handler", "raise ValueError()"),)
    error(result, "", "ValueError", *stack)
    assert invoke_lines(result)[0] == "[ERROR] ValueError"  # no colon when the message is empty (D9)
    assert invoke_lines(result) == record("ValueError", "", *stack)


def test_stdlib_frames():
    result = run("import json\n\ndef handler(event, context):\n    return json.loads('{not json')\n")
    lib = "/var/lang/lib/python3.11/json/"
    stack = (
        frame(4, "handler", "return json.loads('{not json')"),
        frame(346, "loads", "return _default_decoder.decode(s)", lib + "__init__.py"),
        frame(337, "decode", "obj, end = self.raw_decode(s, idx=_w(s, 0).end())", lib + "decoder.py"),
        frame(353, "raw_decode", "obj, end = self.scan_once(s, idx)", lib + "decoder.py"),
    )
    message = "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    error(result, message, "JSONDecodeError", *stack)
    assert invoke_lines(result) == record("JSONDecodeError", message, *stack)


def test_chained_exception_shows_only_its_own_frames():
    code = (
        "def handler(event, context):\n    try:\n        {}['k']\n    except KeyError as err:\n"
        "        raise ValueError('wrapped') from err\n"
    )
    result = run(code)
    error(result, "wrapped", "ValueError", frame(5, "handler", "raise ValueError('wrapped') from err"))


def test_logging_levels():
    code = (
        "import logging\n\nlogger = logging.getLogger()\nchild = logging.getLogger('orders')\n\n\n"
        "def handler(event, context):\n    logging.info('not shown')\n    logger.warning('shown warning')\n"
        "    logger.setLevel(logging.INFO)\n    logging.info('now shown')\n    child.error('child error %s', 7)\n"
        "    logging.debug('no debug')\n    try:\n        total = 0\n        if event.get('boom', True):\n"
        "            pass\n        1 / 0\n    except ZeroDivisionError:\n        logging.exception('failed to divide')\n"
        "    print('after')\n    return 'done'\n"
    )
    result = run(code)
    assert result.status == "ok" and result.response == "done"
    assert invoke_lines(result) == [
        "[WARNING]\t<ts>\t<rid>\tshown warning",
        "[INFO]\t<ts>\t<rid>\tnow shown",
        "[ERROR]\t<ts>\t<rid>\tchild error 7",
        "[ERROR]\t<ts>\t<rid>\tfailed to divide",
        "Traceback (most recent call last):",
        f'  File "{TASK}", line 18, in handler',
        "    1 / 0",
        "    ~~^~~",
        "ZeroDivisionError: division by zero",
        "after",
    ]  # a record with a traceback is one CloudWatch event: what follows starts a new line


def test_logging_exception_shows_stdlib_frames_at_lambda_paths():
    code = (
        "import logging, json\ndef handler(event, context):\n    try:\n        json.loads('x')\n"
        "    except ValueError:\n        logging.exception('bad')\n    return 1\n"
    )
    logged = invoke_lines(run(code))
    assert '  File "/var/lang/lib/python3.11/json/__init__.py", line 346, in loads' in logged
    assert "    json.loads('x')" in logged


def test_warnings_show_the_code_line():
    result = run("import warnings\ndef handler(event, context):\n    warnings.warn('careful')\n    return 1\n")
    assert invoke_lines(result) == [f"{TASK}:3: UserWarning: careful", "  warnings.warn('careful')"]


def test_writing_bytes_to_stdout_fails_in_the_runtime_wrapper():
    result = run("import sys\ndef handler(event, context):\n    sys.stdout.write(b'x')\n")
    error(
        result,
        "write() argument must be str, not bytes",
        "TypeError",
        frame(3, "handler", "sys.stdout.write(b'x')"),
        frame(361, "write", "self.stream.write(msg)", "/var/runtime/awslambdaric/bootstrap.py"),
    )


# --- handler-shaped mistakes (D4, D5) ----------------------------------------------------------------------------


def test_handler_not_callable():
    result = run("handler = {'route': '/orders'}\n")
    error(result, "'dict' object is not callable", "TypeError", RUNTIME_FRAME)  # at invoke, not init
    assert init_lines(result) == []
    assert invoke_lines(result) == record("TypeError", "'dict' object is not callable", RUNTIME_FRAME)


def test_handler_one_arg():
    result = run("def handler(event):\n    return event\n")
    message = "handler() takes 1 positional argument but 2 were given"
    error(result, message, "TypeError", RUNTIME_FRAME)
    assert invoke_lines(result) == record("TypeError", message, RUNTIME_FRAME)


def test_handler_with_a_third_argument():
    result = run("def handler(event, context, extra):\n    return 1\n")
    error(result, "handler() missing 1 required positional argument: 'extra'", "TypeError", RUNTIME_FRAME)


# --- init errors (D3, D6, D7) -----------------------------------------------------------------------------------


def test_syntax_error():
    result = run("def handler(event, context)\n    return 1\n")
    message = "Syntax error in module 'lambda_function': expected ':' (lambda_function.py, line 1)"
    trace = f'  File "{TASK}" Line 1\n    def handler(event, context)\n'
    error(result, message, "Runtime.UserCodeSyntaxError", trace, request_id="")
    assert init_lines(result) == [WARNING, *record("Runtime.UserCodeSyntaxError", message, trace)]


def test_indentation_error():
    result = run("def handler(event, context):\nreturn 1\n")
    message = (
        "Syntax error in module 'lambda_function': expected an indented block after function definition on "
        "line 1 (lambda_function.py, line 2)"
    )
    error(result, message, "Runtime.UserCodeSyntaxError", f'  File "{TASK}" Line 2\n    return 1\n', request_id="")


def test_null_byte_in_the_code():
    result = run("x = 1\x00\n")
    error(
        result,
        "Syntax error in module 'lambda_function': source code string cannot contain null bytes",
        "Runtime.UserCodeSyntaxError",
        '  File "None" Line None\n    None',
        request_id="",
    )


def test_import_missing():
    result = run("import not_a_module\n\ndef handler(event, context):\n    return 1\n")
    message = "Unable to import module 'lambda_function': No module named 'not_a_module'"
    error(result, message, "Runtime.ImportModuleError", request_id="")
    assert init_lines(result) == [WARNING, *record("Runtime.ImportModuleError", message)]


def test_handler_missing():
    result = run("def main(event, context):\n    return 1\n")
    message = "Handler 'handler' missing on module 'lambda_function'"
    error(result, message, "Runtime.HandlerNotFound", request_id="")
    assert init_lines(result) == [WARNING, *record("Runtime.HandlerNotFound", message)]


def test_module_exception():
    result = run('import os\n\nTABLE = os.environ["TABLE_NAME"]\n\ndef handler(event, context):\n    return TABLE\n')
    boot = "<frozen importlib._bootstrap>"
    stack = (
        '  File "/var/lang/lib/python3.11/importlib/__init__.py", line 126, in import_module\n'
        "    return _bootstrap._gcd_import(name[level:], package, level)\n",
        f'  File "{boot}", line 1204, in _gcd_import\n',
        f'  File "{boot}", line 1176, in _find_and_load\n',
        f'  File "{boot}", line 1147, in _find_and_load_unlocked\n',
        f'  File "{boot}", line 690, in _load_unlocked\n',
        '  File "<frozen importlib._bootstrap_external>", line 940, in exec_module\n',
        f'  File "{boot}", line 241, in _call_with_frames_removed\n',
        frame(3, "<module>", 'TABLE = os.environ["TABLE_NAME"]'),
        '  File "<frozen os>", line 679, in __getitem__\n',
    )
    error(result, "'TABLE_NAME'", "KeyError", *stack, request_id="")
    assert init_lines(result) == [WARNING, *record("KeyError", "'TABLE_NAME'", *stack)]


def test_module_getattr_raising_keeps_its_own_error():
    result = run("def __getattr__(name):\n    raise RuntimeError('no ' + name)\n")
    error(
        result, "no handler", "RuntimeError", frame(2, "__getattr__", "raise RuntimeError('no ' + name)"), request_id=""
    )


def test_the_module_is_imported_like_a_file_in_var_task():
    code = (
        "import sys\ndef handler(event, context):\n"
        "    return [__name__, __file__, __spec__.origin, sys.modules['lambda_function'].handler is handler]\n"
    )
    assert run(code).response == ["lambda_function", TASK, TASK, True]


# --- sys.exit and the lifecycle (D10, D11) -----------------------------------------------------------------------


def test_sys_exit():
    result = run("import sys\n\ndef handler(event, context):\n    print('about to exit')\n    sys.exit(3)\n")
    message = f"RequestId: {result.request_id} Error: Runtime exited with error: exit status 3"
    assert result.status == "error"
    assert result.error == {"errorType": "Runtime.ExitError", "errorMessage": message}
    assert list(result.error) == ["errorType", "errorMessage"]
    assert invoke_lines(result) == ["about to exit", message.replace(result.request_id, "<rid>"), "Runtime.ExitError"]


def test_sys_exit_variants():
    for call, status, printed in (
        ("sys.exit(0)", None, []),
        ("raise SystemExit", None, []),
        ("sys.exit('bad input')", 1, ["bad input"]),
        ("sys.exit(257)", 1, []),
        ("sys.exit(-1)", 255, []),
    ):
        result = run(f"import sys\ndef handler(event, context):\n    {call}\n", learner=f"exit-{call}")
        reason = (
            f"Runtime exited with error: exit status {status}"
            if status
            else "Runtime exited without providing a reason"
        )
        assert result.error == {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {result.request_id} Error: {reason}",
        }, call
        assert invoke_lines(result) == [*printed, f"RequestId: <rid> Error: {reason}", "Runtime.ExitError"], call


def test_after_sys_exit_the_next_invocation_is_cold():
    code = (
        "import sys\nN = []\nprint('init runs')\ndef handler(event, context):\n    N.append(1)\n"
        "    if event.get('exit'):\n        sys.exit(3)\n    return len(N)\n"
    )
    first, second = run(code), run(code)
    assert (first.response, second.response, second.cold) == (1, 2, False)
    exited = run(code, {"exit": True})
    assert exited.error["errorType"] == "Runtime.ExitError"
    after = run(code)
    assert after.cold and after.response == 1 and init_lines(after) == ["init runs"]


def test_after_an_init_error_every_invocation_runs_init_again():
    code = "print('init output')\nraise RuntimeError('boom')\n"
    for _ in range(2):
        result = run(code)
        assert result.cold and result.error["errorType"] == "RuntimeError" and result.error["requestId"] == ""
        assert init_lines(result)[:2] == ["init output", WARNING]


def test_a_handled_exception_keeps_the_environment_warm():
    code = "N = []\ndef handler(event, context):\n    N.append(1)\n    if len(N) == 1:\n        raise ValueError('x')\n    return len(N)\n"
    assert run(code).status == "error"
    again = run(code)
    assert not again.cold and again.response == 2


def test_module_level_sys_exit_is_an_exit_error():
    result = run("import sys\nprint('init')\nsys.exit(2)\n")
    reason = "Runtime exited with error: exit status 2"
    assert result.error == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {result.request_id} Error: {reason}",
    }
    assert init_lines(result) == ["init"]
    assert invoke_lines(result) == [f"RequestId: <rid> Error: {reason}", "Runtime.ExitError"]


def test_printing_the_context_shows_the_runtime_repr():
    result = run("def handler(event, context):\n    print(context)\n    return type(context).__name__\n")
    assert result.response == "LambdaContext"
    (printed,) = invoke_lines(result)
    assert printed.startswith("LambdaContext([aws_request_id=<rid>,log_group_name=/aws/lambda/")
    assert printed.endswith(
        ",client_context=None,identity=CognitoIdentity([cognito_identity_id=None,"
        "cognito_identity_pool_id=None]),tenant_id=None])"
    )
