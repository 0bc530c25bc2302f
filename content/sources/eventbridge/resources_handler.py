"""Publish a follow-up event once per incoming event.

EventBridge invokes the function asynchronously, and Lambda's queue of
asynchronous events can deliver the same event more than once. So the handler
first records the event's id with a conditional put; only the first delivery
goes on to publish "Order Accepted" to the orders bus.
"""

import json

import boto3

processed = boto3.resource("dynamodb").Table("processed_events")
events = boto3.client("events")


def handler(event, context):
    try:
        processed.put_item(
            Item={"eventId": event["id"]}, ConditionExpression="attribute_not_exists(eventId)"
        )
    except processed.meta.client.exceptions.ConditionalCheckFailedException:
        print("duplicate delivery", event["id"])
        return
    detail = {"orderId": event["detail"]["orderId"], "acceptedFrom": event["id"]}
    events.put_events(
        Entries=[
            {
                "EventBusName": "orders",
                "Source": "com.example.fulfilment",
                "DetailType": "Order Accepted",
                "Detail": json.dumps(detail),
            }
        ]
    )
    print("published Order Accepted for", detail["orderId"])
