"""cfn-lint through its Python API: rules loaded once per process, results cached by the template's hash.

cfn-lint runs the SAM transform (aws-sam-translator) offline and checks the template against the resource specs
it ships with, for us-east-1. From cfn-lint-serverless we keep the rules that fit a wiring lesson; the others
either teach observability rather than wiring (memory size, tracing, log retention, API logging) or are replaced
by our semantic checks, which know more of the wiring:
  ES1001 asks every mapping for an on-failure destination, SQS ones too, where Lambda refuses one
         (our stream-unbounded-retries and sqs-on-failure-destination);
  ES1007 ignores a function's dead-letter queue (our async-without-failure-target);
  ES6000 asks the dead-letter queue itself for a redrive policy (our queue-without-redrive).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict

from .types import Finding

REGIONS = ["us-east-1"]
SERVERLESS_MODULE = "cfn_lint_serverless.rules"
SERVERLESS_KEPT = {"ES1006", "ES4000", "ES7000", "WS1002", "WS1003"}
CACHE_SIZE = 256
MAX_MESSAGE = 400
DOC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lint.html"

_lock = threading.Lock()
_init_lock = threading.Lock()
_run_lock = threading.Lock()
_runner = None
_serverless_loaded = False
_cache: OrderedDict[str, tuple[Finding, ...]] = OrderedDict()
stats = {"hits": 0, "misses": 0}


def _get_runner():
    """The cfn-lint Runner with its rules, built once per process (loading the rules takes about a second)."""
    global _runner, _serverless_loaded
    with _init_lock:
        if _runner is None:
            _runner, _serverless_loaded = _build_runner()
    return _runner


def _build_runner():
    from cfnlint.api import ManualArgs
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    args = ManualArgs(regions=REGIONS, append_rules=[SERVERLESS_MODULE])
    try:
        return Runner(ConfigMixIn([], **args)), True
    except Exception:  # the serverless rules could not load: lint with cfn-lint's own rules
        return Runner(ConfigMixIn([], **ManualArgs(regions=REGIONS))), False


WARM_UP = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 3
"""


def warm_up() -> None:
    """Load cfn-lint's rules and the SAM translator now (a few seconds), so the first learner does not wait.

    Call it from a background thread at start-up in a web process; tests and commands need not.
    """
    lint_text(WARM_UP)


def serverless_rules_loaded() -> bool:
    _get_runner()
    return _serverless_loaded


def _level(rule_id: str) -> str:
    return {"E": "error", "W": "warning", "I": "info"}.get(rule_id[:1], "warning")


PLAIN = (
    (re.compile(r"^(.+) is not of type '(integer|number)'$"), r"\1 should be a number"),
    (re.compile(r"^(.+) is not of type 'boolean'$"), r"\1 should be true or false"),
    (re.compile(r"^(.+) is not of type '(\w+)'$"), r"\1 should be of type \2"),
    (re.compile(r"^Additional properties are not allowed \('(.+)' was unexpected\)$"), r"\1 is not a property here"),
    (re.compile(r"^'(.+)' is a required property$"), r"the required property \1 is missing"),
    (re.compile(r"^Resource type '(.+)' does not exist in '(.+)'$"), r"there is no resource type \1 (checked in \2)"),
    (re.compile(r"^(.+) is greater than the maximum of (.+)$"), r"\1 is above the maximum, \2"),
    (re.compile(r"^(.+) is less than the minimum of (.+)$"), r"\1 is below the minimum, \2"),
    (re.compile(r"^(.+) is not one of (\[.+\])$"), r"\1 is not one of the allowed values \2"),
    (
        re.compile(r"^Circular Dependencies for resource (\S+)\. Circular dependency with \[(.+?)\](.*)$"),
        r"\1 and \2 depend on each other, so CloudFormation cannot create either one first (a circular "
        r"dependency). Break the loop: for example build a bucket's ARN with !Sub from its name instead of "
        r"!GetAtt, or drop a DependsOn\3",
    ),
    (
        re.compile(r"^Source queue type '(\w+)' does not match destination queue type '(\w+)'$"),
        r"the queue is \1 but its dead-letter queue is \2: a FIFO queue needs a FIFO dead-letter queue, and a "
        r"standard queue a standard one",
    ),
)


def _where(match) -> str:
    """Resources/Jobs/Properties/VisibilityTimeout -> "Jobs.VisibilityTimeout"."""
    path = [str(p) for p in (getattr(match, "path", None) or [])]
    if len(path) >= 2 and path[0] in ("Resources", "Parameters", "Outputs", "Conditions", "Mappings"):
        rest = [p for p in path[2:] if p != "Properties"]
        return ".".join([path[1], *rest])
    return ""


def _plain(match) -> str:
    message = " ".join(str(match.message).split())
    for pattern, replacement in PLAIN:
        if pattern.match(message):
            message = pattern.sub(replacement, message)
            break
    message = message[:1].upper() + message[1:]
    where = _where(match)
    if where and where not in message:
        message = f"{where}: {message}"
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 30].rstrip() + " … (shortened)"
    return message if message.endswith((".", ")", "]", "'")) else message + "."


def _merge_alternatives(findings: list[Finding]) -> list[Finding]:
    """cfn-lint says "X is not one of the allowed values [A]" once per alternative schema: say it once."""
    out: list[Finding] = []
    merged: dict[tuple, int] = {}
    pattern = re.compile(r"^(.*) is not one of the allowed values \[(.*)\]\.?$")
    for finding in findings:
        match = pattern.match(finding.message)
        if not match:
            out.append(finding)
            continue
        key = (finding.code, finding.line, match.group(1))
        if key not in merged:
            merged[key] = len(out)
            out.append(finding)
            continue
        first = out[merged[key]]
        values = pattern.match(first.message).group(2) + ", " + match.group(2)
        out[merged[key]] = Finding(
            origin=first.origin,
            level=first.level,
            code=first.code,
            message=f"{match.group(1)} is not one of the allowed values [{values}]",
            line=first.line,
            doc=first.doc,
            lesson=first.lesson,
        )
    return out


def _doc(rule) -> str:
    url = getattr(rule, "source_url", "") or ""
    return url if url.startswith("https://") else DOC


def _run(text: str) -> tuple[Finding, ...]:
    from cfnlint.decode.decode import decode_str

    runner = _get_runner()
    template, errors = decode_str(text)
    matches = list(errors or [])
    if not errors and template is not None:
        matches.extend(runner.validate_template(template))
    # "not valid under any of the given schemas" (E3017) at a path: cfn-lint then also reports what each
    # alternative schema missed inside it. Keep the summary and the wrong Type, drop the alternatives' noise.
    no_shape = {tuple(map(str, m.path or ())) for m in matches if getattr(m.rule, "id", "") == "E3017"}
    out: dict[tuple, Finding] = {}
    for match in matches:
        rule_id = getattr(match.rule, "id", "E0000")
        if rule_id.startswith(("ES", "WS", "IS")) and rule_id not in SERVERLESS_KEPT:
            continue
        path = tuple(map(str, getattr(match, "path", None) or ()))
        inside = any(path[: len(p)] == p for p in no_shape)
        if inside and rule_id in ("E3002", "E3003", "E3012") and path[-1:] != ("Type",):
            continue
        message = _plain(match)
        if rule_id == "E3017" and "is not valid under any of the given schemas" in str(match.message):
            where = _where(match)
            prefix = f"{where}: " if where else ""
            message = f"{prefix}This matches none of the forms allowed here: check its Type and properties."
        line = getattr(match, "linenumber", None) or None
        finding = Finding(
            origin="cfn-lint",
            level=_level(rule_id),
            code=rule_id,
            message=message,
            line=line,
            doc=_doc(match.rule),
            lesson="",
        )
        out.setdefault((rule_id, line, finding.message), finding)
    return tuple(_merge_alternatives(list(out.values())))


def lint_text(text: str) -> list[Finding]:
    """cfn-lint's findings for this template text (cached by its hash: an LRU of the last 256 texts)."""
    key = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return list(cached)
        stats["misses"] += 1
    with _run_lock:  # one cfn-lint run at a time: its template runner keeps state while it works
        try:
            result = _run(text)
        except Exception as exc:  # cfn-lint itself failed: say so rather than fail the whole check
            result = (
                Finding(
                    origin="cfn-lint",
                    level="warning",
                    code="cfn-lint-failed",
                    message=f"cfn-lint could not check this template ({type(exc).__name__}: {exc}).",
                    line=None,
                    doc=DOC,
                ),
            )
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return list(result)
