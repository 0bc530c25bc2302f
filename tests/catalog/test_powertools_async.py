"""Parse the async group's sample events with the Powertools data classes.

Each test loads a sample from content/ and checks that the documented properties of the matching
`aws_lambda_powertools.utilities.data_classes` class read back the values in the JSON. EventBridge
Scheduler (the event is the schedule's own Input) and AWS IoT rules (the event is the rule's SELECT
result) have no Powertools data class, so they are not covered here.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from aws_lambda_powertools.utilities.data_classes import (
    CloudWatchLogsEvent,
    EventBridgeEvent,
    S3Event,
    S3EventBridgeNotificationEvent,
    SNSEvent,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


def load(slug: str, name: str) -> dict:
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text(encoding="utf-8"))


# --- S3 ----------------------------------------------------------------------------------------


def test_s3_object_created_put():
    raw = load("s3", "object_created_put.json")
    event = S3Event(raw)
    record = event.record
    source = raw["Records"][0]
    assert record.event_source == "aws:s3"
    # "Starting with version 2.4, Amazon S3 uses a single unified version for all event types, and the version
    # increments consistently across all event types whenever the schema evolves." The newest copy of
    # The newest stored copy of
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html shows 2.5.
    assert record.event_version == "2.5"
    major, minor = (int(part) for part in record.event_version.split("."))
    assert major == 2 and minor >= 4  # compare the major version; the unified numbering starts at 2.4
    assert record.event_name == "ObjectCreated:Put"
    assert record.aws_region == "us-east-1"
    assert record.event_time == source["eventTime"]
    assert record.user_identity.principal_id == source["userIdentity"]["principalId"]
    assert record.request_parameters.source_ip_address == source["requestParameters"]["sourceIPAddress"]
    assert record.s3.configuration_id == "photos-to-thumbnailer"
    assert record.s3.bucket.name == "photo-uploads-123456789012"
    assert record.s3.bucket.arn == "arn:aws:s3:::photo-uploads-123456789012"
    s3_object = record.s3.get_object
    assert s3_object.key == "incoming/team+photos/Summer+party+%231.jpg"
    assert s3_object.size == source["s3"]["object"]["size"]
    assert s3_object.etag == source["s3"]["object"]["eTag"]
    assert s3_object.version_id == source["s3"]["object"]["versionId"]
    assert s3_object.sequencer == source["s3"]["object"]["sequencer"]
    # S3Event.object_key applies unquote_plus: spaces arrive as '+', '#' as %23.
    assert event.object_key == "incoming/team photos/Summer party #1.jpg"


def test_s3_object_removed_delete_has_no_size_etag_or_version():
    raw = load("s3", "object_removed_delete.json")
    event = S3Event(raw)
    record = event.record
    assert record.event_name == "ObjectRemoved:Delete"
    assert event.bucket_name == "report-exports-123456789012"
    s3_object = record.s3.get_object
    assert s3_object.sequencer == raw["Records"][0]["s3"]["object"]["sequencer"]
    assert s3_object.etag == ""
    assert record.event_version == "2.5"  # one unified version for every event type since 2.4
    assert s3_object.version_id is None
    assert "size" not in raw["Records"][0]["s3"]["object"]
    assert event.object_key == "exports/2026/11/weekly sales (draft).csv"


# --- SNS ---------------------------------------------------------------------------------------


def test_sns_notification_with_attributes():
    raw = load("sns", "notification_with_attributes.json")
    event = SNSEvent(raw)
    record = event.record
    source = raw["Records"][0]
    assert record.event_source == "aws:sns"
    assert record.event_version == "1.0"
    assert record.event_subscription_arn == source["EventSubscriptionArn"]
    sns = record.sns
    assert sns.get_type == "Notification"
    assert sns.message_id == source["Sns"]["MessageId"]
    assert sns.topic_arn == "arn:aws:sns:us-east-1:123456789012:order-events"
    assert sns.subject == "Order placed"
    assert sns.timestamp == source["Sns"]["Timestamp"]
    assert sns.signature_version == "1"
    assert sns.signing_cert_url.startswith("https://sns.us-east-1.amazonaws.com/")
    assert sns.unsubscribe_url.startswith("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe")
    assert json.loads(event.sns_message)["orderId"] == "ord-20931"
    attributes = sns.message_attributes
    assert attributes["event_type"].get_type == "String"
    assert attributes["event_type"].value == "order_placed"
    assert attributes["priority"].get_type == "Number"
    assert attributes["priority"].value == "2"
    assert json.loads(attributes["channels"].value) == ["email", "push"]


def test_sns_message_wraps_an_s3_event():
    raw = load("sns", "s3_event_in_message.json")
    event = SNSEvent(raw)
    assert event.record.sns.subject == "Amazon S3 Notification"
    assert event.record.sns.message_attributes == {}
    inner = S3Event(json.loads(event.sns_message))
    assert inner.record.event_name == "ObjectCreated:Put"
    assert inner.bucket_name == "photo-uploads-123456789012"
    assert inner.record.s3.get_object.key == "incoming/2026-11-22/Front+door+camera+%2802%29.jpg"
    assert inner.object_key == "incoming/2026-11-22/Front door camera (02).jpg"


# --- EventBridge -------------------------------------------------------------------------------


def test_eventbridge_custom_order_placed():
    raw = load("eventbridge", "custom_order_placed.json")
    event = EventBridgeEvent(raw)
    assert event.get_id == raw["id"]
    assert event.version == "0"
    assert event.detail_type == "Order Placed"
    assert event.source == "com.example.orders"
    assert event.account == "123456789012"
    assert event.region == "us-east-1"
    assert event.time == "2026-11-22T09:14:07Z"
    assert event.resources == []
    assert event.detail["orderId"] == "ord-20931"
    assert event.replay_name is None


def test_eventbridge_ec2_state_change():
    raw = load("eventbridge", "ec2_state_change.json")
    event = EventBridgeEvent(raw)
    assert event.detail_type == "EC2 Instance State-change Notification"
    assert event.source == "aws.ec2"
    assert event.resources == ["arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f67890"]
    assert event.detail == {"instance-id": "i-0a1b2c3d4e5f67890", "state": "stopped"}


def test_eventbridge_s3_object_created():
    # S3 with EventBridge delivery on: "version — Currently 0 (zero) for all events"; the bucket ARN in `resources`;
    # `reason` names the API that created the object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
    raw = load("eventbridge", "s3_object_created.json")
    event = S3EventBridgeNotificationEvent(raw)
    assert event.source == "aws.s3"
    assert event.detail_type == "Object Created"
    assert event.version == "0"
    assert event.resources == ["arn:aws:s3:::photo-uploads-123456789012"]
    detail = event.detail
    assert detail.version == "0"
    assert detail.bucket.name == "photo-uploads-123456789012"
    assert detail.object.key == "incoming/2026-11-22/receipt-0042.jpg"
    assert detail.object.size == raw["detail"]["object"]["size"]
    assert detail.object.etag == raw["detail"]["object"]["etag"]
    assert detail.object.version_id == raw["detail"]["object"]["version-id"]
    assert detail.object.sequencer == raw["detail"]["object"]["sequencer"]
    assert detail.requester == "123456789012"
    assert detail.source_ip_address == "203.0.113.25"
    assert detail.reason == "PutObject"
    assert detail.deletion_type is None
    assert "Records" not in raw  # not the S3 notification shape


# --- CloudWatch Logs ---------------------------------------------------------------------------


def test_cloudwatch_logs_data_message():
    raw = load("cloudwatch-logs", "data_message.json")
    event = CloudWatchLogsEvent(raw)
    assert event.raw_logs_data == raw["awslogs"]["data"]
    decoded = json.loads(gzip.decompress(base64.b64decode(raw["awslogs"]["data"])))
    assert event.decompress_logs_data == gzip.decompress(base64.b64decode(raw["awslogs"]["data"]))
    data = event.parse_logs_data()
    assert data.message_type == "DATA_MESSAGE"
    assert data.owner == "123456789012"
    assert data.log_group == "/aws/lambda/checkout-api"
    assert data.log_stream == decoded["logStream"]
    assert data.subscription_filters == ["checkout-logs-to-analyzer"]
    assert data.policy_level is None
    assert len(data.log_events) == 6
    for parsed, source in zip(data.log_events, decoded["logEvents"], strict=True):
        assert parsed.get_id == source["id"]
        assert parsed.timestamp == source["timestamp"]
        assert parsed.message == source["message"]
    assert sum(e.message.startswith("[ERROR]") for e in data.log_events) == 2


def test_cloudwatch_logs_control_message():
    event = CloudWatchLogsEvent(load("cloudwatch-logs", "control_message.json"))
    data = event.parse_logs_data()
    assert data.message_type == "CONTROL_MESSAGE"
    assert data.owner == "CloudwatchLogs"
    assert data.log_group == ""
    assert data.log_stream == ""
    assert data.subscription_filters == []
    assert data.log_events[0].get_id == ""
    assert data.log_events[0].message.startswith("CWL CONTROL MESSAGE")
