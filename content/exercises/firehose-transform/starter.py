import base64
import json


def handler(event, context):
    output = []
    for record in event["records"]:
        obj = json.loads(base64.b64decode(record["data"]))
        obj["stream"] = "orders-to-s3"
        # TODO: heartbeats, unusable payloads, the newline, and the real stream name.
        output.append({
            "recordId": record["recordId"],
            "result": "Ok",
            "data": base64.b64encode(json.dumps(obj).encode()).decode(),
        })
    return {"records": output}
