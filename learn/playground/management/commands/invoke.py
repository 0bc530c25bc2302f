"""`manage.py invoke`: run a handler file in the sandbox against an event, like the sandbox page does."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learn import catalog
from learn.engine import EngineError, cli
from learn.playground import events, runtime, service


class Command(BaseCommand):
    help = "Run a handler in the sandbox against a sample or a JSON file, and show what the source would do next."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", required=True)
        parser.add_argument(
            "--event", required=True, help="A sample name of the source (e.g. standard) or a JSON file."
        )
        parser.add_argument("--handler", required=True, help="file.py or file.py:function (default function: handler)")
        parser.add_argument("--timeout", type=float, default=3)
        parser.add_argument("--memory", type=int, default=128)
        parser.add_argument("--simulate", action="store_true", help="Also replay what the source does next.")
        parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o) -> None:
        cat = catalog.load()
        source = cat.sources.get(o["source"])
        if source is None:
            raise CommandError(f"Unknown source {o['source']!r}.")
        path, _, function = o["handler"].partition(":")
        try:
            code = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read the handler file: {error}") from None
        sample = source.event(o["event"])
        try:
            event = sample.data if sample else events.parse(Path(o["event"]).read_text(encoding="utf-8"))
            settings = cli.parse_sets(o["set"])
            outcome = service.execute(
                cat,
                source.slug,
                code,
                event,
                learner="cli",
                handler=function or "handler",
                timeout_s=o["timeout"],
                memory_mb=o["memory"],
                settings=settings,
                simulate=o["simulate"],
            )
        except OSError as error:
            raise CommandError(f"No sample called {o['event']!r} and no such file: {error}") from None
        except (events.BadEvent, EngineError, ValueError) as error:
            raise CommandError(str(error)) from None
        except runtime.Refused as error:
            raise CommandError(str(error)) from None
        run = outcome.run
        if o["json"]:
            data = {
                "status": run.status,
                "response": run.response,
                "error": run.error,
                "logs": list(run.logs),
                "duration_ms": run.duration_ms,
                "cold": run.cold,
                "isolation": run.isolation,
                "contract_problems": outcome.contract_problems,
                "trace": outcome.replay.trace.to_dict() if outcome.replay else None,
            }
            self.stdout.write(json.dumps(data, indent=2, default=str))
            return
        self.stdout.write("\n".join(run.logs))
        self.stdout.write(f"\nStatus: {run.status}  ({'cold' if run.cold else 'warm'}, isolation: {run.isolation})")
        self.stdout.write("Response: " + json.dumps(run.response if run.status == "ok" else run.error, indent=2))
        for problem in outcome.contract_problems:
            self.stdout.write(f"Contract: {problem}")
        if outcome.replay:
            self.stdout.write("\nWhat happens next:\n" + cli.as_text(outcome.replay.trace))
