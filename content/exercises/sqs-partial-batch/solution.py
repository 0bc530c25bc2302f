import json


def valid(order):
    quantity = order.get("quantity") if isinstance(order, dict) else None
    return isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            if not valid(order):
                raise ValueError("quantity must be a positive whole number")
            print(f"accepted {order['orderId']}")
        except ValueError as error:
            print(f"rejected {record['messageId']}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
