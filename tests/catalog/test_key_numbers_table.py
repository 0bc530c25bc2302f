"""The [[key_numbers]] table of source.toml: each row quotes one of the source's own facts, takes its page, and
states only figures that fact states."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from learn import catalog

LIMITS = "[limits]\n"
FACT_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LIMIT_FACT = (
    "[limits]\n"
    'facts = [{ text = "The caller waits at most **29 seconds** for an answer.", doc = "' + FACT_DOC + '" }]\n'
)


def key_number(label: str = "Caller waits at most", value: str = "29 s", quote: str = "waits at most") -> str:
    return f'\n[[key_numbers]]\nlabel = "{label}"\nvalue = "{value}"\ndetail = "default"\nquote = "{quote}"\n'


@pytest.fixture
def example(tree):
    tree.add_source()
    tree.edit("example", LIMITS, LIMIT_FACT)
    return tree


def append(tree, text: str) -> None:
    path = tree.root / "sources" / "example" / "source.toml"
    path.write_text(path.read_text() + text)


def test_a_key_number_takes_the_quoted_facts_page(example):
    append(example, key_number())
    (number,) = example.load().sources["example"].key_numbers
    assert (number.label, number.value, number.detail, number.doc) == (
        "Caller waits at most",
        "29 s",
        "default",
        FACT_DOC,
    )


def test_a_quote_keeps_the_facts_markdown(example):
    append(example, key_number(quote="at most **29 seconds**"))
    assert example.load().sources["example"].key_numbers[0].doc == FACT_DOC


def test_a_quote_found_in_no_fact_is_rejected_naming_the_file(example):
    append(example, key_number(quote="waits up to"))
    errors = example.errors()
    assert errors == [
        "content/sources/example/source.toml: key_numbers[0].quote: "
        "'waits up to' is not a phrase of any of this source's facts"
    ]


def test_a_value_whose_number_the_fact_does_not_state_is_rejected(example):
    append(example, key_number(value="30 s"))
    (error,) = example.errors()
    assert error.startswith("content/sources/example/source.toml: key_numbers[0].value: 30 does not appear")


def test_a_number_inside_a_bigger_one_does_not_count(example):
    append(example, key_number(value="9 s"))
    assert any("key_numbers[0].value: 9 does not appear" in e for e in example.errors())


def test_an_empty_value_is_rejected(example):
    append(example, key_number(value=""))
    assert any("key_numbers[0].value: must be a non-empty string" in e for e in example.errors())


def test_more_than_eight_rows_are_rejected(example):
    append(example, "".join(key_number(label=f"Row {n}") for n in range(9)))
    assert any(
        re.search(r"source.toml: key_numbers: has 9 rows; the card shows at most 8", e) for e in example.errors()
    )


def test_a_disputed_fact_cannot_be_quoted(example):
    example.edit(
        "example", f'doc = "{FACT_DOC}" }}', f'doc = "{FACT_DOC}", status = "unverified", note = "Unchecked." }}'
    )
    append(example, key_number())
    assert any("key_numbers[0].quote: quotes a fact whose status is 'unverified'" in e for e in example.errors())


def test_an_unknown_field_in_a_row_is_rejected(example):
    append(example, key_number() + 'doc = "https://docs.aws.amazon.com/elsewhere.html"\n')
    assert any("key_numbers[0].doc: is not a known field" in e for e in example.errors())


def test_manage_py_check_reports_a_bad_key_number(example, settings):
    settings.CONTENT_DIR = example.root
    append(example, key_number(value="30 s"))
    try:
        with pytest.raises(SystemCheckError) as raised:
            call_command("check")
    finally:
        catalog.reload()  # and the caches `check` filled from the copy (the quiz bank, the paths…)
    assert "content/sources/example/source.toml: key_numbers[0].value: 30 does not appear" in str(raised.value)


def test_every_real_key_number_cites_a_verified_fact_of_its_source(real_catalog):
    rows = 0
    for source in real_catalog.sources.values():
        for number in source.key_numbers:
            fact = next(f for f in source.all_facts() if " ".join(number.quote.split()) in " ".join(f.text.split()))
            assert not fact.disputed and number.doc == fact.doc, (source.slug, number.label)
            rows += 1
    assert rows >= 60
