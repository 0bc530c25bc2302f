"""Route REST API (payload 1.0) proxy requests and return proper proxy responses.

API Gateway passes the whole request and sends back whatever this returns, so
every path must return statusCode + a *string* body. Client mistakes become 4xx
responses; a bug raises, and API Gateway turns that into a 502 for the client.
"""

import base64
import json
import uuid

ORDERS = {
    "ord-1001": {
        "orderId": "ord-1001",
        "customerId": "c-42",
        "status": "shipped",
        "total": 28.2,
        "currency": "EUR",
        "items": [{"sku": "BOOK-123", "quantity": 2}, {"sku": "PEN-007", "quantity": 1}],
    }
}
CUSTOMERS = {"c-42": {"customerId": "c-42", "name": "Ada Example"}}
# Idempotency-Key -> response already sent, so a client retry creates nothing twice.
CREATED = {}


def respond(status, payload, headers=None, multi_value_headers=None):
    response = {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }
    if multi_value_headers:
        response["multiValueHeaders"] = multi_value_headers
    return response


def header(event, name):
    """Header names arrive as the client sent them, so compare case-insensitively."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return value
    return None


def request_body(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return json.loads(body) if body else {}


def get_order(event):
    order_id = event["pathParameters"]["orderId"]
    order = ORDERS.get(order_id)
    if order is None:
        return respond(404, {"message": f"order {order_id} not found"})
    # queryStringParameters keeps only the last value of a repeated key;
    # the multi-value map has all of them (?expand=items&expand=customer).
    expand = (event.get("multiValueQueryStringParameters") or {}).get("expand", [])
    result = dict(order)
    if "items" not in expand:
        result.pop("items")
    if "customer" in expand:
        result["customer"] = CUSTOMERS.get(order["customerId"])
    return respond(200, result, headers={"Cache-Control": "max-age=30"})


def create_order(event):
    key = header(event, "Idempotency-Key")
    if key and key in CREATED:
        return CREATED[key]
    try:
        order = request_body(event)
    except (ValueError, UnicodeDecodeError):
        return respond(400, {"message": "body must be JSON"})
    items = order.get("items") or []
    if not order.get("customerId") or not items:
        return respond(400, {"message": "customerId and at least one item are required"})
    if any(item.get("quantity", 0) < 1 for item in items):
        return respond(400, {"message": "every quantity must be at least 1"})
    order_id = f"ord-{uuid.uuid4().hex[:8]}"
    total = round(sum(i["quantity"] * i["unitPrice"] for i in items), 2)
    ORDERS[order_id] = {**order, "orderId": order_id, "status": "new", "total": total}
    # requestContext.path is the path the client called: it starts with the stage on the default
    # execute-api endpoint (/prod/orders) and not on a custom domain (/orders).
    collection = event["requestContext"]["path"].rstrip("/")
    response = respond(
        201,
        {"orderId": order_id, "total": total, "currency": order.get("currency", "EUR")},
        headers={"Location": f"{collection}/{order_id}"},
        # Two Set-Cookie headers cannot share one key in `headers`: use the list form.
        multi_value_headers={"Set-Cookie": [
            f"last_order={order_id}; Path=/; Secure; HttpOnly",
            "cart=; Path=/; Max-Age=0",
        ]},
    )
    if key:
        CREATED[key] = response
    return response


def caller(event):
    """Who is calling, as API Gateway established it before invoking the function.

    A Cognito or JWT authorizer passes the validated token's claims (API Gateway has already
    checked the method's scopes); mutual TLS on a custom domain passes the client certificate.
    """
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims.get("sub"):
        return f"token subject {claims['sub']} (scopes: {claims.get('scope', 'none')})"
    cert = (context.get("identity") or {}).get("clientCert")
    if cert:
        return f"client certificate {cert['subjectDN']}"
    return "an anonymous client"


ROUTES = {
    ("GET", "/orders/{orderId}"): get_order,
    ("POST", "/orders"): create_order,
}


def handler(event, context):
    print(f"{event['httpMethod']} {event['path']} from {caller(event)}")
    route = ROUTES.get((event["httpMethod"], event["resource"]))
    if route is None:
        return respond(404, {"message": f"no route for {event['httpMethod']} {event['path']}"})
    return route(event)
