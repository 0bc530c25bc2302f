"""Read the SNS envelope, parse Message, and handle each notification once.

`Sns.Message` is always a string: the publisher's payload exactly as it was
published. When S3 publishes to the topic, that string is itself a whole S3
event, so it is parsed a second time and its object keys are URL-decoded.
SNS retries and Lambda's asynchronous queue can both repeat a message, so the
handler remembers each `MessageId` it has finished (a real function would use
a durable store rather than this module-level set).
"""

import json
from urllib.parse import unquote_plus

SEEN_MESSAGE_IDS = set()


def attribute_values(message_attributes):
    """Flatten {"name": {"Type": ..., "Value": ...}} into {"name": value}."""
    values = {}
    for name, attribute in message_attributes.items():
        if attribute["Type"] == "Number":
            values[name] = float(attribute["Value"])
        elif attribute["Type"] == "String.Array":
            values[name] = json.loads(attribute["Value"])
        else:
            values[name] = attribute["Value"]
    return values


def handle_s3_event(s3_event):
    if s3_event.get("Event") == "s3:TestEvent":
        print("S3 test notification, nothing to do")
        return
    for record in s3_event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        print(f"{record['eventName']}: s3://{bucket}/{key}")


def handle_order(order, attributes):
    priority = attributes.get("priority", 5)
    print(f"order {order['orderId']} for {order['total']} {order['currency']}, priority {priority:g}")


def handler(event, context):
    handled = []
    for record in event["Records"]:
        sns = record["Sns"]
        if sns["MessageId"] in SEEN_MESSAGE_IDS:
            print(f"message {sns['MessageId']} already handled, skipped")
            continue
        body = json.loads(sns["Message"])
        if body.get("Service") == "Amazon S3" or "Records" in body:
            handle_s3_event(body)
        else:
            handle_order(body, attribute_values(sns["MessageAttributes"]))
        SEEN_MESSAGE_IDS.add(sns["MessageId"])
        handled.append(sns["MessageId"])
    # SNS never sees this value; it only makes local runs easy to check.
    return {"handled": handled}
