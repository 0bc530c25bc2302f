"""One function behind a function URL: route by path, check who is calling.

A function URL has no routes, stages or authorizers of its own: routeKey and
stage are always "$default", so the code routes on rawPath and method. With
AuthType AWS_IAM, Lambda has already verified the SigV4 signature; the caller's
identity is in requestContext.authorizer.iam. With NONE there is no identity,
so a route that changes data must refuse to run.

AuthType belongs to the whole URL, not to a path. The two samples come from two
URLs of the same function: a public one (NONE) on $LATEST and an AWS_IAM one on
an alias; each alias or $LATEST can have its own URL.
"""

import base64
import json

# Roles allowed to create invoices; the URL's resource-based policy decides who
# may call at all, this decides what each caller may do.
INVOICE_WRITERS = {"arn:aws:sts::123456789012:assumed-role/billing-worker-role/billing-worker"}
INVOICES = {}


def reply(status, payload, headers=None):
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }


def caller_arn(event):
    authorizer = event["requestContext"].get("authorizer") or {}
    return (authorizer.get("iam") or {}).get("userArn")


def status(event):
    params = event.get("queryStringParameters") or {}
    report = {"service": params.get("service", "all"), "healthy": True}
    if params.get("verbose") == "1":
        report["checks"] = {"database": "ok", "queue": "ok"}
    return reply(200, report, headers={"cache-control": "no-store"})


def create_invoice(event):
    arn = caller_arn(event)
    if arn is None:
        return reply(401, {"message": "this route needs a SigV4-signed request (AuthType AWS_IAM)"})
    if arn not in INVOICE_WRITERS:
        return reply(403, {"message": f"{arn} may not create invoices"})
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    invoice = json.loads(body)
    if invoice.get("amount", 0) <= 0:
        return reply(400, {"message": "amount must be positive"})
    # The same invoiceId sent twice (a client retry after a timeout) is stored once.
    INVOICES.setdefault(invoice["invoiceId"], invoice)
    return reply(201, {"invoiceId": invoice["invoiceId"], "createdBy": arn})


ROUTES = {("GET", "/status"): status, ("POST", "/invoices"): create_invoice}


def handler(event, context):
    http = event["requestContext"]["http"]
    route = ROUTES.get((http["method"], event["rawPath"]))
    if route is None:
        return reply(404, {"message": f"nothing at {http['method']} {event['rawPath']}"})
    return route(event)
