import json

import boto3

dynamodb = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        dynamodb.put_item(
            TableName="orders",
            Item={
                "orderId": {"S": order["orderId"]},
                "customerId": {"S": order["customerId"]},
                "amount": {"N": str(order["amount"])},
            },
        )
        # TODO: when SQS delivers this message again, the amount is added a second time.
        dynamodb.update_item(
            TableName="balances",
            Key={"customerId": {"S": order["customerId"]}},
            UpdateExpression="ADD balance :amount",
            ExpressionAttributeValues={":amount": {"N": str(order["amount"])}},
        )
        print(f"recorded {order['orderId']}")
    return {"batchItemFailures": []}
