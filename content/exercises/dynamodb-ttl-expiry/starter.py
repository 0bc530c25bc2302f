def handler(event, context):
    for record in event["Records"]:
        image = record["dynamodb"].get("OldImage", {})
        if "sessionId" in image:
            print(f"expired {image['sessionId']['S']} for {image['userId']['S']}")
    # TODO: only REMOVE records count, not every removal is a TTL expiry, and bad records must be reported.
    return {"batchItemFailures": []}
