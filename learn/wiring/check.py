"""check_template(): read the template, lint it with cfn-lint, run our semantic checks, find the wirings."""

from __future__ import annotations

from . import parse
from .types import Finding, Report

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
    try:
        report.findings.extend(run_checks(template))
        report.wirings = build_wirings(template)
    except Exception as exc:  # a template shape the checker did not foresee: say so, never fail the page
        report.findings.append(
            Finding(
                origin="semantic",
                level="warning",
                code="checker-failed",
                message=f"The wiring checks stopped on this template ({type(exc).__name__}); the cfn-lint findings "
                "above still apply. Please report the template.",
                line=None,
                doc="",
                lesson="/wiring/",
            )
        )
    report.assumptions = template.assumptions()
    report.findings.sort(key=lambda f: (f.line if f.line is not None else 0, LEVEL_ORDER.get(f.level, 3), f.code))
    return report
