"""The glossary loads, covers the concepts the issue names, and rejects links to things that do not exist."""

from __future__ import annotations

import textwrap

import pytest
from django.core import checks
from django.test import override_settings

from learn.catalog import CatalogInvalid
from learn.search import glossary as glossary_module
from learn.search.glossary import load

ENTRY = """
[[terms]]
id = "{id}"
term = "Example term"
synonyms = ["ex"]
definition = "A short definition."
doc = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html"
taught = [{taught}]
{extra}
"""


def write(tmp_path, *entries: str):
    path = tmp_path / "glossary.toml"
    path.write_text(textwrap.dedent("".join(entries)))
    return path


def errors(tree, tmp_path, **entry) -> list[str]:
    entry.setdefault("id", "example-term")
    entry.setdefault("taught", '"example#retries"')
    entry.setdefault("extra", "")
    try:
        load(write(tmp_path, ENTRY.format(**entry)), tree.load(), {"an-exercise"})
    except CatalogInvalid as invalid:
        return [str(e) for e in invalid.errors]
    return []


def test_a_valid_entry_loads(tree, tmp_path):
    tree.add_source("example")
    assert errors(tree, tmp_path, taught='"example#retries", "model:async", "exercise:an-exercise"') == []


@pytest.mark.parametrize(
    ("taught", "message"),
    [
        ('"nosuch"', "no lesson 'nosuch'"),
        ('"example#nowhere"', "no section #nowhere"),
        ('"model:batch"', "no invocation model 'batch'"),
        ('"exercise:missing"', "no exercise 'missing'"),
    ],
)
def test_a_link_to_nothing_is_an_error_naming_the_file_and_entry(tree, tmp_path, taught, message):
    tree.add_source("example")
    found = errors(tree, tmp_path, taught=taught)
    assert len(found) == 1
    assert found[0].startswith("content/glossary.toml: terms[0].taught")
    assert message in found[0]


def test_an_unknown_related_term_or_home_lesson_is_an_error(tree, tmp_path):
    tree.add_source("example")
    found = errors(tree, tmp_path, extra='see_also = ["ghost"]\nhome = ["nosuch"]')
    assert any("'ghost' is not a glossary term id" in e for e in found)
    assert any("terms[0].home" in e for e in found)


def test_an_id_must_be_a_usable_anchor_and_unique(tree, tmp_path):
    tree.add_source("example")
    assert any("lowercase words joined by hyphens" in e for e in errors(tree, tmp_path, id="Not An Anchor"))
    path = write(
        tmp_path, ENTRY.format(id="x", taught='"example"', extra=""), ENTRY.format(id="x", taught='"example"', extra="")
    )
    with pytest.raises(CatalogInvalid, match="defined twice"):
        load(path, tree.load(), set())


def test_a_doc_link_must_be_an_aws_page(tree, tmp_path):
    tree.add_source("example")
    entry = ENTRY.format(id="x", taught='"example"', extra="").replace(
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html", "https://example.com/blog"
    )
    with pytest.raises(CatalogInvalid, match="must be an AWS documentation URL"):
        load(write(tmp_path, entry), tree.load(), set())


def test_further_pages_are_aws_pages_too_and_the_glossary_links_them(tree, tmp_path, client):
    tree.add_source("example")
    bad = ENTRY.format(id="x", taught='"example"', extra='also = ["https://example.com/blog"]')
    with pytest.raises(CatalogInvalid, match="also.*must list AWS documentation URLs"):
        load(write(tmp_path, bad), tree.load(), set())
    good = ENTRY.format(
        id="x", taught='"example"', extra='also = ["https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"]'
    )
    (term,) = load(write(tmp_path, good), tree.load(), set()).terms
    assert term.also == ("https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html",)
    page = client.get("/glossary/").content.decode()
    assert "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html" in page  # batch-size's


def test_manage_py_check_reports_a_broken_glossary(tree, tmp_path):
    tree.add_source("example")
    (tree.root / "glossary.toml").write_text(ENTRY.format(id="x", taught='"ghost-lesson"', extra=""))
    with override_settings(CONTENT_DIR=tree.root):
        from learn import catalog

        catalog.reload()
        try:
            found = [m for m in checks.run_checks(tags=["content"]) if m.id == "search.E001"]
        finally:
            catalog.reload()
            glossary_module.glossary.cache_clear()
    assert len(found) == 1
    assert "no lesson 'ghost-lesson'" in found[0].msg


REQUIRED = {
    "dlq", "redrive-policy", "max-receive-count", "visibility-timeout", "cold-start", "warm-start", "init-phase",
    "poison-record", "partial-batch-response", "batch-item-failures", "bisect-batch", "maximum-retry-attempts",
    "maximum-record-age", "iterator-age", "event-source-mapping", "batching-window", "batch-size",
    "on-failure-destination", "on-success-destination", "asynchronous-invocation", "synchronous-invocation",
    "throttling", "reserved-concurrency", "provisioned-concurrency", "idempotency", "at-least-once", "fifo", "shard",
    "partition-key", "tumbling-window", "checkpoint", "event-filtering", "resource-based-policy", "execution-role",
    "payload-limit", "lambda-destination", "sqs-long-polling", "starting-position",
}  # fmt: skip


def test_the_real_glossary_defines_every_concept_the_issue_names():
    gloss = glossary_module.glossary()
    assert {t.id for t in gloss.terms} >= REQUIRED
    for term in gloss.terms:
        assert term.doc.startswith("https://docs.aws.amazon.com/"), term.id
        assert 1 <= term.definition.count(". ") + 1 <= 4, f"{term.id}: one to three sentences"
        assert term.taught, f"{term.id} links where it is taught"


def test_the_home_lesson_of_a_concept_also_teaches_it():
    for term in glossary_module.glossary().terms:
        taught = {p.target for p in term.taught if p.kind == "lesson"}
        assert set(term.home) <= taught, term.id
