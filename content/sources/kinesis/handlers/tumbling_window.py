"""Count orders and revenue per shard in a tumbling window.

Lambda passes the state returned by the previous invocation of the same window
back in `event["state"]`; the function must return the new state. On the last
invocation of the window (`isFinalInvokeForWindow`) it publishes the totals.
"""

import base64
import json


def handler(event, context):
    state = event.get("state") or {}
    count = int(state.get("orderCount", "0"))
    revenue_cents = int(state.get("revenueCents", "0"))

    for record in event["Records"]:
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        count += 1
        revenue_cents += round(order["total"] * 100)

    window = event.get("window", {})
    if event.get("isFinalInvokeForWindow"):
        print(f"{event.get('shardId')} {window.get('start')}..{window.get('end')}: "
              f"{count} orders, {revenue_cents / 100:.2f} EUR")
        return {"state": {}, "batchItemFailures": []}

    # State values are kept as strings so the state is plain JSON of strings.
    return {"state": {"orderCount": str(count), "revenueCents": str(revenue_cents)},
            "batchItemFailures": []}
