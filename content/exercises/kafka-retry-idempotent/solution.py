import base64
import json

# topic-partition -> highest offset posted. Module state lasts as long as the execution environment;
# a real function would keep it in a table.
POSTED = {}

_LEDGER_OUTAGE = {"pay-9103"}  # the ledger times out once for these payments


def ledger_post(payment):
    """Stands in for the ledger service. Keep it as it is."""
    if payment["paymentId"] in _LEDGER_OUTAGE:
        _LEDGER_OUTAGE.discard(payment["paymentId"])
        raise TimeoutError(f"ledger did not answer for {payment['paymentId']}")


def handler(event, context):
    for records in event["records"].values():
        for record in records:
            partition = f"{record['topic']}-{record['partition']}"
            if record["offset"] <= POSTED.get(partition, -1):
                # Lambda retried the whole batch: this one was posted before the error.
                print(f"skipped {partition}@{record['offset']}")
                continue
            payment = json.loads(base64.b64decode(record["value"]))
            ledger_post(payment)  # a timeout propagates: the batch fails and Lambda retries it
            print(f"posted {payment['paymentId']}")
            POSTED[partition] = record["offset"]  # only after the post succeeded
