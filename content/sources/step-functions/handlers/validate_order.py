"""Validate an order inside a Step Functions Task state.

With `arn:aws:states:::lambda:invoke` the event is the `Payload` the Task sets
(a function ARN in `Resource` passes the state's input instead); with the
default RequestResponse invocation Step Functions waits for the return value.
The return value becomes the Task result, so keep it small, JSON-serialisable
and shaped for the next state.

To fail the Task on purpose, raise an exception with a meaningful class name:
Step Functions reports the class name as the error name, so a `Catch` with
`"ErrorEquals": ["OrderValidationError"]` can route bad orders to a fallback
state while `Retry` handles transient `Lambda.*` service errors.
"""

from decimal import ROUND_HALF_UP, Decimal

ALLOWED_CURRENCIES = {"EUR", "USD", "GBP"}
MAX_ITEMS = 50


class OrderValidationError(Exception):
    """A business error: retrying will not help, so the state machine should Catch it."""


def money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def handler(event, context):
    order_id = event.get("orderId")
    items = event.get("items") or []
    currency = event.get("currency")

    if not order_id:
        raise OrderValidationError("orderId is missing")
    if currency not in ALLOWED_CURRENCIES:
        raise OrderValidationError(f"{order_id}: unsupported currency {currency!r}")
    if not 0 < len(items) <= MAX_ITEMS:
        raise OrderValidationError(f"{order_id}: expected 1-{MAX_ITEMS} items, got {len(items)}")

    total = Decimal("0")
    for item in items:
        if item.get("quantity", 0) <= 0 or item.get("unitPrice", -1) < 0:
            raise OrderValidationError(f"{order_id}: bad line for {item.get('sku')!r}")
        total += money(item["unitPrice"]) * item["quantity"]

    # Return only what the next states need: Step Functions state data has a size
    # quota, and everything returned here is stored in the execution history.
    return {
        "orderId": order_id,
        "status": "VALIDATED",
        "itemCount": sum(item["quantity"] for item in items),
        "total": float(money(total)),
        "currency": currency,
    }
