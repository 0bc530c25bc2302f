import base64
import json

ORDERS = {
    "ord-7f3a9c1e": {"orderId": "ord-7f3a9c1e", "status": "SHIPPED", "total": 28.2, "currency": "EUR"},
    "ord-2b9d4e60": {"orderId": "ord-2b9d4e60", "status": "PLACED", "total": 9.5, "currency": "EUR"},
}
# Tiny PNG files standing in for real shipping labels.
LABELS = {
    "ord-7f3a9c1e": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
    "ord-2b9d4e60": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x06\x00\x00\x00\xf4\x22\x7f\x8a",
}


def respond(status, body, content_type="application/json", binary=False, **extra):
    """The proxy response envelope; every branch goes through here so none forgets a part of it."""
    response = {
        "statusCode": status,
        "headers": {"Content-Type": content_type},
        "body": body,
        "isBase64Encoded": binary,
    }
    response.update(extra)
    return response


def not_found(order_id):
    return respond(404, json.dumps({"message": f"order {order_id} not found"}))


def handler(event, context):
    if event["httpMethod"] != "GET":
        response = respond(405, json.dumps({"message": "method not allowed"}))
        response["headers"]["Allow"] = "GET"
        return response
    order_id = (event.get("pathParameters") or {}).get("orderId")
    if event["resource"] == "/orders/{orderId}/label":
        if order_id not in LABELS:
            return not_found(order_id)
        # Binary goes out as base64 text; API Gateway decodes it for a binary media type.
        return respond(200, base64.b64encode(LABELS[order_id]).decode("ascii"), "image/png", binary=True)
    if order_id not in ORDERS:
        return not_found(order_id)
    cookies = [f"last_order={order_id}; Path=/; Secure; HttpOnly", "seen=1; Path=/; Max-Age=3600"]
    # One key per header in `headers`: two Set-Cookie values need multiValueHeaders.
    return respond(200, json.dumps(ORDERS[order_id]), multiValueHeaders={"Set-Cookie": cookies})
