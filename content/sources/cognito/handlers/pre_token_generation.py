"""Pre token generation trigger: add a tenant claim to the tokens.

Version 1 events (`version` "1") can only change the ID token, through
`claimsOverrideDetails`. Version 2 events ("2") describe both tokens in
`claimsAndScopeOverrideDetails`; that event version needs the Essentials or Plus
feature plan on the user pool.
"""

TENANTS = {"example.com": "tenant-acme"}


def tenant_for(attributes):
    domain = attributes.get("email", "").rpartition("@")[2].lower()
    return TENANTS.get(domain, "tenant-public")


def handler(event, context):
    attributes = event["request"]["userAttributes"]
    claims = {"tenant_id": tenant_for(attributes)}

    if event["version"] == "1":
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": claims,
        }
    else:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": claims},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": claims,
                "scopesToAdd": ["orders/read"],
            },
        }
    print(f"{event['triggerSource']}: {event['userName']} -> {claims['tenant_id']}")
    return event
