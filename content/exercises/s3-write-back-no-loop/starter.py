import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        # TODO: this write is a new object in the same bucket, so it sends a new notification to this function.
        output = "processed/" + key.replace("incoming/", "")
        s3.put_object(Bucket=bucket, Key=output, Body=text.upper().encode("utf-8"))
        print(f"wrote {output}")
