# Stands in for a table of processed object changes: (bucket, key, version).
SEEN = set()


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        # TODO: work out this change's identity, skip it if SEEN already has it,
        # otherwise process it and remember it.
        print(f"processed {key}")
