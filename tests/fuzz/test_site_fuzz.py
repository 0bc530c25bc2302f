"""Fuzz every form and query parameter of the quiz, progress, diagrams, search, the comparison grid, the decision
guide, lessons, paths, checkpoints, the glossary, Try it, classes and the sandbox's Reset resources: odd input
never gets a 5xx.

Odd values travel as raw bytes in the query string or the form body, so they include what a browser never sends
and Django's test client cannot encode: NUL, lone surrogates (as their UTF-8-like bytes), invalid UTF-8, huge
and negative numbers, numbers in other scripts, superscript digits, `1e309`, `NaN`, arrays (`?a=1&a=2`, `a[]=`),
unknown keys, tampered option keys and positions. With and without HX-Request. Derandomized and bounded (about
30 s in all), so CI sees the same examples every time.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from learn import catalog, engine
from learn.quiz import questions, services

from .support import fuzz

pytestmark = pytest.mark.django_db

CAT = catalog.load()
BANK = questions.load()
SOURCES = sorted(CAT.sources)
KNOBS = sorted({k.name for slug in SOURCES for k in engine.knobs_for(slug, CAT)})
GUIDE_KEYS = [q.id for q in CAT.guide]
GUIDE_VALUES = sorted({o.value for q in CAT.guide for o in q.options} if CAT.guide else set())
OPTION_KEYS = sorted({o.key for i in BANK.items.values() for o in i.options})
ITEMS = sorted(BANK.items)
TYPES = ("single", "multiple", "ordering")


ODD = [
    b"",
    b"\x00",
    b"a\x00b",
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8-like bytes
    b"\xed\xb0\x80\xed\xa0\x80",
    b"\xff\xfe\x00",
    b"\xc3",
    b"-1",
    b"0",
    b"-99999999999",
    b"9" * 5000,
    b"1" * 4301,
    b"1e309",
    b"NaN",
    b"inf",
    b"0x10",
    "١٢".encode(),
    "²".encode(),
    "１２".encode(),
    b"1.5",
    b" 3 ",
    b"<script>alert(1)</script>",
    b"../../etc/passwd",
    b"[" * 2000,
    b"x" * 3000,
    "🙂\u202e".encode(),
    b"\r\nSet-Cookie: a=b",
    b"true",
    b"null",
]
odd_values = st.one_of(
    st.sampled_from(ODD),
    st.binary(max_size=12),
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def names(*known: str) -> st.SearchStrategy[bytes]:
    base = [n.encode() for n in known]
    return st.one_of(
        st.sampled_from(base or [b"x"]),
        st.sampled_from(base or [b"x"]).map(lambda n: n + b"[]"),
        st.sampled_from([b"unknown", b"", b"\x00", b"\xed\xa0\x80", b"a" * 300, b"__proto__"]),
    )


def known_values(*values: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.sampled_from([v.encode() for v in values] or [b""]), odd_values)


def pairs(name_strategy, value_strategy, max_size: int = 5):
    """Repeated keys come out as arrays (?a=1&a=2)."""
    return st.lists(st.tuples(name_strategy, value_strategy), max_size=max_size)


def encode(items: list[tuple[bytes, bytes]]) -> str:
    return "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in items)


def check(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])


def get(client: Client, path: str, items, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(path, QUERY_STRING=encode(items), headers=headers)


def post(client: Client, path: str, items, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.generic(
        "POST", path, encode(items).encode("ascii"), content_type="application/x-www-form-urlencoded", headers=headers
    )


# -- GET pages with query parameters -------------------------------------------------------------------------

GET_PAGES = {
    "/sources/": (("model", "category", "sort"), ("sync", "async", "poll", "messaging", "name", "-batch", "retries")),
    "/choose/": (tuple(GUIDE_KEYS), tuple(GUIDE_VALUES)),
    "/search/": (("q",), ("kinesis", "fifo", "receiptHandle")),
    "/": ((), ()),
    "/quiz/": ((), ()),
    "/progress/": ((), ()),
    "/models/async/": ((), ()),
    "/glossary/": ((), ()),
    "/paths/": ((), ()),
    "/paths/foundations/": ((), ()),
    "/course/checkpoint/sqs/": ((), ()),
    "/course/practice/sqs/": ((), ()),
    "/sources/sqs/sandbox/": (("handler", "event", "source"), ("partial_batch.py", "standard.json", "fifo.json")),
    "/classes/": ((), ()),
    "/classes/join/": (("code",), ("ABCD-EFGH", "abcdefgh")),
    "/accounts/signup/": ((), ()),
    # issue 16: the personal fragment reads the page from ?path= (or HX-Current-URL); the lesson's lazy parts
    "/me/fragment/": (("path",), ("/sources/sqs/", "/models/poll/", "/diagrams/s3/?preset=function-error", "//x")),
    "/sources/sqs/read/": ((), ()),
    "/sources/sqs/code/event/0/": ((), ()),
    "/sources/kinesis/code/handler/1/": ((), ()),
    "/sources/sqs/code/wiring/0/": ((), ()),
}


@fuzz(300)
@given(
    page=st.sampled_from(sorted(GET_PAGES)),
    data=st.data(),
    htmx=st.booleans(),
)
def test_get_pages_with_odd_query_parameters_never_5xx(client, page, data, htmx):
    keys, values = GET_PAGES[page]
    items = data.draw(pairs(names(*keys), known_values(*values)))
    check(get(client, page, items, htmx))


@fuzz(120)
@given(
    slug=st.one_of(st.sampled_from(SOURCES), st.sampled_from(["nope", "a" * 200, "sqs-"])),
    data=st.data(),
    htmx=st.booleans(),
)
def test_diagrams_and_what_if_knobs_never_5xx(client, slug, data, htmx):
    presets = [p for p, _ in engine.presets_for(slug, CAT)] if slug in CAT.sources else []
    items = data.draw(
        pairs(names("uid", "preset", "step", *KNOBS), known_values("main", "1", "10", "0", *presets), max_size=6)
    )
    check(get(client, f"/diagrams/{slug}/", items, htmx))
    check(get(client, f"/sources/{slug}/", items, htmx))


# -- quiz forms --------------------------------------------------------------------------------------------

START_KEYS = ("mode", "size", "source", "model", "exam", "misconception")
START_VALUES = ("practice", "drill", "exam", "review", "mistakes", "15", "30", "65", "5", "sqs", "poll")


@fuzz(120)
@given(items=pairs(names(*START_KEYS), known_values(*START_VALUES), max_size=6), htmx=st.booleans())
def test_quiz_start_never_5xx(client, items, htmx):
    check(post(client, "/quiz/start/", items, htmx))


@pytest.fixture
def attempts(client):
    """A practice attempt and an open exam of this client's learner, each with items of every type."""
    assert client.post("/quiz/start/", {"mode": "practice", "size": "1"}).status_code == 302  # the learner
    owner = services.Owner(None, client.session["learner"])
    by_kind = {kind: [i for i in sorted(BANK.items) if BANK.items[i].type == kind][:4] for kind in TYPES}
    chosen = [i for kind in TYPES for i in by_kind[kind]]
    now = timezone.now()
    return {
        "practice": services.start(owner, "practice", chosen, "fuzz", now=now),
        "exam": services.start(owner, "exam", chosen, "fuzz", minutes=60, now=now),
    }


ANSWER_KEYS = ("action", "choice", "dont_know", "confidence", "spent_ms", *(f"position-{k}" for k in "abcdef"))
ANSWER_VALUES = ("answer", "flag", "1", "2", "3", "low", "medium", "high", *OPTION_KEYS)


@fuzz(150)
@given(
    mode=st.sampled_from(["practice", "exam"]),
    number=st.one_of(st.integers(min_value=0, max_value=20), st.sampled_from([10**23, 2**63])),
    items=pairs(names(*ANSWER_KEYS), known_values(*ANSWER_VALUES), max_size=8),
    htmx=st.booleans(),
)
def test_quiz_answers_with_tampered_keys_and_positions_never_5xx(client, attempts, mode, number, items, htmx):
    attempt = attempts[mode]
    check(post(client, f"/quiz/a/{attempt.id}/{number}/", items, htmx))
    check(get(client, f"/quiz/a/{attempt.id}/{number}/", items, htmx))


@fuzz(100)
@given(
    mode=st.sampled_from(["practice", "exam"]),
    number=st.one_of(st.integers(min_value=0, max_value=20), st.sampled_from([10**23])),
    items=pairs(names(*ANSWER_KEYS), known_values(*ANSWER_VALUES), max_size=8),
)
def test_exam_autosave_with_tampered_fields_never_5xx(client, attempts, mode, number, items):
    check(post(client, f"/quiz/a/{attempt_id(attempts, mode)}/{number}/save/", items))


def attempt_id(attempts, mode: str) -> str:
    return str(attempts[mode].id)


WIRING_KEYS = ("template", "simulate", "scenario", "wiring", "source")
WIRING_VALUES = (
    "Resources: {}",
    "a: [",
    "{}",
    "0",
    "1",
    "poison",
    "sqs",
    "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
)


@fuzz(40)
@given(
    path=st.sampled_from(["/wiring/", "/wiring/exercises/sqs-partial-batch/", "/wiring/exercises/api-timeout/"]),
    items=pairs(names(*WIRING_KEYS), known_values(*WIRING_VALUES), max_size=5),
    htmx=st.booleans(),
)
def test_wiring_lab_and_exercise_forms_never_5xx(client, path, items, htmx):
    check(post(client, path, items, htmx))
    check(get(client, path, items, htmx))


def well_formed(item) -> list[tuple[bytes, bytes]]:
    if item.type == "ordering":
        return [(f"position-{o.key}".encode(), str(n).encode()) for n, o in enumerate(item.options, start=1)]
    return [(b"choice", k.encode()) for k in item.correct_keys]


@fuzz(250)
@given(
    mode=st.sampled_from(["practice", "exam"]),
    data=st.data(),
    htmx=st.booleans(),
)
def test_well_formed_answers_with_one_field_tampered_never_5xx(client, attempts, mode, data, htmx):
    """Start from the right answer to the real question, then spoil one field, add one or repeat one."""
    attempt = attempts[mode]
    number = data.draw(st.integers(min_value=1, max_value=len(attempt.item_ids)))
    items = well_formed(BANK.items[attempt.item_ids[number - 1]])
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    how = data.draw(st.sampled_from(["replace", "append", "repeat", "drop"]))
    value = data.draw(odd_values)
    if how == "replace":
        items[index] = (items[index][0], value)
    elif how == "append":
        items.append((data.draw(names(*ANSWER_KEYS)), value))
    elif how == "repeat":
        items.append((items[index][0], value))
    else:
        del items[index]
    check(post(client, f"/quiz/a/{attempt.id}/{number}/", items, htmx))


@fuzz(60)
@given(
    which=st.sampled_from(["review", "results", "submit"]),
    attempt_id=st.one_of(st.just("mine"), st.just("stranger"), st.uuids().map(str)),
    items=pairs(names("next", "action"), odd_values, max_size=3),
)
def test_review_results_and_submit_never_5xx(client, attempts, which, attempt_id, items):
    target = {"mine": str(attempts["practice"].id), "stranger": str(uuid.uuid4())}.get(attempt_id, attempt_id)
    path = f"/quiz/a/{target}/{which}/"
    check(post(client, path, items) if which == "submit" else get(client, path, items, False))


@fuzz(80)
@given(
    item=st.one_of(st.sampled_from(ITEMS), st.sampled_from(["nope", "a" * 300, "%00", "..", "x y"])),
    items=pairs(names("message", "next"), known_values("This question is wrong.", "/quiz/", "//evil.example"), 4),
)
def test_problem_reports_never_5xx(client, item, items):
    check(post(client, f"/quiz/item/{quote_from_bytes(item.encode())}/report/", items))


@fuzz(40)
@given(
    slug=st.one_of(st.sampled_from(SOURCES), st.just("nope")),
    items=pairs(names("beacon"), odd_values, max_size=3),
)
def test_mark_as_read_never_5xx(client, slug, items):
    check(post(client, f"/sources/{slug}/read/", items))


@fuzz(60)
@given(
    slug=st.one_of(st.sampled_from(SOURCES), st.just("nope")),
    kind=st.sampled_from(["event", "handler", "wiring", "secret", "EVENT", ""]),
    number=st.one_of(st.integers(min_value=0, max_value=12), st.just(10**30)),
    current=st.binary(max_size=80),
    htmx=st.booleans(),
)
def test_lazy_lesson_parts_and_the_personal_fragment_never_5xx(client, slug, kind, number, current, htmx):
    """Issue 16: the code blocks a lesson loads, and the fragment told about its page by an odd HX-Current-URL."""
    check(get(client, f"/sources/{slug}/code/{kind}/{number}/", [], htmx))
    url = "http://testserver/" + current.decode("latin-1").replace("\n", "").replace("\r", "")
    check(client.get("/me/fragment/", headers={"HX-Request": "true", "HX-Current-URL": url}))


def test_known_crashers_stay_fixed(client, attempts):
    """Inputs that once were (or could have been) a 500: superscript and 5,000-digit positions."""
    exam = attempts["exam"]
    number, item_id = next((n, i) for n, i in enumerate(exam.item_ids, 1) if BANK.items[i].type == "ordering")
    keys = [o.key for o in BANK.items[item_id].options]
    for odd in ("²", "9" * 5000, "١", "-1", "1e3"):
        data = {f"position-{k}": str(n) for n, k in enumerate(keys, start=1)}
        data[f"position-{keys[0]}"] = odd
        response = client.post(f"/quiz/a/{exam.id}/{number}/", data)
        assert response.status_code == 400, (odd, response.status_code)


# -- the course's forms (issue 13): signed in, so the classes' own forms are reached -----------------------------

COURSE_FORMS = {
    "/course/checkpoint/sqs/": (("item", "choice", "dont_know", "action"), (*ITEMS[:3], "a", "b", "retake", "1")),
    "/paths/foundations/steps/1/done/": (("continue",), ("1",)),
    "/paths/foundations/steps/99/done/": (("continue",), ("1",)),
    "/classes/new/": (("name",), ("Class A", "")),
    "/classes/join/": (("code",), ("ABCD-EFGH", "abcd efgh")),
    "/classes/1/code/": ((), ()),
    "/classes/1/delete/": (("confirm",), ("on", "1")),
    "/classes/1/leave/": ((), ()),
    "/classes/1/learners/1/remove/": ((), ()),
    "/accounts/signup/": (("username", "email", "password1", "password2"), ("ann", "a@example.com", "x" * 12)),
}


@fuzz(200)
@given(form=st.sampled_from(sorted(COURSE_FORMS)), data=st.data(), htmx=st.booleans(), signed_in=st.booleans())
def test_course_and_class_forms_never_5xx(client, django_user_model, form, data, htmx, signed_in):
    if signed_in:
        user, _ = django_user_model.objects.get_or_create(username="fuzzer")
        client.force_login(user)
    keys, values = COURSE_FORMS[form]
    check(post(client, form, data.draw(pairs(names(*keys), known_values(*values))), htmx))


# -- the sandbox's "Reset resources" form (issue 17) ----------------------------------------------------------


@fuzz(40)
@given(
    slug=st.one_of(st.sampled_from(SOURCES), st.sampled_from(["nope", "a" * 300, "sqs.", "-"])),
    items=pairs(names("csrfmiddlewaretoken", "source"), known_values("sqs", "kinesis"), max_size=4),
    htmx=st.booleans(),
    signed_in=st.booleans(),
)
def test_reset_resources_never_5xx(client, django_user_model, slug, items, htmx, signed_in):
    if signed_in:
        user, _ = django_user_model.objects.get_or_create(username="fuzzer")
        client.force_login(user)
    check(post(client, f"/sources/{quote_from_bytes(slug.encode())}/sandbox/resources/reset/", items, htmx))
    check(get(client, f"/sources/{quote_from_bytes(slug.encode())}/sandbox/resources/reset/", items, htmx))


@fuzz(40)
@given(
    slug=st.one_of(st.sampled_from(SOURCES), st.sampled_from(["nope", "a" * 300, "sqs.", "-"])),
    items=pairs(
        names("allowed", "csrfmiddlewaretoken"),
        known_values("dynamodb:PutItem", "sqs:SendMessage", "s3:*", "iam:PassRole", ""),
        max_size=6,
    ),
    htmx=st.booleans(),
    signed_in=st.booleans(),
)
def test_resource_role_form_never_5xx(client, django_user_model, slug, items, htmx, signed_in):
    if signed_in:
        user, _ = django_user_model.objects.get_or_create(username="fuzzer")
        client.force_login(user)
    check(post(client, f"/sources/{quote_from_bytes(slug.encode())}/sandbox/resources/role/", items, htmx))
