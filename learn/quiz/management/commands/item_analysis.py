"""Print each item's difficulty and discrimination from learners' answers, flagged items first."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from learn.quiz import analysis


class Command(BaseCommand):
    help = "Item analysis: difficulty (share right) and point-biserial discrimination per item, with flags."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="List every analysed item, not only flagged ones.")

    def handle(self, *args, all: bool = False, **options) -> None:
        stats = analysis.analyse(analysis.answer_rows())
        rows = [s for s in stats.values() if all or s.flags]
        rows.sort(key=lambda s: (not s.flags, s.discrimination or 0.0))
        self.stdout.write(f"{len(stats)} items analysed, {sum(bool(s.flags) for s in stats.values())} flagged")
        for s in rows:
            r = "—" if s.discrimination is None else f"{s.discrimination:+.2f}"
            self.stdout.write(f"{s.item_id:50} n={s.answers:5} p={s.difficulty:.2f} r={r:>6}  {'; '.join(s.flags)}")
