import json

PRODUCTS = [
    {"sku": "LAMP-2", "name": "Desk lamp", "category": "lighting", "price": 14.0},
    {"sku": "MUG-7", "name": "Enamel mug", "category": "kitchen", "price": 8.9},
    {"sku": "BULB-3", "name": "LED bulb pack", "category": "lighting", "price": 6.5},
    {"sku": "KETTLE-3", "name": "Kettle", "category": "kitchen", "price": 39.0},
    {"sku": "DESK-1", "name": "Standing desk", "category": "furniture", "price": 349.9},
]
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


def respond(code, payload):
    return {
        "statusCode": code,
        "statusDescription": f"{code} {REASONS[code]}",
        "isBase64Encoded": False,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(payload),
    }


def list_products(params):
    limit = params.get("limit")
    if limit is not None and not (limit.isdigit() and 1 <= int(limit) <= 50):
        return respond(400, {"message": "limit must be a whole number from 1 to 50"})
    category = params.get("category")
    products = [p for p in PRODUCTS if category is None or p["category"] == category]
    if limit is not None:
        products = products[: int(limit)]
    return respond(200, {"count": len(products), "products": products})


def get_product(sku):
    for product in PRODUCTS:
        if product["sku"] == sku:
            return respond(200, product)
    return respond(404, {"message": f"no product {sku}"})


def handler(event, context):
    parts = event["path"].strip("/").split("/")  # "/products/MUG-7" -> ["products", "MUG-7"]
    known = parts == ["products"] or (len(parts) == 2 and parts[0] == "products" and parts[1] != "")
    if not known:
        return respond(404, {"message": "not found"})
    if event["httpMethod"] != "GET":
        return respond(405, {"message": "method not allowed"})
    if len(parts) == 1:
        return list_products(event.get("queryStringParameters") or {})
    return get_product(parts[1])
