"""Post confirmation trigger: create the user's profile once, even if Cognito calls again.

Cognito may call a trigger again when it does not answer within 5 seconds, so
the same confirmation can arrive more than once. Key the side effect on the user's `sub`
(stable and unique) and skip work that is already done.
"""

# Stands in for a database table keyed by sub; it lives as long as the execution environment.
PROFILES = {}


def handler(event, context):
    attributes = event["request"]["userAttributes"]
    sub = attributes["sub"]
    if sub in PROFILES:
        print(f"profile for {sub} already exists, nothing to do")
    else:
        PROFILES[sub] = {
            "email": attributes.get("email"),
            "name": attributes.get("name", ""),
            "source": event["triggerSource"],
        }
        print(f"created profile for {sub}")
    # Post confirmation has no response fields to set, but the event must still come back.
    return event
