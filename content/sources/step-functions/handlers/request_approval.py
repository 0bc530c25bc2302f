"""Start a human approval from a `.waitForTaskToken` Task.

With `arn:aws:states:::lambda:invoke.waitForTaskToken` the state machine puts
the task token in the payload (here `TaskToken`) and then pauses. The Task does
not finish when this function returns: it finishes when someone calls
`SendTaskSuccess` (or `SendTaskFailure`) with that token, and the output sent
with `SendTaskSuccess` becomes the Task's result.

This example does not call AWS. It records the token and returns the approval
request it would send (for example by email or a ticket) so that the approver's
tool can later call `SendTaskSuccess` with the token. Because the function can
run more than once for the same Task (a Retry, or a redelivered request), it
keys the request on the token and does not notify twice.
"""

import hashlib

# Stand-in for a durable store such as a DynamoDB table: module state only lives
# as long as one execution environment.
PENDING_APPROVALS = {}


def handler(event, context):
    token = event["TaskToken"]
    token_id = hashlib.sha256(token.encode()).hexdigest()[:16]

    if token_id in PENDING_APPROVALS:
        print(f"approval {token_id} already requested; not notifying again")
        return {"approvalId": token_id, "status": "ALREADY_REQUESTED"}

    request = {
        "approvalId": token_id,
        "to": event.get("approverGroup", "approvers"),
        "subject": f"Approve order {event['orderId']} ({event['total']} {event['currency']})?",
        "reason": event.get("reason", ""),
        # The approver's tool needs the full token to resume the execution.
        # Never log it: anyone holding it can complete the Task.
        "callback": {"api": "SendTaskSuccess / SendTaskFailure", "taskTokenRef": token_id},
    }
    PENDING_APPROVALS[token_id] = {"token": token, "request": request}
    print(f"approval requested for {event['orderId']} as {token_id}")

    # This return value is not the Task result: the execution waits for the callback.
    return {"approvalId": token_id, "status": "REQUESTED"}
