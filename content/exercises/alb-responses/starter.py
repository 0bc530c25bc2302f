import json

PRODUCTS = [
    {"sku": "LAMP-2", "name": "Desk lamp", "category": "lighting", "price": 14.0},
    {"sku": "MUG-7", "name": "Enamel mug", "category": "kitchen", "price": 8.9},
    {"sku": "BULB-3", "name": "LED bulb pack", "category": "lighting", "price": 6.5},
    {"sku": "KETTLE-3", "name": "Kettle", "category": "kitchen", "price": 39.0},
    {"sku": "DESK-1", "name": "Standing desk", "category": "furniture", "price": 349.9},
]


def handler(event, context):
    # TODO: route by method and path, support limit, and return a complete ALB response.
    category = event["queryStringParameters"].get("category")
    products = [p for p in PRODUCTS if category is None or p["category"] == category]
    return {
        "statusCode": 200,
        "body": json.dumps({"count": len(products), "products": products}),
    }
