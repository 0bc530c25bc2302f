"""`manage.py wiring check FILE`: lint a SAM/CloudFormation template, run the wiring checks, simulate it.

Exit status 1 when the template cannot be read or has an error-level finding, else 0.
"""

from __future__ import annotations

import json as jsonlib
import sys

from django.core.management.base import BaseCommand, CommandError

from learn.engine import EngineError, cli
from learn.wiring import check_template, fastcatalog, simulate_template
from learn.wiring.parse import MAX_BYTES
from learn.wiring.simulate import error_caveat


class Command(BaseCommand):
    # Django's system checks load and render the whole site's content (quiz bank, every lesson): ~18 s that a
    # template check does not need. `manage.py check` still runs them.
    requires_system_checks: list = []
    help = "Check how a SAM/CloudFormation template wires event sources to functions (cfn-lint + our checks)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Lint and check a template; exit 1 on an error-level finding.")
        check.add_argument("file", help="The template (YAML or JSON, at most 256 KB); - reads standard input.")
        check.add_argument("--json", action="store_true", help="Print the report (and simulation) as JSON.")
        check.add_argument("--no-lint", action="store_true", help="Skip cfn-lint: our semantic checks only.")
        check.add_argument("--simulate", action="store_true", help="Run the engine on a wiring of the template.")
        check.add_argument("--wiring", type=int, default=1, help="Which wiring to simulate (1 = the first).")
        check.add_argument("--scenario", default=None, help="A failure scenario, e.g. poison, function-error.")
        check.add_argument(
            "--outcomes",
            default=None,
            help="Instead of a scenario: comma-separated outcomes (ok, error, timeout, throttle, partial:ID+ID, "
            "poison:ID, flaky:ID); implies --simulate.",
        )
        check.add_argument("--records", type=int, default=None, help="How many records (with --outcomes).")

    def handle(self, *args, action: str, file: str, **opts):
        fastcatalog.install()  # the engine's defaults without rendering every lesson's prose
        text = self._read(file)
        report = check_template(text, filename=file, lint=not opts["no_lint"])
        trace = None
        simulate = opts["simulate"] or opts["outcomes"] is not None or opts["scenario"] is not None
        sim_error = None
        if simulate and report.error is None:
            try:
                trace = simulate_template(
                    report,
                    opts["wiring"] - 1,
                    opts["scenario"],
                    outcomes=opts["outcomes"],
                    records=opts["records"],
                )
            except EngineError as exc:
                sim_error = str(exc)
        if opts["json"]:
            data = report.as_dict()
            if simulate:
                data["simulation"] = trace.to_dict() if trace is not None else {"error": sim_error}
                if trace is not None and (caveat := error_caveat(report)):
                    data["simulation"]["caveat"] = caveat
            self.stdout.write(jsonlib.dumps(data, indent=2))
        else:
            self.stdout.write(self._text(report, file))
            if trace is not None:
                wiring = report.wirings[opts["wiring"] - 1]
                self.stdout.write(f"\nSimulating {wiring.label} with {wiring.settings}:\n")
                if caveat := error_caveat(report):
                    self.stdout.write(f"Note: {caveat}\n")
                self.stdout.write(cli.as_text(trace))
            elif sim_error:
                self.stderr.write(f"Cannot simulate: {sim_error}")
        if not report.ok or sim_error:
            sys.exit(1)

    def _read(self, file: str) -> str:
        try:
            if file == "-":
                raw = sys.stdin.buffer.read(MAX_BYTES + 1)
            else:
                with open(file, "rb") as handle:
                    raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        if len(raw) > MAX_BYTES:
            raise CommandError(f"{file} is larger than 256 KB, the most the checker reads.")
        return raw.decode("utf-8", "replace")

    def _text(self, report, file: str) -> str:
        if report.error:
            return f"{file}: {report.error}"
        lines = []
        for f in report.findings:
            where = f"line {f.line}" if f.line else "template"
            lines.append(f"{file}: {where}: {f.level} [{f.code}] {f.message}")
            if f.doc or f.lesson:
                lines.append(f"    see {f.doc}" + (f" and the lesson {f.lesson}" if f.lesson else ""))
        for text in report.assumptions:
            lines.append(f"{file}: assumed: {text}")
        for i, w in enumerate(report.wirings, start=1):
            lines.append(f"wiring {i} (line {w.line}): {w.label}")
        errors = sum(f.level == "error" for f in report.findings)
        warnings = sum(f.level == "warning" for f in report.findings)
        lint = "cfn-lint and the wiring checks" if report.linted else "the wiring checks (cfn-lint skipped)"
        lines.append(f"{errors} error(s), {warnings} warning(s) from {lint}.")
        return "\n".join(lines)
