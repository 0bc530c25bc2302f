"""Fuzz the account pages and the admin: no input may produce a server error.

Login (ours and the admin's), sign-up, password reset, reset confirm, logout and the admin change lists get odd
input: NUL bytes, lone surrogates sent as raw (invalid) UTF-8, huge strings, forms in other encodings, Unicode
spellings of names, repeated fields, junk filter and search parameters. Answers may be 200, 302, 400, 403, 404,
405, 429 or 503 (password reset without mail); never a 5xx. Derandomized and bounded (about 20 s in all).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from .support import fuzz

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"


odd_values = st.one_of(
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "\ud800",
            "\udfff\ud800",
            "x" * 100_000,
            "é" * 3000,
            "ｖｉｃｔｉｍ",
            "𝐯𝐢𝐜𝐭𝐢𝐦",
            "VICTIM",
            " victim ",
            "ⓥⓘⓒⓣⓘⓜ",
            "\u202evictim",
            "<script>alert(1)</script>",
            "'; DROP TABLE auth_user; --",
            "victim@example.com",
            "ＶＩＣＴＩＭ@ＥＸＡＭＰＬＥ.ＣＯＭ",
            "a@b",
            "@",
            "%00",
            "../../etc/passwd",
            "-1",
            "1e309",
            "NaN",
            "[" * 5000,
        ]
    ),
    st.text(max_size=30),  # may hold lone surrogates and NUL
)
field_names = st.sampled_from(
    ["username", "password", "password1", "password2", "email", "new_password1", "new_password2", "next", "x\x00", ""]
)
forms = st.lists(st.tuples(field_names, odd_values), max_size=6)
encodings = st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "bogus", "shift_jis", None])


def encode_form(pairs, charset: str | None) -> tuple[bytes, str]:
    """A form body the way a (possibly broken) client would send it; surrogates become invalid UTF-8 bytes."""
    body = "&".join(
        f"{quote(k, safe='', errors='surrogatepass')}={quote(v, safe='', errors='surrogatepass')}" for k, v in pairs
    )
    content_type = "application/x-www-form-urlencoded"
    if charset:
        content_type += f"; charset={charset}"
        if charset in ("utf-16", "utf-32"):
            return body.encode(charset), content_type
    return body.encode("ascii"), content_type


def check(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:1000])
    if response.status_code == 503:
        assert b"not set up" in response.content


@pytest.fixture
def staff(db):
    user = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    User.objects.create_user("victim", "victim@example.com", PASSWORD)
    return user


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


POST_PATHS = [
    "/accounts/login/",
    "/admin/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/Mg/abc-123/",
    "/accounts/logout/",
]


@fuzz(100)
@given(path=st.sampled_from(POST_PATHS), pairs=forms, charset=encodings, csrf=st.booleans())
def test_account_forms_never_answer_5xx(staff, path, pairs, charset, csrf):
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    headers = {}
    if csrf:  # a valid token: the body is read by the CSRF check too (security test F2)
        client.cookies["csrftoken"] = "a" * 32
        headers["HTTP_X_CSRFTOKEN"] = "a" * 32
    body, content_type = encode_form(pairs, charset)
    # generic() sends the bytes as they are (post() would re-encode them in the declared charset)
    check(client.generic("POST", path, data=body, content_type=content_type, REMOTE_ADDR="192.0.2.50", **headers))


@fuzz(30)
@given(path=st.sampled_from([*POST_PATHS, "/accounts/password_reset/done/"]), pairs=forms)
def test_account_pages_with_odd_query_strings_never_answer_5xx(staff, path, pairs):
    client = Client(raise_request_exception=False)
    query, _ = encode_form(pairs, None)
    check(client.get(f"{path}?{query.decode()}"))


CHANGELISTS = ["/admin/quiz/attempt/", "/admin/quiz/problemreport/", "/admin/quiz/reviewcard/", "/admin/auth/user/"]
admin_params = st.sampled_from(
    [
        "mode__exact",
        "resolved__exact",
        "is_staff__exact",
        "is_superuser__exact",
        "is_active__exact",
        "groups__id__exact",
        "date_joined__gte",
        "q",
        "o",
        "p",
        "all",
        "e",
        "_to_field",
        "_popup",
        "started_at__gte",
        "no_such_field",
    ]
)


@fuzz(60)
@given(
    path=st.sampled_from(CHANGELISTS),
    pairs=st.lists(st.tuples(admin_params, odd_values), max_size=4),
    action=st.sampled_from(["delete_selected", "", "no_such_action", "\x00"]),
    selected=st.lists(odd_values, max_size=3),
)
def test_admin_change_lists_never_answer_5xx(staff, path, pairs, action, selected):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    query, _ = encode_form(pairs, None)
    check(client.get(f"{path}?{query.decode()}"))
    form = [("action", action), ("index", "0"), *(("_selected_action", v) for v in selected)]
    body, content_type = encode_form(form, None)
    check(client.generic("POST", f"{path}?{query.decode()}", data=body, content_type=content_type))
