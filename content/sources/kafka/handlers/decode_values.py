"""Decode a self-managed Apache Kafka batch (eventSource "SelfManagedKafka").

Same layout as Amazon MSK, minus eventSourceArn: the cluster is identified by
bootstrapServers. An exception fails the whole batch. Payments must not be
applied twice, so the handler remembers (topic, partition, offset).
"""

import base64
import json

APPLIED = set()


def decode_headers(headers):
    return {name: bytes(values).decode("utf-8")
            for header in headers for name, values in header.items()}


def apply_payment(payment):
    if payment["amount"] <= 0:
        raise ValueError(f"invalid amount in {payment['paymentId']}")
    print(f"applied {payment['paymentId']}: {payment['amount']} {payment['currency']}")


def handler(event, context):
    cluster = event["bootstrapServers"].split(",")[0]
    applied = 0
    for topic_partition, records in event["records"].items():
        for record in records:
            identity = (record["topic"], record["partition"], record["offset"])
            if identity in APPLIED:
                print(f"duplicate {topic_partition}@{record['offset']} ignored")
                continue
            payment = json.loads(base64.b64decode(record["value"]))
            headers = decode_headers(record.get("headers", []))
            print(f"{cluster} {topic_partition}@{record['offset']} from {headers.get('producer', 'unknown')}")
            apply_payment(payment)
            APPLIED.add(identity)
            applied += 1
    return {"applied": applied}
