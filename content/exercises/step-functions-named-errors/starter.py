# The payment provider's answer for each card token (a stand-in for a real API call).
GATEWAY = {
    "tok_visa_4242": "approved",
    "tok_mc_5454": "approved",
    "tok_declined_0002": "declined",
    "tok_busy_0429": "busy",
}


def handler(event, context):
    amount_cents = int(sum(item["quantity"] * item["unitPrice"] for item in event["items"]) * 100)
    answer = GATEWAY[event["payment"]["cardToken"]]
    if answer != "approved":
        # TODO: returning an error object makes the Task succeed; Retry and Catch never see it.
        return {"error": answer}
    return {"orderId": event["orderId"], "chargeId": f"ch-{event['orderId']}", "amountCents": amount_cents}
