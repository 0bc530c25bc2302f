import json


def quantity_ok(quantity):
    return isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0


def parse_v1(body):
    return body["orderId"], body["qty"]


def parse_v2(body):
    return body["order"]["id"], body["order"]["quantity"]


PARSERS = {"1": parse_v1, "2": parse_v2}


def read_order(record):
    """(orderId, quantity) by the message's schemaVersion attribute, or ValueError for a bad message."""
    attribute = record.get("messageAttributes", {}).get("schemaVersion") or {}
    version = attribute.get("stringValue", "1")  # String or Number (with any custom label): the text is here
    parse = PARSERS.get(version)
    if parse is None:
        raise ValueError(f"unknown schemaVersion {version!r}")
    try:
        order_id, quantity = parse(json.loads(record["body"]))
    except (KeyError, TypeError) as error:
        raise ValueError(f"body does not match version {version}") from error
    if not isinstance(order_id, str) or not quantity_ok(quantity):
        raise ValueError("orderId must be text and quantity a whole number above 0")
    return order_id, quantity


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order_id, quantity = read_order(record)  # json.loads raises ValueError too
        except ValueError as error:
            print(f"rejected {record['messageId']}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        print(f"accepted {order_id} x{quantity}")
    return {"batchItemFailures": failures}
