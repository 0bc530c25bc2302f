import json


def handler(event, context):
    for record in event["Records"]:
        message = json.loads(record["Sns"]["Message"])
        attributes = record["Sns"]["MessageAttributes"]
        event_type = attributes["event_type"]["Value"]
        for channel in attributes["channels"]["Value"]:
            print(f"{channel}: {event_type} {message['orderId']}")
        if attributes["priority"]["Value"] >= "8":
            print(f"urgent {message['orderId']}")
    # TODO: attributes may be missing, and their values are all text.
