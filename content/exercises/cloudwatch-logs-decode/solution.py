import base64
import gzip
import json


def decode(event):
    compressed = base64.b64decode(event["awslogs"]["data"])
    return json.loads(gzip.decompress(compressed))


def handler(event, context):
    payload = decode(event)
    if payload["messageType"] == "CONTROL_MESSAGE":
        print("control message: nothing to count")
        return {"messageType": "CONTROL_MESSAGE", "events": 0, "errors": 0}

    errors = 0
    for log_event in payload["logEvents"]:
        message = log_event["message"]
        if message.startswith("[ERROR]"):
            errors += 1
            print(f"error {log_event['id']}: {message.strip()}")
    return {
        "messageType": payload["messageType"],
        "logGroup": payload["logGroup"],
        "events": len(payload["logEvents"]),
        "errors": errors,
    }
