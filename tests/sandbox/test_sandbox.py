"""The sandbox as a Lambda-like runtime: environments, context, logs, errors (containment: test_attacks.py)."""

from __future__ import annotations

import re
import threading
import time

import pytest

from learn.sandbox import runner

from .support import requires_sandbox

pytestmark = requires_sandbox


def run(code: str, event=None, learner: str = "tester", **kw):
    return runner.run(code, event if event is not None else {}, learner=learner, **kw)


def test_cold_then_warm_keeps_module_state_and_tmp():
    code = (
        "import os\nN = []\ndef handler(e, c):\n    N.append(1)\n"
        "    open('/tmp/seen', 'a').write('x')\n    return [len(N), len(open('/tmp/seen').read())]\n"
    )
    first, second = run(code), run(code)
    assert (first.cold, second.cold) == (True, False)
    assert first.response == [1, 1] and second.response == [2, 2]
    assert first.init_duration_ms is not None and second.init_duration_ms is None
    assert any(line.startswith("INIT_START") for line in first.logs)
    assert not any("Init Duration" in line for line in second.logs)


def test_a_code_change_or_another_learner_gets_a_fresh_environment():
    code = "N = []\ndef handler(e, c):\n    N.append(1)\n    return len(N)\n"
    assert run(code).response == 1 and run(code).response == 2
    assert run(code, learner="someone-else").response == 1
    assert run(code + "\n# changed\n").response == 1


def test_context_object_and_report_line():
    code = (
        "def handler(e, c):\n    return [c.memory_limit_in_mb, c.function_name, c.aws_request_id, "
        "c.get_remaining_time_in_millis() > 0, c.identity.cognito_identity_id, c.client_context]\n"
    )
    result = run(code, memory_mb=256)
    assert result.response[0] == "256" and result.response[1] and result.response[2] == result.request_id
    assert result.response[3] is True and result.response[4] is None and result.response[5] is None
    assert result.logs[-3].startswith(f"START RequestId: {result.request_id} Version: $LATEST") or any(
        line == f"START RequestId: {result.request_id} Version: $LATEST" for line in result.logs
    )
    assert re.match(
        r"REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\t"
        r"Max Memory Used: \d+ MB\tInit Duration: [\d.]+ ms",
        result.logs[-1],
    )


def test_error_payload_for_an_exception():
    result = run("def handler(e, c):\n    raise KeyError('id')\n")
    assert result.status == "error"
    assert result.error["errorType"] == "KeyError" and result.error["errorMessage"] == "'id'"
    assert result.error["requestId"] == result.request_id and "lambda_function.py" in result.error["stackTrace"][0]
    assert any(line.startswith("[ERROR] KeyError") for line in result.logs)


@pytest.mark.parametrize(
    ("code", "error_type", "message"),
    [
        (
            "def handler(e, c)\n    return 1\n",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'lambda_function': ",
        ),
        (
            "def main(e, c):\n    return 1\n",
            "Runtime.HandlerNotFound",
            "Handler 'handler' missing on module 'lambda_function'",
        ),
        (
            "import not_a_module\ndef handler(e, c):\n    return 1\n",
            "Runtime.ImportModuleError",
            "Unable to import module 'lambda_function': No module named 'not_a_module'",
        ),
        (
            "import datetime\ndef handler(e, c):\n    return datetime.datetime.now()\n",
            "Runtime.MarshalError",
            "Unable to marshal response: Object of type datetime is not JSON serializable",
        ),
        (
            "import sys\ndef handler(e, c):\n    sys.exit(3)\n",
            "Runtime.ExitError",
            "Runtime exited with error: exit status 3",
        ),
    ],
)
def test_runtime_errors(code, error_type, message):
    result = run(code)
    assert result.status == "error" and result.error["errorType"] == error_type
    assert message in result.error["errorMessage"]
    if error_type == "Runtime.ExitError":  # the platform's answer, not the runtime's: two keys
        assert list(result.error) == ["errorType", "errorMessage"]
    else:
        assert list(result.error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    if error_type in ("Runtime.UserCodeSyntaxError", "Runtime.HandlerNotFound", "Runtime.ImportModuleError"):
        assert any(
            line.startswith("[WARNING]\t") and "\t\tLAMBDA_WARNING: Unhandled exception." in line
            for line in result.logs
        )


def test_environment_variables_like_the_python_runtime():
    code = "import os\ndef handler(e, c):\n    return {k: v for k, v in os.environ.items() if k.startswith(('AWS', '_', 'LAMBDA'))}\n"
    result = run(code, memory_mb=512)
    env = result.response
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512" and env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/" + env["AWS_LAMBDA_FUNCTION_NAME"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", env["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert env["_HANDLER"] == "lambda_function.handler" and env["AWS_EXECUTION_ENV"].startswith("AWS_Lambda_python")
    assert env["AWS_REGION"] and env["LAMBDA_TASK_ROOT"] == "/var/task"


def test_remaining_time_counts_down():
    code = "import time\ndef handler(e, c):\n    a = c.get_remaining_time_in_millis()\n    time.sleep(0.3)\n    return [a, c.get_remaining_time_in_millis()]\n"
    first, second = run(code, timeout_s=2).response
    assert 1800 < first <= 2000 and 250 <= first - second <= 450


def test_logging_has_the_lambda_prefix_and_warning_level():
    code = (
        "import logging\nlog = logging.getLogger()\ndef handler(e, c):\n"
        "    log.info('quiet')\n    log.warning('loud')\n    return 1\n"
    )
    result = run(code)
    assert any(re.match(r"\[WARNING\]\t\S+Z\t" + result.request_id + r"\tloud", line) for line in result.logs)
    assert not any("quiet" in line for line in result.logs)


def test_basic_config_does_nothing_because_the_runtime_configured_logging_first():
    code = (
        "import logging\nlogging.basicConfig(level=logging.INFO)\ndef handler(e, c):\n    logging.info('hidden')\n"
        "    logging.getLogger().setLevel(logging.INFO)\n    logging.info('shown')\n    return 1\n"
    )
    result = run(code)
    assert not any("hidden" in line for line in result.logs)
    assert any(line.startswith("[INFO]\t") and line.endswith("\tshown") for line in result.logs)


def test_infinite_loop_times_out_and_the_environment_is_reset():
    code = "N = []\ndef handler(e, c):\n    N.append(1)\n    if e.get('spin'):\n        while True: pass\n    return len(N)\n"
    assert run(code).response == 1
    started = time.monotonic()
    result = run(code, {"spin": True}, timeout_s=1)
    assert result.status == "timeout" and time.monotonic() - started < 3
    assert any("Task timed out after 1.00 seconds" in line for line in result.logs)
    assert run(code).cold  # a timed-out environment is discarded, like Lambda


def test_bad_requests_are_refused_with_a_message():
    with pytest.raises(runner.InvalidRequest):
        run("x" * 70_000)
    with pytest.raises(runner.InvalidRequest):
        run("def handler(e, c):\n    pass\n", timeout_s=60)
    with pytest.raises(runner.InvalidRequest):
        run("def handler(e, c):\n    pass\n", handler="not a name")


def test_more_runs_than_slots_wait_briefly_then_get_busy(monkeypatch):
    from learn.sandbox.environments import Busy, Pool

    monkeypatch.setattr(runner, "QUEUE_WAIT_S", 0.5)
    monkeypatch.setitem(runner._pools, "bwrap", Pool(concurrency=1))
    spinner = threading.Thread(
        target=run,
        args=("import time\ndef handler(e, c):\n    time.sleep(2)\n",),
        kwargs={"learner": "first", "timeout_s": 3},
    )
    spinner.start()
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(Busy, match="busy running other handlers. Retry in 3 s"):
        run("def handler(e, c):\n    return 1\n", learner="second")
    assert 0.4 < time.monotonic() - started < 1.5
    spinner.join()
    assert run("def handler(e, c):\n    return 1\n", learner="second").response == 1  # free again


def test_a_response_over_6_mb_is_an_error():
    result = run("def handler(e, c):\n    return 'x' * (7 * 1024 * 1024)\n")
    assert result.status == "error" and result.error["errorType"] == "Triggerlab.ResponseTooLarge"
    assert "6 MB" in result.error["errorMessage"]
    assert run("def handler(e, c):\n    return 'x' * (5 * 1024 * 1024)\n").status == "ok"
