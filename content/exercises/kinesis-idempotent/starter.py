import base64
import json


def handler(event, context):
    for record in event["Records"]:
        transaction = json.loads(base64.b64decode(record["kinesis"]["data"]))
        # TODO: a redelivered record or a producer's duplicate is applied a second time.
        print(f"applied {transaction['txId']}")
    return {"batchItemFailures": []}
