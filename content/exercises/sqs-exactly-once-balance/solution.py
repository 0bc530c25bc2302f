import json

import boto3

# Created once per execution environment (at INIT), reused by every invocation
dynamodb = boto3.client("dynamodb")


def record_once(order):
    """Write the order and add its amount in ONE transaction, on the condition that the order is new.
    Returns False when the order was already recorded (a redelivery or a producer's duplicate)."""
    amount = {"N": str(order["amount"])}
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": "orders",
                        "Item": {
                            "orderId": {"S": order["orderId"]},
                            "customerId": {"S": order["customerId"]},
                            "amount": amount,
                        },
                        "ConditionExpression": "attribute_not_exists(orderId)",
                    }
                },
                {
                    "Update": {
                        "TableName": "balances",
                        "Key": {"customerId": {"S": order["customerId"]}},
                        "UpdateExpression": "ADD balance :amount",
                        "ExpressionAttributeValues": {":amount": amount},
                    }
                },
            ]
        )
    except dynamodb.exceptions.TransactionCanceledException as error:
        reasons = error.response.get("CancellationReasons", [])
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False  # the order is already there: neither write happened this time
        raise  # cancelled for another reason (a conflict, throttling): let the message come back
    return True


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        if record_once(order):
            print(f"recorded {order['orderId']}")
        else:
            print(f"already recorded {order['orderId']}")
    return {"batchItemFailures": []}
