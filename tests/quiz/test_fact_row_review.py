"""The quiz follows the facts: an item whose cited aws-facts.md row changed is flagged until it is reviewed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from learn.quiz import factrows

REFERENCE = (
    "## 5. Amazon SQS\n\n| fact | value | doc URL | verified? |\n| --- | --- | --- | --- |\n"
    "| Batch size (FIFO) | 1-10 | LDG/x.html | yes |\n"
    "| Standard-queue scaling | 5, +300 per minute, up to 1,000 batches | LDG/y.html | yes |\n"
)
SCALING = '§5 "Standard-queue scaling"'
FIFO = '§5 "Batch size (FIFO)"'


def items():
    return [
        SimpleNamespace(id="q-scaling", facts=(SCALING,)),
        SimpleNamespace(id="q-fifo", facts=(FIFO,)),
        SimpleNamespace(id="q-both", facts=(FIFO, SCALING)),
    ]


def test_nothing_is_flagged_while_the_rows_say_what_they_said_at_review():
    digests = factrows.row_digests(REFERENCE)
    assert factrows.flagged_items(items(), digests, dict(digests)) == {}


def test_a_changed_value_flags_exactly_the_items_citing_that_row():
    reviewed = factrows.row_digests(REFERENCE)
    changed = factrows.row_digests(REFERENCE.replace("up to 1,000 batches", "up to 1,250 concurrent invokes"))
    assert changed[FIFO] == reviewed[FIFO] and changed[SCALING] != reviewed[SCALING]
    assert factrows.flagged_items(items(), changed, reviewed) == {"q-scaling": [SCALING], "q-both": [SCALING]}


def test_a_changed_status_or_source_also_flags():
    reviewed = factrows.row_digests(REFERENCE)
    for edit in (
        ("| 1-10 | LDG/x.html | yes |", "| 1-10 | LDG/x.html | conflict |"),
        ("| 1-10 | LDG/x.html |", "| 1-10 | LDG/z.html |"),
    ):
        assert factrows.flagged_items(items(), factrows.row_digests(REFERENCE.replace(*edit)), reviewed) != {}


def test_whitespace_in_the_reference_does_not_flag():
    reviewed = factrows.row_digests(REFERENCE)
    assert factrows.row_digests(REFERENCE.replace("| 1-10 |", "|   1-10   |")) == reviewed


def test_an_item_never_reviewed_is_flagged():
    assert set(factrows.flagged_items(items(), factrows.row_digests(REFERENCE), {})) == {
        "q-scaling",
        "q-fifo",
        "q-both",
    }


def test_regenerating_and_reviewing_round_trip_through_the_files(tmp_path):
    text = REFERENCE
    (tmp_path / "fact-rows.toml").write_text(
        factrows.render(factrows.parse_reference(text), factrows.reference_docs(text), factrows.row_digests(text))
    )
    reviewed = {row: (digest, dt.date(2026, 12, 3).isoformat()) for row, digest in factrows.row_digests(text).items()}
    factrows.write_reviewed(tmp_path / "reviewed-rows.toml", reviewed)
    assert factrows.flagged_in(tmp_path, items()) == {}
    text = text.replace("up to 1,000 batches", "up to 1,250 concurrent invokes")  # the reference changes
    (tmp_path / "fact-rows.toml").write_text(
        factrows.render(factrows.parse_reference(text), factrows.reference_docs(text), factrows.row_digests(text))
    )
    assert set(factrows.flagged_in(tmp_path, items())) == {"q-scaling", "q-both"}


def test_the_real_bank_has_been_reviewed_against_the_current_rows():
    """Every cited row in content/quiz has a review record matching its digest (regenerating the rows after
    aws-facts.md changes makes this fail until the affected items are reviewed)."""
    from learn.quiz import bank

    quiz = factrows.QUIZ_DIR
    loaded = bank.load(quiz)
    assert factrows.flagged_in(quiz, loaded.items.values()) == {}
    assert factrows.load_digests(quiz / "fact-rows.toml"), "fact-rows.toml carries a digest per row"


def test_the_system_check_warns_about_flagged_items(settings, tmp_path):
    import shutil

    from django.core import checks as django_checks

    from learn import catalog
    from learn.quiz import checks, questions

    content = tmp_path / "content"
    shutil.copytree(catalog.content_dir(), content)
    reviewed = (content / "quiz" / "reviewed-rows.toml").read_text()
    first_digest = reviewed.split('digest = "', 1)[1].split('"', 1)[0]
    (content / "quiz" / "reviewed-rows.toml").write_text(reviewed.replace(first_digest, "000000000000", 1))
    settings.CONTENT_DIR = str(content)
    catalog.reload()
    questions.load.cache_clear()
    try:
        warnings = checks.check_bank()
    finally:
        settings.CONTENT_DIR = str(factrows.QUIZ_DIR.parent)
        catalog.reload()
        questions.load.cache_clear()
    flagged = [w for w in warnings if w.id == "quiz.W001"]  # the audit's own findings have other ids
    assert flagged and all(w.level == django_checks.WARNING for w in flagged)
    assert "changed in aws-facts.md" in flagged[0].msg
