"""`manage.py simulate`: what happens to events from a source when the function succeeds or fails."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from learn import catalog
from learn.engine import EngineError, cli, simulate


class Command(BaseCommand):
    help = "Simulate an event source's invocation, retries and failure handling, and print the timeline."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", required=True, help="Source slug, e.g. sqs, kinesis, s3.")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KNOB=VALUE",
            help="A setting, e.g. batch_size=5 (repeatable).",
        )
        parser.add_argument("--records", type=int, default=1, help="How many records or events (default 1).")
        parser.add_argument(
            "--outcomes",
            default="ok",
            help="Comma-separated: ok, error, timeout, throttle, "
            "malformed, partial:ID+ID, poison:ID, flaky:ID. The last one repeats.",
        )
        parser.add_argument("--json", action="store_true", help="Print the whole trace as JSON.")

    def handle(self, *args, source: str, set: list[str], records: int, outcomes: str, json: bool, **options):
        try:
            trace = simulate(source, cli.parse_sets(set), records, outcomes, catalog=catalog.load())
        except EngineError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(cli.as_json(trace) if json else cli.as_text(trace))
