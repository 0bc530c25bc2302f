import base64
import json


def handler(event, context):
    # TODO: this is not the whole decoding story, and control messages need their own answer.
    payload = json.loads(base64.b64decode(event["awslogs"]["data"]))
    errors = 0
    for log_event in payload["logEvents"]:
        if "ERROR" in log_event["message"]:
            errors += 1
    return {
        "messageType": payload["messageType"],
        "logGroup": payload["logGroup"],
        "events": len(payload["logEvents"]),
        "errors": errors,
    }
