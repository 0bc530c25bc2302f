"""Decode a CloudWatch Logs subscription payload and count ERROR lines.

`awslogs.data` is gzip-compressed JSON, then base64-encoded. Most payloads are
DATA_MESSAGE batches of log events; CloudWatch Logs may also send a
CONTROL_MESSAGE to check that the destination is reachable, which carries no
log data and is simply acknowledged.
"""

import base64
import gzip
import json


def decode(event):
    compressed = base64.b64decode(event["awslogs"]["data"])
    return json.loads(gzip.decompress(compressed))


def is_error(message):
    # Python runtime log lines start with the level in brackets, e.g. "[ERROR]\t...".
    return message.startswith("[ERROR]") or " ERROR " in message


def handler(event, context):
    payload = decode(event)
    if payload["messageType"] == "CONTROL_MESSAGE":
        print("control message from CloudWatch Logs, nothing to count")
        return {"messageType": "CONTROL_MESSAGE", "errors": 0}
    errors = [log_event for log_event in payload["logEvents"] if is_error(log_event["message"])]
    for log_event in errors:
        print(f"{payload['logGroup']} {log_event['id']}: {log_event['message'].rstrip()}")
    # CloudWatch Logs never sees this value; it only makes local runs easy to check.
    return {
        "messageType": payload["messageType"],
        "logGroup": payload["logGroup"],
        "events": len(payload["logEvents"]),
        "errors": len(errors),
    }
