"""Write a processed copy into the same bucket without invoking yourself forever.

A notification with no prefix filter fires for every new object, the handler's
own output included. Writing under another prefix and ignoring that prefix
breaks the loop; so would a notification filtered to the input prefix, or
writing to a second bucket.
"""

from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")
OUTPUT = "processed/"


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        if key.startswith(OUTPUT):
            print("skipping my own output", key)
            continue
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=bucket, Key=OUTPUT + key, Body=body.upper())
        print("wrote", OUTPUT + key)
