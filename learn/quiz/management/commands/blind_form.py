"""Write an exam form for a blind key check: questions without keys, and the keys in a separate file.

    manage.py blind_form DVA-C02 --seed review-1 --questions exam.md --keys keys.json
    manage.py blind_form --score answers.json --keys keys.json   # agreement with the keys

Reviewers who did not write the items answer exam.md (answers.json: {"1": "B", "2": "AC", "3": "CABD"}, or
"?" to skip); `--score` prints the agreement rate and the disputed items.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from learn.quiz import questions
from learn.quiz.grading import presented_options

LETTERS = "ABCDEF"


class Command(BaseCommand):
    help = "Write a blind exam form (questions and keys apart), or score a reviewer's answers against the keys."

    def add_arguments(self, parser) -> None:
        parser.add_argument("exam", nargs="?", default="DVA-C02", help="DVA-C02 or SAA-C03")
        parser.add_argument("--size", type=int, default=65)
        parser.add_argument("--seed", default="blind")
        parser.add_argument("--questions", help="Markdown file to write the questions to")
        parser.add_argument("--keys", required=True, help="JSON file of keys (written, or read with --score)")
        parser.add_argument("--score", help="A reviewer's answers (JSON) to compare with --keys")

    def handle(self, *args, exam: str, size: int, seed: str, keys: str, **options) -> None:
        if options.get("score"):
            self._score(options["score"], keys)
            return
        if not options.get("questions"):
            raise CommandError("Give --questions FILE to write the form to.")
        bank, plan = questions.load(), questions.blueprint()
        if exam not in plan.exams:
            raise CommandError(f"Unknown exam {exam!r}: choose {', '.join(plan.exams)}.")
        drawn = plan.draw(exam, list(bank.items.values()), size, seed)
        lines, answer_key = [f"# {exam} blind form ({len(drawn)} questions, seed {seed})", ""], {}
        for number, item_id in enumerate(drawn, start=1):
            item = bank.items[item_id]
            shown = presented_options(item, str(seed))  # as an exam shows them (ordering never already in order)
            lines += [f"## Question {number}", "", item.stem.strip(), ""]
            if item.type == "multiple" and "(Choose" not in item.stem:
                lines += [f"(Choose {item.choose}.)", ""]
            if item.type == "ordering":
                lines += ["(Put these steps in order: answer with the letters in order, e.g. CABD.)", ""]
            lines += [f"{LETTERS[n]}. {o.text}" for n, o in enumerate(shown)] + [""]
            letter = {o.key: LETTERS[n] for n, o in enumerate(shown)}
            given = [letter[k] for k in item.correct_keys]
            answer_key[str(number)] = {
                "id": item_id,
                "type": item.type,
                "key": "".join(given if item.type == "ordering" else sorted(given)),
            }
        with open(options["questions"], "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))
        with open(keys, "w", encoding="utf-8") as handle:
            json.dump(answer_key, handle, indent=1)
        self.stdout.write(f"Wrote {len(drawn)} questions to {options['questions']} and their keys to {keys}")

    def _score(self, answers_path: str, keys_path: str) -> None:
        with open(answers_path, encoding="utf-8") as handle:
            answers = {str(k): str(v).strip().upper() for k, v in json.load(handle).items()}
        with open(keys_path, encoding="utf-8") as handle:
            answer_key = json.load(handle)
        answered = [n for n in answer_key if answers.get(n, "?") not in ("?", "")]
        agreed = [n for n in answered if self._same(answers[n], answer_key[n])]
        self.stdout.write(f"Answered {len(answered)} of {len(answer_key)}; agreed with the key on {len(agreed)}")
        if answered:
            self.stdout.write(f"Agreement: {len(agreed) / len(answered):.1%}")
        for n in answered:
            if n not in agreed:
                self.stdout.write(f"  Q{n} {answer_key[n]['id']}: reviewer {answers[n]}, key {answer_key[n]['key']}")

    @staticmethod
    def _same(given: str, key: dict) -> bool:
        return given == key["key"] if key["type"] == "ordering" else "".join(sorted(given)) == key["key"]
