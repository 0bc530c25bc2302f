"""Route EventBridge events to a small function per `detail-type`.

One function can be the target of several rules, so it looks at `source` and
`detail-type` to decide what it received. An event type it does not know is
logged and skipped rather than raised: raising would only make Lambda retry
an event that can never succeed. Delivery is at least once, so work is keyed
on the event `id`, which stays the same when an event is delivered again.
"""

SEEN_EVENT_IDS = set()


def order_placed(event):
    detail = event["detail"]
    units = sum(item["quantity"] for item in detail["items"])
    print(f"reserve {units} units for {detail['orderId']} ({detail['total']} {detail['currency']})")
    return "reserved"


def instance_state_changed(event):
    detail = event["detail"]
    if detail["state"] in ("stopped", "terminated"):
        print(f"{detail['instance-id']} is {detail['state']}: remove it from the inventory")
        return "deregistered"
    print(f"{detail['instance-id']} is {detail['state']}: nothing to do")
    return "ignored"


def object_created(event):
    # S3 events routed through EventBridge keep the object under `detail`, not in a `Records` list.
    detail = event["detail"]
    bucket, s3_object = detail["bucket"]["name"], detail["object"]
    print(f"index s3://{bucket}/{s3_object['key']} ({s3_object['size']} bytes, {detail['reason']})")
    return "indexed"


ROUTES = {
    ("com.example.orders", "Order Placed"): order_placed,
    ("aws.ec2", "EC2 Instance State-change Notification"): instance_state_changed,
    ("aws.s3", "Object Created"): object_created,
}


def handler(event, context):
    if event["id"] in SEEN_EVENT_IDS:
        print(f"event {event['id']} already handled")
        return {"id": event["id"], "outcome": "duplicate"}
    route = ROUTES.get((event["source"], event["detail-type"]))
    if route is None:
        print(f"no route for {event['source']} / {event['detail-type']}, skipped")
        return {"id": event["id"], "outcome": "unrouted"}
    outcome = route(event)
    SEEN_EVENT_IDS.add(event["id"])
    # EventBridge never sees this value; it only makes local runs easy to check.
    return {"id": event["id"], "outcome": outcome}
