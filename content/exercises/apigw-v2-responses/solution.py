import base64
import binascii
import json


def respond(status, payload):
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(payload),
    }


def read_text(event):
    """The note text from the request body, or ValueError saying what is wrong."""
    body = event.get("body")
    if body is None:
        raise ValueError("a JSON body is required")
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError("the body is not valid base64 text") from error
    try:
        note = json.loads(body)
    except ValueError as error:
        raise ValueError("the body is not JSON") from error
    text = note.get("text") if isinstance(note, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    return text


def handler(event, context):
    if event.get("routeKey") != "POST /notes":
        return respond(404, {"message": "not found"})
    try:
        text = read_text(event)
    except ValueError as error:
        return respond(400, {"message": str(error)})
    return respond(200, {"id": event["requestContext"]["requestId"], "text": text})
