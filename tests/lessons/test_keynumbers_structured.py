"""The key numbers card shows the figures authors lift from a source's facts ([[key_numbers]] in source.toml):
after the automatic rows, without repeating a label, each with a marker into the lesson's Sources list."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re

import pytest

from learn import catalog
from learn.catalog import loader
from learn.catalog.types import SourceKeyNumber
from learn.lessons import keynumbers

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db
SLUGS = sorted(loader.load(CONTENT).sources)
ROW = re.compile(r'<div class="key-number">\s*<dt[^>]*>([^<]+)</dt>\s*<dd>(.*?)</dd>', re.DOTALL)
VALUE = re.compile(r'<span class="key-value">([^<]+)</span>')
MARKER_HREF = re.compile(r'<sup class="cite"><a href="#(source-\d+)"')


@pytest.fixture(scope="module")
def cards(django_db_blocker) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Each lesson's key numbers card (label -> row HTML) and its Sources list (anchor -> URL), rendered once."""
    from django.test import Client

    client = Client()
    rendered = {}
    with django_db_blocker.unblock():
        for slug in SLUGS:
            response = client.get(f"/sources/{slug}/")
            assert response.status_code == 200, slug
            page = response.content.decode()
            card = page[page.index('id="key-numbers"') :]
            card = card[: card.index("</section>")]
            rows = {htmllib.unescape(label): row for label, row in ROW.findall(card)}
            listed = page[page.index('<section id="docs"') :]
            sources = {
                a: htmllib.unescape(url) for a, url in re.findall(r'<li id="(source-\d+)"><a href="([^"]+)"', listed)
            }
            rendered[slug] = (rows, sources)
    return rendered


def value_of(row: str) -> str:
    return htmllib.unescape(VALUE.search(row).group(1))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_authored_key_number_renders_with_a_citation_in_the_sources_list(cards, slug):
    rows, sources = cards[slug]
    assert len(rows) <= 8, f"{slug}: the card has {len(rows)} rows"
    for number in catalog.load().sources[slug].key_numbers:
        row = rows[number.label]
        (anchor,) = MARKER_HREF.findall(row)
        assert anchor in sources, (slug, number.label)
        # a row that an automatic one of the same label would hide is dead content: the author should drop it
        assert (value_of(row), sources[anchor]) == (number.value, number.doc), (slug, number.label)


def test_api_gateway_rest_shows_the_29_second_caller_wait(cards):
    rows, _ = cards["api-gateway-rest"]
    assert value_of(rows["Caller waits at most"]) == "29 s"
    assert "Regional/private APIs can raise it" in rows["Caller waits at most"]


def test_cognito_shows_the_5_second_caller_wait(cards):
    rows, _ = cards["cognito"]
    assert value_of(rows["Caller waits at most"]) == "5 s"


def test_the_synchronous_front_doors_show_how_long_the_caller_waits(cards):
    waits = {slug: value_of(cards[slug][0]["Caller waits at most"]) for slug in ("api-gateway-http", "connect", "lex")}
    assert waits == {"api-gateway-http": "30 s", "connect": "8 s", "lex": "30 s"}


def test_authored_rows_come_after_the_automatic_ones_and_never_repeat_a_label():
    cat = catalog.load()
    sqs = cat.sources["sqs"]
    extra = (
        SourceKeyNumber("batch size", "99", "", "quote", "https://docs.aws.amazon.com/a.html"),
        SourceKeyNumber("Handy figure", "7 s", "default", "quote", "https://docs.aws.amazon.com/b.html"),
    )
    automatic = keynumbers.key_numbers(cat, dataclasses.replace(sqs, key_numbers=()))
    numbers = keynumbers.key_numbers(cat, dataclasses.replace(sqs, key_numbers=extra))
    assert numbers[: len(automatic)] == automatic
    assert [(n.label, n.value, n.doc) for n in numbers[len(automatic) :]] == [
        ("Handy figure", "7 s", "https://docs.aws.amazon.com/b.html")
    ]
    assert [n.value for n in numbers if n.label.lower() == "batch size"] == ["10"]
