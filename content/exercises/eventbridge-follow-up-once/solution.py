import json

import boto3

dynamodb = boto3.client("dynamodb")
events = boto3.client("events")


def handler(event, context):
    marker = {"eventId": {"S": event["id"]}}
    try:
        # Claim the incoming event's id first: only one delivery of it gets past this line
        dynamodb.put_item(
            TableName="processed_events", Item=marker, ConditionExpression="attribute_not_exists(eventId)"
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        print(f"already handled {event['id']}")
        return
    try:
        result = events.put_events(
            Entries=[
                {
                    "EventBusName": "fulfilment",
                    "Source": "com.example.fulfilment",
                    "DetailType": "ShipmentRequested",
                    "Detail": json.dumps({"orderId": event["detail"]["orderId"], "requestedBy": event["id"]}),
                }
            ]
        )
        if result["FailedEntryCount"]:  # PutEvents reports a rejected entry in its answer, not by raising
            raise RuntimeError(f"the follow-up event was not accepted: {result['Entries'][0].get('ErrorCode')}")
    except Exception:
        # Nothing was published: give the claim back, and fail so that Lambda retries the event
        dynamodb.delete_item(TableName="processed_events", Key=marker)
        raise
    print(f"requested shipment of {event['detail']['orderId']}")
