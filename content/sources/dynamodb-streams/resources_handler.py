"""Project order changes into a per-customer summary table.

INSERT and MODIFY records carry the new image (with a stream view type that
includes it); REMOVE records carry the keys and, with OLD_IMAGE or
NEW_AND_OLD_IMAGES, the old image. Each summary row is overwritten with the
latest state, so replaying a record gives the same result.
"""

import boto3

summaries = boto3.resource("dynamodb").Table("order_summaries")


def value(attribute):
    (kind, text), = attribute.items()
    return text


def handler(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        if record["eventName"] == "REMOVE":
            old = change.get("OldImage")
            if old:
                summaries.delete_item(Key={"customerId": value(old["customerId"])})
            continue
        new = change["NewImage"]
        summaries.put_item(
            Item={
                "customerId": value(new["customerId"]),
                "lastOrderId": value(new["orderId"]),
                "status": value(new["status"]),
            }
        )
