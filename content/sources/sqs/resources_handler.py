"""Store each order once and count it once, however often the queue delivers it.

A standard queue delivers at least once, so the same message can reach the
handler twice. Storing the order and adding its total to the customer's
running total happen in one transaction whose put only succeeds if the order
is new: a second delivery cancels the whole transaction, so the total is not
counted twice. Any other failure is reported in batchItemFailures, so only
that message is retried. Run it twice with the same event: the second run is a
redelivery, and its writes are refused.
"""

import json

import boto3

dynamodb = boto3.client("dynamodb")


def store_once(order):
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": "orders",
                    "Item": {"orderId": {"S": order["orderId"]}, "customerId": {"S": order["customerId"]}},
                    "ConditionExpression": "attribute_not_exists(orderId)",
                }
            },
            {
                "Update": {
                    "TableName": "customers",
                    "Key": {"customerId": {"S": order["customerId"]}},
                    "UpdateExpression": "ADD #total :amount",
                    "ExpressionAttributeNames": {"#total": "total"},  # TOTAL is a DynamoDB reserved word
                    "ExpressionAttributeValues": {":amount": {"N": str(order["total"])}},
                }
            },
        ]
    )


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            store_once(order)
            print("stored", order["orderId"])
        except dynamodb.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                print("already stored", order["orderId"])  # a redelivery: nothing to do
            else:
                failures.append({"itemIdentifier": record["messageId"]})
        except Exception as error:
            print("failed", record["messageId"], repr(error))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
