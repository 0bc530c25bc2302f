from datetime import datetime, timedelta


def rule_name(event):
    """The scheduled rule that sent the event, or None for any other event."""
    if event.get("source") != "aws.events" or event.get("detail-type") != "Scheduled Event":
        return None
    resources = event.get("resources") or []
    return resources[0].rsplit("/", 1)[-1] if resources else None


def handler(event, context):
    # The event's time, not the clock: a retried or delayed run then covers the same period.
    moment = datetime.fromisoformat(event["time"])
    rule = rule_name(event)
    if rule == "nightly-sales-report":
        print(f"report for {(moment - timedelta(days=1)).date().isoformat()}")
    elif rule == "hourly-cache-refresh":
        print(f"refresh for {moment.strftime('%Y-%m-%dT%H')}")
    else:
        print(f"ignored {event['id']}")
