import json


def handler(event, context):
    for record in event["Records"]:
        body = json.loads(record["body"])
        print(f"accepted {body['orderId']} x{body['qty']}")
    # TODO: version 2 bodies look different, and a bad message fails the whole batch.
    return {"batchItemFailures": []}
