import base64
import json


def handler(event, context):
    # The state returned by the previous invocation of this window; a new window starts with {}.
    state = dict(event.get("state") or {})
    count, cents = state.get("orderCount", 0), state.get("revenueCents", 0)
    for record in event["Records"]:
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        count += 1
        cents += round(order["total"] * 100)  # per order: 4.35 * 100 is 434.99999999999994
    state.update(orderCount=count, revenueCents=cents)
    if event.get("isFinalInvokeForWindow"):
        print(f"window {event['window']['start']} orders={count} revenue={cents}")  # stands in for a table write
    # Every response needs `state`, the final one too: without it Lambda counts the invocation as failed.
    return {"state": state, "batchItemFailures": []}
