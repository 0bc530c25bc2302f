"""The template as the checker sees it: resources, resolved values, functions, and what invokes each function.

Values are resolved where the template itself says what they are: a parameter's Default, a !Ref or !GetAtt to a
resource of the template, SAM's Globals for functions, a !Sub that only names a resource, a !FindInMap with known
keys. Every value that cannot be resolved is recorded as an assumption ("... : assumed ..."), never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .parse import LineDict

UNRESOLVED = object()

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
DEFAULT_TIMEOUT = 3
DEFAULT_VISIBILITY = 30
DEFAULT_RETENTION = 345_600

# SAM event types -> catalog slug
SAM_EVENTS = {
    "SQS": "sqs",
    "Kinesis": "kinesis",
    "DynamoDB": "dynamodb-streams",
    "MSK": "msk",
    "SelfManagedKafka": "kafka",
    "MQ": "mq",
    "DocumentDB": "documentdb",
    "S3": "s3",
    "SNS": "sns",
    "EventBridgeRule": "eventbridge",
    "CloudWatchEvent": "eventbridge",
    "Schedule": "eventbridge",
    "ScheduleV2": "eventbridge-scheduler",
    "Api": "api-gateway-rest",
    "HttpApi": "api-gateway-http",
    "CloudWatchLogs": "cloudwatch-logs",
    "IoTRule": "iot",
    "Cognito": "cognito",
    "AlexaSkill": "alexa",
}
MAPPING_SOURCES = ("sqs", "kinesis", "dynamodb-streams", "msk", "kafka", "mq", "documentdb")
STREAM_SOURCES = ("kinesis", "dynamodb-streams", "msk", "kafka", "documentdb")
# Sources that invoke asynchronously (the catalog's first model is async; SES unless RequestResponse)
ASYNC_SOURCES = (
    "s3",
    "sns",
    "eventbridge",
    "eventbridge-scheduler",
    "cloudwatch-logs",
    "iot",
    "codecommit",
    "codepipeline",
    "config",
    "cloudformation",
    "ses",
)
# Which resource type an event source mapping's EventSourceArn points at
ARN_SOURCE_TYPES = {
    "AWS::SQS::Queue": "sqs",
    "AWS::Kinesis::Stream": "kinesis",
    "AWS::Kinesis::StreamConsumer": "kinesis",
    "AWS::DynamoDB::Table": "dynamodb-streams",
    "AWS::MSK::Cluster": "msk",
    "AWS::MSK::ServerlessCluster": "msk",
    "AWS::AmazonMQ::Broker": "mq",
    "AWS::DocDB::DBCluster": "documentdb",
}
ARN_PREFIXES = {
    ":sqs:": "sqs",
    ":kinesis:": "kinesis",
    ":dynamodb:": "dynamodb-streams",
    ":kafka:": "msk",
    ":mq:": "mq",
    ":rds:": "documentdb",
}
PSEUDO = {
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::URLSuffix",
    "AWS::NoValue",
    "AWS::NotificationARNs",
}
SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


@dataclass(frozen=True)
class Ref:
    """A reference to a resource of the template (!Ref X, !GetAtt X.Attr, "${X.Arn}")."""

    target: str
    attribute: str = ""


@dataclass
class Trigger:
    """Something that invokes a function: a mapping, a SAM event or a plain push resource."""

    source: str  # catalog slug
    function: str  # logical id
    resource: str  # logical id of the resource that carries the trigger (the function for SAM events)
    line: int | None
    props: dict = field(default_factory=dict)  # the mapping's or event's properties
    sam_event: str = ""  # the SAM event's name, when it is one
    creates_permission: bool = False  # SAM adds the resource-based policy itself
    principal: str = ""  # the service principal that needs a permission, for push triggers
    queue: str = ""  # logical id of the queue/stream/bucket/topic/rule resource, when resolved
    extra: dict = field(default_factory=dict)


class Template:
    def __init__(self, data: LineDict):
        self.data = data
        self.resources: dict = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
        params = data.get("Parameters")
        self.parameters: dict = params if isinstance(params, dict) else {}
        glob = data.get("Globals")
        fn_globals = glob.get("Function") if isinstance(glob, dict) else None
        self.function_globals: dict = fn_globals if isinstance(fn_globals, dict) else {}
        self._assumptions: list[str] = []
        self._seen_assumptions: set[str] = set()
        self._triggers: list[Trigger] | None = None

    # ---- lines and properties -------------------------------------------------------------------
    def line(self, logical_id: str, *path: str) -> int | None:
        """The line of a resource, or of a property path inside it (the deepest key found)."""
        line = self.resources.line_of(logical_id) if isinstance(self.resources, LineDict) else None
        node: Any = self.resources.get(logical_id)
        for key in ("Properties", *path) if path else ():
            if not isinstance(node, dict) or key not in node:
                break
            if isinstance(node, LineDict):
                line = node.line_of(key)
            node = node[key]
        return line

    def type_of(self, logical_id: str) -> str:
        res = self.resources.get(logical_id)
        return str(res.get("Type", "")) if isinstance(res, dict) else ""

    def props(self, logical_id: str) -> dict:
        res = self.resources.get(logical_id)
        props = res.get("Properties") if isinstance(res, dict) else None
        return props if isinstance(props, dict) else {}

    def of_type(self, *types: str) -> list[str]:
        return [lid for lid in self.resources if self.type_of(lid) in types]

    def functions(self) -> list[str]:
        return self.of_type(*FUNCTION_TYPES)

    def assume(self, text: str) -> None:
        if text not in self._seen_assumptions:
            self._seen_assumptions.add(text)
            self._assumptions.append(text)

    def assumptions(self) -> list[str]:
        self.triggers()  # resolving the triggers records their assumptions
        return list(self._assumptions)

    # ---- resolving values -----------------------------------------------------------------------
    def value(self, raw: Any, what: str = "", default: Any = None) -> Any:
        """A plain value for `raw` (numbers, text, booleans, lists, Refs), or `default` with an assumption."""
        out = self._resolve(raw, what)
        if out is UNRESOLVED:
            shown = _show(raw)
            suffix = f"assumed {default!r}" if default is not None else "left it out of the checks"
            self.assume(f"{what + ': ' if what else ''}{shown} could not be resolved; {suffix}.")
            return default
        return out

    def _resolve(self, raw: Any, what: str) -> Any:
        if not isinstance(raw, dict):
            if isinstance(raw, list):
                return [self.value(item, what) for item in raw]
            return raw
        if len(raw) != 1:
            return raw
        ((key, arg),) = raw.items()
        if key == "Ref":
            name = str(arg)
            base, _, attr = name.partition(".")
            if name in self.parameters:
                param = self.parameters[name]
                if isinstance(param, dict) and "Default" in param:
                    default = param["Default"]
                    self.assume(
                        f"!Ref {name}{' (' + what + ')' if what else ''}: used the parameter's Default {default}."
                    )
                    return _number(default)
                return UNRESOLVED
            if base in self.resources:
                return Ref(base, attr)
            return UNRESOLVED
        if key == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
            if parts and isinstance(parts[0], str) and parts[0].split(".")[0] in self.resources:
                return Ref(parts[0].split(".")[0], str(parts[1]) if len(parts) > 1 else "")
            return UNRESOLVED
        if key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            if not isinstance(text, str):
                return UNRESOLVED
            names = SUB_VAR.findall(text)
            whole = SUB_VAR.fullmatch(text.strip())
            if whole:
                base, _, attr = whole.group(1).partition(".")
                if base in self.resources:
                    return Ref(base, attr)
            for name in names:
                base = name.split(".")[0]
                if base in self.resources:
                    # an ARN built around a resource: keep the text, the ARN still names that resource
                    return SubText(text, base)
            return SubText(text, "")
        if key == "Fn::If":
            if isinstance(arg, list) and len(arg) == 3:
                first = self._resolve(arg[1], what)
                second = self._resolve(arg[2], what)
                if first == second:
                    return first
                if first is not UNRESOLVED:
                    self.assume(
                        f"!If {arg[0]}{' (' + what + ')' if what else ''}: used the value for a true condition, "
                        f"{_show(first)}."
                    )
                    return first
            return UNRESOLVED
        if key == "Fn::FindInMap":
            mappings = self.data.get("Mappings")
            if isinstance(arg, list) and len(arg) >= 3 and isinstance(mappings, dict):
                keys = [self._resolve(k, what) for k in arg[:3]]
                node: Any = mappings
                for k in keys:
                    if not isinstance(node, dict) or not isinstance(k, str | int) or str(k) not in node:
                        return UNRESOLVED
                    node = node[str(k)]
                return _number(node)
            return UNRESOLVED
        if key == "Fn::Join":
            if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                parts = [self._resolve(p, what) for p in arg[1]]
                if all(isinstance(p, str | int | float) for p in parts):
                    return str(arg[0]).join(str(p) for p in parts)
            return UNRESOLVED
        if key.startswith("Fn::") or key == "Condition":
            return UNRESOLVED
        return raw

    def number(self, raw: Any, what: str, default: int | float | None) -> int | float | None:
        if raw is None:
            return default
        got = self.value(raw, what, default)
        if isinstance(got, bool):
            return int(got)
        if isinstance(got, int | float):
            return got
        if isinstance(got, str):
            try:
                return int(got) if got.strip().lstrip("-").isdigit() else float(got)
            except ValueError:
                pass
        self.assume(f"{what}: {_show(raw)} is not a number; assumed {default!r}.")
        return default

    def boolean(self, raw: Any, what: str, default: bool = False) -> bool:
        if raw is None:
            return default
        got = self.value(raw, what, default)
        if isinstance(got, bool):
            return got
        return str(got).strip().lower() == "true"

    def target(self, raw: Any, what: str = "") -> str:
        """The logical id of the template resource a value (an ARN, a name) refers to, or ''."""
        got = self._resolve(raw, what)
        if isinstance(got, Ref):
            return got.target
        if isinstance(got, SubText):
            return got.resource
        if isinstance(got, str):
            # a name or ARN written out: match a function's FunctionName, a queue's QueueName...
            for lid in self.resources:
                props = self.props(lid)
                for key in ("FunctionName", "QueueName", "TopicName", "StreamName", "BucketName", "Name"):
                    if props.get(key) == got or (isinstance(props.get(key), str) and got.endswith(":" + props[key])):
                        return lid
        if got is UNRESOLVED and what:
            self.assume(f"{what}: {_show(raw)} names nothing in this template; treated as a resource outside it.")
        return ""

    def text(self, raw: Any) -> str:
        """A value as text for pattern checks (ARN prefixes, principals)."""
        got = self._resolve(raw, "")
        if isinstance(got, SubText):
            return got.text
        if isinstance(got, Ref):
            return f"${{{got.target}}}"
        return "" if got is UNRESOLVED or got is None else str(got)

    def function_of(self, raw: Any, what: str = "") -> str:
        """The function a FunctionName / Arn value names (through aliases and versions), or ''."""
        lid = self.target(raw, what)
        seen = 0
        while lid and self.type_of(lid) in ("AWS::Lambda::Alias", "AWS::Lambda::Version") and seen < 5:
            lid = self.target(self.props(lid).get("FunctionName"), what)
            seen += 1
        return lid if self.type_of(lid) in FUNCTION_TYPES else ""

    # ---- functions --------------------------------------------------------------------------------
    def fn_prop(self, function: str, key: str) -> Any:
        props = self.props(function)
        if key in props:
            return props[key]
        if self.type_of(function) == "AWS::Serverless::Function":
            return self.function_globals.get(key)
        return None

    def timeout(self, function: str) -> int:
        got = self.number(self.fn_prop(function, "Timeout"), f"{function} Timeout", DEFAULT_TIMEOUT)
        return int(got) if got is not None else DEFAULT_TIMEOUT

    def inline_code(self, function: str) -> str:
        if self.type_of(function) == "AWS::Serverless::Function":
            code = self.fn_prop(function, "InlineCode")
        else:
            code = self.props(function).get("Code")
            code = code.get("ZipFile") if isinstance(code, dict) else None
        got = self._resolve(code, "") if code is not None else ""
        if isinstance(got, SubText):
            return got.text
        return got if isinstance(got, str) else ""

    def dead_letter(self, function: str) -> tuple[str, int | None]:
        """('sqs'|'sns', line) when the function has a dead-letter queue, else ('', None)."""
        if self.type_of(function) == "AWS::Serverless::Function":
            dlq = self.fn_prop(function, "DeadLetterQueue")
            if isinstance(dlq, dict) and dlq.get("TargetArn") is not None:
                kind = str(self.value(dlq.get("Type"), f"{function} DeadLetterQueue.Type", "SQS")).lower()
                return ("sns" if kind == "sns" else "sqs"), self.line(function, "DeadLetterQueue")
        dlc = self.props(function).get("DeadLetterConfig")
        if isinstance(dlc, dict) and dlc.get("TargetArn") is not None:
            arn = self.text(dlc.get("TargetArn"))
            target = self.target(dlc.get("TargetArn"))
            kind = "sns" if ":sns:" in arn or self.type_of(target) == "AWS::SNS::Topic" else "sqs"
            return kind, self.line(function, "DeadLetterConfig")
        return "", None

    def invoke_config(self, function: str) -> dict:
        """Lambda's asynchronous settings: MaximumRetryAttempts, MaximumEventAgeInSeconds, OnFailure, OnSuccess."""
        out: dict = {}
        sam = (
            self.fn_prop(function, "EventInvokeConfig")
            if self.type_of(function) == "AWS::Serverless::Function"
            else None
        )
        configs = [sam] if isinstance(sam, dict) else []
        for lid in self.of_type("AWS::Lambda::EventInvokeConfig"):
            props = self.props(lid)
            if self.function_of(props.get("FunctionName"), f"{lid} FunctionName") == function:
                configs.append(props)
        for config in configs:
            for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
                if key in config:
                    out[key] = self.number(config[key], f"{function} {key}", None)
            dest = config.get("DestinationConfig")
            if isinstance(dest, dict):
                for side in ("OnFailure", "OnSuccess"):
                    node = dest.get(side)
                    if isinstance(node, dict) and node.get("Destination") is not None:
                        out[side] = self.destination_kind(node.get("Destination"), node.get("Type"))
        return out

    def destination_kind(self, raw: Any, declared: Any = None) -> str:
        """sqs / sns / s3 / lambda / eventbridge for a destination ARN or SAM Type."""
        if declared is not None:
            kind = str(self.value(declared, "", "SQS")).lower()
            return {"sqs": "sqs", "sns": "sns", "s3": "s3", "lambda": "lambda", "eventbridge": "eventbridge"}.get(
                kind, "sqs"
            )
        target = self.target(raw)
        kind = {
            "AWS::SQS::Queue": "sqs",
            "AWS::SNS::Topic": "sns",
            "AWS::S3::Bucket": "s3",
            "AWS::Events::EventBus": "eventbridge",
        }.get(self.type_of(target))
        if kind:
            return kind
        if self.type_of(target) in FUNCTION_TYPES:
            return "lambda"
        arn = self.text(raw)
        for marker, name in (
            (":sqs:", "sqs"),
            (":sns:", "sns"),
            (":s3:", "s3"),
            (":lambda:", "lambda"),
            (":events:", "eventbridge"),
        ):
            if marker in arn:
                return name
        return "sqs"

    # ---- triggers -------------------------------------------------------------------------------
    def triggers(self) -> list[Trigger]:
        if self._triggers is None:
            from .triggers import find_triggers

            self._triggers = find_triggers(self)
        return self._triggers


@dataclass(frozen=True)
class SubText:
    """A !Sub string; `resource` is the template resource it names, if any."""

    text: str
    resource: str


def _number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _show(raw: Any) -> str:
    if isinstance(raw, dict) and len(raw) == 1:
        ((key, arg),) = raw.items()
        short = key.replace("Fn::", "")
        if isinstance(arg, list):
            arg = ".".join(str(a) for a in arg) if short == "GetAtt" else ", ".join(_show(a) for a in arg)
        elif isinstance(arg, dict):
            arg = _show(arg)
        return f"!{short} {arg}"
    return repr(raw)
