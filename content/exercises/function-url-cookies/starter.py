import json


def handler(event, context):
    cookies = dict(cookie.split("=") for cookie in event["cookies"])
    if event["requestContext"]["http"]["method"] == "PUT":
        theme = event["queryStringParameters"]["theme"]
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "set-cookie": f"theme={theme}"},
            "body": json.dumps({"theme": theme}),
        }
    # TODO: defaults, validation, DELETE, 404, and cookies that the browser will actually receive.
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"theme": cookies["theme"], "lang": cookies["lang"]}),
    }
