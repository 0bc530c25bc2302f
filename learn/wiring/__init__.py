"""The wiring lab's checker: read a SAM/CloudFormation template, lint it, check how its sources are wired.

    from learn.wiring import check_template, simulate_template, scenarios_for
    report = check_template(text, filename="template.yaml", lint=True)
    report.error / report.findings / report.assumptions / report.wirings / report.ok
    trace = simulate_template(report, wiring_index, scenario_key)
    scenarios_for("sqs") -> [Scenario(key, label, records, outcomes), ...]

Pure Python, no Django (cfn-lint runs through its Python API; the engine simulates).
"""

from __future__ import annotations

from .check import check_template
from .simulate import scenarios_for, simulate_template
from .types import Finding, Report, Scenario, Wiring

__all__ = ["Finding", "Report", "Scenario", "Wiring", "check_template", "scenarios_for", "simulate_template"]
