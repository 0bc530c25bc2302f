"""Decide what happens to an incoming email from an SES receipt rule.

The Lambda action in a receipt rule invokes the function either asynchronously
(`Event`, the default) or synchronously (`RequestResponse`, which has a
30-second timeout). Only a synchronous invocation can steer the mail flow, by
returning a `disposition`:

* `STOP_RULE`: skip the remaining actions of this receipt rule;
* `STOP_RULE_SET`: stop processing all further actions and rules;
* `CONTINUE` (or any invalid or missing value): carry on.

With `Event` the return value is discarded, so the function can only do side
work such as logging. The event holds headers and verdicts, never the body:
store the message with an S3 action first if you need the content.
"""

VERDICTS = ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict")


def handler(event, context):
    record = event["Records"][0]["ses"]
    mail, receipt = record["mail"], record["receipt"]
    failed = [name for name in VERDICTS if receipt[name]["status"] == "FAIL"]
    invocation_type = receipt["action"]["invocationType"]

    if failed:
        decision = "STOP_RULE_SET"
        print(f"dropping {mail['messageId']} from {mail['source']}: {', '.join(failed)} failed")
    else:
        decision = "CONTINUE"
        print(f"accepting {mail['messageId']} subject={mail['commonHeaders'].get('subject')!r}")

    if invocation_type != "RequestResponse":
        print("invoked with Event: SES ignores the disposition below")
    return {"disposition": decision}
