"""Route DynamoDB stream records by eventName and report the first failure.

Images arrive in DynamoDB JSON ({"S": ...}, {"N": ...}); `unmarshal` turns them
into plain Python values (numbers become Decimal, never float). With
ReportBatchItemFailures, the failed record's dynamodb.SequenceNumber is returned;
Lambda retries from that record, so the handler stops there.
"""

import base64
from decimal import Decimal

KNOWN_STATUSES = {"PLACED", "PAID", "SHIPPED", "CANCELLED"}


def unmarshal(value):
    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        return Decimal(inner)
    if kind == "B":
        return base64.b64decode(inner)
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: unmarshal(v) for k, v in inner.items()}
    if kind == "L":
        return [unmarshal(v) for v in inner]
    if kind == "SS":
        return set(inner)
    if kind == "NS":
        return {Decimal(n) for n in inner}
    if kind == "BS":
        return {base64.b64decode(b) for b in inner}
    raise ValueError(f"unknown DynamoDB type {kind}")


def image(record, name):
    return {k: unmarshal(v) for k, v in record["dynamodb"].get(name, {}).items()}


def on_insert(new, old):
    print(f"new order {new['orderId']} for {new['customerId']}: {new['total']}")


def on_modify(new, old):
    if new["status"] not in KNOWN_STATUSES:
        raise ValueError(f"unknown status {new['status']!r} on {new['orderId']}")
    if new["status"] != old.get("status"):
        print(f"{new['orderId']}: {old.get('status')} -> {new['status']}")


def on_remove(new, old):
    print(f"order {old['orderId']} deleted (last status {old.get('status')})")


ROUTES = {"INSERT": on_insert, "MODIFY": on_modify, "REMOVE": on_remove}


def handler(event, context):
    for record in event["Records"]:
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            ROUTES[record["eventName"]](image(record, "NewImage"), image(record, "OldImage"))
        except Exception as error:
            print(f"{record['eventName']} {sequence_number} failed: {error!r}")
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
    return {"batchItemFailures": []}
