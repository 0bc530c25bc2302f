from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from learn.catalog import loader

from ..conftest import CONTENT

pytestmark = pytest.mark.django_db
SLUGS = sorted(loader.load(CONTENT).sources)
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sources/",
        "/models/sync/",
        "/models/async/",
        "/models/poll/",
        "/choose/",
        "/search/?q=fifo",
        "/api/catalog.json",
    ],
)
def test_top_level_pages_answer_200(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_renders_its_sections(client, slug):
    response = client.get(f"/sources/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in (
        "overview",
        "model",
        "wiring",
        "event",
        "handlers",
        "response",
        "retries",
        "batching",
        "limits",
        "pitfalls",
        "practices",
        "when",
        "docs",
    ):
        assert f'id="{section}"' in html, section
    assert "https://docs.aws.amazon.com/" in html
    # the code blocks come as cached fragments once the page is in (the page stays light)
    assert f'hx-get="/sources/{slug}/code/event/0/"' in html and f'hx-get="/sources/{slug}/code/handler/0/"' in html
    code = client.get(f"/sources/{slug}/code/event/0/", headers={"HX-Request": "true"}).content.decode()
    assert 'class="highlight"' in code


def test_lesson_shows_knob_defaults_and_ranges(client):
    html = client.get("/sources/sqs/").content.decode()
    assert "MaximumBatchingWindowInSeconds" in html
    assert "1–10,000" in html  # batch size range from the sqs rule
    assert "Receives before the queue" in html


def test_lesson_links_previous_and_next(client):
    html = client.get(f"/sources/{SLUGS[0]}/").content.decode()
    assert 'rel="next"' in html or 'rel="prev"' in html


def test_disputed_facts_are_flagged_not_asserted(client):
    html = client.get("/sources/sqs/").content.decode()
    assert "AWS pages disagree" in html


def test_grid_filters_by_model_without_javascript(client):
    html = client.get("/sources/?model=sync").content.decode()
    assert 'data-slug="api-gateway-rest"' in html
    assert 'data-slug="sqs"' not in html


def test_grid_filters_by_category(client):
    html = client.get("/sources/?category=streams").content.decode()
    assert 'data-slug="kinesis"' in html
    assert 'data-slug="s3"' not in html


def test_grid_htmx_request_gets_only_the_partial(client):
    response = client.get("/sources/?model=poll", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="grid"')
    assert "<html" not in html and "<nav" not in html
    assert 'data-slug="sqs"' in html


def test_nonsense_query_parameters_are_ignored_with_a_message(client):
    response = client.get("/sources/?model=%3Cscript%3E&category=zzz&page=-1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ignored unknown invocation model" in html
    assert "Ignored unknown category" in html
    assert "<script>" not in html.split('id="grid"')[1].split("</div>")[0]
    assert f"Showing {len(SLUGS)} of {len(SLUGS)}" in html


def test_empty_filter_result_shows_a_helpful_empty_state(client):
    html = client.get("/sources/?model=sync&category=streams").content.decode()
    assert "No source matches both filters" in html


def test_unknown_slug_gets_friendly_404_with_suggestions(client):
    response = client.get("/sources/sqss/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "couldn" in html and "/sources/sqs/" in html


def test_unknown_model_is_404(client):
    assert client.get("/models/push/").status_code == 404


def test_search_finds_event_field_names(client):
    html = client.get("/search/?q=receiptHandle").content.decode()
    assert "/sources/sqs/" in html
    assert "<code>receiptHandle</code>" in html


def test_search_htmx_gets_partial(client):
    html = client.get("/search/?q=kinesis", headers=HTMX).content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html


def test_search_with_no_hits_and_overlong_query(client):
    html = client.get("/search/?q=" + "x" * 500).content.decode()
    assert "Nothing matches" in html and "first 100 characters" in html


def test_choose_walks_through_questions_without_javascript(client):
    html = client.get("/choose/").content.decode()
    assert "Question 1 of" in html
    html = client.get("/choose/?waits=no").content.decode()
    assert "Question 2 of" in html and 'name="waits" value="no"' in html


def test_choose_finishes_with_reasons(client):
    html = client.get("/choose/?waits=no&shape=job&order=no&consumers=one&replay=no").content.decode()
    assert "Our recommendation" in html
    assert "Best fit" in html and "/sources/sqs/" in html


def test_choose_htmx_returns_partial_and_ignores_bad_answers(client):
    response = client.get("/choose/?waits=maybe&colour=blue", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="guide"') and "<html" not in html
    assert "Ignored an answer" in html and "Ignored parameters" in html


def test_catalog_json_lists_every_source_with_rules_and_docs(client):
    data = client.get("/api/catalog.json").json()
    slugs = {s["slug"] for s in data["sources"]}
    assert slugs == set(SLUGS)
    sqs = next(s for s in data["sources"] if s["slug"] == "sqs")
    assert sqs["invocation_models"] == ["poll"]
    assert sqs["retries"]["rules"] == ["sqs"]
    assert sqs["doc_urls"] and all(u.startswith("https://") for u in sqs["doc_urls"])
    rest = next(s for s in data["sources"] if s["slug"] == "api-gateway-rest")
    waits = next(k for k in rest["key_numbers"] if k["label"] == "Caller waits at most")
    assert waits["value"] == "29 s" and waits["doc"] in rest["doc_urls"]
    rule = next(r for r in data["rules"] if r["id"] == "async")
    knob = next(k for k in rule["knobs"] if k["name"] == "maximum_retry_attempts")
    assert (knob["default"], knob["min"], knob["max"]) == (2, 0, 2)


def test_export_catalog_command_matches_the_api(client, capsys, tmp_path):
    call_command("export_catalog")
    printed = json.loads(capsys.readouterr().out)
    assert printed == client.get("/api/catalog.json").json()
    target = tmp_path / "catalog.json"
    call_command("export_catalog", output=str(target))
    assert json.loads(target.read_text()) == printed


def test_home_links_every_model(client):
    html = client.get("/").content.decode()
    for model in ("sync", "async", "poll"):
        assert f'href="/models/{model}/"' in html


def test_pages_are_offline_no_external_assets(client):
    for url in ("/", "/sources/", "/sources/sqs/", "/choose/"):
        html = client.get(url).content.decode()
        for tag in ('<script src="http', '<link rel="stylesheet" href="http'):
            assert tag not in html, url


@pytest.mark.parametrize("url", ["/", "/sources/", "/sources/sqs/", "/quiz/"])
def test_head_requests_are_answered(client, url):
    assert client.head(url).status_code == 200


def test_doc_links_get_readable_names():
    from learn.lessons.templatetags.lesson_tags import doc_label

    assert doc_label("https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html") == "Lambda: with sqs"
    assert (
        doc_label("https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html#x")
        == "SNS: sns dead letter queues"
    )
    assert doc_label("not a url") == "AWS docs"
