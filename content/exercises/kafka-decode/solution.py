import base64
import json


def headers(record):
    """The record's headers as {name: text}; Lambda sends each header's value as a list of byte values."""
    return {
        name: bytes(values).decode("utf-8") for header in record.get("headers") or [] for name, values in header.items()
    }


def decode_order(record):
    """The order in the record's value, or ValueError when the value is poison."""
    order = json.loads(base64.b64decode(record["value"], validate=True))  # binascii.Error is a ValueError too
    if not isinstance(order, dict) or not isinstance(order.get("orderId"), str):
        raise ValueError("not an order object with an orderId")
    total = order.get("total")
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        raise ValueError("total must be a number")
    return order


def handler(event, context):
    for records in event["records"].values():
        for record in records:
            where = f"{record['topic']}-{record['partition']}@{record['offset']}"
            if headers(record).get("event-type") != "order-created":
                print(f"skipped {where}")
                continue
            try:
                order = decode_order(record)
            except ValueError as error:
                # Raising would fail and retry the whole batch; log the coordinates and move on.
                print(f"poison {where}: {error}")
                continue
            customer = base64.b64decode(record["key"]).decode("utf-8")
            print(f"order {order['orderId']} from {customer}")
