import json


def handler(event, context):
    # TODO: check the route, decode base64 bodies, and answer 400 / 404 instead of failing.
    note = json.loads(event["body"])
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"id": event["requestContext"]["requestId"], "text": note["text"]}),
    }
