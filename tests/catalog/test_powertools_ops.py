"""Parse the ops group's sample events with the Powertools data classes.

Each test loads a sample from content/ and checks that documented properties of the matching
`aws_lambda_powertools.utilities.data_classes` class read back the values in the JSON.
Step Functions (the event is whatever payload the state machine sends) and CodeCommit have no
Powertools data class, so they are not covered here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.data_classes import (
    AWSConfigRuleEvent,
    CloudFormationCustomResourceEvent,
    CodePipelineJobEvent,
    SecretsManagerEvent,
    SESEvent,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


def load(slug: str, name: str) -> dict:
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text(encoding="utf-8"))


# --- CodePipeline ------------------------------------------------------------------------------


def test_codepipeline_job():
    raw = load("codepipeline", "job.json")
    job = raw["CodePipeline.job"]
    event = CodePipelineJobEvent(raw)
    assert event.get_id == job["id"]
    assert event.account_id == "123456789012"
    assert event.user_parameters == job["data"]["actionConfiguration"]["configuration"]["UserParameters"]
    assert event.decoded_user_parameters == {
        "environment": "staging",
        "maxOpenIncidents": 0,
        "requiredFiles": ["appspec.yml", "buildspec.yml"],
    }
    assert event.data.action_configuration.configuration.function_name == "release-gate"
    assert event.input_bucket_name == "codepipeline-us-east-1-123456789012"
    assert event.input_object_key == job["data"]["inputArtifacts"][0]["location"]["s3Location"]["objectKey"]
    artifact = event.find_input_artifact("BuildOutput")
    assert artifact is not None
    assert artifact.revision == job["data"]["inputArtifacts"][0]["revision"]
    assert artifact.location.get_type == "S3"
    output = event.find_output_artifact("GateReport")
    assert output is not None and output.revision is None
    credentials = event.data.artifact_credentials
    assert credentials.access_key_id == job["data"]["artifactCredentials"]["accessKeyId"]
    assert credentials.expiration_time == job["data"]["artifactCredentials"]["expirationTime"]
    assert event.data.continuation_token is None
    assert event.data.encryption_key is not None
    assert event.data.encryption_key.get_type == "KMS"


# --- AWS Config --------------------------------------------------------------------------------


def test_config_configuration_change():
    raw = load("config", "configuration_change.json")
    event = AWSConfigRuleEvent(raw)
    assert event.version == "1.0"
    assert event.raw_invoking_event == raw["invokingEvent"]
    assert event.rule_parameters == {"allowedInstanceTypes": "t3.micro,t3.small,t3.medium"}
    assert event.result_token == raw["resultToken"]
    assert event.event_left_scope is False
    assert event.config_rule_name == "allowed-ec2-instance-types"
    assert event.config_rule_id == raw["configRuleId"]
    assert event.config_rule_arn == raw["configRuleArn"]
    assert event.accountid == "123456789012"
    invoking = event.invoking_event
    assert invoking.message_type == "ConfigurationItemChangeNotification"
    assert invoking.record_version == "1.3"
    assert invoking.configuration_item_diff["changeType"] == "UPDATE"
    item = invoking.configuration_item
    assert item.resource_type == "AWS::EC2::Instance"
    assert item.resource_id == "i-0b22a22eec53b9321"
    assert item.configuration_item_status == "OK"
    assert item.configuration["instanceType"] == "m5.large"
    assert item.region == "us-east-1"
    assert item.tags == {"Name": "reporting-worker-1", "CostCenter": "cc-4410"}
    assert (
        item.configuration_item_capture_time
        == json.loads(raw["invokingEvent"])["configurationItem"]["configurationItemCaptureTime"]
    )


def test_config_periodic():
    raw = load("config", "periodic.json")
    event = AWSConfigRuleEvent(raw)
    assert event.rule_parameters == {"maxInstanceCount": "20"}
    assert event.config_rule_name == "ec2-instance-count-budget"
    invoking = event.invoking_event
    assert invoking.message_type == "ScheduledNotification"
    assert invoking.accountid == "123456789012"
    assert invoking.notification_creation_time == "2026-11-22T12:00:00.384Z"
    assert invoking.record_version == "1.0"


def test_config_oversized_change():
    # "Some resource changes generate oversized configuration items": the invoking event then carries
    # a configurationItemSummary instead of a configurationItem (evaluate-config_develop-rules_example-events).
    raw = load("config", "oversized_change.json")
    event = AWSConfigRuleEvent(raw)
    assert event.config_rule_name == "allowed-ec2-instance-types"
    assert event.event_left_scope is False
    invoking = event.invoking_event
    assert invoking.message_type == "OversizedConfigurationItemChangeNotification"
    assert "configurationItem" not in json.loads(raw["invokingEvent"])
    summary = invoking.configuration_item_summary
    assert summary.resource_type == "AWS::EC2::Instance"
    assert summary.resource_id == "i-04f1c2d3e4a5b6c7d"
    assert summary.configuration_item_status == "OK"
    assert summary.change_type == "UPDATE"
    assert summary.region == "us-east-1"
    assert summary.configuration_item_capture_time == "2026-11-22T10:41:27.902Z"


# --- CloudFormation custom resources -----------------------------------------------------------


@pytest.mark.parametrize("name", ["create.json", "update.json", "delete.json"])
def test_cloudformation_requests(name):
    raw = load("cloudformation", name)
    event = CloudFormationCustomResourceEvent(raw)
    assert event.request_type == raw["RequestType"]
    assert event.service_token == "arn:aws:lambda:us-east-1:123456789012:function:subnet-planner"
    assert event.response_url == raw["ResponseURL"]
    assert event.stack_id == raw["StackId"]
    assert event.request_id == raw["RequestId"]
    assert event.logical_resource_id == "SubnetPlan"
    assert event.resource_type == "Custom::SubnetPlan"
    assert event.resource_properties == raw["ResourceProperties"]
    assert event.physical_resource_id == raw.get("PhysicalResourceId", "")
    assert event.old_resource_properties == raw.get("OldResourceProperties", {})


def test_cloudformation_update_carries_old_properties():
    event = CloudFormationCustomResourceEvent(load("cloudformation", "update.json"))
    assert event.old_resource_properties["SubnetCount"] == "4"
    assert event.resource_properties["SubnetCount"] == "6"
    assert event.physical_resource_id == "subnet-plan-10.20.0.0-16"


# --- Secrets Manager rotation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "step"),
    [
        ("create_secret.json", "createSecret"),
        ("set_secret.json", "setSecret"),
        ("test_secret.json", "testSecret"),
        ("finish_secret.json", "finishSecret"),
    ],
)
def test_secrets_manager_steps(name, step):
    raw = load("secrets-manager", name)
    event = SecretsManagerEvent(raw)
    assert event.step == step
    assert event.secret_id == raw["SecretId"]
    assert event.client_request_token == "9b8e6f4a-3c2d-4e1f-a0b9-8c7d6e5f4a3b"
    assert event.version_id == event.client_request_token


# --- SES email receiving -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "invocation_type", "spam"),
    [("inbound.json", "Event", "PASS"), ("inbound_spam.json", "RequestResponse", "FAIL")],
)
def test_ses_receipt(name, invocation_type, spam):
    raw = load("ses", name)
    source = raw["Records"][0]["ses"]
    event = SESEvent(raw)
    record = event.record
    assert record.event_source == "aws:ses"
    assert record.event_version == "1.0"
    mail = event.mail
    assert mail.message_id == source["mail"]["messageId"]
    assert mail.source == source["mail"]["source"]
    assert mail.destination == ["support@shop.example.com"]
    assert mail.headers_truncated is False
    assert [h.name for h in mail.headers] == [h["name"] for h in source["mail"]["headers"]]
    assert mail.common_headers.subject == source["mail"]["commonHeaders"]["subject"]
    assert mail.common_headers.to == ["support@shop.example.com"]
    receipt = event.receipt
    assert receipt.recipients == ["support@shop.example.com"]
    assert receipt.processing_time_millis == source["receipt"]["processingTimeMillis"]
    assert receipt.spam_verdict.status == spam
    assert receipt.virus_verdict.status == "PASS"
    assert receipt.spf_verdict.status == source["receipt"]["spfVerdict"]["status"]
    assert receipt.dkim_verdict.status == source["receipt"]["dkimVerdict"]["status"]
    assert receipt.dmarc_verdict.status == source["receipt"]["dmarcVerdict"]["status"]
    assert receipt.dmarc_policy is None
    assert receipt.action.get_type == "Lambda"
    assert receipt.action.invocation_type == invocation_type
    assert receipt.action.function_arn == "arn:aws:lambda:us-east-1:123456789012:function:inbound-mail-filter"
