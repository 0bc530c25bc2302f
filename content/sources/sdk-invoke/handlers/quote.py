"""Price an order sent with the Invoke API, validating the input first.

The payload is whatever JSON the caller sent: there is no envelope to unwrap.
Bad input is answered with a normal JSON result ({"ok": false, ...}) instead of
an exception. For a RequestResponse call the caller reads it straight away; an
exception would come back as a function error (HTTP 200 with a FunctionError
header), and for an Event call Lambda would retry it twice for nothing, since
bad input stays bad.

Callers retry timeouts, and asynchronous events can arrive more than once, so
results are remembered by idempotencyKey.
"""

CURRENCIES = {"EUR", "USD", "GBP"}
COUPONS = {"WELCOME10": 0.10}
RESULTS = {}


def validate(payload):
    errors = []
    if payload.get("action") != "quote":
        errors.append("action must be 'quote'")
    if not payload.get("idempotencyKey"):
        errors.append("idempotencyKey is required")
    if payload.get("currency") not in CURRENCIES:
        errors.append(f"currency must be one of {sorted(CURRENCIES)}")
    items = payload.get("items")
    if not isinstance(items, list) or not items:
        errors.append("items must be a non-empty list")
        items = []
    for position, item in enumerate(items):
        if not isinstance(item.get("quantity"), int) or item["quantity"] < 1:
            errors.append(f"items[{position}].quantity must be a whole number of at least 1")
        if not isinstance(item.get("unitPrice"), int | float) or item["unitPrice"] < 0:
            errors.append(f"items[{position}].unitPrice must be a non-negative number")
    if payload.get("couponCode") and payload["couponCode"] not in COUPONS:
        errors.append(f"unknown coupon {payload['couponCode']!r}")
    return errors


def handler(event, context):
    errors = validate(event)
    if errors:
        return {"ok": False, "errors": errors}
    key = event["idempotencyKey"]
    if key in RESULTS:
        return RESULTS[key]
    subtotal = sum(item["quantity"] * item["unitPrice"] for item in event["items"])
    discount = subtotal * COUPONS.get(event.get("couponCode"), 0)
    result = {
        "ok": True,
        "customerId": event["customerId"],
        "currency": event["currency"],
        "subtotal": round(subtotal, 2),
        "discount": round(discount, 2),
        "total": round(subtotal - discount, 2),
        "requestId": getattr(context, "aws_request_id", None),
    }
    RESULTS[key] = result
    return result
