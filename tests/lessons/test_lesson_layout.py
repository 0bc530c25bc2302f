"""The lesson page layout (issue 13): key numbers, numbered citations, one fact in one place, Try it / Exercise /
Practice / Related on every lesson, and the disputed-facts banner linking to each disputed fact."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from learn import catalog
from learn.catalog import loader
from learn.catalog.types import Fact
from learn.lessons import citations, keynumbers, outline

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db
SLUGS = sorted(loader.load(CONTENT).sources)
MARKER = re.compile(r'<sup class="cite"><a href="#source-(\d+)" aria-label="Source \1: ([^"]+)">\[\1\]</a></sup>')


@pytest.fixture(scope="module")
def pages(django_db_blocker) -> dict[str, str]:
    """Every lesson rendered once (they are read-only pages; the tests below only read them)."""
    from django.test import Client

    with django_db_blocker.unblock():
        client = Client()
        return {slug: client.get(f"/sources/{slug}/").content.decode() for slug in SLUGS}


def sources_list(page: str) -> dict[int, str]:
    """The numbered Sources list at the end of a lesson: number -> URL."""
    section = page[page.index('<section id="docs"') :]
    return {int(n): htmllib.unescape(url) for n, url in re.findall(r'<li id="source-(\d+)"><a href="([^"]+)"', section)}


# -- key numbers -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_every_source_gets_key_numbers_each_with_a_citation(slug):
    cat = catalog.load()
    numbers = keynumbers.key_numbers(cat, cat.sources[slug])
    assert numbers, f"{slug} has no key numbers"
    assert all(n.doc.startswith("https://docs.aws.amazon.com/") and n.value for n in numbers)
    assert len({n.label for n in numbers}) == len(numbers)  # no figure twice


def test_sqs_batch_sizes_come_from_the_catalog():
    cat = catalog.load()
    sqs = cat.sources["sqs"]
    batch = next(n for n in keynumbers.key_numbers(cat, sqs) if n.label == "Batch size")
    assert (sqs.batching.default_batch_size, sqs.batching.max_batch_size) == (10, 10000)
    assert batch.value == "10" and batch.detail == "default · up to 10,000 (FIFO: 10, no window)"
    assert batch.doc == "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html"


def test_key_numbers_follow_the_catalog_not_a_copy_of_it():
    import dataclasses

    cat = catalog.load()
    sqs = cat.sources["sqs"]
    bigger = dataclasses.replace(sqs, batching=dataclasses.replace(sqs.batching, max_batch_size=12345))
    batch = next(n for n in keynumbers.key_numbers(cat, bigger) if n.label == "Batch size")
    assert batch.detail.startswith("default · up to 12,345")


def test_async_sources_show_retry_attempts_event_age_and_payload():
    cat = catalog.load()
    numbers = {n.label: n for n in keynumbers.key_numbers(cat, cat.sources["s3"])}
    assert numbers["Retry attempts after a function error"].value == "2"
    assert numbers["Retry attempts after a function error"].detail == "default · 0–2 retries"
    assert numbers["Maximum event age"].value == "6 h"
    assert numbers["Payload per invocation"].value == "at most 1 MB"


def test_a_simulator_default_is_not_shown_as_an_aws_default():
    cat = catalog.load()
    numbers = {n.label: n for n in keynumbers.key_numbers(cat, cat.sources["sqs"])}
    receives = numbers["Receives before the queue's DLQ"]
    assert receives.value == "1–1,000 receives" and "no AWS default" in receives.detail


def test_special_values_and_durations_read_as_words():
    cat = catalog.load()
    numbers = {n.label: n for n in keynumbers.key_numbers(cat, cat.sources["kinesis"])}
    assert numbers["Retry attempts"].value == "until the records expire"
    assert numbers["Maximum record age"].value == "no limit"
    assert numbers["Maximum record age"].detail == "default · 1 min–7 days"


def test_sqs_lesson_shows_its_key_numbers_card(pages):
    card = pages["sqs"][pages["sqs"].index('id="key-numbers"') :]
    card = card[: card.index("</section>")]
    assert "Batch size" in card and ">10<" in card and "up to 10,000" in card
    assert len(MARKER.findall(card)) >= 4


# -- citations ---------------------------------------------------------------------------------------------------
def test_the_same_url_gets_the_same_number_in_first_cited_order():
    urls = ["https://a.example/1", "https://a.example/2", "https://a.example/1", "", "https://a.example/3"]
    cited = citations.Citations(urls, {"https://a.example/2": "Page two"})
    assert [(c.number, c.url) for c in cited] == [
        (1, "https://a.example/1"),
        (2, "https://a.example/2"),
        (3, "https://a.example/3"),
    ]
    assert cited["https://a.example/2"].title == "Page two" and cited["https://a.example/2"].anchor == "source-2"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_fact_link_is_a_numbered_marker_into_the_sources_list(pages, slug):
    page = pages[slug]
    listed = sources_list(page)
    assert list(listed) == list(range(1, len(listed) + 1))
    assert len(set(listed.values())) == len(listed)  # one number per URL
    markers = MARKER.findall(page)
    assert markers, "no citation markers"
    for number, _ in markers:
        assert int(number) in listed
    cat = catalog.load()
    shown = outline.build(cat, cat.sources[slug]).shown_facts()
    assert {fact.doc for fact in shown} <= set(listed.values())
    assert {doc.url for doc in cat.sources[slug].docs} <= set(listed.values())
    assert ">AWS docs<" not in page.split('id="flow"')[0]  # no per-fact "AWS docs" link text any more


def test_markers_name_the_page_they_cite(pages):
    cat = catalog.load()
    sqs_titles = {doc.url: doc.title for doc in cat.sources["sqs"].docs}
    listed = sources_list(pages["sqs"])
    for number, name in MARKER.findall(pages["sqs"]):
        url = listed[int(number)]
        if url in sqs_titles:
            assert htmllib.unescape(name) == sqs_titles[url]


def test_citation_numbers_rise_down_the_page(pages):
    numbers = [int(n) for n, _ in MARKER.findall(pages["kinesis"])]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == sorted(first_seen)


# -- one fact, one place -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_no_fact_is_shown_twice_on_a_lesson(pages, slug):
    cat = catalog.load()
    source = cat.sources[slug]
    page = pages[slug]
    facts = [*source.all_facts(), *(f for r in source.retries.rules for f in cat.rules[r].facts)]
    for fact in {f.html: f for f in facts}.values():
        count = page.count(fact.html)
        assert count == 1, f"{slug}: shown {count} times: {fact.text[:70]}"


def test_a_fact_in_a_section_and_a_rule_card_is_kept_in_the_section():
    cat = catalog.load()
    built = outline.build(cat, cat.sources["kinesis"])
    repeated = "Only function errors count toward `MaximumRetryAttempts`"
    in_sections = [f for name in outline.SECTIONS for f in built.facts[name].all if f.text.startswith(repeated)]
    in_cards = [f for card in built.rule_cards for f in card.facts.all if f.text.startswith(repeated)]
    assert len(in_sections) == 1 and in_cards == []


@pytest.mark.parametrize("slug", SLUGS)
def test_no_part_of_a_lesson_is_left_empty(pages, slug):
    """A section whose facts all appear earlier (or that has none) still says something: its one-line summary."""
    page = pages[slug]
    region = page[page.index('id="response"') : page.index('id="wiring"')]
    headings = list(re.finditer(r"<h([23])[^>]*>(.*?)</h\1>", region))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        if heading.group(1) == "2" and following is not None and following.group(1) == "3":
            continue  # a section heading right above its first sub-heading
        body = region[heading.end() : following.start() if following else len(region)]
        text = " ".join(re.sub(r"<[^>]+>", " ", body.split("<section")[0]).split())
        assert len(text) > 10, (slug, heading.group(2))


# -- progressive disclosure --------------------------------------------------------------------------------------
def test_long_lists_fold_after_four_but_never_hide_a_disputed_fact():
    def fact(n: int, status: str = "verified") -> Fact:
        return Fact(text=f"fact {n}", doc="https://docs.aws.amazon.com/x", html=f"fact {n}", status=status)

    facts = [fact(1), fact(2), fact(3), fact(4), fact(5), fact(6, "conflict"), fact(7)]
    folded = outline.fold(tuple(facts), 4)
    assert [f.text for f in folded.shown] == ["fact 1", "fact 2", "fact 3", "fact 4", "fact 6"]
    assert [f.text for f in folded.folded] == ["fact 5", "fact 7"]
    assert outline.fold(tuple(facts[:5]), 4) == outline.Folded(tuple(facts[:5]))  # a fold of one is not worth a click


def test_sqs_folds_its_long_limits_list(pages):
    limits = pages["sqs"][pages["sqs"].index('id="limits"') :]
    limits = limits[: limits.index("</section>")]
    assert "<summary>Show " in limits and " more</summary>" in limits


def test_rule_cards_have_a_title_larger_than_their_body(pages):
    assert '<h3 class="rule-title">SQS mapping: the queue retries</h3>' in pages["sqs"]
    css = (CONTENT.parent / "static" / "lessons" / "lesson.css").read_text()
    title = float(re.search(r"\.rule-card \.rule-title \{ font-size: ([\d.]+)rem", css).group(1))
    body = float(re.search(r"\.rule-card \.rule-summary \{ font-size: ([\d.]+)rem", css).group(1))
    assert title > body


# -- Try it / Exercise / Practice / Related ----------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_has_try_it_links_to_existing_handlers_and_events(pages, slug):
    source = catalog.load().sources[slug]
    links = re.findall(rf'href="(/sources/{re.escape(slug)}/sandbox/\?[^"]+)"', pages[slug])
    assert links, "no Try it link"
    handlers = {h.file: h for h in source.handlers}
    opened = set()
    for link in links:
        query = parse_qs(urlsplit(htmllib.unescape(link)).query)
        handler = handlers[query["handler"][0]]
        event = query["event"][0]
        assert source.event(event) is not None
        assert event in handler.events
        assert event == next(e.file for e in source.events if e.file in handler.events)  # the lesson's order
        opened.add(handler.file)
    assert opened == set(handlers)


def test_fifo_handler_opens_with_the_fifo_event(pages):
    assert "/sources/sqs/sandbox/?handler=fifo_in_order.py&amp;event=fifo.json" in pages["sqs"]
    assert "/sources/sqs/sandbox/?handler=partial_batch.py&amp;event=standard.json" in pages["sqs"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_links_its_exercises_and_has_a_practice_form(pages, slug):
    from learn.exercises import service

    page = pages[slug]
    for exercise in service.exercises().values():
        if exercise.source == slug:
            assert f'href="/exercises/{exercise.slug}/"' in page
    form = re.search(r'<form method="post" action="/quiz/start/"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no practice form"
    assert 'name="mode" value="practice"' in form.group(1)
    assert f'name="source" value="{slug}"' in form.group(1)
    # the page is one cached rendering for all: the token comes from the cookie when the form is sent (csrf.js)
    assert 'name="csrfmiddlewaretoken"' not in form.group(1)


def test_the_practice_form_starts_a_quiz_on_that_source(client):
    from learn.quiz import questions
    from learn.quiz.models import Attempt

    page = client.get("/sources/kinesis/").content.decode()
    count = int(re.search(r"drawn from (\d+) on Kinesis", page).group(1))
    bank = questions.load()
    assert count == sum(1 for item in bank.items.values() if "kinesis" in item.sources)
    response = client.post("/quiz/start/", {"mode": "practice", "source": "kinesis", "size": "10"})
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert all("kinesis" in bank.items[i].sources for i in attempt.item_ids)


def test_related_sources_are_linked_as_cards(pages):
    related = pages["sqs"][pages["sqs"].index('id="related"') :]
    related = related[: related.index("</section>")]
    for slug in catalog.load().sources["sqs"].related:
        assert f'href="/sources/{slug}/"' in related


def test_the_action_bar_comes_before_the_overview(pages):
    page = pages["sqs"]
    assert page.index('class="lesson-actions"') < page.index('id="overview"')
    bar = page[page.index('class="lesson-actions"') :]
    bar = bar[: bar.index("</nav>")]
    assert "/sources/sqs/sandbox/?" in bar and "/exercises/" in bar and "/quiz/start/" in bar and "#related" in bar


# -- C13: the banner links each disputed fact --------------------------------------------------------------------
@pytest.mark.parametrize("slug", [s for s in SLUGS if loader.load(CONTENT).sources[s].disputed_facts()])
def test_the_disputed_banner_links_to_each_disputed_fact(pages, slug):
    page = pages[slug]
    banner = page[page.index("Heads-up:") :]
    banner = banner[: banner.index("</div>")]
    anchors = re.findall(r'href="#(fact-[0-9a-f]{8})"', banner)
    assert anchors
    for anchor in anchors:
        assert page.count(f'id="{anchor}"') == 1
        item = page[page.index(f'id="{anchor}"') - 60 : page.index(f'id="{anchor}"') + 200]
        assert "fact-disputed" in item


@pytest.mark.parametrize("slug", SLUGS)
def test_every_anchor_on_a_lesson_is_unique_and_every_in_page_link_lands(pages, slug):
    page = pages[slug]
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in set(re.findall(r'href="#([^"]+)"', page)):
        assert target in ids, target


def test_old_anchors_still_lead_somewhere(pages):
    for anchor in ("overview", "model", "wiring", "event", "handlers", "response", "flow", "retries", "batching"):
        assert f'id="{anchor}"' in pages["sqs"], anchor
    for anchor in ("limits", "pitfalls", "practices", "when", "docs", "related", "checkpoint"):
        assert f'id="{anchor}"' in pages["sqs"], anchor


def test_the_overview_folds_its_later_sections_under_their_headings_and_loses_nothing(real_catalog):
    import re as _re

    from learn.lessons.templatetags.lesson_tags import fold_prose

    for source in real_catalog.ordered_sources():
        html = str(fold_prose(source.lesson_html))
        headings = _re.findall(r"<h2[^>]*>(.*?)</h2>", source.lesson_html, flags=_re.DOTALL)
        assert html.count('<details class="prose-fold">') == max(len(headings) - 1, 0), source.slug
        for heading in headings:
            assert heading in html
        text = _re.sub(r"<[^>]+>", "", html)
        assert text.replace(" ", "") == _re.sub(r"<[^>]+>", "", source.lesson_html).replace(" ", ""), source.slug
