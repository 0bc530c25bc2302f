"""Process an SQS batch message by message and report only the failures.

Needs ReportBatchItemFailures on the event source mapping; without it, Lambda
ignores the returned list and treats the whole batch as a success.
"""

import json


def process(order):
    if order.get("total", 0) < 0:
        raise ValueError(f"negative total in {order['orderId']}")
    print(f"charged {order['total']} {order['currency']} for {order['orderId']}")


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            process(json.loads(record["body"]))
        except Exception as error:  # one bad message must not fail the others
            print(f"message {record['messageId']} failed: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
