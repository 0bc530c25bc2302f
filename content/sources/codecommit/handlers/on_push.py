"""React to a CodeCommit repository trigger.

CodeCommit invokes the function asynchronously with a `Records` list. Each
record names the repository (`eventSourceARN`) and the references that changed
(`codecommit.references`: a branch or tag ref and its new commit). The event
does not contain the changed files; a real function would call the CodeCommit
API (for example `GetDifferences`) with the commit ID if it needs them.

The return value is ignored. Because asynchronous events can be delivered more
than once, the handler remembers record IDs it has processed and skips repeats.
"""

PROCESSED_EVENT_IDS = set()  # stand-in for a durable idempotency store
DEPLOY_BRANCHES = {"main"}


def describe(reference):
    ref = reference["ref"]
    if ref.startswith("refs/heads/"):
        kind, name = "branch", ref[len("refs/heads/"):]
    elif ref.startswith("refs/tags/"):
        kind, name = "tag", ref[len("refs/tags/"):]
    else:
        kind, name = "ref", ref
    if reference.get("deleted"):
        change = "deleted"
    elif reference.get("created"):
        change = "created"
    else:
        change = "updated"
    return kind, name, change


def handler(event, context):
    actions = []
    for record in event["Records"]:
        if record["eventId"] in PROCESSED_EVENT_IDS:
            print(f"skipping duplicate {record['eventId']}")
            continue
        repository = record["eventSourceARN"].split(":")[5]
        pusher = record["userIdentityARN"].rsplit("/", 1)[-1]
        for reference in record["codecommit"]["references"]:
            kind, name, change = describe(reference)
            if kind == "branch" and name in DEPLOY_BRANCHES and change != "deleted":
                actions.append({"action": "start-build", "repository": repository,
                                "branch": name, "commit": reference["commit"],
                                "notify": record.get("customData")})
            else:
                actions.append({"action": "ignore", "repository": repository,
                                "ref": reference["ref"], "change": change})
            print(f"{pusher} {change} {kind} {name} in {repository}")
        PROCESSED_EVENT_IDS.add(record["eventId"])
    return {"actions": actions}
