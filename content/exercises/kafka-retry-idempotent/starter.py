import base64
import json

_LEDGER_OUTAGE = {"pay-9103"}  # the ledger times out once for these payments


def ledger_post(payment):
    """Stands in for the ledger service. Keep it as it is."""
    if payment["paymentId"] in _LEDGER_OUTAGE:
        _LEDGER_OUTAGE.discard(payment["paymentId"])
        raise TimeoutError(f"ledger did not answer for {payment['paymentId']}")


def handler(event, context):
    for records in event["records"].values():
        for record in records:
            payment = json.loads(base64.b64decode(record["value"]))
            ledger_post(payment)
            print(f"posted {payment['paymentId']}")
    # TODO: when Lambda retries the batch, the payments posted before the timeout are posted again.
