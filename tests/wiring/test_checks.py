"""The wiring checker: faulty templates give their finding and no other, bad input gets plain words, the engine
simulates what a template wires, and `manage.py wiring check` exits 1 on an error-level finding."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learn.engine import EngineError
from learn.wiring import Finding, Report, check_template, scenarios_for, simulate_template
from learn.wiring import lint as wiring_lint
from learn.wiring.semantic import CHECKS

FAULTY = Path(__file__).parent / "faulty"
FILES = sorted(FAULTY.glob("*.yaml"))


def expected(path: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", path.read_text(), re.M)
    assert match, f"{path.name} has no '# expect:' line"
    return set(match.group(1).split())


def test_the_table_is_large_and_covers_every_check():
    assert len(FILES) >= 25
    covered = set().union(*(expected(p) for p in FILES))
    assert set(CHECKS) <= covered, f"checks without a faulty template: {set(CHECKS) - covered}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_faulty_template_gives_its_finding_and_no_other(path):
    want = expected(path)
    assert path.stem.split("--")[0] in want, "a faulty template is named after the finding it shows"
    report = check_template(path.read_text(), filename=path.name, lint=False)
    assert report.error is None
    found = [f for f in report.findings if f.origin == "semantic"]
    assert {f.code for f in found} == want
    for f in found:
        level, _doc, _lesson = CHECKS[f.code]
        assert f.level == level
        assert f.line is not None and f.line > 0
        assert f.doc.startswith("https://docs.aws.amazon.com/")
        assert f.lesson.startswith("/")
        assert f.message.endswith((".", ")"))


def test_faulty_templates_give_no_unexpected_cfn_lint_finding():
    """The table again with cfn-lint on: its findings are exactly the ones a template declares (`# lint:`)."""
    for path in FILES:
        declared = re.search(r"^# lint: (.+)$", path.read_text(), re.M)
        report = check_template(path.read_text(), filename=path.name, lint=True)
        found = {f.code for f in report.findings if f.origin != "semantic"}
        assert found == (set(declared.group(1).split()) if declared else set()), path.name


def test_finding_lines_point_at_the_setting():
    text = (FAULTY / "batch-without-window.yaml").read_text()
    report = check_template(text, lint=False)
    (finding,) = report.findings
    assert text.splitlines()[finding.line - 1].strip() == "BatchSize: 100"
    text = (FAULTY / "sqs-visibility-timeout.yaml").read_text()
    (finding,) = check_template(text, lint=False).findings
    assert text.splitlines()[finding.line - 1].strip() == "VisibilityTimeout: 60"
    assert "6 × Worker's timeout (180 s)" in finding.message


def test_a_parameter_default_is_used_and_said():
    report = check_template((FAULTY / "sqs-visibility-timeout--parameter.yaml").read_text(), lint=False)
    assert any("FunctionTimeout" in a and "Default 30" in a for a in report.assumptions)
    assert report.wirings[0].settings["timeout_s"] == 30


def test_a_value_that_cannot_be_resolved_becomes_an_assumption():
    text = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Size:
    Type: Number
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !ImportValue shared-visibility
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: !Ref Size
"""
    report = check_template(text, lint=False)
    assert report.error is None
    joined = " ".join(report.assumptions)
    assert "!ImportValue shared-visibility could not be resolved; assumed 30" in joined
    assert "!Ref Size could not be resolved" in joined
    assert report.wirings[0].settings["visibility_timeout_s"] == 30
    assert "batch_size" not in report.wirings[0].settings


def test_if_and_sub_and_globals_resolve():
    text = """
Transform: AWS::Serverless-2016-10-31
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Globals:
  Function:
    Timeout: 12
Resources:
  Dlq:
    Type: AWS::SQS::Queue
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !If [IsProd, 600, 600]
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dlq.Arn
        maxReceiveCount: !If [IsProd, 3, 10]
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !Sub "${Jobs.Arn}"
"""
    report = check_template(text, lint=False)
    assert report.findings == []
    settings = report.wirings[0].settings
    assert settings["timeout_s"] == 12 and settings["visibility_timeout_s"] == 600
    assert settings["max_receive_count"] == 3
    assert any("!If IsProd" in a for a in report.assumptions)


def test_invalid_yaml_names_the_line():
    report = check_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: {}\n  - x\n")
    assert report.error and report.error.startswith("line ")
    assert report.findings == [] and not report.ok
    tab = check_template("Resources:\n  Q:\n\tType: AWS::SQS::Queue\n")
    assert tab.error.startswith("line 3:") and "tab" in tab.error


def test_unknown_tag_and_duplicate_key_are_plain_errors():
    report = check_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      A: !Nope x\n")
    assert report.error.startswith("line 5:") and "!Nope is not a CloudFormation function" in report.error
    report = check_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Q:\n    Type: AWS::SNS::Topic\n")
    assert report.error.startswith("line 4:") and "appears twice" in report.error


def test_oversize_empty_and_not_a_template():
    big = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n" + "# padding\n" * 30_000
    assert "256 KB" in check_template(big).error
    assert "empty" in check_template("  \n").error
    assert "not a template" in check_template("- a\n- b\n").error
    assert "Resources" in check_template("Description: nothing\n").error


def test_json_input_reads_with_lines():
    text = json.dumps(
        {
            "Resources": {
                "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 5}},
                "Worker": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {"Timeout": 30, "Runtime": "python3.12", "Handler": "index.handler"},
                },
                "Mapping": {
                    "Type": "AWS::Lambda::EventSourceMapping",
                    "Properties": {
                        "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},
                        "FunctionName": {"Ref": "Worker"},
                    },
                },
            }
        },
        indent=2,
    )
    report = check_template(text, filename="template.json", lint=False)
    assert set(report.codes("semantic")) == {"sqs-visibility-below-timeout", "queue-without-redrive"}
    below = next(f for f in report.findings if f.code == "sqs-visibility-below-timeout")
    assert '"VisibilityTimeout": 5' in text.splitlines()[below.line - 1]
    bad = check_template('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",}\n  }\n}')
    assert bad.error.startswith("line 3:") and "JSON" in bad.error


def test_cfn_lint_findings_have_lines_and_rule_ids():
    text = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: lots
  Thing:
    Type: AWS::Nope::Nothing
"""
    report = check_template(text)
    lint = [f for f in report.findings if f.origin == "cfn-lint"]
    by_code = {f.code: f for f in lint}
    assert by_code["E3012"].line == 6 and by_code["E3012"].level == "error"
    assert by_code["E3006"].line == 8
    assert all(f.doc.startswith("https://") for f in lint)
    assert not report.ok
    assert [f.line for f in report.findings] == sorted(f.line or 0 for f in report.findings)


def test_cfn_lint_results_are_cached_by_text():
    text = (FAULTY / "queue-without-redrive.yaml").read_text() + "\n# cache probe\n"
    before = dict(wiring_lint.stats)
    first = check_template(text)
    second = check_template(text)
    assert wiring_lint.stats["misses"] == before["misses"] + 1
    assert wiring_lint.stats["hits"] == before["hits"] + 1
    assert first.findings == second.findings
    assert wiring_lint.serverless_rules_loaded()
    wiring_lint.warm_up()  # a web process calls it at start; twice is harmless
    wiring_lint.warm_up()


def test_serverless_rules_that_fit_are_on():
    text = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: "def handler(event, context): return None"
"""
    codes = check_template(text).codes("cfn-lint")
    assert "ES1006" in codes  # no explicit timeout
    assert "ES1005" not in codes and "WS1000" not in codes  # memory and tracing are not the lab's subject


def test_report_as_dict_is_json():
    report = check_template((FAULTY / "fifo-batching.yaml").read_text(), lint=False)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["ok"] is False and data["findings"][0]["code"] == "fifo-batching"
    assert isinstance(report, Report) and isinstance(report.findings[0], Finding)


def kinds(trace) -> dict[str, str]:
    return {record: d.kind for record, d in trace.dispositions.items()}


# ---- simulate ----------------------------------------------------------------------------------------

SQS_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
{dlq}  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      MessageRetentionPeriod: 3600
{redrive}  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 10
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
"""
DLQ = "  Dlq:\n    Type: AWS::SQS::Queue\n"
REDRIVE = "      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt Dlq.Arn\n        maxReceiveCount: 3\n"


def test_simulate_sqs_poison_message_lost_without_dlq_kept_with_one():
    without = check_template(SQS_TEMPLATE.format(dlq="", redrive=""), lint=False)
    assert without.wirings[0].settings["redrive_policy"] is False
    lost = simulate_template(without, 0, "poison")
    assert kinds(lost)["2"] == "discarded-retention"
    with_dlq = check_template(SQS_TEMPLATE.format(dlq=DLQ, redrive=REDRIVE), lint=False)
    assert with_dlq.findings == []
    kept = simulate_template(with_dlq, 0, "poison")
    assert kinds(kept)["2"] == "queue-dlq"
    assert kinds(kept)["1"] == "queue-dlq"  # without ReportBatchItemFailures the whole batch failed with it
    rbif = (
        SQS_TEMPLATE.format(dlq=DLQ, redrive=REDRIVE) + "            FunctionResponseTypes: [ReportBatchItemFailures]\n"
    )
    partial = simulate_template(check_template(rbif, lint=False), 0, "poison")
    assert kinds(partial) == {"1": "processed", "2": "queue-dlq", "3": "processed"}
    assert any("2" in step.records for step in kept.steps)


def test_simulate_kinesis_unbounded_blocks_bounded_goes_to_destination():
    blocked = check_template((FAULTY / "stream-unbounded-retries.yaml").read_text(), lint=False)
    trace = simulate_template(blocked, 0, "poison")
    assert kinds(trace)["2"] in ("blocking", "discarded-retention")
    bounded = check_template((FAULTY / "missing-report-batch-item-failures--kinesis.yaml").read_text(), lint=False)
    settings = bounded.wirings[0].settings
    assert settings["maximum_retry_attempts"] == 3 and settings["on_failure_destination"] == "sqs"
    trace = simulate_template(bounded, 0, "poison")
    assert kinds(trace)["2"] == "on-failure-destination"


def test_simulate_s3_async_with_and_without_failure_target():
    dropped = check_template((FAULTY / "async-without-failure-target.yaml").read_text(), lint=False)
    assert dropped.wirings[0].source == "s3"
    assert kinds(simulate_template(dropped, 0, "function-error"))["1"] == "discarded-retries"
    kept = check_template((FAULTY / "push-without-permission.yaml").read_text(), lint=False)
    assert kept.wirings[0].settings["on_failure_destination"] == "sqs"
    assert kinds(simulate_template(kept, 0, "function-error"))["1"] == "on-failure-destination"


def test_simulate_eventbridge_target_settings():
    text = (FAULTY / "push-without-permission--eventbridge.yaml").read_text()
    text = text.replace(
        "          Arn: !GetAtt Worker.Arn\n",
        "          Arn: !GetAtt Worker.Arn\n          RetryPolicy:\n            MaximumRetryAttempts: 4\n",
    )
    report = check_template(text, lint=False)
    wiring = report.wirings[0]
    assert wiring.source == "eventbridge"
    assert wiring.settings["target_maximum_retry_attempts"] == 4
    assert wiring.settings["dead_letter_queue"] == "sqs"
    trace = simulate_template(report, 0, "function-error")
    assert kinds(trace)["1"] == "function-dlq"


def test_scenarios_and_bad_simulate_requests():
    keys = [s.key for s in scenarios_for("sqs")]
    assert "poison" in keys and "partial" in keys
    assert all(s.outcomes for s in scenarios_for("s3"))
    report = check_template((FAULTY / "queue-without-redrive.yaml").read_text(), lint=False)
    with pytest.raises(EngineError, match="no wiring number 3"):
        simulate_template(report, 2, "poison")
    with pytest.raises(EngineError, match="unknown scenario"):
        simulate_template(report, 0, "nope")
    with pytest.raises(EngineError, match="nothing to simulate"):
        simulate_template(check_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", lint=False), 0)
    trace = simulate_template(report, 0, outcomes=["error"], records=2)
    assert set(trace.dispositions) == {"1", "2"}


# ---- the command ------------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("wiring", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_command_exit_status_and_lines(tmp_path):
    code, out, _ = run("check", str(FAULTY / "batch-without-window.yaml"), "--no-lint")
    assert code == 1
    assert "line 26: error [batch-without-window]" in out and "batch-without-window" in out
    code, out, _ = run("check", str(FAULTY / "queue-without-redrive.yaml"), "--no-lint")
    assert code == 0 and "queue-without-redrive" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  Q:\n\tType: x\n")
    code, out, err = run("check", str(bad))
    assert code == 1 and "line 3" in (out + err)


def test_command_json_and_simulate():
    code, out, _ = run("check", str(FAULTY / "queue-without-redrive.yaml"), "--json", "--no-lint")
    data = json.loads(out)
    assert code == 0 and data["findings"][0]["code"] == "queue-without-redrive"
    code, out, _ = run(
        "check", str(FAULTY / "queue-without-redrive.yaml"), "--no-lint", "--simulate", "--scenario", "poison"
    )
    assert code == 0 and "Simulating SQS queue Jobs" in out and "2: Lost: expired" in out
    code, out, _ = run(
        "check",
        str(FAULTY / "queue-without-redrive.yaml"),
        "--no-lint",
        "--simulate",
        "--outcomes",
        "error",
        "--json",
    )
    assert json.loads(out)["simulation"]["dispositions"]


def test_command_missing_file():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("wiring", "check", "/nonexistent/template.yaml")


def test_yaml_alias_bombs_are_refused_fast():
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    text = "\n".join(levels) + "\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *h\n"
    report = check_template(text)
    assert "too many values through YAML aliases" in report.error
    loop = check_template("x: &x [1, *x]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert loop.error.startswith("line 1:") and "its own anchor" in loop.error


MUTATIONS = ["[]", "{}", "!Ref Nope", "null", "-1", "abc", "!GetAtt Nope.Arn", "{Ref: Jobs}", "!If [C, 1]", "99999999"]


@pytest.mark.parametrize("path", FILES[::3], ids=lambda p: p.stem)
def test_odd_values_never_raise(path):
    """Any value replaced by a list, a mapping, an unknown reference or an odd number: findings, never an exception."""
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^(\s*-?\s*[A-Za-z]+:)\s+(\S.*)$", line)
        if not match:
            continue
        for value in MUTATIONS[i % 3 :: 3]:
            text = "\n".join([*lines[:i], f"{match.group(1)} {value}", *lines[i + 1 :]])
            report = check_template(text, lint=False)
            assert report.error is None or isinstance(report.error, str)
            for index, wiring in enumerate(report.wirings):
                key = "poison" if wiring.source in ("sqs", "kinesis", "dynamodb-streams") else "function-error"
                try:
                    simulate_template(report, index, key)
                except EngineError as exc:  # a wiring AWS refuses (FIFO with a window...) is refused in plain words
                    assert str(exc).endswith(".")


def test_a_queue_outside_the_template_is_an_assumption():
    text = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  QueueArn:
    Type: String
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !Ref QueueArn
"""
    report = check_template(text, lint=False)
    assert report.findings == []
    assert any("not defined in this template" in a for a in report.assumptions)
    assert report.wirings[0].source == "sqs"


def test_an_unforeseen_failure_becomes_a_finding(monkeypatch):
    from learn.wiring import semantic

    def broken(template):
        raise KeyError("surprise")

    monkeypatch.setattr(semantic, "run_checks", broken)
    report = check_template((FAULTY / "queue-without-redrive.yaml").read_text(), lint=False)
    assert report.codes() == ["checker-failed"] and report.error is None


def test_a_wrong_event_type_is_said_once_not_per_alternative():
    text = (FAULTY / "mapping-timeout-limit.yaml").read_text().replace("Type: MQ", "Type: Nope")
    lint = [f for f in check_template(text).findings if f.origin == "cfn-lint"]
    assert {f.code for f in lint} <= {"E3017", "E3030"}
    (wrong_type,) = [f for f in lint if f.code == "E3030"]
    assert wrong_type.message.startswith("Consumer.Events.FromInvoices.Type: 'Nope' is not one of the allowed values")
    assert "'SQS'" in wrong_type.message and "'Kinesis'" in wrong_type.message
    assert all(len(f.message) <= 420 for f in lint)


# ---- fixes from the fact audit of issue 15 ------------------------------------------------------------

REST_WITH_ROLE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 10
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: apigateway.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: !GetAtt Fn.Arn
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
{credentials}        Uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Fn.Arn}}/invocations
"""


def test_an_api_gateway_integration_with_a_role_needs_no_resource_based_policy():
    with_role = check_template(REST_WITH_ROLE.format(credentials="        Credentials: !GetAtt Role.Arn\n"), lint=False)
    assert with_role.codes("semantic") == []
    without = check_template(REST_WITH_ROLE.format(credentials=""), lint=False)
    assert without.codes("semantic") == ["push-without-permission"]


def test_an_http_api_integration_with_credentials_arn_needs_no_resource_based_policy():
    text = (FAULTY / "timeout-above-caller--integration.yaml").read_text()
    start, end = text.index("  ApiPermission:"), text.index("  Worker:")
    text = text[:start] + text[end:]
    assert set(check_template(text, lint=False).codes("semantic")) == {
        "timeout-above-caller",
        "push-without-permission",
    }
    role = "      CredentialsArn: arn:aws:iam::111122223333:role/invoke\n"
    text = text.replace("      TimeoutInMillis: 10000\n", "      TimeoutInMillis: 10000\n" + role)
    assert check_template(text, lint=False).codes("semantic") == ["timeout-above-caller"]


def test_a_sam_api_event_timeout_that_covers_the_function_is_fine():
    text = (FAULTY / "timeout-above-caller--sam-api-timeout.yaml").read_text()
    assert check_template(text.replace("TimeoutInMillis: 5000", "TimeoutInMillis: 25000"), lint=False).findings == []
    http = (FAULTY / "timeout-above-caller--sam-http-api-timeout.yaml").read_text()
    assert check_template(http.replace("TimeoutInMillis: 10000", "TimeoutInMillis: 20000"), lint=False).findings == []


def test_connect_limit_depends_on_sync_or_async_mode():
    text = (FAULTY / "timeout-above-caller--connect.yaml").read_text()
    (warning,) = check_template(text, lint=False).findings
    assert warning.level == "warning" and "synchronous mode" in warning.message and "60 s" in warning.message
    (info,) = check_template(text.replace("Timeout: 90", "Timeout: 30"), lint=False).findings
    assert info.code == "timeout-above-caller" and info.level == "info"
    assert check_template(text.replace("Timeout: 90", "Timeout: 8"), lint=False).findings == []


def test_kafka_unbounded_retries_speaks_of_partitions_and_provisioned_mode():
    (finding,) = check_template((FAULTY / "stream-unbounded-retries--msk.yaml").read_text(), lint=False).findings
    assert "partition" in finding.message and "ProvisionedPollerConfig" in finding.message
    assert "shard" not in finding.message


def test_sqs_visibility_timeout_gives_the_documented_reason():
    (finding,) = check_template((FAULTY / "sqs-visibility-timeout.yaml").read_text(), lint=False).findings
    assert "throttled" in finding.message and "maxReceiveCount" in finding.message
    assert "slow" not in finding.message


def test_unbounded_retries_set_explicitly_point_at_the_setting():
    text = (FAULTY / "stream-unbounded-retries.yaml").read_text() + "            MaximumRetryAttempts: -1\n"
    (finding,) = check_template(text, lint=False).findings
    assert finding.code == "stream-unbounded-retries"
    assert "the default" not in finding.message
    assert finding.line == len(text.splitlines())  # the MaximumRetryAttempts line, not the event's


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (
            "Circular Dependencies for resource S3InvokePermission. Circular dependency with [UploadsBucket]",
            "S3InvokePermission and UploadsBucket depend on each other",
        ),
        (
            "Source queue type 'FIFO' does not match destination queue type 'standard'",
            "a FIFO queue needs a FIFO dead-letter queue",
        ),
    ],
)
def test_cfn_lint_messages_get_plain_words(raw, words):
    from types import SimpleNamespace

    from learn.wiring import lint

    message = lint._plain(SimpleNamespace(message=raw, path=[]))
    assert words in message, message
