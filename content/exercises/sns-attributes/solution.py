import json

HANDLED = {"order_placed", "order_shipped"}


def value(attributes, name):
    """An attribute's Value (always text, whatever its Type), or None when the publisher did not set it."""
    attribute = attributes.get(name)
    return attribute.get("Value") if isinstance(attribute, dict) else None


def handler(event, context):
    for record in event["Records"]:
        sns = record["Sns"]
        attributes = sns.get("MessageAttributes") or {}
        event_type = value(attributes, "event_type")
        if event_type not in HANDLED:
            # Not ours: returning normally means no retries for an event that could never succeed.
            print(f"ignored {sns['MessageId']}")
            continue
        order = json.loads(sns["Message"])  # raises ValueError for text that is not JSON
        if not isinstance(order, dict) or not isinstance(order.get("orderId"), str):
            raise ValueError(f"message {sns['MessageId']} has no orderId")  # retried, then DLQ / destination
        channels = json.loads(value(attributes, "channels") or '["email"]')  # String.Array: JSON in a string
        for channel in channels:
            print(f"{channel}: {event_type} {order['orderId']}")
        if float(value(attributes, "priority") or 0) >= 8:  # Number: text that must be compared as a number
            print(f"urgent {order['orderId']}")
