"""Reading the errors the sandbox reports, for graded feedback and the sandbox page.

The sandbox's runtime reports a failure to load the module (syntax error, import error, an exception in
module-level code, a missing handler) the way Lambda's Python runtime does: as an init error, posted with an
empty request id, and repeated for every invocation until the code changes. Such a failure is never "the
handler raised": no handler ran.
"""

from __future__ import annotations

import re
from typing import Any

ERROR_LINE = re.compile(r'File "/var/task/lambda_function\.py",? [Ll]ine (\d+)|lambda_function\.py, line (\d+)\)')
LOAD_ERRORS = {"Runtime.UserCodeSyntaxError", "Runtime.ImportModuleError", "Runtime.HandlerNotFound"}
INIT_TIMEOUT = "[Triggerlab] The module-level code (INIT) did not finish in time."
MAX_SHOWN = 160


def error_line(error: Any) -> int | None:
    """The line of lambda_function.py where the error happened: the innermost frame of the stack trace, or the
    line a syntax error names."""
    if not isinstance(error, dict):
        return None
    trace = error.get("stackTrace")
    texts = [t for t in trace if isinstance(t, str)] if isinstance(trace, list) else []
    for text in [*reversed(texts), str(error.get("errorMessage", ""))]:
        matches = ERROR_LINE.findall(text)
        if matches:
            line = int(next(n for n in matches[-1] if n))
            return line if 0 < line < 100_000 else None
    return None


def is_load_failure(status: str, error: Any, logs: tuple[str, ...] | list[str] = ()) -> bool:
    """The module could not be loaded (or its INIT did not finish), so the handler never ran."""
    if status == "timeout":
        return INIT_TIMEOUT in logs
    if status != "error" or not isinstance(error, dict):
        return False
    return error.get("errorType") in LOAD_ERRORS or error.get("requestId") == ""


def _short(text: Any) -> str:
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def load_failure(status: str, error: Any) -> str:
    """One sentence for code that could not be loaded: what went wrong and where."""
    error = error if isinstance(error, dict) else {}
    kind, message, line = str(error.get("errorType", "")), str(error.get("errorMessage", "")), error_line(error)
    at = f" at line {line}" if line else ""
    if status == "timeout":
        return "Your module-level code did not finish within the timeout, so the handler was never called."
    if kind == "Runtime.UserCodeSyntaxError":
        detail = message.split(": ", 1)[-1]
        detail = re.sub(r" \(lambda_function\.py, line \d+\)$", "", detail)
        return f"Your code has a syntax error{at}: {_short(detail)}. Python could not compile it, so nothing ran."
    if kind == "Runtime.ImportModuleError":
        detail = message.split(": ", 1)[-1]
        return f"Your code could not be imported{at}: {_short(detail)}. The handler never ran."
    if kind == "Runtime.HandlerNotFound":
        return f"{_short(message)}: define it (or check its name), then run again."
    return (
        f"Your module raised {_short(kind or 'an exception')}{at} while it was being loaded"
        f"{': ' + _short(message) if message else ''}. That happens before any event arrives, so the handler "
        "never ran."
    )


def what_happened(status: str, error: Any, timeout_s: float | None = None) -> str:
    """What a failed invocation did, in the learner's words: raised X, timed out, or crashed."""
    error = error if isinstance(error, dict) else {}
    kind, message, line = str(error.get("errorType", "")), str(error.get("errorMessage", "")), error_line(error)
    at = f" at line {line}" if line else ""
    if status == "timeout":
        limit = f" after {timeout_s:g} s" if timeout_s else ""
        return f"your handler timed out{limit}"
    if kind == "Runtime.OutOfMemory":
        return "your handler ran out of memory (Runtime.OutOfMemory)"
    if status == "crash" or kind == "Runtime.ExitError":
        return f"your handler's runtime crashed ({_short(kind or status)}{': ' + _short(message) if message else ''})"
    if kind:
        return f"your handler raised {_short(kind)}{': ' + _short(message) if message else ''}{at}"
    return f"your handler failed ({_short(status)})"
