import boto3

dynamodb = boto3.client("dynamodb")
PROJECTED = ("orderId", "customerId", "status")


def handler(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        if record["eventName"] in ("INSERT", "MODIFY"):
            # The images are already in DynamoDB's typed JSON, so the client takes them as they are
            item = {name: change["NewImage"][name] for name in PROJECTED if name in change["NewImage"]}
            dynamodb.put_item(TableName="order_status", Item=item)  # an upsert: a repeat writes the same item
            print(f"{record['eventName'].lower()} {item['orderId']['S']}")
        elif record["eventName"] == "REMOVE":
            dynamodb.delete_item(TableName="order_status", Key=change["Keys"])  # deleting twice is harmless
            print(f"remove {change['Keys']['orderId']['S']}")
    return {"batchItemFailures": []}
