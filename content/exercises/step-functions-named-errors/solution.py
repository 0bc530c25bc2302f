# The payment provider's answer for each card token (a stand-in for a real API call).
GATEWAY = {
    "tok_visa_4242": "approved",
    "tok_mc_5454": "approved",
    "tok_declined_0002": "declined",
    "tok_busy_0429": "busy",
}


# Step Functions reports a raised exception under its class name: these are the names ErrorEquals matches.
class PaymentDeclined(Exception):
    pass


class PaymentGatewayBusy(Exception):
    pass


class InvalidOrder(Exception):
    pass


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def amount_cents(order):
    """The order's total in cents, or InvalidOrder saying what is wrong with it."""
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise InvalidOrder(f"invalid order {order['orderId']}: no items")
    for item in items:
        quantity = item.get("quantity") if isinstance(item, dict) else None
        price = item.get("unitPrice") if isinstance(item, dict) else None
        if not (isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0):
            raise InvalidOrder(f"invalid order {order['orderId']}: quantity must be a whole number above 0")
        if not is_number(price):
            raise InvalidOrder(f"invalid order {order['orderId']}: unitPrice must be a number")
    return sum(round(item["quantity"] * item["unitPrice"] * 100) for item in items)  # round each line


def handler(event, context):
    order_id = event["orderId"]
    cents = amount_cents(event)  # InvalidOrder -> Catch -> RejectOrder
    answer = GATEWAY.get(event.get("payment", {}).get("cardToken"), "declined")
    if answer == "busy":
        raise PaymentGatewayBusy(f"gateway busy for {order_id}")  # Retry: transient
    if answer != "approved":
        raise PaymentDeclined(f"card declined for {order_id}")  # Catch -> AskForAnotherCard
    return {"orderId": order_id, "chargeId": f"ch-{order_id}", "amountCents": cents, "status": "charged"}
