import json

THEMES = {"light", "dark"}
YEAR_S = 31536000


def respond(status, payload, cookies=None):
    response = {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}
    if cookies:
        response["cookies"] = cookies  # Lambda sends each entry as its own set-cookie header
    return response


def request_cookies(event):
    """The request's cookies as a dict; split once, since a value may contain '='."""
    jar = {}
    for cookie in event.get("cookies") or []:
        name, _, value = cookie.partition("=")
        jar[name.strip()] = value
    return jar


def handler(event, context):
    method, path = event["requestContext"]["http"]["method"], event["rawPath"]  # routeKey is always $default
    if path != "/preferences":
        return respond(404, {"message": "not found"})
    if method == "GET":
        jar = request_cookies(event)
        return respond(200, {"theme": jar.get("theme", "light"), "lang": jar.get("lang", "en")})
    if method == "PUT":
        theme = (event.get("queryStringParameters") or {}).get("theme")
        if theme not in THEMES:
            return respond(400, {"message": "theme must be light or dark"})
        return respond(200, {"theme": theme}, [f"theme={theme}; Path=/; Max-Age={YEAR_S}; Secure; SameSite=Lax"])
    if method == "DELETE":
        return respond(200, {"cleared": True}, ["theme=; Path=/; Max-Age=0", "lang=; Path=/; Max-Age=0"])
    return respond(404, {"message": "not found"})
