"""Store each order once, however often the queue delivers it.

A standard queue delivers at least once, so the same message can reach the
handler twice. The conditional put refuses a second write of the same order;
any other failure is reported in batchItemFailures, so only that message is
retried. Run it, then replay: the second delivery is refused, not doubled.
"""

import json
from decimal import Decimal

import boto3

orders = boto3.resource("dynamodb").Table("orders")


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            orders.put_item(
                Item={
                    "orderId": order["orderId"],
                    "customerId": order["customerId"],
                    "total": Decimal(str(order["total"])),
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
            print("stored", order["orderId"])
        except orders.meta.client.exceptions.ConditionalCheckFailedException:
            print("already stored", order["orderId"])  # a redelivery: nothing to do
        except Exception as error:
            print("failed", record["messageId"], repr(error))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
