import base64
import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            reading = json.loads(base64.b64decode(record["kinesis"]["data"]))
            print(f"recorded {reading['readingId']}")
        except json.JSONDecodeError:
            failures.append({"itemIdentifier": record["kinesis"]["sequenceNumber"]})
    # TODO: this keeps going after a failure, and misses some kinds of poison record.
    return {"batchItemFailures": failures}
