"""Fuzz the learner-facing forms through the real views: no input shape may produce a server error.

Every sandbox page (/sources/<slug>/sandbox/), every exercise form and the quiz forms get random JSON-ish
events (deep nesting, wrong shapes, lone surrogates, huge numbers, NUL bytes), random code and random settings.
Most inputs are invalid on purpose (they are refused before anything runs, which keeps the test fast); one test
makes real sandbox runs with random events and odd handlers. A 503 is accepted only as the sandbox's own
"busy / not available here" answer; a 500 never is. Derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from learn import catalog
from learn.exercises.service import exercises

from .support import fuzz

pytestmark = pytest.mark.django_db

SOURCES = sorted(catalog.load().sources)
EXERCISES = sorted(exercises())


# -- strategies -------------------------------------------------------------------------------------------

# Form fields travel as UTF-8, so raw text has no surrogates; inside JSON they come as \ud800 escapes.
plain_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
odd_strings = st.sampled_from(["", "\x00", "\ud800", "\udfff\ud800", "x" * 300, "é", "\u202e", "<script>", "1"])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),  # may hold lone surrogates: json.dumps writes them as escapes
    odd_strings,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=16,
)
wrong_shapes = st.one_of(
    json_values.map(lambda v: {"Records": [v, v]}),
    json_values.map(lambda v: {"Records": v}),
    json_values.map(lambda v: {"records": [v]}),
    json_values.map(lambda v: {"tasks": [v], "invocationId": v}),
    json_values.map(
        lambda v: {
            "Records": [
                {"messageId": v, "attributes": v, "kinesis": v, "dynamodb": v, "body": v, "eventSource": v},
                {"messageId": v},
            ]
        }
    ),
)
event_texts = st.one_of(
    json_values.map(json.dumps),
    wrong_shapes.map(json.dumps),
    st.integers(1, 6000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 300).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.sampled_from(
        [
            "9" * 5000,
            "1e999",
            "-1e999",
            "NaN",
            "Infinity",
            '"\\ud800"',
            '{"a": "\\ud800\\u0000"}',
            "\x00",
            "",
            "{",
            "[1,]",
            '{"a": 1, "a": 2}',
            "1" + "0" * 400,
        ]
    ),
    plain_text,
)
timeouts = st.one_of(st.sampled_from(["", "abc", "0", "16", "nan", "inf", "-1", "1e309", "３", "1.5", " "]), plain_text)
memories = st.one_of(st.sampled_from(["", "127", "10241", "1e3", "nan", "-0", "99999999999999999999"]), plain_text)
handlers = st.one_of(
    st.sampled_from(["handler", "", "no such", "__builtins__", "ｈandler", "a" * 300, "handler\x00", "1x"]), plain_text
)
codes = st.one_of(
    st.sampled_from(
        [
            "def handler(event, context):\n    return event\n",
            "",
            "   ",
            "def handler(event, context)\n",  # a syntax error
            "\x00",
            "x = 1\n" * 12000,  # over 64 KB
        ]
    ),
    plain_text,
)


def check(response) -> None:
    """No server error: a 503 only as the sandbox's own friendly refusal."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 503:
        text = body.decode("utf-8", "replace").lower()
        assert "sandbox" in text or "busy" in text, text[:500]
        return
    assert response.status_code < 500, body[:2000]
    body.decode("utf-8")  # the page can be sent as UTF-8 (no lone surrogates slipped through)


@pytest.fixture
def client(settings):
    """Limits high enough that the fuzzing is not turned away by the rate limits (429 is not a 5xx anyway)."""
    settings.SANDBOX_RUNS_PER_MINUTE = settings.SANDBOX_ADDRESS_RUNS_PER_MINUTE = 100_000
    settings.EXERCISE_SUBMISSIONS_PER_HOUR = 100_000
    cache.clear()
    yield Client()
    cache.clear()


# -- the sandbox pages ----------------------------------------------------------------------------------------


@fuzz(160)
@given(
    slug=st.sampled_from(SOURCES),
    action=st.sampled_from(["run", "run", "again", "save", "sample", "generate", "bogus", ""]),
    event=event_texts,
    code=codes,
    timeout=timeouts,
    memory=memories,
    handler=handlers,
    extra=st.dictionaries(
        st.sampled_from(["sample", "count", "size", "fifo", "base64", "poison", "rbif", "redrive", "source"]),
        st.one_of(plain_text, st.sampled_from(["1", "-5", "100000000000", "on", "standard.json", "../x"])),
        max_size=4,
    ),
    htmx=st.booleans(),
)
def test_sandbox_pages_never_answer_5xx(client, slug, action, event, code, timeout, memory, handler, extra, htmx):
    form = {"action": action, "event": event, "code": code, "timeout": timeout, "memory": memory, "handler": handler}
    response = client.post(
        f"/sources/{slug}/sandbox/", {**extra, **form}, headers={"HX-Request": "true"} if htmx else {}
    )
    check(response)


ODD_HANDLERS = [
    "def handler(event, context):\n    return event\n",
    "def handler(event, context):\n    print('\\ud800', '\\x00')\n    return {'a\\ud800': '\\udfff'}\n",
    "def handler(event, context):\n    return {'batchItemFailures': [{'itemIdentifier': 1}, {'itemIdentifier': 'a'}]}\n",
    "def handler(event, context):\n    return {'records': ['x', 1], 'results': 'no', 'statusCode': 10**50}\n",
    "def handler(event, context):\n    raise ValueError('\\ud800 bad')\n",
    "import json\ndef handler(event, context):\n    return json.loads('[' * 50 + ']' * 50)\n",
]


@fuzz(12)
@given(
    slug=st.sampled_from(["sqs", "kinesis", "s3", "firehose", "api-gateway-rest", "s3-batch"]),
    event=st.one_of(json_values, wrong_shapes).map(json.dumps),
    code=st.sampled_from(ODD_HANDLERS),
)
def test_real_runs_with_odd_events_and_handlers(client, slug, event, code):
    form = {"action": "run", "event": event, "code": code, "timeout": "1", "memory": "128", "handler": "handler"}
    check(client.post(f"/sources/{slug}/sandbox/", form))


# -- the exercise forms ---------------------------------------------------------------------------------------


@fuzz(60)
@given(
    slug=st.sampled_from(EXERCISES),
    action=st.sampled_from(["check", "submit", "hint", "reset", "bogus", ""]),
    code=st.sampled_from(["", "  ", "\n\t ", "x" * 70_000, "# c\n" * 20_000]),  # refused before grading
    htmx=st.booleans(),
)
def test_exercise_forms_never_answer_5xx(client, slug, action, code, htmx):
    response = client.post(
        f"/exercises/{slug}/", {"action": action, "code": code}, headers={"HX-Request": "true"} if htmx else {}
    )
    check(response)


@fuzz(4)
@given(slug=st.sampled_from(EXERCISES), code=st.sampled_from(ODD_HANDLERS[1:]))
def test_real_gradings_with_odd_handlers(client, slug, code):
    check(client.post(f"/exercises/{slug}/", {"action": "check", "code": code}))


# -- the quiz forms ----------------------------------------------------------------------------------------------


@fuzz(40)
@given(
    number=st.integers(-1, 12),
    data=st.dictionaries(
        st.sampled_from(
            [
                "action",
                "choice",
                "dont_know",
                "spent_ms",
                "confidence",
                "position-a",
                "position-b",
                "position-c",
                "position-d",
            ]
        ),
        st.one_of(plain_text, st.sampled_from(["a", "b", "z", "1", "2", "99999999999999999999", "-1", "flag"])),
        max_size=6,
    ),
    choices=st.lists(st.one_of(plain_text, st.sampled_from(["a", "b", "c", "d", "e"])), max_size=7),
    start=st.dictionaries(
        st.sampled_from(["mode", "size", "source", "model", "exam", "misconception"]),
        st.one_of(plain_text, st.sampled_from(["practice", "exam", "review", "mistakes", "drill", "15", "0", "sqs"])),
        max_size=4,
    ),
)
def test_quiz_forms_never_answer_5xx(client, number, data, choices, start):
    check(client.post("/quiz/start/", start))
    started = client.post("/quiz/start/", {"mode": "practice", "size": "5"})
    assert started.status_code == 302
    attempt = started["Location"].split("/a/")[1].split("/")[0]
    check(client.post(f"/quiz/a/{attempt}/{number}/", {**data, "choice": choices}))
    check(client.post(f"/quiz/a/{attempt}/1/", {**data, "choice": choices}, headers={"HX-Request": "true"}))
    check(client.post(f"/quiz/a/{attempt}/submit/", data))
    check(client.post("/quiz/item/nope/report/", {"message": data.get("action", ""), "next": data.get("spent_ms", "")}))
