"""The query parser: FTS syntax is never passed through, glossary synonyms widen a concept, stopwords drop."""

from __future__ import annotations

import pytest

from learn.search import query
from learn.search.glossary import Glossary, Term


def term(term_id: str, name: str, synonyms: tuple[str, ...] = (), home: tuple[str, ...] = ()) -> Term:
    return Term(
        term_id, name, synonyms, "A definition.", "A definition.", "https://docs.aws.amazon.com/x", (), (), home
    )


GLOSSARY = Glossary(
    (
        term("dlq", "Dead-letter queue (DLQ)", ("dead letter queue",), home=("sqs",)),
        term("cold-start", "Cold start", ("cold starts",)),
    )
)


def test_tokens_drop_every_operator_character():
    assert query.tokens('NEAR("a" b*) -x OR ^col:"') == ["near", "a", "b", "x", "or", "col"]


@pytest.mark.parametrize(
    "text", ['"unbalanced', "a*", "-", "NEAR(a b)", "x OR y AND NOT z", "col:value", "'", "(((", "^"]
)
def test_engine_queries_quote_every_word(text):
    parsed = query.parse(text, GLOSSARY)
    fts = query.fts5(parsed)
    # every token sits inside double quotes; outside them only our own operators remain
    outside = "".join(part for i, part in enumerate(fts.split('"')) if i % 2 == 0)
    assert set(outside.replace("AND", "").replace("OR", "")) <= set(" ()*")
    tsq = query.tsquery(parsed)
    outside = "".join(part for i, part in enumerate(tsq.split("'")) if i % 2 == 0)
    assert set(outside) <= set(" ()&|<->:*")


def test_an_abbreviation_is_widened_to_the_concepts_names():
    parsed = query.parse("dlq", GLOSSARY)
    assert parsed.concepts == ("dlq",)
    assert set(parsed.groups[0].phrases) == {("dlq",), ("dead", "letter", "queue")}
    assert query.fts5(parsed) == '("dlq" OR "dead letter queue")'


def test_the_term_in_brackets_and_without_them_are_names_too():
    assert {"Dead-letter queue", "DLQ"} <= set(GLOSSARY.get("dlq").names)


def test_a_multiword_concept_is_one_phrase_group():
    parsed = query.parse("what is a cold start", GLOSSARY)
    assert parsed.concepts == ("cold-start",)
    assert query.tsquery(parsed) == "(('cold' <-> 'start') | ('cold' <-> 'starts'))"


def test_the_last_plain_word_matches_as_a_prefix_for_live_search():
    parsed = query.parse("sqs visib", GLOSSARY)
    assert query.fts5(parsed) == '"sqs" AND "visib"*'
    assert query.tsquery(parsed, any_word=True) == "'sqs' | 'visib':*"


def test_stopwords_only_is_still_a_query():
    assert query.display(query.parse("the", GLOSSARY)) == "the"


def test_long_queries_are_cut():
    parsed = query.parse("word " * 200, GLOSSARY)
    assert len(parsed.groups) == query.MAX_GROUPS


def test_nothing_to_search_is_an_empty_query():
    assert not query.parse('"" *** --', GLOSSARY)
