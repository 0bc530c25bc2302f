import json


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        print(f"accepted {order['orderId']}")
    # TODO: one bad message currently fails the whole batch.
    return {"batchItemFailures": []}
