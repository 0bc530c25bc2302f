"""check_template(): read the template, lint it with cfn-lint, run our semantic checks, find the wirings."""

from __future__ import annotations

from . import parse
from .types import Report

LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_template(text: str, filename: str = "template.yaml", lint: bool = True) -> Report:
    report = Report(filename=filename)
    try:
        data = parse.load(text)
    except parse.ParseError as exc:
        report.error = str(exc)
        return report
    from .model import Template
    from .semantic import run_checks
    from .wirings import build_wirings

    template = Template(data)
    if lint:
        from .lint import lint_text

        report.findings.extend(lint_text(text))
        report.linted = True
    report.findings.extend(run_checks(template))
    report.wirings = build_wirings(template)
    report.assumptions = template.assumptions()
    report.findings.sort(key=lambda f: (f.line if f.line is not None else 0, LEVEL_ORDER.get(f.level, 3), f.code))
    return report
