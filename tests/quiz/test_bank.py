from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from learn.catalog import CatalogInvalid
from learn.quiz import bank

from ..conftest import CONTENT

ITEM = """
[[items]]
id = "t-one"
type = "single"
stem = "A developer asks a question?"
difficulty = 2
sources = ["sqs"]
model = "poll"
exam = ["DVA-C02 1.2"]
misconceptions = ["function-dlq-catches-sqs"]
docs = ["https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"]
last_verified = 2026-11-22
{options}
"""
OPTION = """
  [[items.options]]
  text = "{text}"
  correct = {correct}
  rationale = "Because {text}."
"""


def write(tmp_path: Path, options: list[tuple[str, bool]], **replace: str) -> Path:
    quiz = tmp_path / "content" / "quiz"
    (quiz / "items").mkdir(parents=True)
    shutil.copy(CONTENT / "quiz" / "misconceptions-core.toml", quiz)
    body = ITEM.format(options="".join(OPTION.format(text=t, correct=str(c).lower()) for t, c in options))
    for old, new in replace.items():
        body = body.replace(old, new)
    (quiz / "items" / "t.toml").write_text(textwrap.dedent(body))
    return quiz


def errors(quiz: Path) -> list[str]:
    try:
        bank.load(quiz, {"sqs", "s3"})
    except CatalogInvalid as invalid:
        return [str(e) for e in invalid.errors]
    return []


FOUR = [("one", True), ("two", False), ("three", False), ("four", False)]


def test_valid_item_loads_with_keys(tmp_path):
    loaded = bank.load(write(tmp_path, FOUR), {"sqs"})
    item = loaded.items["t-one"]
    assert item.correct_keys == ("a",)
    assert "<p>" in item.stem_html


def test_single_needs_exactly_one_correct(tmp_path):
    quiz = write(tmp_path, [("one", True), ("two", True), ("three", False), ("four", False)])
    assert any("exactly one correct option, has 2" in e for e in errors(quiz))


def test_option_without_rationale_is_rejected(tmp_path):
    quiz = write(tmp_path, FOUR)
    path = quiz / "items" / "t.toml"
    path.write_text(path.read_text().replace('rationale = "Because two."', ""))
    assert any("options[1].rationale: is required" in e for e in errors(quiz))


def test_item_without_doc_url_is_rejected(tmp_path):
    quiz = write(
        tmp_path, FOUR, **{'docs = ["https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"]': "docs = []"}
    )
    assert any("docs" in e for e in errors(quiz))


def test_non_aws_doc_url_is_rejected(tmp_path):
    quiz = write(
        tmp_path, FOUR, **{"https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html": "https://blog.example.com/x"}
    )
    assert any("must be an AWS documentation URL" in e for e in errors(quiz))


def test_unknown_misconception_and_source_are_rejected(tmp_path):
    quiz = write(tmp_path, FOUR, **{'"function-dlq-catches-sqs"': '"made-up"', '["sqs"]': '["sqsx"]'})
    found = errors(quiz)
    assert any("'made-up' is not defined" in e for e in found)
    assert any("'sqsx' is not one of" in e for e in found)


def test_multiple_response_counts_must_match(tmp_path):
    quiz = write(tmp_path, FOUR + [("five", True)], **{'type = "single"': 'type = "multiple"\nchoose = 3'})
    assert any("choose = 3 but 2 option(s) are marked correct" in e for e in errors(quiz))


def test_ordering_items_list_steps_in_order(tmp_path):
    quiz = write(
        tmp_path, [("first", True), ("second", True), ("third", True)], **{'type = "single"': 'type = "ordering"'}
    )
    assert bank.load(quiz, {"sqs"}).items["t-one"].correct_keys == ("a", "b", "c")


def test_bad_exam_task_is_rejected(tmp_path):
    quiz = write(tmp_path, FOUR, **{'"DVA-C02 1.2"': '"DVA 1.2"'})
    assert any("is not an exam task" in e for e in errors(quiz))


def test_real_bank_loads():
    from learn.catalog import loader

    loaded = bank.load(CONTENT / "quiz", set(loader.load(CONTENT).sources))
    assert len(loaded.misconceptions) >= 20 and len(loaded.items) >= 250
    for item in loaded.items.values():
        assert item.docs and item.facts and all(o.rationale for o in item.options)


CORE = [
    "api-gateway-rest",
    "api-gateway-http",
    "function-urls",
    "alb",
    "s3",
    "sqs",
    "sns",
    "eventbridge",
    "eventbridge-scheduler",
    "dynamodb-streams",
    "kinesis",
    "msk",
    "kafka",
    "step-functions",
    "sdk-invoke",
]


def test_every_source_has_enough_items_and_every_misconception_is_tested():
    from learn.catalog import loader

    sources = loader.load(CONTENT).sources
    loaded = bank.load(CONTENT / "quiz", set(sources))
    counts = {slug: sum(slug in item.sources for item in loaded.items.values()) for slug in sources}
    assert {slug: n for slug, n in counts.items() if n < (8 if slug in CORE else 2)} == {}
    tested = {m for item in loaded.items.values() for m in item.misconceptions}
    assert set(loaded.misconceptions) - tested == set()


def with_rows(quiz: Path, facts_line: str) -> Path:
    (quiz / "fact-rows.toml").write_text(
        '[[rows]]\nsection = 5\nlabel = "Batch size (FIFO)"\nstatus = "yes"\n\n'
        '[[rows]]\nsection = 5\nlabel = "Default ceiling per ESM"\nstatus = "conflict"\n'
    )
    item = quiz / "items" / "t.toml"
    item.write_text(item.read_text().replace('id = "t-one"', 'id = "t-one"\n' + facts_line))
    return quiz


@pytest.mark.parametrize(
    ("facts_line", "problem"),
    [
        ("", "is required"),
        ("facts = []", "must cite at least one fact row"),
        ("facts = ['§5 \"No such row\"']", "is not a row of aws-facts.md"),
        ("facts = ['§5 \"Default ceiling per ESM\"']", "is marked 'conflict'"),
        ("facts = ['Batch size']", "is not a citation"),
    ],
)
def test_items_must_cite_usable_fact_rows(tmp_path, facts_line, problem):
    quiz = with_rows(write(tmp_path, FOUR), facts_line)
    assert any(problem in e for e in errors(quiz)), errors(quiz)


def test_an_item_citing_a_verified_row_loads(tmp_path):
    quiz = with_rows(write(tmp_path, FOUR), "facts = ['§5 \"Batch size (FIFO)\"']")
    assert errors(quiz) == []


def test_fact_rows_are_read_from_the_reference_tables():
    from learn.quiz import factrows

    reference = (
        "## 5. Amazon SQS\n\n| fact | value | doc URL | verified? |\n| --- | --- | --- | --- |\n"
        "| Batch size (FIFO) | 1-10 | LDG/x.html | yes |\n| Ceiling | 1,000 or 1,250 | LDG/y.html | conflict |\n\n"
        "## Common claims in popular articles, checked\n\n| claim | verdict | correct statement | URL |\n"
        '| "x" | Wrong | y | z |\n'
    )
    assert factrows.parse_reference(reference) == {'§5 "Batch size (FIFO)"': "yes", '§5 "Ceiling"': "conflict"}
    assert factrows.reference_docs(reference)['§5 "Batch size (FIFO)"'] == (
        "https://docs.aws.amazon.com/lambda/latest/dg/x.html"
    )


@pytest.mark.parametrize("field", ["belief", "truth", "doc"])
def test_misconception_fields_are_required(tmp_path, field):
    quiz = write(tmp_path, FOUR)
    path = quiz / "misconceptions-core.toml"
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"{field} =")]
    path.write_text("\n".join(lines))
    assert any(f"{field}: is required" in e for e in errors(quiz))
