NUMBER = (int, float)

# (source, detail-type) -> (required detail fields and their types, log verb)
ROUTES = {
    ("com.example.orders", "Order Placed"): ({"orderId": str, "total": NUMBER}, "placed"),
    ("com.example.orders", "Order Cancelled"): ({"orderId": str, "reason": str}, "cancelled"),
    ("com.example.shipping", "Shipment Delivered"): ({"orderId": str, "trackingNumber": str}, "delivered"),
}


def validate(detail, required):
    if not isinstance(detail, dict):
        raise ValueError("detail must be an object")
    for field, kind in required.items():
        value = detail.get(field)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError(f"detail.{field} is missing or has the wrong type: {value!r}")


def handler(event, context):
    source, detail_type = event["source"], event["detail-type"]
    route = ROUTES.get((source, detail_type))
    if route is None:
        # Not ours: returning normally means no retry for an event that could never succeed.
        print(f"ignored {source} {detail_type}")
        return
    required, verb = route
    validate(event.get("detail"), required)  # raises -> Lambda retries, then DLQ / on-failure destination
    print(f"{verb} {event['detail']['orderId']}")
