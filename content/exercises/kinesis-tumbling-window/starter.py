import base64
import json


def handler(event, context):
    revenue = 0
    for record in event["Records"]:
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        revenue += int(order["total"] * 100)
    print(f"window {event['window']['start']} orders={len(event['Records'])} revenue={revenue}")
    # TODO: the totals must carry over between invocations of the window, and only the last one reports.
    return {"batchItemFailures": []}
