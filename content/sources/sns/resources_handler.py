"""Record each notification once and raise an alert for large orders.

SNS invokes the function asynchronously, and Lambda's queue of asynchronous
events can deliver the same message more than once: the conditional put on the
message id makes a second delivery a no-op, so the alert is published once.
"""

import json

import boto3

notifications = boto3.resource("dynamodb").Table("notifications")
sns = boto3.client("sns")
ALERTS = "arn:aws:sns:us-east-1:123456789012:order-alerts"


def handler(event, context):
    for record in event["Records"]:
        message = record["Sns"]
        try:
            notifications.put_item(
                Item={"messageId": message["MessageId"], "subject": message.get("Subject") or ""},
                ConditionExpression="attribute_not_exists(messageId)",
            )
        except notifications.meta.client.exceptions.ConditionalCheckFailedException:
            print("already recorded", message["MessageId"])
            continue
        order = json.loads(message["Message"])
        if order.get("total", 0) > 100:
            sns.publish(TopicArn=ALERTS, Subject="Large order", Message=json.dumps({"orderId": order["orderId"]}))
