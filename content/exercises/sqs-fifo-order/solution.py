import json

OPERATIONS = {"deposit", "withdraw"}


def check(body):
    """Return the operation, or raise ValueError when the message is bad."""
    operation = json.loads(body)  # json.JSONDecodeError is a ValueError
    if not isinstance(operation, dict) or operation.get("op") not in OPERATIONS:
        raise ValueError("unknown operation")
    amount = operation.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive whole number")
    return operation


def handler(event, context):
    failed_groups = set()  # per invocation: a warm environment must not carry it over
    failures = []
    for record in event["Records"]:
        message_id = record["messageId"]
        group = record["attributes"]["MessageGroupId"]
        if group in failed_groups:
            print(f"skipped {message_id}: an earlier message of {group} failed")
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            check(record["body"])
        except ValueError as error:
            print(f"failed {message_id}: {error}")
            failed_groups.add(group)
            failures.append({"itemIdentifier": message_id})
            continue
        print(f"applied {message_id}")
    return {"batchItemFailures": failures}
