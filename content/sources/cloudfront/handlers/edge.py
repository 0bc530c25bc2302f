"""A Lambda@Edge function for two triggers of one cache behavior.

- viewer-request: runs when a request arrives, before the cache lookup. Old documentation
  paths get a 301 generated right here, so they never reach the cache or origin;
  everything else continues by returning the request object.
- origin-response: runs only on a cache miss, after the origin answered and
  before CloudFront caches the object. Security headers added here are cached
  with the object, so cache hits carry them without running the function.

CloudFront headers are a dict of lowercase names, each a list of
{"key": <Header-Name>, "value": <value>} entries.
"""

REDIRECTS = {
    "/docs/v1/getting-started": "/docs/latest/getting-started",
    "/docs/v1/pricing": "/docs/latest/pricing",
}
SECURITY_HEADERS = {
    "strict-transport-security": ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
    "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
    "x-frame-options": ("X-Frame-Options", "DENY"),
    "referrer-policy": ("Referrer-Policy", "strict-origin-when-cross-origin"),
}


def on_viewer_request(request):
    target = REDIRECTS.get(request["uri"])
    if target is None:
        return request  # carry on to the cache (and the origin on a miss)
    if request["querystring"]:
        target = f"{target}?{request['querystring']}"
    # A generated response: only `status` is required; keep it small (viewer
    # triggers may generate at most 40 KB).
    return {
        "status": "301",
        "statusDescription": "Moved Permanently",
        "headers": {
            "location": [{"key": "Location", "value": target}],
            "cache-control": [{"key": "Cache-Control", "value": "max-age=86400"}],
        },
    }


def on_origin_response(response):
    headers = response["headers"]
    for name, (key, value) in SECURITY_HEADERS.items():
        headers[name] = [{"key": key, "value": value}]
    return response


def handler(event, context):
    cf = event["Records"][0]["cf"]
    event_type = cf["config"]["eventType"]
    if event_type == "viewer-request":
        return on_viewer_request(cf["request"])
    if event_type == "origin-response":
        return on_origin_response(cf["response"])
    raise ValueError(f"this function is not meant for {event_type} triggers")
