"""Decode an Amazon MSK batch: base64 key and value, byte-array headers.

Records are grouped by "<topic>-<partition>"; order is kept inside each list.
Raising fails the whole batch, which Lambda retries (see the retry settings).
Offsets are unique per topic and partition, so (topic, partition, offset)
makes a good idempotency key.
"""

import base64
import json

SEEN = set()


def decode_headers(headers):
    # Each header is a one-key dict whose value is a list of byte values.
    return {name: bytes(values).decode("utf-8")
            for header in headers for name, values in header.items()}


def handler(event, context):
    processed = 0
    for topic_partition, records in event["records"].items():
        for record in records:
            identity = (record["topic"], record["partition"], record["offset"])
            if identity in SEEN:
                continue
            key = base64.b64decode(record["key"]).decode() if record.get("key") else None
            value = json.loads(base64.b64decode(record["value"]))
            headers = decode_headers(record.get("headers", []))
            if headers.get("content-type", "application/json") != "application/json":
                raise ValueError(f"unexpected content type at {topic_partition}@{record['offset']}")
            print(f"{topic_partition}@{record['offset']} key={key} order={value['orderId']} "
                  f"total={value['total']} trace={headers.get('trace-id')}")
            SEEN.add(identity)
            processed += 1
    return {"processed": processed}
