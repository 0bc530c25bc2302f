"""boto3 in the sandbox, against emulated AWS (learn/sandbox/aws_emulation.py): every supported call path, the
resources' life across warm/cold/replay/reset, one learner's resources invisible to another, and isolation
holding with boto3 imported. Real sandbox, real boto3 and moto (the layer `make install` builds)."""

from __future__ import annotations

import json
import uuid

import pytest

from learn.playground import resources
from learn.sandbox import aws_reports, environments, runner

from .support import FORGE, requires_sandbox

pytestmark = [
    requires_sandbox,
    pytest.mark.skipif(environments.aws_layer() is None, reason="the boto3/moto layer is not installed (make install)"),
]

ORDERS = {
    **aws_reports.empty_state(),
    "tables": [{"name": "orders", "key": {"hash": ["orderId", "S"], "range": ["line", "N"]}, "items": []}],
    "queues": [{"name": "work", "fifo": False, "attributes": {}, "messages": []}],
    "buckets": [{"name": "uploads", "objects": [{"key": "in/a.txt", "body": "hello"}]}],
    "topics": [{"name": "alerts", "published": []}],
    "buses": [{"name": "orders", "published": []}],
}


def learner() -> str:
    return f"aws-{uuid.uuid4().hex[:10]}"


def run(code: str, event=None, *, who: str, state=None, deny=(), **options) -> runner.RunResult:
    aws = {"state": json.loads(json.dumps(state if state is not None else ORDERS)), "deny": list(deny)}
    return runner.run(code, event or {}, learner=who, aws=aws, timeout_s=10, **options)


def table_items(result, name="orders") -> list[dict]:
    table = resources.find(result.aws["state"], "tables", name)
    return [resources.plain_item(item) for item in table["items"]]


def test_dynamodb_put_get_conditional_put_and_query():
    code = """
import boto3
from boto3.dynamodb.conditions import Key
table = boto3.resource("dynamodb").Table("orders")
def handler(event, context):
    table.put_item(Item={"orderId": "o-1", "line": 1, "sku": "apple"})
    table.put_item(Item={"orderId": "o-1", "line": 2, "sku": "pear"})
    got = table.get_item(Key={"orderId": "o-1", "line": 2})["Item"]["sku"]
    try:
        table.put_item(Item={"orderId": "o-1", "line": 1, "sku": "plum"},
                       ConditionExpression="attribute_not_exists(orderId)")
        conditional = "written"
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        conditional = "refused"
    lines = table.query(KeyConditionExpression=Key("orderId").eq("o-1"))["Items"]
    return {"got": got, "conditional": conditional, "lines": [int(i["line"]) for i in lines]}
"""
    result = run(code, who=learner())
    assert result.status == "ok", result.error
    assert result.response == {"got": "pear", "conditional": "refused", "lines": [1, 2]}
    operations = [(c["service"], c["operation"]) for c in result.aws["calls"]]
    assert operations == [("dynamodb", op) for op in ("PutItem", "PutItem", "GetItem", "PutItem", "Query")]
    assert result.aws["calls"][3]["error"].startswith("ConditionalCheckFailedException")
    assert "attribute_not_exists" in result.aws["calls"][3]["params"]
    assert table_items(result) == [
        {"orderId": "o-1", "line": 1, "sku": "apple"},  # the refused write changed nothing
        {"orderId": "o-1", "line": 2, "sku": "pear"},
    ]


def test_sqs_send_and_receive():
    code = """
import boto3
sqs = boto3.client("sqs")
def handler(event, context):
    url = sqs.get_queue_url(QueueName="work")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="first")
    sqs.send_message(QueueUrl=url, MessageBody="second")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=30)["Messages"]
    return [m["Body"] for m in got]
"""
    result = run(code, who=learner())
    assert result.status == "ok", result.error
    assert result.response == ["first"]
    queue = resources.find(result.aws["state"], "queues", "work")
    assert [(m["body"], m["in_flight"], m["receives"]) for m in queue["messages"]] == [
        ("first", True, 1),
        ("second", False, 0),
    ]


def test_s3_put_and_get():
    code = """
import boto3
s3 = boto3.client("s3")
def handler(event, context):
    text = s3.get_object(Bucket="uploads", Key="in/a.txt")["Body"].read().decode()
    s3.put_object(Bucket="uploads", Key="out/a.txt", Body=text.upper().encode())
    return text
"""
    result = run(code, who=learner())
    assert result.status == "ok", result.error
    assert result.response == "hello"
    bucket = resources.find(result.aws["state"], "buckets", "uploads")
    assert {o["key"]: o["body"] for o in bucket["objects"]} == {"in/a.txt": "hello", "out/a.txt": "HELLO"}


def test_sns_publish_and_eventbridge_put_events():
    code = """
import json, boto3
def handler(event, context):
    topic = boto3.client("sns").create_topic(Name="alerts")["TopicArn"]
    boto3.client("sns").publish(TopicArn=topic, Message="low stock", Subject="stock")
    out = boto3.client("events").put_events(Entries=[{"EventBusName": "orders", "Source": "shop.orders",
        "DetailType": "OrderShipped", "Detail": json.dumps({"orderId": "o-1"})}])
    return out["FailedEntryCount"]
"""
    result = run(code, who=learner())
    assert result.status == "ok", result.error
    assert result.response == 0
    state = result.aws["state"]
    assert resources.find(state, "topics", "alerts")["published"] == [{"message": "low stock", "subject": "stock"}]
    assert resources.find(state, "buses", "orders")["published"] == [
        {"source": "shop.orders", "detail-type": "OrderShipped", "detail": '{"orderId": "o-1"}'}
    ]
    assert [c["operation"] for c in result.aws["calls"]] == ["CreateTopic", "Publish", "PutEvents"]


def test_an_operation_the_emulation_lacks_says_so_plainly():
    code = (
        "import boto3\ndef handler(event, context):\n"
        "    return boto3.client('dynamodb').describe_contributor_insights(TableName='orders')\n"
    )
    result = run(code, who=learner())
    assert result.status == "error"
    assert result.error["errorType"] == "UnsupportedOperation"
    assert result.error["errorMessage"].startswith("dynamodb:DescribeContributorInsights is a real AWS operation")
    assert not any("moto/" in frame for frame in result.error["stackTrace"])  # no emulator internals
    assert result.aws["calls"][0]["error"] == "not emulated"


def test_a_transaction_needs_the_permissions_of_its_parts():
    code = """
import boto3
def handler(event, context):
    boto3.client("dynamodb").transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders", "Item": {"orderId": {"S": "o-9"}, "line": {"N": "1"}}}}])
"""
    result = run(code, who=learner(), deny=["dynamodb:PutItem"])
    assert result.status == "error"
    message = result.error["errorMessage"]
    assert (
        "not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders"
        in message
    )
    assert table_items(result) == []


def test_a_denied_action_fails_as_aws_fails_it():
    code = """
import boto3
def handler(event, context):
    table = boto3.resource("dynamodb").Table("orders")
    table.get_item(Key={"orderId": "o-1", "line": 1})  # allowed
    table.put_item(Item={"orderId": "o-1", "line": 1})
"""
    result = run(code, who=learner(), deny=["dynamodb:PutItem"])
    assert result.status == "error"
    assert result.error["errorType"] == "ClientError"
    message = result.error["errorMessage"]
    assert "(AccessDeniedException)" in message and "is not authorized to perform: dynamodb:PutItem" in message
    assert "arn:aws:dynamodb:us-east-1:123456789012:table/orders" in message
    assert "error" not in result.aws["calls"][0] and result.aws["calls"][1]["error"].startswith("AccessDenied")
    assert table_items(result) == []


COUNTER = """
import boto3
table = boto3.resource("dynamodb").Table("orders")
def handler(event, context):
    table.put_item(Item={"orderId": event["id"], "line": 1})
    return len(table.scan()["Items"])
"""


def test_resources_persist_across_warm_and_cold_starts_and_reset():
    who = learner()
    first = run(COUNTER, {"id": "a"}, who=who)
    assert first.cold and first.response == 1
    warm = run(COUNTER, {"id": "b"}, who=who, state=first.aws["state"])
    assert not warm.cold and warm.response == 2
    cold = run(COUNTER, {"id": "c"}, who=who, state=warm.aws["state"], force_cold=True)
    assert cold.cold and cold.response == 3  # a new process found what the last one wrote
    assert [i["orderId"] for i in table_items(cold)] == ["a", "b", "c"]
    reset = run(COUNTER, {"id": "d"}, who=who)  # the spec's state again (what "Reset resources" sends)
    assert not reset.cold and reset.response == 1  # the warm process reloaded the resources it was sent


def test_replayed_redeliveries_see_what_the_previous_delivery_wrote():
    """The playground's replay path: each invocation starts from the state the previous one left."""
    from learn import catalog
    from learn.playground import service

    code = """
import boto3
table = boto3.resource("dynamodb").Table("orders")
def handler(event, context):
    for record in event["Records"]:
        table.put_item(Item={"orderId": record["messageId"], "line": len(table.scan()["Items"]) + 1})
    raise RuntimeError("fail the batch so SQS delivers it again")
"""
    event = {
        "Records": [
            {
                "messageId": "m-1",
                "receiptHandle": "r",
                "body": "{}",
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
                "awsRegion": "us-east-1",
            }
        ]
    }
    outcome = service.execute(
        catalog.load(),
        "sqs",
        code,
        event,
        learner=learner(),
        timeout_s=5,
        settings={"redrive_policy": True},
        aws={"state": json.loads(json.dumps(ORDERS)), "deny": []},
    )
    assert outcome.invocations >= 2
    lines = [
        [resources.plain_item(i)["line"] for i in resources.find(run.aws["state"], "tables", "orders")["items"]]
        for _, run in outcome.aws_runs
    ]
    assert lines[0] == [1] and lines[1] == [1, 2]  # the redelivery found the first write and added a duplicate
    assert outcome.aws_state == outcome.aws_runs[-1][1].aws["state"]


def test_one_learners_resources_are_invisible_to_another():
    ann, bob = learner(), learner()
    wrote = run(COUNTER, {"id": "ann-secret"}, who=ann)
    assert wrote.response == 1
    peek = run(COUNTER, {"id": "bob"}, who=bob)  # same code, another learner: another environment and state
    assert peek.response == 1 and [i["orderId"] for i in table_items(peek)] == ["bob"]


def test_the_emulators_start_is_not_counted_as_the_functions_init_and_says_so():
    result = run("import boto3\ndef handler(event, context):\n    return 1\n", who=learner(), force_cold=True)
    note = next(line for line in result.logs if line.startswith("[Triggerlab] Emulated AWS started in"))
    spent = float(note.split(" in ", 1)[1].split(" ms", 1)[0])
    assert spent > 10 and note.endswith("not in the Init Duration.")
    assert result.init_duration_ms is not None and result.init_duration_ms > 0
    lazy = run("def handler(event, context):\n    import boto3\n    return 1\n", who=learner(), force_cold=True)
    assert any(line.endswith("not in the Duration.") for line in lazy.logs)  # imported in the handler this time


def test_a_handler_without_boto3_pays_nothing():
    code = "import sys\ndef handler(event, context):\n    return sorted(m for m in sys.modules if m.startswith(('boto', 'moto')))\n"
    result = run(code, who=learner())
    assert result.status == "ok" and result.response == [] and result.aws is None


def test_isolation_holds_with_boto3_imported():
    code = """
import os, socket, boto3, moto
def handler(event, context):
    found = {}
    try:
        socket.create_connection(("169.254.169.254", 80), timeout=1)
        found["network"] = "open"
    except OSError as error:
        found["network"] = type(error).__name__
    try:
        open(os.path.join(os.path.dirname(boto3.__file__), "pwned.py"), "w")
        found["layer"] = "writable"
    except OSError as error:
        found["layer"] = type(error).__name__
    found["host"] = [p for p in ("/work", "/root", "/etc/shadow", "/home") if os.path.exists(p)]
    found["boto3_at"] = os.path.dirname(os.path.dirname(boto3.__file__))
    return found
"""
    result = run(code, who=learner())
    assert result.status == "ok", result.error
    assert result.response["network"] != "open"
    assert result.response["layer"] in ("OSError", "PermissionError")  # read-only bind
    assert result.response["host"] == []
    assert result.response["boto3_at"] == environments.SANDBOX_LAYER_PATH


def test_a_forged_report_cannot_plant_state():
    code = FORGE + (
        "import boto3\n"
        "def handler(event, context):\n"
        "    forge({'request_id': 'x', 'aws': {'state': {'tables': 'not a list'}}})\n"
        "    return 1\n"
    )
    result = run(code, who=learner())
    # the forged frame carries another request id: it is stale, and the real report still arrives
    assert result.status == "ok"
    assert result.aws is None or aws_reports.state_problem(result.aws["state"]) is None


TABLE = {"name": "things", "key": {"hash": ["k", "S"], "range": None}}


@pytest.mark.parametrize(
    ("report", "problem"),
    [
        ({"state": {"tables": "x"}}, "The tables came back in an unexpected shape."),
        ({"state": {"secrets": []}}, "The resources came back in an unexpected shape."),
        ({"state": {"tables": [{"name": "t", "items": ["x" * 600_000]}]}}, "over the 256 KB"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a"}, "n": {"N": "1e1000000"}}]}]}}, "not a DynamoDB"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a"}, "n": {"N": "sNaN"}}]}]}}, "not a DynamoDB"),
        ({"state": {"tables": [TABLE | {"items": [{"n": {"N": "1"}}]}]}}, "without its key"),
        ({"state": {"tables": [{"name": "things", "items": []}]}}, "its key came back"),
        (
            {"state": {"tables": [TABLE | {"items": [{"k": {"S": str(n)}, f"a{n}": {"S": ""}} for n in range(50)]}]}},
            "51 different",
        ),
        ({"state": {"queues": [{"name": "q", "messages": [{"body": 3}]}]}}, "without a text body"),
        ({"state": [1, 2], "error": ""}, "unexpected shape"),  # an empty error does not skip the checks
        ({"state": {"topics": [{"name": "t", "published": [0] * 60}]}}, "unexpected shape"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a\x00b"}}]}]}}, "NUL character"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"N": "1"}}]}]}}, "key has the wrong type"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a"}, "n": {"N": "9e126"}}]}]}}, "not a DynamoDB"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a"}, "n": {"N": "\u0661\u0662"}}]}]}}, "not a DynamoDB"),
        ({"state": {"tables": [TABLE | {"items": [{"k": {"S": "a"}, "s": {"SS": ["x", "x"]}}]}]}}, "not a DynamoDB"),
        ({"state": {"buckets": [{"name": "b0", "objects": []}]}}, "not a name AWS allows"),
        ({"state": None, "error": "boom"}, "Reading the resources failed: boom"),
    ],
)
def test_the_host_keeps_no_state_that_fails_its_checks(report, problem):
    checked = aws_reports.report({"calls": [{"service": "s" * 5000, "operation": 3}] * 500, **report})
    assert checked["state"] is None and problem in checked["error"]
    assert len(checked["calls"]) == aws_reports.CALL_CAP
    assert checked["calls"][0] == {"service": "s" * aws_reports.TEXT_CAP, "operation": "3"}
