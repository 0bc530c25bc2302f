"""Parse the identity, conversation and data sample events with the Powertools data classes.

Powertools has no data class for Amazon Lex V2 or Alexa events, so those samples are not covered here.
"""

from __future__ import annotations

import base64
import json
import pathlib
from urllib.parse import unquote_plus

import pytest
from aws_lambda_powertools.utilities.data_classes import (
    ConnectContactFlowEvent,
    KinesisFirehoseEvent,
    S3BatchOperationEvent,
)
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    PostConfirmationTriggerEvent,
    PreSignUpTriggerEvent,
    PreTokenGenerationTriggerEvent,
    PreTokenGenerationV2TriggerEvent,
)
from aws_lambda_powertools.utilities.data_classes.connect_contact_flow_event import (
    ConnectContactFlowChannel,
    ConnectContactFlowEndpointType,
    ConnectContactFlowInitiationMethod,
)

CONTENT = pathlib.Path(__file__).resolve().parents[2] / "content"


def load(source: str, name: str) -> dict:
    return json.loads((CONTENT / "sources" / source / "events" / name).read_text(encoding="utf-8"))


# Cognito user pool triggers


def test_cognito_pre_sign_up():
    for name in ("pre_sign_up.json", "pre_sign_up_other_domain.json"):
        raw = load("cognito", name)
        event = PreSignUpTriggerEvent(raw)
        assert event.version == raw["version"] == "1"
        assert event.trigger_source == "PreSignUp_SignUp"
        assert event.region == "us-east-1"
        assert event.user_pool_id == raw["userPoolId"]
        assert event.user_name == raw["userName"]
        assert event.caller_context.client_id == raw["callerContext"]["clientId"]
        assert event.caller_context.aws_sdk_version == raw["callerContext"]["awsSdkVersion"]
        assert event.request.user_attributes["email"] == raw["request"]["userAttributes"]["email"]
        assert event.request.validation_data == (raw["request"]["validationData"] or {})
        assert event.request.client_metadata == raw["request"].get("clientMetadata", {})
        assert event.response.auto_confirm_user is False
        assert event.response.auto_verify_email is False
        assert event.response.auto_verify_phone is False


def test_cognito_post_confirmation():
    raw = load("cognito", "post_confirmation.json")
    event = PostConfirmationTriggerEvent(raw)
    assert event.trigger_source == "PostConfirmation_ConfirmSignUp"
    assert event.user_name == raw["userName"]
    assert event.request.user_attributes["sub"] == raw["userName"]
    assert event.request.user_attributes["cognito:user_status"] == "CONFIRMED"
    assert event.request.client_metadata == {}


def test_cognito_pre_token_generation_v1():
    raw = load("cognito", "pre_token_generation.json")
    event = PreTokenGenerationTriggerEvent(raw)
    assert event.version == "1"
    assert event.trigger_source == "TokenGeneration_HostedAuth"
    assert event.request.user_attributes["email"] == "maria.garcia@example.com"
    assert event.request.group_configuration.groups_to_override == ["support-agents"]
    assert event.request.group_configuration.iam_roles_to_override == []
    assert event.request.group_configuration.preferred_role is None
    # The data class creates the override structure on first access, as a handler would fill it.
    event.response.claims_override_details.claims_to_add_or_override = {"tenant_id": "tenant-acme"}
    assert raw["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"] == {"tenant_id": "tenant-acme"}


def test_cognito_pre_token_generation_v2():
    raw = load("cognito", "pre_token_generation_v2.json")
    event = PreTokenGenerationV2TriggerEvent(raw)
    assert event.version == "2"
    assert event.trigger_source == "TokenGeneration_Authentication"
    assert event.request.scopes == raw["request"]["scopes"]
    assert event.request.group_configuration.groups_to_override == ["support-agents"]
    assert event.request.user_attributes["sub"] == raw["userName"]


# Amazon Connect


def test_connect_contact_flow_event():
    raw = load("connect", "contact_flow_event.json")
    event = ConnectContactFlowEvent(raw)
    data = event.contact_data
    assert raw["Name"] == "ContactFlowEvent"
    assert event.parameters == raw["Details"]["Parameters"]
    assert data.attributes["callReason"] == "billing"
    assert data.channel is ConnectContactFlowChannel.VOICE
    assert data.contact_id == raw["Details"]["ContactData"]["ContactId"]
    assert data.initial_contact_id == data.contact_id
    assert data.initiation_method is ConnectContactFlowInitiationMethod.INBOUND
    assert data.instance_arn.startswith("arn:aws:connect:us-east-1:123456789012:instance/")
    assert data.customer_endpoint is not None
    assert data.customer_endpoint.address == "+12065550137"
    assert data.customer_endpoint.endpoint_type is ConnectContactFlowEndpointType.TELEPHONE_NUMBER
    assert data.system_endpoint is not None and data.system_endpoint.address == "+18005550199"
    assert data.queue is not None and data.queue.name == "BasicQueue"
    assert data.queue.arn == raw["Details"]["ContactData"]["Queue"]["ARN"]
    # Media streaming is off for this contact, so the audio block is null.
    assert data.media_streams.customer.raw_event == {"Audio": None}


# Amazon Data Firehose


def test_firehose_direct_put():
    raw = load("firehose", "direct_put.json")
    event = KinesisFirehoseEvent(raw)
    assert event.invocation_id == raw["invocationId"]
    assert event.delivery_stream_arn == raw["deliveryStreamArn"]
    assert event.region == "us-east-1"
    assert event.source_kinesis_stream_arn is None
    records = list(event.records)
    assert [r.record_id for r in records] == [r["recordId"] for r in raw["records"]]
    assert records[0].data_as_json["eventType"] == "page_view"
    assert records[0].data_as_bytes == base64.b64decode(raw["records"][0]["data"])
    assert records[0].approximate_arrival_timestamp == raw["records"][0]["approximateArrivalTimestamp"]
    assert records[1].data_as_json == {"eventType": "healthcheck", "source": "lb-probe"}
    assert records[0].metadata is None
    # The third record is deliberately truncated JSON: valid base64, invalid JSON.
    assert records[2].data_as_text.startswith('{"eventType":"add_to_cart"')
    with pytest.raises(json.JSONDecodeError):
        _ = records[2].data_as_json


def test_firehose_kinesis_source():
    raw = load("firehose", "kinesis_source.json")
    event = KinesisFirehoseEvent(raw)
    assert event.source_kinesis_stream_arn == raw["sourceKinesisStreamArn"]
    for record, source in zip(event.records, raw["records"], strict=True):
        meta = source["kinesisRecordMetadata"]
        assert record.metadata is not None
        assert record.metadata.shard_id == meta["shardId"]
        assert record.metadata.partition_key == meta["partitionKey"]
        assert record.metadata.sequence_number == meta["sequenceNumber"]
        assert record.metadata.subsequence_number == meta["subsequenceNumber"]
        assert record.metadata.approximate_arrival_timestamp == meta["approximateArrivalTimestamp"]
        assert record.record_id.startswith(meta["sequenceNumber"])
        assert record.data_as_json["userId"] == "u-2201"


# Amazon S3 Batch Operations


def test_s3_batch_schema_1_0():
    raw = load("s3-batch", "schema_1_0.json")
    event = S3BatchOperationEvent(raw)
    assert event.invocation_schema_version == "1.0"
    assert event.invocation_id == raw["invocationId"]
    assert event.job.get_id == raw["job"]["id"]
    assert event.job.user_arguments == {}
    task = event.task
    assert task.task_id == raw["tasks"][0]["taskId"]
    assert task.s3_key == unquote_plus(raw["tasks"][0]["s3Key"]) == "photos/2026/summer trip/IMG_0142.JPG"
    assert task.s3_version_id == raw["tasks"][0]["s3VersionId"]
    assert task.s3_bucket_arn == "arn:aws:s3:::example-photo-archive"
    assert task.s3_bucket == "example-photo-archive"


def test_s3_batch_schema_2_0():
    raw = load("s3-batch", "schema_2_0.json")
    event = S3BatchOperationEvent(raw)
    assert event.invocation_schema_version == "2.0"
    assert event.job.user_arguments == {"targetPrefix": "thumbnails/", "maxWidth": "320"}
    task = event.task
    assert task.s3_bucket_arn is None
    assert task.s3_bucket == "media-uploads--use1-az4--x-s3"
    assert task.s3_version_id is None
    assert task.s3_key == "uploads/2026-11-21/team photo.png"
    response = task.build_task_batch_response("Succeeded", "ok").asdict()
    assert response == {"taskId": raw["tasks"][0]["taskId"], "resultCode": "Succeeded", "resultString": "ok"}
