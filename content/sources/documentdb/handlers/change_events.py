"""Process Amazon DocumentDB change events in order.

Each entry in `events` wraps one change stream event. The resume token
`_id._data` is unique per change, so it serves as an idempotency key.
Raising fails the batch, and Lambda retries it until it succeeds.
"""

SEEN = set()


def on_insert(change):
    doc = change["fullDocument"]
    print(f"{change['ns']['db']}.{change['ns']['coll']}: new order {doc['orderId']} ({doc['total']})")


def on_update(change):
    fields = change.get("updateDescription", {}).get("updatedFields", {})
    print(f"document {change['documentKey']['_id']['$oid']} updated: {sorted(fields)}")


def on_delete(change):
    print(f"document {change['documentKey']['_id']['$oid']} deleted")


ROUTES = {"insert": on_insert, "update": on_update, "replace": on_insert, "delete": on_delete}


def handler(event, context):
    handled = 0
    for item in event["events"]:
        change = item["event"]
        token = change["_id"]["_data"]
        if token in SEEN:
            continue
        route = ROUTES.get(change["operationType"])
        if route is None:
            print(f"ignoring {change['operationType']} event")
        else:
            route(change)
        SEEN.add(token)
        handled += 1
    return {"handled": handled}
