def handler(event, context):
    detail = event["detail"]
    kind = event["detail-type"]
    if kind == "Order Placed":
        print(f"placed {detail['orderId']}")
    elif kind == "Order Cancelled":
        print(f"cancelled {detail['orderId']}")
    elif kind == "Shipment Delivered":
        print(f"delivered {detail['orderId']}")
    else:
        # TODO: is raising the right answer for an event we simply don't handle?
        raise ValueError(f"unknown event {kind}")
