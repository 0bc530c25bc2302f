from decimal import Decimal, InvalidOperation


class Malformed(Exception):
    pass


def product(record, image_name):
    """(sku, price as written) from NewImage or OldImage; Malformed if it is missing or mistyped."""
    image = record["dynamodb"].get(image_name)
    try:
        sku = image["sku"]["S"]
        price = image["price"]["N"]
        Decimal(price)  # a number, even though it is sent as a string
    except (KeyError, TypeError, InvalidOperation) as error:
        raise Malformed(f"{image_name} is missing or mistyped ({error!r})") from error
    return sku, price


def route(record):
    name = record["eventName"]
    if name == "INSERT":
        sku, price = product(record, "NewImage")
        print(f"added {sku} at {price}")
    elif name == "MODIFY":
        sku, new_price = product(record, "NewImage")
        _, old_price = product(record, "OldImage")
        if Decimal(old_price) != Decimal(new_price):
            print(f"price {sku}: {old_price} -> {new_price}")
        else:
            print(f"updated {sku}")
    elif name == "REMOVE":
        sku, _ = product(record, "OldImage")
        print(f"removed {sku}")
    else:
        raise Malformed(f"unknown eventName {name!r}")


def handler(event, context):
    for record in event["Records"]:
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            route(record)
        except Malformed as error:
            print(f"malformed record {sequence_number}: {error}")
            # Lambda checkpoints at this sequence number and retries from here: stop now.
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
    return {"batchItemFailures": []}
