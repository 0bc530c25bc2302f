"""Answer an Application Load Balancer request in whichever header format is on.

The target group attribute lambda.multi_value_headers.enabled decides the shape
both ways: off (default) the event has headers / queryStringParameters holding
one value each (the last one sent), and the response must use `headers`; on,
the event has multiValueHeaders / multiValueQueryStringParameters with lists,
and the response must use `multiValueHeaders`.
"""

import json
from http import HTTPStatus
from urllib.parse import unquote_plus

PRODUCTS = [
    {"sku": "SHOE-RUN-42", "name": "Trail running shoes", "size": "42", "tags": ["new", "sale"]},
    {"sku": "SHOE-RUN-43", "name": "Road running shoes", "size": "43", "tags": ["sale"]},
    {"sku": "SOCK-RUN-42", "name": "Running socks", "size": "42", "tags": ["new"]},
]


def query(event):
    """Return every query parameter as a list of decoded values, in either format."""
    if "multiValueQueryStringParameters" in event:
        raw = event["multiValueQueryStringParameters"] or {}
    else:
        raw = {key: [value] for key, value in (event.get("queryStringParameters") or {}).items()}
    # The load balancer passes query values exactly as sent: decode them yourself.
    return {unquote_plus(key): [unquote_plus(v) for v in values] for key, values in raw.items()}


def respond(event, status, payload):
    status = HTTPStatus(status)
    headers = {"Content-Type": "application/json", "Cache-Control": "max-age=60"}
    response = {
        "statusCode": status.value,
        # Code and reason phrase separated by one space, e.g. "200 OK".
        "statusDescription": f"{status.value} {status.phrase}",
        "isBase64Encoded": False,
        "body": json.dumps(payload),
    }
    if "multiValueHeaders" in event:
        response["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    else:
        response["headers"] = headers
    return response


def handler(event, context):
    if event["httpMethod"] != "GET" or event["path"] != "/products/search":
        return respond(event, 404, {"message": "not found"})
    params = query(event)
    words = params.get("q", [""])[-1].lower().split()
    sizes = set(params.get("size", []))
    tags = set(params.get("tag", []))
    matches = [
        p for p in PRODUCTS
        if all(word in p["name"].lower() for word in words)
        and (not sizes or p["size"] in sizes)
        and (not tags or tags <= set(p["tags"]))
    ]
    return respond(event, 200, {"query": " ".join(words), "tags": sorted(tags), "results": matches})
