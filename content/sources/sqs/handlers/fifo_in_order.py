"""Process a FIFO batch in order and stop at the first failure.

Reporting the failed message *and every message after it* keeps each message
group in order: Lambda retries them before later messages of the same group.
"""

import json

BALANCES = {}


def apply(operation):
    balance = BALANCES.get(operation["accountId"], 0)
    if operation["op"] == "deposit":
        balance += operation["amount"]
    elif operation["op"] == "withdraw":
        if operation["amount"] > balance:
            raise ValueError("insufficient funds")
        balance -= operation["amount"]
    else:
        raise ValueError(f"unknown operation {operation['op']!r}")
    BALANCES[operation["accountId"]] = balance


def handler(event, context):
    records = event["Records"]
    for position, record in enumerate(records):
        try:
            apply(json.loads(record["body"]))
        except Exception as error:
            print(f"stopping at {record['messageId']}: {error}")
            return {
                "batchItemFailures": [
                    {"itemIdentifier": later["messageId"]} for later in records[position:]
                ]
            }
    return {"batchItemFailures": []}
