"""Search on the database's full-text engine (FTS5 on SQLite, PostgreSQL FTS with DATABASE_URL=postgres://…):
the issue's queries, every kind of thing, safe highlights, odd syntax, and an index that follows the content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learn import catalog
from learn.search import documents, index, service
from learn.search.models import Entry, IndexState

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def first_lesson(results) -> service.Result:
    return next(h for h in results.hits if h.kind == "lesson")


def test_migrate_built_the_index_for_the_current_content():
    state = IndexState.objects.get()
    assert state.content_version == catalog.version()
    assert Entry.objects.count() == state.entries > 1000


def test_dlq_finds_the_sqs_lesson_first():
    results = service.find("dlq")
    assert results.hits[0].kind == "lesson"
    assert results.hits[0].url == reverse("lessons:lesson", args=["sqs"])
    assert any(h.kind == "glossary" and h.url.endswith("#dlq") for h in results.hits[:3])


def test_cold_start_finds_the_glossary_concept_first_and_a_lesson():
    results = service.find("cold start")
    assert results.hits[0].kind == "glossary"
    assert results.hits[0].url == reverse("search:glossary") + "#cold-start"
    assert any(h.kind == "lesson" for h in results.hits)


@pytest.mark.parametrize(("text", "home"), [("poison record", "kinesis"), ("visibility timeout", "sqs")])
def test_a_concept_opens_with_the_lesson_built_around_it(text, home):
    results = service.find(text)
    assert results.hits[0].url == reverse("lessons:lesson", args=[home])
    assert any(h.kind == "glossary" for h in results.hits[:3])


def test_a_typo_gets_a_suggestion_and_the_suggestions_results():
    results = service.find("visibilty timeout")
    assert results.suggestion == "visibility timeout"
    assert results.corrected
    assert results.hits[0].url == reverse("lessons:lesson", args=["sqs"])


def test_a_known_word_gets_no_suggestion():
    assert service.find("visibility timeout").suggestion == ""


def test_matches_are_marked_in_the_title_and_snippet():
    results = service.find("receiptHandle")
    hit = results.hits[0]
    assert hit.kind == "field"
    assert "<mark>receiptHandle</mark>" in hit.title


@pytest.mark.parametrize(
    ("text", "kind", "url_part"),
    [
        ("Amazon SQS", "lesson", "/sources/sqs/"),
        ("receiptHandle", "field", "/sources/sqs/#event"),
        ("maxReceiveCount at least 5", "fact", "/sources/sqs/#fact-"),
        ("poll-based event source mappings", "model", "/models/poll/"),
        ("SQS mapping the queue retries", "rule", "/sources/sqs/#retries"),
        ("poison record Kinesis batch", "exercise", "/exercises/kinesis-poison/"),
        ("S3 event notification invoke", "question", "/sources/"),
        ("idempotency", "glossary", "/glossary/#idempotency"),
    ],
)
def test_each_kind_of_thing_is_findable_and_links_to_its_place(text, kind, url_part):
    results = service.find(text, kind=kind)
    assert results.hits, f"no {kind} for {text!r}"
    assert all(h.kind == kind for h in results.hits)
    assert any(url_part in h.url for h in results.hits[:5])


def test_a_questions_snippet_never_shows_its_options():
    for item_hit in service.find("cold starts", kind="question").hits:
        assert "Provisioned concurrency keeps pre-initialized" not in str(item_hit.snippet)


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "dlq*", "NEAR(dlq queue)", "-sqs", "sqs AND OR NOT", "col:title", "'; DROP TABLE x; --", "^*"],
)
def test_query_syntax_never_errors(client, text):
    response = client.get(reverse("search:search"), {"q": text})
    assert response.status_code == 200


def test_content_can_never_forge_markup_in_a_snippet(monkeypatch):
    hostile = documents.Document(
        kind="fact",
        title="<img src=x onerror=alert(1)> dlq",
        url="/x/",
        body="<script>alert('dlq')</script> \x02forged\x03 dlq",
    )
    real = index.all_documents
    monkeypatch.setattr(index, "all_documents", lambda: [*real(), hostile])
    index.build()
    hit = next(h for h in service.find("onerror dlq", kind="fact").hits if h.url == "/x/")
    assert "<script" not in hit.snippet and "<img" not in hit.title
    assert "&lt;img" in hit.title
    assert "forged" in hit.snippet and "<mark>forged" not in hit.snippet  # the index strips the marker characters
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") >= 1


def test_the_query_is_escaped_on_the_page(client):
    response = client.get(reverse("search:search"), {"q": "<script>alert(1)</script>"})
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_the_index_rebuilds_when_the_content_version_changes(monkeypatch):
    monkeypatch.setattr(catalog, "version", lambda: "changed-content")
    Entry.objects.filter(kind="glossary").delete()  # a stale index: the glossary went missing
    assert service.find("idempotency", kind="glossary").hits
    assert IndexState.objects.get().content_version == "changed-content"


def test_ensure_is_a_no_op_when_current(django_assert_max_num_queries):
    index.ensure()
    with django_assert_max_num_queries(1):
        assert index.ensure() is False


def test_a_new_glossary_term_is_findable_after_a_content_change(tmp_path, settings):
    import shutil

    from learn.search import glossary

    content = tmp_path / "content"
    shutil.copytree(catalog.content_dir(), content)
    with open(content / "glossary.toml", "a") as toml:
        toml.write(
            '\n[[terms]]\nid = "zebra-queue"\nterm = "Zebra queue"\ndefinition = "A made-up concept."\n'
            'doc = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html"\ntaught = ["sqs"]\n'
        )
    real_content = settings.CONTENT_DIR
    settings.CONTENT_DIR = content
    catalog.reload()
    glossary.glossary.cache_clear()
    try:
        assert service.find("zebra").hits[0].url.endswith("#zebra-queue")
    finally:
        settings.CONTENT_DIR = real_content
        catalog.reload()
        glossary.glossary.cache_clear()
    index.ensure()
    assert not service.find("zebra").hits


def test_the_page_and_its_htmx_partial(client):
    url = reverse("search:search")
    page = client.get(url, {"q": "dlq"})
    assert page.status_code == 200
    assert b"<nav" in page.content and b'id="results"' in page.content
    partial = client.get(url, {"q": "dlq"}, headers=HTMX)
    assert partial.status_code == 200
    assert b'<nav class="navbar' not in partial.content and b'id="results"' in partial.content
    assert "HX-Request" in partial["Vary"]


def test_the_navbar_search_box_posts_to_this_page(client):
    page = client.get("/").content.decode()
    assert f'role="search" action="{reverse("search:search")}"' in page
    response = client.get("/search/", {"q": "cold start"})
    assert response.templates[0].name == "search/search.html"


def test_a_long_query_is_trimmed_with_a_notice(client):
    response = client.get(reverse("search:search"), {"q": "sqs " * 60})
    assert b"used its first 100 characters" in response.content


def test_the_kind_filter_narrows_the_hits_but_keeps_the_counts():
    everything = service.find("batch size")
    facts = service.find("batch size", kind="fact")
    assert {h.kind for h in facts.hits} == {"fact"}
    assert facts.total == everything.total
    assert service.find("batch size", kind="nonsense").kind == ""


def test_the_build_command(capsys):
    from django.core.management import call_command

    call_command("build_search_index", "--if-stale")
    assert "is current" in capsys.readouterr().out
    call_command("build_search_index")
    assert "Search index built" in capsys.readouterr().out


def test_flush_does_not_rebuild_the_index_but_the_next_search_does(monkeypatch):
    from django.db.models.signals import post_migrate

    from learn.search.apps import build_index_after_migrate

    built = []
    monkeypatch.setattr(index, "build", lambda using="default": built.append(using))
    IndexState.objects.all().delete()
    build_index_after_migrate(sender=None, using="default")  # what flush sends: no plan
    assert built == []
    build_index_after_migrate(sender=None, using="default", plan=[])
    assert built == ["default"]
    assert post_migrate.has_listeners()


def test_a_lesson_hit_names_the_event_fields_that_matched(client):
    sqs = next(h for h in service.find("receiptHandle").hits if h.kind == "lesson")
    assert sqs.fields == ("receiptHandle",)
    assert "<code>receiptHandle</code>" in client.get(reverse("search:search"), {"q": "receiptHandle"}).content.decode()


def test_a_fact_links_to_its_own_anchor_on_the_lesson(client):
    hits = service.find("visibility timeout", kind="fact").hits
    sqs_facts = [h for h in hits if h.url.startswith("/sources/sqs/#fact-")]
    assert sqs_facts
    lesson = client.get("/sources/sqs/").content.decode()
    for hit in sqs_facts:
        assert f'id="{hit.url.split("#")[1]}"' in lesson


def test_a_question_offers_practice_on_its_source(client):
    html = client.get(reverse("search:search"), {"q": "cold starts", "kind": "question"}).content.decode()
    assert 'href="/course/practice/' in html


def test_a_plain_word_does_not_pick_out_a_field_named_like_it():
    kinesis = next(h for h in service.find("poison record").hits if h.url == "/sources/kinesis/")
    assert kinesis.fields == ()


def test_a_glossary_hit_shows_its_definition():
    term = next(h for h in service.find("poison record").hits if h.kind == "glossary")
    assert "fails on every time" in term.snippet
