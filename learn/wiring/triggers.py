"""Finding what invokes each function: event source mappings, SAM events and plain push resources."""

from __future__ import annotations

from typing import Any

from .model import ARN_PREFIXES, ARN_SOURCE_TYPES, FUNCTION_TYPES, SAM_EVENTS, Template, Trigger

# Which principal a push source needs in the function's resource-based policy
PRINCIPALS = {
    "s3": "s3.amazonaws.com",
    "sns": "sns.amazonaws.com",
    "eventbridge": "events.amazonaws.com",
    "api-gateway-rest": "apigateway.amazonaws.com",
    "api-gateway-http": "apigateway.amazonaws.com",
    "alb": "elasticloadbalancing.amazonaws.com",
    "cloudwatch-logs": "logs.amazonaws.com",
    "iot": "iot.amazonaws.com",
    "cognito": "cognito-idp.amazonaws.com",
    "alexa": "alexa-appkit.amazon.com",
    "secrets-manager": "secretsmanager.amazonaws.com",
    "config": "config.amazonaws.com",
    "ses": "ses.amazonaws.com",
    "lex": "lexv2.amazonaws.com",
    "codecommit": "codecommit.amazonaws.com",
}
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
STATE_MACHINES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")


def find_triggers(t: Template) -> list[Trigger]:
    out: list[Trigger] = []
    for fn in t.functions():
        if t.type_of(fn) == "AWS::Serverless::Function":
            out.extend(_sam_events(t, fn))
    for lid in t.of_type("AWS::Lambda::EventSourceMapping"):
        trig = _mapping(t, lid)
        if trig:
            out.append(trig)
    out.extend(_push_resources(t))
    out.extend(_more_resources(t))
    invoked = {trig.function for trig in out}
    out.extend(_iam_invokers(t, invoked))
    return out


def _functions_in(t: Template, node: Any, depth: int = 0) -> list[str]:
    """Every function of the template a node names (by !Ref, !GetAtt or inside a !Sub), in order."""
    found: list[str] = []
    if depth > 30:
        return found
    if isinstance(node, dict):
        if len(node) == 1 and next(iter(node)) in ("Ref", "Fn::GetAtt", "Fn::Sub"):
            fn = t.function_of(node)
            if fn:
                return [fn]
            text = t.text(node)
            return [name for name in t.functions() if f"${{{name}.Arn}}" in text or f"${{{name}}}" in text]
        for value in node.values():
            found.extend(f for f in _functions_in(t, value, depth + 1) if f not in found)
    elif isinstance(node, list):
        for value in node:
            found.extend(f for f in _functions_in(t, value, depth + 1) if f not in found)
    return found


def _more_resources(t: Template) -> list[Trigger]:
    out: list[Trigger] = []
    for lid in t.resources:
        kind = t.type_of(lid)
        if kind.startswith("Custom::") or kind == CUSTOM_RESOURCE:
            fn = t.function_of(t.props(lid).get("ServiceToken"), f"{lid} ServiceToken")
            if fn:
                trig = _push(t, "cloudformation", fn, lid, t.line(lid, "ServiceToken"))
                trig.principal = ""  # CloudFormation invokes with the stack's credentials
                out.append(trig)
    for lid in t.of_type("AWS::Config::ConfigRule"):
        source = t.props(lid).get("Source")
        if isinstance(source, dict) and source.get("SourceIdentifier") is not None:
            fn = t.function_of(source.get("SourceIdentifier"))
            if fn:
                out.append(_push(t, "config", fn, lid, t.line(lid, "Source")))
    for lid in t.of_type("AWS::SES::ReceiptRule"):
        rule = t.props(lid).get("Rule")
        actions = rule.get("Actions") if isinstance(rule, dict) else None
        for action in actions if isinstance(actions, list) else []:
            lam = action.get("LambdaAction") if isinstance(action, dict) else None
            fn = t.function_of(lam.get("FunctionArn"), f"{lid} LambdaAction") if isinstance(lam, dict) else ""
            if fn:
                kind = str(t.value(lam.get("InvocationType"), f"{lid} InvocationType", "Event"))
                out.append(_push(t, "ses", fn, lid, t.line(lid, "Rule"), invocation_type=kind))
    for lid in t.of_type("AWS::Lex::BotAlias"):
        for fn in _functions_in(t, t.props(lid)):
            out.append(_push(t, "lex", fn, lid, t.line(lid, "BotAliasLocaleSettings")))
    for lid in t.of_type("AWS::CodeCommit::Repository"):
        triggers = t.props(lid).get("Triggers")
        for fn in _functions_in(t, triggers):
            out.append(_push(t, "codecommit", fn, lid, t.line(lid, "Triggers")))
    for lid in t.of_type("AWS::SecretsManager::RotationSchedule"):
        fn = t.function_of(t.props(lid).get("RotationLambdaARN"), f"{lid} RotationLambdaARN")
        if fn:
            out.append(_push(t, "secrets-manager", fn, lid, t.line(lid, "RotationLambdaARN")))
    role_based = {
        "AWS::KinesisFirehose::DeliveryStream": ("firehose", None),
        "AWS::CodePipeline::Pipeline": ("codepipeline", "Stages"),
        "AWS::CloudFront::Distribution": ("cloudfront", "DistributionConfig"),
        "AWS::Connect::IntegrationAssociation": ("connect", "IntegrationArn"),
        **dict.fromkeys(STATE_MACHINES, ("step-functions", None)),
    }
    for kind, (slug, key) in role_based.items():
        for lid in t.of_type(kind):
            node = t.props(lid) if key is None else t.props(lid).get(key)
            for fn in _functions_in(t, node):
                trig = _push(t, slug, fn, lid, t.line(lid))
                trig.principal = ""  # invoked with the service's role, or replicated (CloudFront)
                out.append(trig)
    return out


def _iam_invokers(t: Template, invoked: set[str]) -> list[Trigger]:
    """A function nothing else triggers, that an IAM role or policy of the template may invoke: the SDK."""
    out: list[Trigger] = []
    for lid in t.of_type("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        text = repr(t.props(lid))
        if "lambda:InvokeFunction" not in text and "lambda:*" not in text:
            continue
        for fn in _functions_in(t, t.props(lid)):
            if fn not in invoked:
                invoked.add(fn)
                trig = _push(t, "sdk-invoke", fn, lid, t.line(lid))
                trig.principal = ""
                out.append(trig)
    return out


def _sam_events(t: Template, fn: str) -> list[Trigger]:
    out = []
    url = t.fn_prop(fn, "FunctionUrlConfig")
    if isinstance(url, dict):
        out.append(
            Trigger(
                source="function-urls",
                function=fn,
                resource=fn,
                line=t.line(fn, "FunctionUrlConfig"),
                props=url,
                sam_event="FunctionUrlConfig",
                creates_permission=True,
            )
        )
    events = t.props(fn).get("Events")
    if not isinstance(events, dict):
        return out
    for name, event in events.items():
        if not isinstance(event, dict):
            continue
        kind = str(event.get("Type", ""))
        slug = SAM_EVENTS.get(kind)
        if slug is None:
            continue
        props = event.get("Properties") if isinstance(event.get("Properties"), dict) else {}
        line = t.line(fn, "Events", name)
        queue = ""
        for key in ("Queue", "Stream", "Bucket", "Topic", "UserPool", "Broker", "Cluster"):
            if key in props:
                queue = t.target(props[key])
                break
        extra: dict[str, Any] = {"sam_type": kind}
        if kind in ("Api", "HttpApi"):
            extra["timeout_ms"] = t.number(props.get("TimeoutInMillis"), f"{fn} {name} TimeoutInMillis", None)
        out.append(
            Trigger(
                source=slug,
                function=fn,
                resource=fn,
                line=line,
                props=props,
                sam_event=name,
                creates_permission=slug not in ("eventbridge-scheduler",),
                principal=PRINCIPALS.get(slug, ""),
                queue=queue,
                extra=extra,
            )
        )
    return out


def _mapping(t: Template, lid: str) -> Trigger | None:
    props = t.props(lid)
    fn = t.function_of(props.get("FunctionName"), f"{lid} FunctionName")
    if not fn:
        return None
    slug = ""
    target = ""
    if props.get("EventSourceArn") is not None:
        target = t.target(props.get("EventSourceArn"), f"{lid} EventSourceArn")
        slug = ARN_SOURCE_TYPES.get(t.type_of(target), "")
        if not slug:
            arn = t.text(props.get("EventSourceArn"))
            slug = next((name for marker, name in ARN_PREFIXES.items() if marker in arn), "")
    elif props.get("SelfManagedEventSource") is not None:
        slug = "kafka"
    if not slug:
        t.assume(f"{lid}: the mapping's source could not be told from its EventSourceArn; it was not simulated.")
        return None
    return Trigger(source=slug, function=fn, resource=lid, line=t.line(lid), props=props, queue=target)


def _push(t, slug, fn, lid, line, **extra) -> Trigger:
    return Trigger(
        source=slug, function=fn, resource=lid, line=line, principal=PRINCIPALS.get(slug, ""), queue=lid, extra=extra
    )


def _push_resources(t: Template) -> list[Trigger]:
    out: list[Trigger] = []
    for lid in t.of_type("AWS::S3::Bucket"):
        nc = t.props(lid).get("NotificationConfiguration")
        configs = nc.get("LambdaConfigurations") if isinstance(nc, dict) else None
        for i, conf in enumerate(configs if isinstance(configs, list) else []):
            fn = t.function_of(conf.get("Function"), f"{lid} LambdaConfigurations") if isinstance(conf, dict) else ""
            if fn:
                out.append(
                    _push(
                        t, "s3", fn, lid, _item_line(t, lid, ("NotificationConfiguration", "LambdaConfigurations"), i)
                    )
                )
    for lid in t.of_type("AWS::SNS::Subscription"):
        props = t.props(lid)
        if str(t.value(props.get("Protocol"), "", "")).lower() == "lambda":
            fn = t.function_of(props.get("Endpoint"), f"{lid} Endpoint")
            if fn:
                trig = _push(t, "sns", fn, lid, t.line(lid))
                trig.queue = t.target(props.get("TopicArn"))
                trig.extra["subscription_dlq"] = props.get("RedrivePolicy") is not None
                out.append(trig)
    for lid in t.of_type("AWS::SNS::Topic"):
        subs = t.props(lid).get("Subscription")
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict) and str(t.value(sub.get("Protocol"), "", "")).lower() == "lambda":
                fn = t.function_of(sub.get("Endpoint"), f"{lid} Subscription")
                if fn:
                    out.append(_push(t, "sns", fn, lid, t.line(lid, "Subscription")))
    for lid in t.of_type("AWS::Events::Rule"):
        targets = t.props(lid).get("Targets")
        for i, target in enumerate(targets if isinstance(targets, list) else []):
            if not isinstance(target, dict):
                continue
            fn = t.function_of(target.get("Arn"), f"{lid} Targets")
            if fn:
                trig = _push(t, "eventbridge", fn, lid, _item_line(t, lid, ("Targets",), i))
                trig.props = target
                out.append(trig)
    for lid in t.of_type("AWS::Scheduler::Schedule"):
        target = t.props(lid).get("Target")
        if isinstance(target, dict):
            fn = t.function_of(target.get("Arn"), f"{lid} Target")
            if fn:
                trig = _push(t, "eventbridge-scheduler", fn, lid, t.line(lid, "Target"))
                trig.props = target
                trig.principal = ""  # Scheduler invokes with its execution role, not a resource-based policy
                out.append(trig)
    for lid in t.of_type("AWS::ApiGateway::Method"):
        integ = t.props(lid).get("Integration")
        if isinstance(integ, dict) and integ.get("Uri") is not None:
            fn = _function_in_uri(t, integ.get("Uri"), lid)
            if fn:
                trig = _push(t, "api-gateway-rest", fn, lid, t.line(lid, "Integration"))
                trig.extra["timeout_ms"] = t.number(integ.get("TimeoutInMillis"), f"{lid} TimeoutInMillis", None)
                if integ.get("Credentials") is not None:
                    trig.principal = ""  # API Gateway invokes with this IAM role: no resource-based policy needed
                    trig.extra["credentials"] = True
                out.append(trig)
    for lid in t.of_type("AWS::ApiGatewayV2::Integration"):
        props = t.props(lid)
        fn = _function_in_uri(t, props.get("IntegrationUri"), lid) if props.get("IntegrationUri") is not None else ""
        if fn:
            trig = _push(t, "api-gateway-http", fn, lid, t.line(lid))
            trig.extra["timeout_ms"] = t.number(props.get("TimeoutInMillis"), f"{lid} TimeoutInMillis", None)
            if props.get("CredentialsArn") is not None:
                trig.principal = ""  # API Gateway invokes with this IAM role: no resource-based policy needed
                trig.extra["credentials"] = True
            out.append(trig)
    for lid in t.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
        props = t.props(lid)
        if str(t.value(props.get("TargetType"), "", "")).lower() == "lambda":
            for target in props.get("Targets") or []:
                fn = t.function_of(target.get("Id"), f"{lid} Targets") if isinstance(target, dict) else ""
                if fn:
                    out.append(_push(t, "alb", fn, lid, t.line(lid, "Targets")))
    for lid in t.of_type("AWS::Logs::SubscriptionFilter"):
        fn = t.function_of(t.props(lid).get("DestinationArn"), f"{lid} DestinationArn")
        if fn:
            out.append(_push(t, "cloudwatch-logs", fn, lid, t.line(lid)))
    for lid in t.of_type("AWS::IoT::TopicRule"):
        payload = t.props(lid).get("TopicRulePayload")
        actions = payload.get("Actions") if isinstance(payload, dict) else None
        for action in actions if isinstance(actions, list) else []:
            lam = action.get("Lambda") if isinstance(action, dict) else None
            fn = t.function_of(lam.get("FunctionArn"), f"{lid} Lambda action") if isinstance(lam, dict) else ""
            if fn:
                out.append(_push(t, "iot", fn, lid, t.line(lid, "TopicRulePayload")))
    for lid in t.of_type("AWS::Cognito::UserPool"):
        config = t.props(lid).get("LambdaConfig")
        for key, value in config.items() if isinstance(config, dict) else []:
            if (
                isinstance(value, dict) and "LambdaArn" in value
            ):  # CustomEmailSender / CustomSMSSender: {LambdaArn, LambdaVersion}
                value = value.get("LambdaArn")
            fn = t.function_of(value, f"{lid} LambdaConfig.{key}") if value is not None else ""
            if fn:
                out.append(_push(t, "cognito", fn, lid, t.line(lid, "LambdaConfig"), trigger=key))
    for lid in t.of_type("AWS::Lambda::Url"):
        fn = t.function_of(t.props(lid).get("TargetFunctionArn"), f"{lid} TargetFunctionArn")
        if fn:
            trig = _push(t, "function-urls", fn, lid, t.line(lid))
            out.append(trig)
    return out


def _item_line(t: Template, lid: str, path: tuple[str, ...], index: int) -> int | None:
    node: Any = t.props(lid)
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, list) and 0 <= index < len(node) and getattr(node[index], "line", None):
        return node[index].line
    return t.line(lid, *path)


def _function_in_uri(t: Template, raw: Any, lid: str) -> str:
    """An API integration URI names the function inside its text (".../functions/${Fn.Arn}/invocations")."""
    fn = t.function_of(raw)
    if fn:
        return fn
    text = t.text(raw)
    for name in t.functions():
        if f"${{{name}.Arn}}" in text or f"${{{name}}}" in text:
            return name
    if isinstance(raw, dict) and "Fn::Join" in raw:
        parts = raw["Fn::Join"][1] if isinstance(raw["Fn::Join"], list) and len(raw["Fn::Join"]) == 2 else []
        for part in parts if isinstance(parts, list) else []:
            fn = t.function_of(part)
            if fn:
                return fn
    return ""


def permissions_for(t: Template, fn: str) -> list[tuple[str, dict]]:
    """The AWS::Lambda::Permission resources that grant on this function: (logical id, properties)."""
    out = []
    for lid in t.of_type("AWS::Lambda::Permission"):
        props = t.props(lid)
        if t.function_of(props.get("FunctionName"), f"{lid} FunctionName") == fn:
            out.append((lid, props))
    return out


def is_function(t: Template, lid: str) -> bool:
    return t.type_of(lid) in FUNCTION_TYPES
