"""Evaluate a custom AWS Config rule and build the PutEvaluations request.

AWS Config invokes the function asynchronously and ignores the return value.
The result only reaches Config when the function calls `PutEvaluations` with
the event's `resultToken`. Triggerlab examples never call AWS, so this handler
returns the request it would send; a real function would pass it to
`config.put_evaluations(**request)`.

One handler serves two rules to show both trigger types:
* a configuration-change rule: is the EC2 instance type on the allowed list?
  Oversized changes carry only a summary, so the full item is fetched first.
* a periodic rule: does the account stay under an instance-count budget?

`invokingEvent` and `ruleParameters` are JSON *strings*: parse them first.
"""

import json

# Stand-in for ListDiscoveredResources, which a periodic rule would call.
DISCOVERED_INSTANCES = ["i-0b22a22eec53b9321", "i-04f1c2d3e4a5b6c7d", "i-0e9d8c7b6a5f4e3d2"]

# Stand-in for GetResourceConfigHistory (limit=1, laterTime=capture time), which returns the
# full configuration item of an oversized change. Only the fields this rule reads are shown.
CONFIG_HISTORY = {
    ("AWS::EC2::Instance", "i-04f1c2d3e4a5b6c7d"): {
        "resourceType": "AWS::EC2::Instance",
        "resourceId": "i-04f1c2d3e4a5b6c7d",
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-22T10:41:27.902Z",
        "configuration": {"instanceId": "i-04f1c2d3e4a5b6c7d", "instanceType": "t3.medium"},
    },
}


def get_resource_config_history(resource_type, resource_id, later_time):
    """What a real function gets from config.get_resource_config_history(...)['configurationItems'][0]."""
    return CONFIG_HISTORY[(resource_type, resource_id)]


def evaluation(resource_type, resource_id, compliance, annotation, timestamp):
    item = {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        # Config accepts only COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE here.
        "ComplianceType": compliance,
        "OrderingTimestamp": timestamp,
    }
    if annotation:
        item["Annotation"] = annotation[:256]
    return item


def evaluate_change(invoking, params, event):
    if invoking["messageType"] == "OversizedConfigurationItemChangeNotification":
        # The event carries only a summary: fetch the full item before evaluating.
        summary = invoking["configurationItemSummary"]
        item = get_resource_config_history(summary["resourceType"], summary["resourceId"],
                                           summary["configurationItemCaptureTime"])
    else:
        item = invoking["configurationItem"]
    when = item["configurationItemCaptureTime"]
    if event.get("eventLeftScope") or item["configurationItemStatus"] not in ("OK", "ResourceDiscovered"):
        return evaluation(item["resourceType"], item["resourceId"], "NOT_APPLICABLE",
                          "resource deleted or out of scope", when)
    if item["resourceType"] != "AWS::EC2::Instance":
        return evaluation(item["resourceType"], item["resourceId"], "NOT_APPLICABLE", None, when)

    allowed = {t.strip() for t in params.get("allowedInstanceTypes", "").split(",") if t.strip()}
    instance_type = item["configuration"]["instanceType"]
    if instance_type in allowed:
        return evaluation(item["resourceType"], item["resourceId"], "COMPLIANT", None, when)
    return evaluation(item["resourceType"], item["resourceId"], "NON_COMPLIANT",
                      f"{instance_type} is not in {sorted(allowed)}", when)


def evaluate_periodic(invoking, params, event):
    limit = int(params.get("maxInstanceCount", "0"))
    count = len(DISCOVERED_INSTANCES)
    compliance = "COMPLIANT" if count <= limit else "NON_COMPLIANT"
    # A periodic rule often reports on the account itself.
    return evaluation("AWS::::Account", event["accountId"], compliance,
                      f"{count} instances, budget {limit}", invoking["notificationCreationTime"])


def handler(event, context):
    invoking = json.loads(event["invokingEvent"])
    params = json.loads(event.get("ruleParameters") or "{}")

    if invoking["messageType"] == "ScheduledNotification":
        result = evaluate_periodic(invoking, params, event)
    else:
        result = evaluate_change(invoking, params, event)

    request = {"Evaluations": [result], "ResultToken": event["resultToken"]}
    print(f"{event['configRuleName']}: {result['ComplianceResourceId']} is {result['ComplianceType']}")
    return {"api": "PutEvaluations", "request": request}
