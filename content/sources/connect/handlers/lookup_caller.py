"""Amazon Connect flow block: look up the caller and return a flat map of strings.

With the block's response validation set to STRING_MAP, Connect expects a flat object
whose values are all strings: no nesting, no numbers, no booleans. The flow then reads
them as $.External.<key> (or copies them into contact attributes). Everything must fit
in the block's timeout, 8 seconds at most, while the caller hears silence.
"""

# Stands in for a CRM lookup keyed by phone number.
ACCOUNTS = {
    "+12065550137": {"accountId": "A-88213", "name": "Jordan Rivera", "balance": 42.5, "vip": True},
}


def handler(event, context):
    contact = event["Details"]["ContactData"]
    parameters = event["Details"]["Parameters"]
    phone = (contact.get("CustomerEndpoint") or {}).get("Address", "")

    account = ACCOUNTS.get(phone)
    if account is None:
        # A normal, expected outcome: say so in the data instead of raising,
        # so the flow can branch on it rather than taking the Error branch.
        return {"found": "false"}

    threshold = float(parameters.get("minimumBalanceAlert", "0"))
    result = {
        "found": "true",
        "accountId": account["accountId"],
        "customerName": account["name"],
        "balance": f"{account['balance']:.2f}",
        "isVip": "true" if account["vip"] else "false",
        "lowBalance": "true" if account["balance"] < threshold else "false",
        "callReason": contact["Attributes"].get("callReason", "unknown"),
    }
    # Guard the contract: every value a string, nothing nested.
    bad = [key for key, value in result.items() if not isinstance(value, str)]
    if bad:
        raise TypeError(f"non-string values for {bad}")
    return result
