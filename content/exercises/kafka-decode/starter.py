import base64
import json


def handler(event, context):
    for records in event["records"].values():
        for record in records:
            order = json.loads(base64.b64decode(record["value"]))
            print(f"order {order['orderId']} from {record['key']}")
    # TODO: decode the key, read the event-type header, and survive records that cannot be decoded.
