import boto3

dynamodb = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] == "INSERT":
            # TODO: copy only orderId, customerId and status; handle MODIFY and REMOVE too.
            dynamodb.put_item(TableName="order_status", Item=record["dynamodb"]["NewImage"])
    return {"batchItemFailures": []}
