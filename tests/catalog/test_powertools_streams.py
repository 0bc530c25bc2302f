"""Parse the streams group's sample events with the Powertools data classes.

Each test loads a sample from content/ and checks that the documented properties of the matching
`aws_lambda_powertools.utilities.data_classes` class read back the values in the JSON. DocumentDB has
no Powertools data class, so it is not covered here.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path

from aws_lambda_powertools.utilities.data_classes import (
    DynamoDBStreamEvent,
    KafkaEvent,
    KinesisStreamEvent,
)
from aws_lambda_powertools.utilities.data_classes.active_mq_event import ActiveMQEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecordEventName,
    StreamViewType,
)
from aws_lambda_powertools.utilities.data_classes.rabbit_mq_event import RabbitMQEvent

CONTENT = Path(__file__).resolve().parents[2] / "content"


def load(slug: str, name: str) -> dict:
    return json.loads((CONTENT / "sources" / slug / "events" / name).read_text(encoding="utf-8"))


# --- Kinesis -----------------------------------------------------------------------------------


def test_kinesis_batch():
    raw = load("kinesis", "batch.json")
    records = list(KinesisStreamEvent(raw).records)
    assert len(records) == 3
    for parsed, source in zip(records, raw["Records"], strict=True):
        assert parsed.event_source == "aws:kinesis"
        assert parsed.event_name == "aws:kinesis:record"
        assert parsed.event_source_arn == source["eventSourceARN"]
        assert parsed.event_id == source["eventID"]
        assert parsed.aws_region == "us-east-1"
        assert parsed.kinesis.sequence_number == source["kinesis"]["sequenceNumber"]
        assert parsed.kinesis.partition_key == source["kinesis"]["partitionKey"]
        assert parsed.kinesis.data_as_json() == json.loads(base64.b64decode(source["kinesis"]["data"]))
    assert records[0].kinesis.data_as_json()["orderId"] == "ord-2001"


def test_kinesis_poison_record_is_not_json():
    raw = load("kinesis", "poison.json")
    records = list(KinesisStreamEvent(raw).records)
    assert records[0].kinesis.data_as_json()["orderId"] == "ord-2003"
    poison = records[1].kinesis
    assert poison.data_as_text().startswith('{"orderId"')
    try:
        poison.data_as_json()
    except ValueError:
        pass
    else:  # pragma: no cover - the sample must stay a poison record
        raise AssertionError("the poison record's data should not be valid JSON")


def test_kinesis_tumbling_window():
    raw = load("kinesis", "tumbling_window.json")
    event = KinesisStreamEvent(raw)
    assert event.window.start == raw["window"]["start"]
    assert event.window.end == raw["window"]["end"]
    assert event.state == raw["state"]
    assert event.shard_id == raw["shardId"]
    assert event.event_source_arn == raw["eventSourceARN"]
    assert event.is_final_invoke_for_window is False
    assert event.is_window_terminated_early is False
    assert len(list(event.records)) == 2


# --- DynamoDB Streams --------------------------------------------------------------------------


def test_dynamodb_insert():
    raw = load("dynamodb-streams", "insert.json")
    (record,) = DynamoDBStreamEvent(raw).records
    assert record.event_name == DynamoDBRecordEventName.INSERT
    assert record.event_source == "aws:dynamodb"
    assert record.event_id == raw["Records"][0]["eventID"]
    stream = record.dynamodb
    assert stream.keys == {"orderId": "ord-3001"}
    assert stream.new_image["total"] == Decimal("59.90")
    assert stream.new_image["tags"] == {"express", "gift"}
    assert stream.new_image["items"] == [{"sku": "BOOK-17", "qty": Decimal("2")}]
    assert stream.old_image == {}
    assert stream.sequence_number == raw["Records"][0]["dynamodb"]["SequenceNumber"]
    assert stream.stream_view_type == StreamViewType.NEW_AND_OLD_IMAGES
    assert stream.size_bytes == raw["Records"][0]["dynamodb"]["SizeBytes"]
    assert stream.approximate_creation_date_time == raw["Records"][0]["dynamodb"]["ApproximateCreationDateTime"]


def test_dynamodb_modify_has_both_images():
    raw = load("dynamodb-streams", "modify.json")
    (record,) = DynamoDBStreamEvent(raw).records
    assert record.event_name == DynamoDBRecordEventName.MODIFY
    assert record.dynamodb.old_image["status"] == "PLACED"
    assert record.dynamodb.new_image["status"] == "PAID"
    assert record.event_source_arn == raw["Records"][0]["eventSourceARN"]


def test_dynamodb_remove_has_only_old_image():
    raw = load("dynamodb-streams", "remove.json")
    (record,) = DynamoDBStreamEvent(raw).records
    assert record.event_name == DynamoDBRecordEventName.REMOVE
    assert record.dynamodb.new_image == {}
    assert record.dynamodb.old_image["orderId"] == "ord-3001"


def test_dynamodb_ttl_remove_names_the_service():
    # API_streams_Record: items deleted by Time to Live carry userIdentity.type "Service" and
    # userIdentity.principalId "dynamodb.amazonaws.com".
    raw = load("dynamodb-streams", "ttl_remove.json")
    (record,) = DynamoDBStreamEvent(raw).records
    assert record.event_name == DynamoDBRecordEventName.REMOVE
    assert record.user_identity == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert record.dynamodb.new_image == {}
    assert record.dynamodb.old_image["expiresAt"] < record.dynamodb.approximate_creation_date_time
    assert record.dynamodb.stream_view_type == StreamViewType.NEW_AND_OLD_IMAGES


def test_only_ttl_deletes_carry_a_user_identity():
    for name in ("insert.json", "modify.json", "remove.json", "mixed_batch.json"):
        for record in DynamoDBStreamEvent(load("dynamodb-streams", name)).records:
            assert record.user_identity == {}


def test_dynamodb_mixed_batch_in_order():
    raw = load("dynamodb-streams", "mixed_batch.json")
    records = list(DynamoDBStreamEvent(raw).records)
    assert [r.event_name for r in records] == [
        DynamoDBRecordEventName.INSERT,
        DynamoDBRecordEventName.MODIFY,
        DynamoDBRecordEventName.REMOVE,
    ]
    sequence_numbers = [int(r.dynamodb.sequence_number) for r in records]
    assert sequence_numbers == sorted(sequence_numbers)


# --- Kafka (Amazon MSK and self-managed) -------------------------------------------------------


def check_kafka(raw: dict) -> list:
    event = KafkaEvent(raw)
    assert event.event_source == raw["eventSource"]
    assert event.bootstrap_servers == raw["bootstrapServers"]
    assert event.decoded_bootstrap_servers == raw["bootstrapServers"].split(",")
    records = list(event.records)
    flat = [r for chunk in raw["records"].values() for r in chunk]
    assert len(records) == len(flat)
    for parsed, source in zip(records, flat, strict=True):
        assert f"{parsed.topic}-{parsed.partition}" in raw["records"]
        assert parsed.offset == source["offset"]
        assert parsed.timestamp == source["timestamp"]
        assert parsed.timestamp_type == "CREATE_TIME"
        assert parsed.decoded_key == base64.b64decode(source["key"])
        assert parsed.json_value == json.loads(base64.b64decode(source["value"]))
        assert parsed.headers == source["headers"]
    return records


def test_msk_batch():
    raw = load("msk", "batch.json")
    records = check_kafka(raw)
    assert KafkaEvent(raw).event_source_arn == raw["eventSourceArn"]
    assert records[0].decoded_headers["content-type"] == b"application/json"
    assert records[0].json_value["orderId"] == "ord-4001"


def test_self_managed_kafka_batch():
    raw = load("kafka", "batch.json")
    records = check_kafka(raw)
    assert raw["eventSource"] == "SelfManagedKafka"
    assert KafkaEvent(raw).event_source_arn is None
    assert records[0].decoded_headers["producer"] == b"checkout-service"
    assert records[2].headers == []


# --- Amazon MQ ---------------------------------------------------------------------------------


def test_activemq():
    raw = load("mq", "activemq.json")
    event = ActiveMQEvent(raw)
    assert event.event_source == "aws:mq"
    assert event.event_source_arn == raw["eventSourceArn"]
    messages = list(event.messages)
    assert len(messages) == 2
    for parsed, source in zip(messages, raw["messages"], strict=True):
        assert parsed.message_id == source["messageID"]
        assert parsed.message_type == source["messageType"]
        assert parsed.decoded_data == base64.b64decode(source["data"]).decode()
        assert parsed.json_data == json.loads(base64.b64decode(source["data"]))
        assert parsed.destination_physicalname == "orders.queue"
        assert parsed.broker_in_time == source["brokerInTime"]
        assert parsed.correlation_id == source["correlationID"]
        assert parsed.properties == source["properties"]
    assert messages[1].redelivered is True


def test_rabbitmq():
    raw = load("mq", "rabbitmq.json")
    event = RabbitMQEvent(raw)
    assert event.event_source == "aws:rmq"
    assert event.event_source_arn == raw["eventSourceArn"]
    queue = event.rmq_messages_by_queue["invoices::/"]
    assert len(queue) == 2
    first = queue[0]
    source = raw["rmqMessagesByQueue"]["invoices::/"][0]
    assert first.redelivered is False
    assert first.json_data["invoiceId"] == "inv-7001"
    assert first.basic_properties.content_type == "application/json"
    assert first.basic_properties.message_id == "msg-inv-7001"
    assert first.basic_properties.body_size == len(base64.b64decode(source["data"]))
    assert first.basic_properties.headers["x-tenant"]["bytes"] == list(b"acme")
