import base64
import json

import boto3

totals = boto3.resource("dynamodb").Table("totals")
WIDTH = 130  # wider than any Kinesis sequence number, so zero-padded text sorts like the numbers


def handler(event, context):
    for record in event["Records"]:
        reading = json.loads(base64.b64decode(record["kinesis"]["data"]))
        # A sequence number has more digits than a DynamoDB number keeps exactly: store it as padded text
        sequence = record["kinesis"]["sequenceNumber"].zfill(WIDTH)
        try:
            totals.update_item(
                Key={"meter": reading["meter"]},
                UpdateExpression="ADD #total :kwh SET last_sequence = :sequence",
                ConditionExpression="attribute_not_exists(last_sequence) OR last_sequence < :sequence",
                ExpressionAttributeNames={"#total": "total"},
                ExpressionAttributeValues={":kwh": reading["kwh"], ":sequence": sequence},
            )
        except totals.meta.client.exceptions.ConditionalCheckFailedException:
            # this meter already counted this record (or a later one): a retried record
            print(f"skipped {record['kinesis']['sequenceNumber']} for {reading['meter']}")
            continue
        print(f"added {reading['kwh']} to {reading['meter']}")
    return {"batchItemFailures": []}
