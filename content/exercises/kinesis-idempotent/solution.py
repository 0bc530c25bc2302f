import base64
import json

# Module state survives between invocations in one execution environment only; a real function would keep
# it in DynamoDB (conditional writes), since a new environment starts empty.
HIGHEST = {}  # shard id -> highest sequence number applied
APPLIED = set()  # txIds applied


def handler(event, context):
    for record in event["Records"]:
        shard = record["eventID"].split(":")[0]
        sequence_number = int(record["kinesis"]["sequenceNumber"])  # as a number: text compares digit by digit
        if sequence_number <= HIGHEST.get(shard, -1):
            print(f"redelivered {record['kinesis']['sequenceNumber']}")  # a retry from an earlier checkpoint
            continue
        transaction = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if transaction["txId"] in APPLIED:
            print(f"duplicate {transaction['txId']}")  # a producer retry: new sequence number, same transaction
            continue
        print(f"applied {transaction['txId']}")
        HIGHEST[shard] = sequence_number
        APPLIED.add(transaction["txId"])
    return {"batchItemFailures": []}
