"""Keep a running total per customer that a retried batch cannot inflate.

Lambda retries a failed batch from the shard, so records already counted can
come again. Each update carries the record's sequence number and only applies
if it is newer than the last one counted for that key. Sequence numbers are
too long for a DynamoDB number, so they are stored as text padded with zeros
to one width: then comparing the text compares the numbers.
"""

import base64
import json
from decimal import Decimal

import boto3

totals = boto3.resource("dynamodb").Table("totals")
WIDTH = 130  # wider than any sequence number


def handler(event, context):
    for record in event["Records"]:
        data = json.loads(base64.b64decode(record["kinesis"]["data"]))
        sequence = record["kinesis"]["sequenceNumber"].zfill(WIDTH)
        try:
            totals.update_item(
                Key={"key": record["kinesis"]["partitionKey"]},
                UpdateExpression="ADD #total :amount SET lastSequence = :seq",
                ConditionExpression="attribute_not_exists(lastSequence) OR lastSequence < :seq",
                ExpressionAttributeNames={"#total": "total"},  # TOTAL is a DynamoDB reserved word
                ExpressionAttributeValues={":amount": Decimal(str(data["total"])), ":seq": sequence},
            )
        except totals.meta.client.exceptions.ConditionalCheckFailedException:
            print("already counted", sequence)
