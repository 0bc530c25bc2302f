"""Run one example handler against one event in a fresh interpreter and print the result as JSON.

Used by test_handlers.py: `python run_handler.py HANDLER.py FUNCTION EVENT.json`.
"""

from __future__ import annotations

import json
import runpy
import sys
import time


class Context:
    """The documented members of the Python context object, with plausible values."""

    function_name = "triggerlab-example"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:triggerlab-example"
    memory_limit_in_mb = "128"
    aws_request_id = "8f5e1c3a-0b2d-4e6f-9a7b-1c2d3e4f5a6b"
    log_group_name = "/aws/lambda/triggerlab-example"
    log_stream_name = "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef"
    identity = None
    client_context = None

    def __init__(self) -> None:
        self._deadline = time.monotonic() + 3

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(handler_path: str, function: str, event_path: str) -> None:
    with open(event_path, encoding="utf-8") as handle:
        event = json.load(handle)
    module = runpy.run_path(handler_path, run_name="handler_module")
    result = module[function](event, Context())
    sys.stdout.write("\n__RESULT__" + json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:4])
