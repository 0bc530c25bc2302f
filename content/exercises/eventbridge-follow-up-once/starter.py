import json

import boto3

events = boto3.client("events")


def handler(event, context):
    # TODO: when the same event (same id) is delivered again, a second ShipmentRequested goes out.
    events.put_events(
        Entries=[
            {
                "EventBusName": "fulfilment",
                "Source": "com.example.fulfilment",
                "DetailType": "ShipmentRequested",
                "Detail": json.dumps({"orderId": event["detail"]["orderId"], "requestedBy": event["id"]}),
            }
        ]
    )
    print(f"requested shipment of {event['detail']['orderId']}")
