import base64
import json

import boto3

totals = boto3.resource("dynamodb").Table("totals")


def handler(event, context):
    for record in event["Records"]:
        reading = json.loads(base64.b64decode(record["kinesis"]["data"]))
        # TODO: when Lambda retries records it already sent (a retried or bisected batch), they are added again.
        totals.update_item(
            Key={"meter": reading["meter"]},
            UpdateExpression="ADD #total :kwh",
            ExpressionAttributeNames={"#total": "total"},
            ExpressionAttributeValues={":kwh": reading["kwh"]},
        )
        print(f"added {reading['kwh']} to {reading['meter']}")
    return {"batchItemFailures": []}
