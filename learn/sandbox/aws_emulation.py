"""Emulated AWS for learner handlers. This module runs INSIDE the sandbox (its interpreter, the standard library
and the read-only boto3/moto layer), never in the web process.

It starts the first time the learner's code imports boto3 or botocore, so a handler that never does pays
nothing. From then on moto's `mock_aws` answers every call in this process, and nothing goes to the network.
The account and Region are fixed (123456789012, us-east-1).

- **Resources outlive the process.** They come in from the host as a plain JSON *state* (tables, queues,
  buckets, topics, event buses; see `empty_state`), are rebuilt in moto when the emulation starts (or when the
  host sends a newer state), and go back out after every invocation. That is how real resources outlive an
  execution environment: a cold start finds the items a warm one wrote.
- **Every call is recorded**: service, operation, its key parameters, and the result or error, in order.
- **Errors teach.** An operation moto does not emulate raises `UnsupportedOperation` with a plain message, not
  moto's internals. An action the scenario denies fails as AWS fails it (`AccessDeniedException`).

The learner's code shares this process, so it could tamper with what is reported: the report is learner data,
and it only ever describes that learner's own resources.
"""

from __future__ import annotations

import base64
import json
import os
import time

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/triggerlab-function-role/triggerlab-function"
CALL_CAP = 100  # calls kept per invocation (the rest are counted)
TEXT_CAP = 500  # characters of a call's parameters or result
ITEM_CAP = 200  # items, messages or objects kept per resource
BODY_CAP = 16 * 1024  # bytes of an object's body kept in the state
PUBLISHED_CAP = 50  # notifications and events remembered per topic or bus
# botocore's service names that are not the IAM action prefix
SERVICE_OF = {"tables": "dynamodb", "queues": "sqs", "buckets": "s3", "topics": "sns", "buses": "events"}
ACTION_PREFIX = {"eventbridge": "events", "dynamodbstreams": "dynamodb", "stepfunctions": "states"}


def empty_state() -> dict:
    return {"tables": [], "queues": [], "buckets": [], "topics": [], "buses": []}


class UnsupportedOperation(Exception):
    """The call is real AWS, but this emulation does not implement it."""


class EmulationError(Exception):
    """The emulation failed on a call it accepted (a gap in moto), described in plain words."""


def _brief(value) -> str:
    text = json.dumps(value, default=_plain, sort_keys=False, ensure_ascii=False)
    return text if len(text) <= TEXT_CAP else text[: TEXT_CAP - 1] + "…"


def _plain(value):
    if isinstance(value, bytes | bytearray):
        return value[:200].decode("utf-8", "replace")
    if hasattr(value, "read"):  # a streaming body: say what it is, do not read it
        return "<stream>"
    return str(value)


class Emulation:
    def __init__(self):
        self.state = empty_state()  # what the host sent; loaded when the emulation starts
        self.deny: set[str] = set()
        self.calls: list[dict] = []
        self.dropped = 0
        self.started = False
        self.internal = 0  # >0 while we make our own calls (snapshot, restore): not recorded, never denied
        self.published: dict[str, dict[str, list]] = {"topics": {}, "buses": {}}
        # ms spent starting moto and rebuilding resources: the emulator's cost, not the function's (Lambda has
        # neither), so the runtime leaves it out of Init Duration and Duration
        self.overhead_ms = 0.0
        self.touched: set[str] = set()  # services the learner's code called (the snapshot reads only what may hold)

    # -- from the host ----------------------------------------------------------------------------------------
    def configure(self, config: dict | None) -> None:
        """`{"state": {...}, "deny": ["dynamodb:PutItem", ...]}`; the state is only present when it changed."""
        config = config or {}
        self.deny = {str(action) for action in config.get("deny") or ()}
        if "state" in config:
            self.state = config["state"] or empty_state()
            if self.started:
                began = time.perf_counter()
                self.mock.stop()
                self.mock.start()  # moto's backends start empty again
                self.load(self.state)
                self.overhead_ms += (time.perf_counter() - began) * 1000

    def take(self) -> dict | None:
        """What one invocation (and any INIT before it) did: its calls and the state after it; None if the
        emulation never started."""
        if not self.started:
            return None
        calls, self.calls = self.calls, []
        dropped, self.dropped = self.dropped, 0
        return {"calls": calls, "dropped_calls": dropped, "state": self.snapshot()}

    # -- start ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.started:
            return
        self.started = True
        began = time.perf_counter()
        import botocore.client
        from moto import mock_aws

        self.mock = mock_aws()
        self.mock.start()
        # the execution role's temporary credentials, as Lambda sets them (fake: nothing leaves the process);
        # set after moto's start, which puts its own fakes in the environment
        os.environ["AWS_ACCESS_KEY_ID"] = "ASIATRIGGERLABEXAMPLE"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "triggerlab/emulated/secret/key/not/real"
        os.environ["AWS_SESSION_TOKEN"] = "triggerlab-emulated-session-token"
        self._wrap(botocore.client.BaseClient)
        self.load(self.state)
        self.overhead_ms += (time.perf_counter() - began) * 1000

    def _wrap(self, base) -> None:
        from botocore.exceptions import ClientError

        original = base._make_api_call
        emulation = self

        def _make_api_call(client, operation_name, api_params):
            if emulation.internal:
                return original(client, operation_name, api_params)
            model = client.meta.service_model
            prefix = ACTION_PREFIX.get(model.service_name, model.signing_name or model.endpoint_prefix)
            action = f"{prefix}:{operation_name}"
            entry = {"service": prefix, "operation": operation_name, "params": _brief(api_params)}
            emulation.touched.add(model.service_name)
            emulation.record(entry)
            refused = next((a for a in required_actions(action, api_params) if emulation.denies(a)), None)
            if refused is not None:
                action = refused
                code = "AccessDenied" if prefix == "s3" else "AccessDeniedException"
                message = (
                    f"User: {ROLE} is not authorized to perform: {action} on resource: "
                    f"{resource_arn(prefix, api_params)} because no identity-based policy allows the {action} action"
                )
                entry["error"] = f"{code}: {message}"
                raise ClientError({"Error": {"Code": code, "Message": message}}, operation_name)
            try:
                response = original(client, operation_name, api_params)
            except ClientError as error:
                details = error.response.get("Error", {})
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if status == 404 and "not yet implemented" in str(details.get("Message", "")).lower():
                    entry["error"] = "not emulated"
                    raise UnsupportedOperation(unsupported(action)) from None
                entry["error"] = f"{details.get('Code', 'Error')}: {details.get('Message', '')}"
                raise
            except NotImplementedError:
                entry["error"] = "not emulated"
                raise UnsupportedOperation(unsupported(action)) from None
            except Exception as error:  # noqa: BLE001 - botocore's own errors pass; moto's internals do not
                if type(error).__module__.startswith("botocore"):
                    entry["error"] = f"{type(error).__name__}: {error}"
                    raise
                entry["error"] = "the emulation failed"
                raise EmulationError(
                    f"Triggerlab's emulated AWS failed on {action} ({type(error).__name__}). Real AWS would "
                    "answer it: check the parameters against the API reference, or use a simpler call."
                ) from None
            shown = {key: value for key, value in response.items() if key != "ResponseMetadata"}
            entry["result"] = _brief(shown) if shown else "ok"
            emulation.remember_publish(prefix, operation_name, api_params, response)
            return response

        base._make_api_call = _make_api_call

    def denies(self, action: str) -> bool:
        return action in self.deny or f"{action.split(':', 1)[0]}:*" in self.deny

    def record(self, entry: dict) -> None:
        if len(self.calls) < CALL_CAP:
            self.calls.append(entry)
        else:
            self.dropped += 1

    def remember_publish(self, prefix: str, operation: str, params: dict, response: dict) -> None:
        """SNS notifications and EventBridge events leave no state to read back: keep what was sent."""
        if prefix == "sns" and operation == "Publish":
            name = str(params.get("TopicArn") or params.get("TargetArn") or "").rsplit(":", 1)[-1]
            sent = {"message": params.get("Message"), "subject": params.get("Subject")}
            attributes = params.get("MessageAttributes")
            if attributes:
                sent["attributes"] = {key: value.get("StringValue") for key, value in attributes.items()}
            self._published("topics", name, sent)
        elif prefix == "events" and operation == "PutEvents":
            for entry, result in zip(params.get("Entries", []), response.get("Entries", []), strict=False):
                if "EventId" not in result:
                    continue
                bus = str(entry.get("EventBusName") or "default").rsplit("/", 1)[-1]
                self._published(
                    "buses",
                    bus,
                    {
                        "source": entry.get("Source"),
                        "detail-type": entry.get("DetailType"),
                        "detail": entry.get("Detail"),
                    },
                )

    def _published(self, kind: str, name: str, sent: dict) -> None:
        kept = self.published[kind].setdefault(name, [])
        kept.append(sent)
        del kept[:-PUBLISHED_CAP]

    # -- state in and out -------------------------------------------------------------------------------------
    def clients(self):
        """Our own clients, made once (a client costs tens of ms to build), each when first needed."""
        if not hasattr(self, "_clients"):
            import boto3

            self._clients = _Clients(boto3.session.Session(region_name=REGION))
        return self._clients

    def load(self, state: dict) -> None:
        """Create the resources of `state` in moto (the emulation has just started or been reset)."""
        self.internal += 1
        try:
            c = self.clients()
            for table in state.get("tables", []):
                create_table(c["dynamodb"], table)
                for item in table.get("items", [])[:ITEM_CAP]:
                    c["dynamodb"].put_item(TableName=table["name"], Item=item)
            for queue in state.get("queues", []):
                attributes = {"FifoQueue": "true"} if queue.get("fifo") else {}
                for key in ("VisibilityTimeout", "RedrivePolicy", "ContentBasedDeduplication"):
                    if queue.get("attributes", {}).get(key) is not None:
                        attributes[key] = str(queue["attributes"][key])
                url = c["sqs"].create_queue(QueueName=queue["name"], Attributes=attributes)["QueueUrl"]
                for number, message in enumerate(queue.get("messages", [])[:ITEM_CAP]):
                    extra = {}
                    if queue.get("fifo"):  # one id per kept message: equal bodies are still separate messages
                        extra = {"MessageGroupId": message.get("group") or "default"}
                        extra["MessageDeduplicationId"] = f"restored-{number}"
                    c["sqs"].send_message(QueueUrl=url, MessageBody=message["body"], **extra)
            for bucket in state.get("buckets", []):
                c["s3"].create_bucket(Bucket=bucket["name"])
                for obj in bucket.get("objects", [])[:ITEM_CAP]:
                    body = base64.b64decode(obj["base64"]) if "base64" in obj else obj.get("body", "").encode()
                    c["s3"].put_object(Bucket=bucket["name"], Key=obj["key"], Body=body)
            for topic in state.get("topics", []):
                c["sns"].create_topic(Name=topic["name"])
                self.published["topics"][topic["name"]] = list(topic.get("published", []))[-PUBLISHED_CAP:]
            for bus in state.get("buses", []):
                if bus["name"] != "default":
                    c["events"].create_event_bus(Name=bus["name"])
                self.published["buses"][bus["name"]] = list(bus.get("published", []))[-PUBLISHED_CAP:]
        finally:
            self.internal -= 1

    def snapshot(self) -> dict:
        """The resources as they are now, in the state's own shape."""
        self.internal += 1
        try:
            c = self.clients()
            state = empty_state()
            # a kind can only hold something if the state had some or the code called its service
            held = {kind for kind in SERVICE_OF if self.state.get(kind)}
            wanted = {kind for kind, service in SERVICE_OF.items() if kind in held or service in self.touched}
            if "tables" in wanted:
                for name in c["dynamodb"].list_tables().get("TableNames", []):
                    state["tables"].append(table_state(c["dynamodb"], name))
            if "queues" in wanted:
                for url in c["sqs"].list_queues().get("QueueUrls", []):
                    state["queues"].append(queue_state(c["sqs"], url))
            if "buckets" in wanted:
                for bucket in c["s3"].list_buckets().get("Buckets", []):
                    state["buckets"].append(bucket_state(c["s3"], bucket["Name"]))
            if "topics" in wanted:
                for topic in c["sns"].list_topics().get("Topics", []):
                    name = topic["TopicArn"].rsplit(":", 1)[-1]
                    state["topics"].append({"name": name, "published": self.published["topics"].get(name, [])})
            if "buses" in wanted:
                for bus in c["events"].list_event_buses().get("EventBuses", []):
                    published = self.published["buses"].get(bus["Name"], [])
                    if bus["Name"] != "default" or published:
                        state["buses"].append({"name": bus["Name"], "published": published})
            self.state = state  # what this process holds now
            return state
        finally:
            self.internal -= 1


class _Clients(dict):
    def __init__(self, session):
        super().__init__()
        self.session = session

    def __missing__(self, name):
        client = self[name] = self.session.client(name)
        return client


# A transaction's parts are authorised as the single-item operations they stand for
# (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
TRANSACTION_PARTS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


def required_actions(action: str, params: dict) -> list[str]:
    """The IAM actions a call needs: the call's own, or for a DynamoDB transaction, those of its parts."""
    if action not in ("dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"):
        return [action]
    parts = [part for item in params.get("TransactItems") or [] if isinstance(item, dict) for part in item]
    return [TRANSACTION_PARTS[part] for part in parts if part in TRANSACTION_PARTS]


def unsupported(action: str) -> str:
    return (
        f"{action} is a real AWS operation, but Triggerlab's emulated AWS does not support it. The emulation "
        "covers the common calls of DynamoDB, SQS, S3, SNS and EventBridge: use one of those here."
    )


def resource_arn(prefix: str, params: dict) -> str:
    parts = [part for item in params.get("TransactItems") or [] if isinstance(item, dict) for part in item.values()]
    if parts and isinstance(parts[0], dict) and "TableName" in parts[0]:
        params = parts[0]
    if "TableName" in params:
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{params['TableName']}"
    if "QueueUrl" in params:
        return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{str(params['QueueUrl']).rsplit('/', 1)[-1]}"
    if "Bucket" in params:
        return f"arn:aws:s3:::{params['Bucket']}" + (f"/{params['Key']}" if "Key" in params else "")
    if "TopicArn" in params:
        return str(params["TopicArn"])
    if prefix == "events":
        bus = "default"
        entries = params.get("Entries") or [{}]
        bus = str(entries[0].get("EventBusName") or bus).rsplit("/", 1)[-1]
        return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{bus}"
    return "*"


def create_table(client, table: dict) -> None:
    hash_key, hash_type = table["key"]["hash"]
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    attributes = {hash_key: hash_type}
    if table["key"].get("range"):
        range_key, range_type = table["key"]["range"]
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        attributes[range_key] = range_type
    client.create_table(
        TableName=table["name"],
        KeySchema=keys,
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": t} for k, t in attributes.items()],
        BillingMode="PAY_PER_REQUEST",
    )


def table_state(client, name: str) -> dict:
    schema = client.describe_table(TableName=name)["Table"]
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["AttributeDefinitions"]}
    key: dict = {"hash": None, "range": None}
    for part in schema["KeySchema"]:
        key["hash" if part["KeyType"] == "HASH" else "range"] = [part["AttributeName"], types[part["AttributeName"]]]
    items, start = [], None
    while len(items) < ITEM_CAP:
        page = client.scan(TableName=name, **({"ExclusiveStartKey": start} if start else {}))
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    items = [_json_item(item) for item in items[:ITEM_CAP]]
    items.sort(key=lambda item: json.dumps([item.get(k[0]) for k in key.values() if k], sort_keys=True))
    return {"name": name, "key": key, "items": items}


def _json_item(item: dict) -> dict:
    """DynamoDB's typed JSON with binary values as base64 text, as the wire format has them."""
    return json.loads(json.dumps(item, default=lambda b: base64.b64encode(bytes(b)).decode()))


def queue_state(client, url: str) -> dict:
    name = url.rsplit("/", 1)[-1]
    wanted = ["FifoQueue", "VisibilityTimeout", "RedrivePolicy", "ContentBasedDeduplication"]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=wanted).get("Attributes", {})
    fifo = attributes.pop("FifoQueue", "false") == "true"
    attributes.pop("ContentBasedDeduplication", None) if not fifo else None
    messages = []
    backend = _sqs_queue(name)
    for message in (backend._messages if backend is not None else [])[:ITEM_CAP]:
        messages.append(
            {
                "body": message.body,
                "receives": int(getattr(message, "approximate_receive_count", 0) or 0),
                "in_flight": not message.visible,
                **({"group": message.group_id} if getattr(message, "group_id", None) else {}),
            }
        )
    return {"name": name, "fifo": fifo, "attributes": attributes, "messages": messages}


def _sqs_queue(name: str):
    """moto's own queue object: the only way to list messages without receiving them (which would change them)."""
    try:
        from moto.sqs.models import sqs_backends

        return sqs_backends[ACCOUNT][REGION].queues.get(name)
    except Exception:  # noqa: BLE001 - a moto upgrade moved it: show no messages rather than fail the run
        return None


def bucket_state(client, name: str) -> dict:
    objects = []
    for entry in client.list_objects_v2(Bucket=name, MaxKeys=ITEM_CAP).get("Contents", []):
        body = client.get_object(Bucket=name, Key=entry["Key"])["Body"].read(BODY_CAP + 1)
        kept: dict = {"key": entry["Key"], "size": entry["Size"]}
        try:
            kept["body"] = body[:BODY_CAP].decode("utf-8")
        except UnicodeDecodeError:
            kept["base64"] = base64.b64encode(body[:BODY_CAP]).decode()
        if len(body) > BODY_CAP:
            kept["truncated"] = True
        objects.append(kept)
    return {"name": name, "objects": objects}


EMULATION = Emulation()
