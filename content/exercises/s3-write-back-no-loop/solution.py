from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")
INPUT, OUTPUT = "incoming/", "processed/"


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded (a space as +)
        if not key.startswith(INPUT):
            # our own output (or anything else outside incoming/): writing again would loop
            print(f"ignored {key}")
            continue
        text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        output = OUTPUT + key[len(INPUT) :]
        s3.put_object(Bucket=bucket, Key=output, Body=text.upper().encode("utf-8"))
        print(f"wrote {output}")
