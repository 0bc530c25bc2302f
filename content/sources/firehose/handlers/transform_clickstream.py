"""Firehose data transformation: clean up clickstream events before delivery.

Firehose calls the function with a buffered batch and expects exactly one answer per
input record, each carrying the same `recordId`, a `result` and base64 `data`:
- Ok               the record was transformed; `data` is the new payload
- Dropped          skipped on purpose (still counts as success)
- ProcessingFailed could not be transformed; Firehose writes it under `processing-failed/`
Raising an exception would fail the whole invocation instead, so handle records one by one.
"""

import base64
import binascii
import datetime
import json

IGNORED_TYPES = {"healthcheck"}


def transform(payload, arrival_ms):
    event = json.loads(payload)
    if not isinstance(event, dict) or "eventType" not in event:
        raise ValueError("not a clickstream event")
    if event["eventType"] in IGNORED_TYPES:
        return None
    arrived = datetime.datetime.fromtimestamp(arrival_ms / 1000, tz=datetime.UTC)
    event["arrivedAt"] = arrived.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # One JSON object per line, so the files in S3 are easy to query later.
    return (json.dumps(event, separators=(",", ":")) + "\n").encode()


def handler(event, context):
    output = []
    for record in event["records"]:
        try:
            payload = base64.b64decode(record["data"], validate=True)
            transformed = transform(payload, record["approximateArrivalTimestamp"])
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            # json.JSONDecodeError is a ValueError too. Keep the original bytes for the error output.
            print(f"record {record['recordId']} failed: {error}")
            output.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
            continue
        if transformed is None:
            output.append({"recordId": record["recordId"], "result": "Dropped", "data": record["data"]})
        else:
            output.append({
                "recordId": record["recordId"],
                "result": "Ok",
                "data": base64.b64encode(transformed).decode(),
            })
    return {"records": output}
