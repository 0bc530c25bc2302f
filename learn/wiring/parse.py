"""Reading a template: YAML or JSON with CloudFormation's short-form intrinsics, and the line of every key.

Mappings load as LineDict (a dict that knows the line it starts on and the line of each key); a short-form tag
(!Ref, !GetAtt, !Sub...) loads as its long form ({"Ref": ...}, {"Fn::GetAtt": [...]}) so the rest of the checker
sees one shape. Errors come out as ParseError with a plain-words message that names the line.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

MAX_BYTES = 256 * 1024
MAX_NODES = 200_000  # values once YAML aliases are expanded: a 256 KB template has far fewer

INTRINSICS = (
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "ToJsonString",
    "Length",
)


class ParseError(Exception):
    """The input is not a template we can read; str() is the plain-words message."""


class LineDict(dict):
    """A mapping from the template, with its first line (1-based) and the line of each key."""

    line: int | None = None
    key_lines: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be plain text", key_node.start_mark)
        key = str(key) if not isinstance(key, str) else key
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in the same mapping", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _tag_constructor(name: str):
    long_name = "Ref" if name == "Ref" else ("Condition" if name == "Condition" else f"Fn::{name}")

    def construct(loader: _Loader, node: yaml.Node) -> LineDict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1) if "." in value else [value]
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = _construct_mapping(loader, node)
        out = LineDict({long_name: value})
        out.line = node.start_mark.line + 1
        out.key_lines[long_name] = out.line
        return out

    return construct


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("!Ref", _tag_constructor("Ref"))
for _name in INTRINSICS:
    _Loader.add_constructor(f"!{_name}", _tag_constructor(_name))
# Timestamps and dates stay text: CloudFormation reads "2010-09-09" as a string.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unknown_tag(loader: _Loader, tag_suffix: str, node: yaml.Node):
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"!{tag_suffix} is not a CloudFormation function (the short forms are !Ref, !GetAtt, !Sub, !If, !Join, ...)",
        node.start_mark,
    )


_Loader.add_multi_constructor("!", _unknown_tag)


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    plain = {
        "found character '\\t' that cannot start any token": "a tab character: indent YAML with spaces only",
        "mapping values are not allowed here": "a colon where YAML did not expect one (check the indentation, or "
        "quote a value that contains ': ')",
        "expected <block end>, but found '<block mapping start>'": "this line is indented more than the key above "
        "it allows",
        "expected <block end>, but found '-'": "a list item '-' at an indentation YAML did not expect",
        "could not find expected ':'": "a key without its ':' (or a line that continues an unquoted value)",
        "found unconstructable recursive node": "an alias (*name) used inside its own anchor (&name)",
    }
    text = plain.get(problem, problem)
    if context and problem not in plain and "while" not in context:
        text = f"{context}: {text}"
    if mark is None:
        return f"This is not valid YAML: {text}."
    return f"line {mark.line + 1}: {text} (column {mark.column + 1})."


def _line_dicts(value: Any) -> Any:
    if isinstance(value, dict):
        return LineDict({str(k): _line_dicts(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_line_dicts(v) for v in value]
    return value


def _expanded_size(root: Any) -> int:
    """How many values the template holds with every alias expanded; a node that contains itself is too many."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, dict | list)]
        if not done:
            if key in sizes:
                continue
            if key in open_nodes:
                return MAX_NODES + 1  # an alias inside its own anchor: endless
            open_nodes.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    return MAX_NODES + 1
                stack.append((child, False))
            continue
        open_nodes.discard(key)
        total = len(node) + 1 - len(children)
        for child in children:
            total += sizes.get(id(child), 1)
        sizes[key] = min(total, MAX_NODES + 1)
    return sizes.get(id(root), 1)


def load(text: str) -> LineDict:
    """The template as LineDicts and lists; ParseError with a plain message when it cannot be read."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        size = len(text.encode("utf-8", "replace")) // 1024
        raise ParseError(f"The template is {size} KB; the checker reads templates of up to 256 KB.")
    if not text.strip():
        raise ParseError("The template is empty: paste a SAM or CloudFormation template (YAML or JSON).")
    json_data = None
    if text.lstrip().startswith("{"):
        try:
            json_data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"line {exc.lineno}: this is not valid JSON: {exc.msg}.") from None
        except RecursionError:
            raise ParseError("The template nests too deeply to be read.") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        if json_data is None:
            raise ParseError(_yaml_message(exc)) from None
        data = _line_dicts(json_data)  # valid JSON that YAML cannot read (tabs): no line numbers
    except RecursionError:
        raise ParseError("The template nests too deeply to be read.") from None
    if _expanded_size(data) > MAX_NODES:
        raise ParseError(
            "The template expands to too many values through YAML aliases (*name): the checker reads templates "
            f"of up to {MAX_NODES:,} values."
        )
    if not isinstance(data, LineDict):
        raise ParseError("This is not a template: a template is a mapping with a Resources section.")
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        line = data.line_of("Resources") if "Resources" in data else None
        where = f"line {line}: " if line else ""
        raise ParseError(f"{where}This is not a template: it has no Resources section with at least one resource.")
    return data
