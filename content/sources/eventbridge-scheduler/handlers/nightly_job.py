"""Run a nightly report once per scheduled time, however often it is invoked.

The schedule's Input carries `<aws.scheduler.scheduled-time>`, which
EventBridge Scheduler fills in with the time the run was planned for. That
value is the same on every attempt for one run, while `executionId` changes
with each attempt, so the scheduled time is the idempotency key. The report
date also comes from it, not from the clock: with a flexible time window or a
retry, the function may start well after the planned time.
A real function would record finished runs in a durable store.
"""

from datetime import datetime, timedelta

COMPLETED_RUNS = set()


def build_report(report_date, options):
    print(f"building sales report for {report_date.isoformat()} ({options['timezone']})")
    for address in options["notify"]:
        print(f"would email the report to {address}")


def handler(event, context):
    run_key = (event["job"], event["scheduledTime"])
    attempt = event.get("attemptNumber", "1")
    if run_key in COMPLETED_RUNS:
        print(f"{event['job']} for {event['scheduledTime']} already done (attempt {attempt}), skipped")
        return {"run": event["scheduledTime"], "status": "already-done"}
    scheduled = datetime.fromisoformat(event["scheduledTime"].replace("Z", "+00:00"))
    report_date = (scheduled - timedelta(days=1)).date()
    build_report(report_date, event["options"])
    COMPLETED_RUNS.add(run_key)
    # Scheduler never sees this value; it only makes local runs easy to check.
    return {"run": event["scheduledTime"], "status": "done", "reportDate": report_date.isoformat()}
