"""Route HTTP API requests, showing both ways a payload 2.0 handler can answer.

- Explicit: return a dict with statusCode (plus headers, body, cookies...).
- Inferred: return any other JSON value; API Gateway sends it as a 200
  application/json response. Only payload 2.0 does this inference.

A route whose integration still uses payload 1.0 gets the older event shape and
must always return an explicit response, so the handler checks `version`.
"""

import base64
import json
from urllib.parse import parse_qs

ORDERS = [
    {"orderId": "ord-0998", "status": "delivered", "total": 19.9},
    {"orderId": "ord-1001", "status": "shipped", "total": 28.2},
    {"orderId": "ord-1003", "status": "new", "total": 7.5},
]
SESSIONS = {"9f2c4e1a7b3d46e8a0c5b2d7f1e9a3c6": "c-42"}
# Webhook senders retry on timeouts; remember delivery IDs so a repeat is harmless.
SEEN_DELIVERIES = set()


def explicit(status, payload, headers=None, cookies=None):
    response = {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }
    if cookies:
        response["cookies"] = cookies
    return response


def cookie(event, name):
    # Payload 2.0 moves all Cookie headers into a list of "name=value" strings.
    for item in event.get("cookies") or []:
        key, _, value = item.partition("=")
        if key.strip() == name:
            return value
    return None


def list_orders(event):
    if cookie(event, "session") not in SESSIONS:
        return explicit(401, {"message": "sign in first"}, cookies=["session=; Path=/; Max-Age=0"])
    params = event.get("queryStringParameters") or {}
    # 2.0 has no multi-value map: ?status=a&status=b arrives as "a,b".
    wanted = set(params["status"].split(",")) if "status" in params else None
    limit = int(params.get("limit", "50"))
    orders = [o for o in ORDERS if wanted is None or o["status"] in wanted][:limit]
    # Inferred response: no statusCode, so API Gateway answers 200 with this as JSON.
    return {"orders": orders, "count": len(orders)}


def receive_webhook(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    form = {key: values[-1] for key, values in parse_qs(body).items()}
    delivery = event["headers"].get("x-acmepay-delivery")  # HTTP API header names are lowercase
    if not delivery or "order_id" not in form:
        return explicit(400, {"message": "missing delivery id or order_id"})
    if delivery in SEEN_DELIVERIES:
        return explicit(200, {"duplicate": True, "delivery": delivery})
    SEEN_DELIVERIES.add(delivery)
    print(f"{event['pathParameters']['provider']}: {form['event']} for {form['order_id']}")
    return explicit(202, {"accepted": delivery})


ALLOWED_STATUSES = {"cancelled", "on_hold"}


def update_order(event):
    # A JWT authorizer already validated the token (and the route's scopes) before this runs;
    # the claims and scopes arrive in requestContext.authorizer.jwt.
    jwt = (event["requestContext"].get("authorizer") or {}).get("jwt") or {}
    if "orders/write" not in (jwt.get("scopes") or []):
        return explicit(403, {"message": "orders/write scope required"})
    order_id = event["pathParameters"]["orderId"]
    order = next((o for o in ORDERS if o["orderId"] == order_id), None)
    if order is None:
        return explicit(404, {"message": f"order {order_id} not found"})
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    try:
        change = json.loads(body)
    except ValueError:
        return explicit(400, {"message": "body must be JSON"})
    if not isinstance(change, dict) or change.get("status") not in ALLOWED_STATUSES:
        return explicit(400, {"message": f"status must be one of {sorted(ALLOWED_STATUSES)}"})
    # Stage variables carry per-stage configuration, such as the table this stage writes to.
    table = (event.get("stageVariables") or {}).get("ordersTable", "orders-dev")
    order["status"] = change["status"]
    print(f"{jwt['claims'].get('username')} set {order_id} to {order['status']} in {table}")
    return explicit(200, order)


def get_order_v1(event):
    order_id = event["pathParameters"]["orderId"]
    order = next((o for o in ORDERS if o["orderId"] == order_id), None)
    status, payload = (200, order) if order else (404, {"message": f"order {order_id} not found"})
    # Payload 1.0: API Gateway infers nothing, so always return the full shape.
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Vary": ["Accept", "Accept-Encoding"]},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }


ROUTES = {
    "GET /orders": list_orders,
    "POST /webhooks/{provider}": receive_webhook,
    "GET /orders/{orderId}": get_order_v1,
    "PUT /orders/{orderId}": update_order,
}


def handler(event, context):
    if event.get("version") == "1.0":
        route_key = f"{event['httpMethod']} {event['resource']}"
    else:
        route_key = event["routeKey"]
    route = ROUTES.get(route_key)
    if route is None:
        return explicit(404, {"message": f"no route for {route_key}"})
    return route(event)
