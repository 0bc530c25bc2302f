"""Decode a Kinesis batch and report the first failed record by sequence number.

Needs ReportBatchItemFailures on the event source mapping. Lambda checkpoints
at the lowest sequence number reported and retries everything from there, so
the handler stops at the first failure: records after it are retried anyway.
"""

import base64
import json

PROCESSED = set()  # eventIDs already handled by this execution environment


def decode(record):
    raw = base64.b64decode(record["kinesis"]["data"])
    return json.loads(raw)  # raises ValueError on a record that is not JSON


def process(order):
    if order["total"] < 0:
        raise ValueError(f"negative total in {order['orderId']}")
    print(f"{order['orderId']} is {order['status']} ({order['total']} {order['currency']})")


def handler(event, context):
    for record in event["Records"]:
        sequence_number = record["kinesis"]["sequenceNumber"]
        if record["eventID"] in PROCESSED:
            print(f"skipping duplicate {sequence_number}")
            continue
        try:
            process(decode(record))
        except Exception as error:
            print(f"record {sequence_number} failed: {error!r}")
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
        PROCESSED.add(record["eventID"])
    return {"batchItemFailures": []}
