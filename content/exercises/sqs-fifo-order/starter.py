import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            operation = json.loads(record["body"])
            if operation["amount"] <= 0:
                raise ValueError("amount must be positive")
            print(f"applied {record['messageId']}")
        except (ValueError, KeyError):
            failures.append({"itemIdentifier": record["messageId"]})
    # TODO: a failure must also hold back the later messages of the same message group.
    return {"batchItemFailures": failures}
