from __future__ import annotations

from learn.catalog.types import MODELS

REQUIRED_SLUGS = {
    "api-gateway-rest",
    "api-gateway-http",
    "function-urls",
    "alb",
    "s3",
    "s3-batch",
    "sqs",
    "sns",
    "mq",
    "ses",
    "eventbridge",
    "eventbridge-scheduler",
    "dynamodb-streams",
    "documentdb",
    "kinesis",
    "msk",
    "kafka",
    "firehose",
    "step-functions",
    "codepipeline",
    "cloudwatch-logs",
    "config",
    "cognito",
    "lex",
    "alexa",
    "connect",
    "cloudfront",
    "cloudformation",
    "codecommit",
    "iot",
    "secrets-manager",
    "sdk-invoke",
}


def test_real_content_loads_with_every_required_source(real_catalog):
    assert set(real_catalog.sources) >= REQUIRED_SLUGS


def test_every_model_and_rule_is_present(real_catalog):
    assert set(real_catalog.models) == set(MODELS)
    assert {"sync-caller", "async", "sqs", "stream", "kafka", "mq", "docdb"} <= set(real_catalog.rules)


def test_every_source_has_events_handlers_fields_and_docs(real_catalog):
    for source in real_catalog.sources.values():
        assert source.events, source.slug
        assert source.handlers, source.slug
        assert source.fields, source.slug
        assert source.docs, source.slug
        assert source.lesson_html.strip(), source.slug


def test_every_fact_cites_an_aws_documentation_page(real_catalog):
    facts = [f for s in real_catalog.sources.values() for f in s.all_facts()]
    facts += [f for r in real_catalog.rules.values() for f in r.facts]
    facts += [f for m in real_catalog.models.values() for f in m.facts]
    assert len(facts) > 300
    for fact in facts:
        assert fact.doc.startswith(
            ("https://docs.aws.amazon.com/", "https://aws.amazon.com/", "https://docs.amazonaws.cn/")
        ), fact


def test_markdown_is_rendered_once_at_load(real_catalog):
    sqs = real_catalog.sources["sqs"]
    assert "<h2" in sqs.lesson_html and "<a href=" in sqs.lesson_html
    assert '<span class="' in sqs.events[0].html  # pygments markup, computed at load
    assert "<code>" in sqs.response.facts[0].html


def test_minimal_tree_is_valid(tree):
    tree.add_source()
    catalog = tree.load()
    assert list(catalog.sources) == ["example"]


def test_missing_required_field_names_file_and_field(tree):
    tree.add_source()
    tree.edit("example", 'main_risk = "Losing events."\n', "")
    assert tree.errors() == ["content/sources/example/source.toml: main_risk: is required"]


def test_unknown_key_is_rejected(tree):
    tree.add_source()
    tree.edit("example", "[batching]\n", "[batching]\nbatch_sise = 10\n")
    assert any("batching.batch_sise: is not a known field" in e for e in tree.errors())


def test_wrong_type_is_reported(tree):
    tree.add_source()
    tree.edit("example", "supported = false", 'supported = "no"')
    assert any("batching.supported: must be true or false" in e for e in tree.errors())


def test_unknown_model_and_category_are_reported(tree):
    tree.add_source()
    tree.edit("example", 'models = ["async"]', 'models = ["async", "push"]')
    tree.edit("example", 'category = "messaging"', 'category = "queues"')
    errors = tree.errors()
    assert any("models: 'push' is not one of sync, async, poll" in e for e in errors)
    assert any("category: must be one of" in e for e in errors)


def test_fact_without_aws_doc_url_is_rejected(tree):
    tree.add_source()
    tree.edit(
        "example",
        'https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html" }]',
        'https://example-blog.com/lambda" }]',
    )
    assert any("wiring.facts[0].doc: must be an AWS documentation URL" in e for e in tree.errors())


def test_disputed_fact_needs_a_note(tree):
    tree.add_source()
    tree.edit("example", '/lambda-services.html" }]', '/lambda-services.html", status = "conflict" }]')
    assert any("wiring.facts[0].note: is required when status is 'conflict'" in e for e in tree.errors())


def test_rule_must_exist_and_match_the_models(tree):
    tree.add_source()
    tree.edit("example", 'rules = ["async"]', 'rules = ["async", "sqs", "nope"]')
    errors = tree.errors()
    assert any("'nope' is not a rule" in e for e in errors)
    assert any("rule 'sqs' is for the poll model" in e for e in errors)


def test_slug_must_match_folder(tree):
    tree.add_source("example")
    tree.edit("example", 'slug = "example"', 'slug = "other"')
    assert any("slug: must equal the folder name 'example'" in e for e in tree.errors())


def test_invalid_json_event_is_reported_with_its_file(tree):
    folder = tree.add_source()
    (folder / "events" / "event.json").write_text("{not json")
    assert any(e.startswith("content/sources/example/events/event.json: is not valid JSON") for e in tree.errors())


def test_unlisted_event_file_is_reported(tree):
    folder = tree.add_source()
    (folder / "events" / "extra.json").write_text("{}")
    assert "content/sources/example/events/extra.json: is not listed in source.toml [[events]]" in tree.errors()


def test_handler_with_syntax_error_or_missing_function_is_reported(tree):
    folder = tree.add_source()
    (folder / "handlers" / "handler.py").write_text("def handler(event, context)\n    return 1\n")
    assert any("handlers/handler.py: line 1: syntax error" in e for e in tree.errors())
    (folder / "handlers" / "handler.py").write_text("def main(event, context):\n    return 1\n")
    assert any("does not define a top-level function handler()" in e for e in tree.errors())


def test_file_names_cannot_escape_the_source_folder(tree):
    tree.add_source()
    tree.edit("example", 'file = "event.json"', 'file = "../../../settings.json"')
    assert any("events[0].file: must be a plain file name" in e for e in tree.errors())


def test_invalid_toml_is_reported(tree):
    folder = tree.add_source()
    (folder / "source.toml").write_text("slug = \n")
    assert any("source.toml: is not valid TOML" in e for e in tree.errors())


def test_related_must_name_a_real_source(tree):
    tree.add_source()
    tree.edit("example", "last_verified = 2026-11-22", 'last_verified = 2026-11-22\nrelated = ["ghost"]')
    assert any("related: 'ghost' is not a source in the catalog" in e for e in tree.errors())


def test_every_error_is_reported_at_once(tree):
    tree.add_source("one")
    tree.add_source("two")
    tree.edit("one", 'summary = "An example source."', "")
    tree.edit("two", 'name = "Example Source"', "")
    errors = tree.errors()
    assert any("one/source.toml: summary" in e for e in errors)
    assert any("two/source.toml: name" in e for e in errors)
