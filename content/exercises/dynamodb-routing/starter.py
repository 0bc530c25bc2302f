def handler(event, context):
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        sku = image["sku"]["S"]
        price = image["price"]["N"]
        if record["eventName"] == "INSERT":
            print(f"added {sku} at {price}")
        elif record["eventName"] == "MODIFY":
            old_price = record["dynamodb"]["OldImage"]["price"]["N"]
            if old_price != price:
                print(f"price {sku}: {old_price} -> {price}")
            else:
                print(f"updated {sku}")
        elif record["eventName"] == "REMOVE":
            print(f"removed {sku}")
    # TODO: malformed records are not reported.
    return {"batchItemFailures": []}
