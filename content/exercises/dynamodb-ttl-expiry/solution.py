TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def session(record):
    """(sessionId, userId) from the REMOVE record's OldImage; KeyError or TypeError when it is malformed."""
    image = record["dynamodb"].get("OldImage")
    session_id, user_id = image["sessionId"]["S"], image["userId"]["S"]
    if not isinstance(session_id, str) or not isinstance(user_id, str):
        raise TypeError("sessionId and userId must be strings")
    return session_id, user_id


def removed_by_ttl(record):
    identity = record.get("userIdentity") or {}
    return all(identity.get(key) == value for key, value in TTL_IDENTITY.items())


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] != "REMOVE":
            continue
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            session_id, user_id = session(record)
        except (KeyError, TypeError) as error:
            print(f"malformed record {sequence_number}: {error!r}")
            # The lowest reported sequence number is the checkpoint: everything after it comes back.
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
        verb = "expired" if removed_by_ttl(record) else "logged out"
        print(f"{verb} {session_id} for {user_id}")
    return {"batchItemFailures": []}
