"""A Lambda-backed custom resource that plans subnet CIDR blocks.

CloudFormation invokes the function asynchronously and ignores the return
value. It waits for a JSON response body uploaded with an HTTP PUT to the
presigned `ResponseURL`; without one the stack operation hangs until the
custom resource's `ServiceTimeout` (default 3,600 seconds) and then fails.

Triggerlab examples never use the network, so this handler builds the response
body it would PUT and returns it. A real function would send it with
`urllib.request` (method PUT) or, for inline `ZipFile` code, `cfnresponse.send`.

Rules the handler follows:
* always answer, even when something goes wrong: catch errors and send FAILED
  with a `Reason`;
* copy `StackId`, `RequestId` and `LogicalResourceId` from the request;
* keep `PhysicalResourceId` stable; a different value on Update tells
  CloudFormation the resource was replaced, and it then sends Delete for the old ID;
* on Delete, succeed when there is nothing to delete, or the stack gets stuck;
* keep the body under 4,096 bytes.
"""

import ipaddress
import json

MAX_BODY_BYTES = 4096


def physical_id(props):
    # Derived from the property that forces replacement when it changes.
    return "subnet-plan-" + props["VpcCidr"].replace("/", "-")


def plan(props):
    vpc = ipaddress.ip_network(props["VpcCidr"])  # raises ValueError on bad input
    count = int(props["SubnetCount"])
    new_prefix = int(props["NewPrefixLength"])
    subnets = list(vpc.subnets(new_prefix=new_prefix))
    if count > len(subnets):
        raise ValueError(f"{vpc} holds only {len(subnets)} /{new_prefix} subnets, {count} requested")
    chosen = [str(net) for net in subnets[:count]]
    return {"SubnetCidrs": ",".join(chosen), "FirstSubnet": chosen[0], "Count": str(count)}


def build_response(event, status, physical, reason=None, data=None):
    body = {
        "Status": status,
        "PhysicalResourceId": physical,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": False,
        "Data": data or {},
    }
    if reason:
        body["Reason"] = reason
    return body


def handler(event, context):
    request_type = event["RequestType"]
    props = event.get("ResourceProperties", {})
    # Fall back to the old ID (or a placeholder) so even a failed Create returns one.
    physical = event.get("PhysicalResourceId") or "subnet-plan-not-created"

    try:
        if request_type == "Delete":
            # Nothing external to clean up: the plan only exists in stack outputs.
            body = build_response(event, "SUCCESS", physical)
        else:
            data = plan(props)
            new_physical = physical_id(props)
            if request_type == "Update" and new_physical != event["PhysicalResourceId"]:
                print(f"replacement: {event['PhysicalResourceId']} -> {new_physical}; Delete will follow")
            body = build_response(event, "SUCCESS", new_physical, data=data)
    except Exception as error:  # never leave CloudFormation waiting
        body = build_response(event, "FAILED", physical, reason=f"{type(error).__name__}: {error}"[:1000])

    if len(json.dumps(body).encode()) > MAX_BODY_BYTES:
        body = build_response(event, "FAILED", body["PhysicalResourceId"],
                              reason="response body would exceed 4,096 bytes")

    print(f"{request_type} {event['LogicalResourceId']}: would PUT {body['Status']} to the ResponseURL")
    return body
