"""Sample events are complete, their variants exist, and encoded fields are really encoded."""

from __future__ import annotations

import base64
import gzip
import json

import pytest


def _events(catalog, slug):
    return catalog.sources[slug].events


def test_every_source_has_a_sample_event(real_catalog):
    assert all(source.events for source in real_catalog.sources.values())


def test_api_gateway_http_has_both_payload_versions(real_catalog):
    versions = {e.data.get("version") for e in _events(real_catalog, "api-gateway-http")}
    assert {"1.0", "2.0"} <= versions


def test_sqs_has_standard_and_fifo(real_catalog):
    groups = [("MessageGroupId" in r["attributes"]) for e in _events(real_catalog, "sqs") for r in e.data["Records"]]
    assert True in groups and False in groups


def test_dynamodb_has_insert_modify_and_remove(real_catalog):
    names = {r["eventName"] for e in _events(real_catalog, "dynamodb-streams") for r in e.data["Records"]}
    assert names == {"INSERT", "MODIFY", "REMOVE"}


def test_mq_has_activemq_and_rabbitmq(real_catalog):
    sources = {e.data["eventSource"] for e in _events(real_catalog, "mq")}
    assert sources == {"aws:mq", "aws:rmq"}


def test_cognito_has_several_trigger_types(real_catalog):
    triggers = {e.data["triggerSource"] for e in _events(real_catalog, "cognito")}
    assert len(triggers) >= 3


def test_s3_has_put_and_delete(real_catalog):
    names = {r["eventName"] for e in _events(real_catalog, "s3") for r in e.data["Records"]}
    assert "ObjectCreated:Put" in names and any(n.startswith("ObjectRemoved:") for n in names)


def _decodes_to_json(text: str) -> bool:
    try:
        json.loads(base64.b64decode(text, validate=True))
    except ValueError:
        return False
    return True


def test_kinesis_data_is_base64_json_except_the_poison_record(real_catalog):
    decoded = [
        _decodes_to_json(r["kinesis"]["data"]) for e in _events(real_catalog, "kinesis") for r in e.data["Records"]
    ]
    assert decoded.count(True) >= 3
    assert False in decoded  # the poison-record sample really is poisonous


@pytest.mark.parametrize("slug", ["msk", "kafka"])
def test_kafka_values_are_base64_json(real_catalog, slug):
    records = [r for e in _events(real_catalog, slug) for batch in e.data["records"].values() for r in batch]
    assert records and all(_decodes_to_json(r["value"]) for r in records)


def test_cloudwatch_logs_data_is_gzip_then_base64_of_a_log_payload(real_catalog):
    for event in _events(real_catalog, "cloudwatch-logs"):
        payload = json.loads(gzip.decompress(base64.b64decode(event.data["awslogs"]["data"])))
        assert payload["messageType"] in ("DATA_MESSAGE", "CONTROL_MESSAGE")
        assert {"owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"} <= set(payload)


def test_firehose_record_data_is_base64(real_catalog):
    for event in _events(real_catalog, "firehose"):
        for record in event.data["records"]:
            base64.b64decode(record["data"], validate=True)
