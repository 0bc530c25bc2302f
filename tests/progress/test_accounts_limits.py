"""Sign-up, password reset and problem reports (security test W4, W5, W6) and bad requests (F2, F4, F6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- W5 / W6: sign-up ------------------------------------------------------------------------------------------


def test_sign_up_attempts_are_limited_per_address(client, settings):
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 3
    statuses = [
        client.post(
            "/accounts/signup/",
            {"username": f"probe{n}", "password1": PASSWORD, "password2": "x"},
            REMOTE_ADDR="198.51.100.4",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    # another address is not affected
    other = client.post(
        "/accounts/signup/",
        {"username": "fresh", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="198.51.100.5",
    )
    assert other.status_code == 302


def test_a_taken_username_gets_one_plain_message_for_every_spelling(client):
    User.objects.create_user("taken", password=PASSWORD)
    for spelling in ["taken", "TAKEN", "ｔａｋｅｎ"]:
        response = client.post(
            "/accounts/signup/", {"username": spelling, "password1": PASSWORD, "password2": PASSWORD}
        )
        html = response.content.decode()
        assert response.status_code == 400 and "This username is not available" in html, spelling
        assert "already exists" not in html


# -- W4: password reset ----------------------------------------------------------------------------------------


def test_password_reset_is_limited_per_email_address(client):
    User.objects.create_user("mary", email="mary@example.com", password=PASSWORD)
    statuses = [
        client.post("/accounts/password_reset/", {"email": e}, REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n, e in enumerate(["mary@example.com", "MARY@example.com", "mary@example.com", "mary@example.com"])
    ]
    assert statuses == [302, 302, 302, 429] and len(mail.outbox) == 3


def test_password_reset_is_limited_per_address(client, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 2
    statuses = [
        client.post("/accounts/password_reset/", {"email": f"n{n}@example.com"}, REMOTE_ADDR="203.0.113.7").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_without_a_mail_server_reset_says_it_is_not_configured(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    User.objects.create_user("mary", email="mary@example.com", password=PASSWORD)
    page = client.get("/accounts/password_reset/")
    assert page.status_code == 503 and "not set up" in page.content.decode()
    assert client.post("/accounts/password_reset/", {"email": "mary@example.com"}).status_code == 503
    assert mail.outbox == []


def _settings_in(env: dict) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "DATABASE_URL", "REDIS_URL"))
    }
    code = (
        "import json; from learn import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, '')) for k in "
        "['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL']}))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "learn.example.org"}


def test_production_never_prints_reset_links_to_the_log():
    assert "console" not in _settings_in(PRODUCTION)["EMAIL_BACKEND"]
    assert _settings_in(PRODUCTION)["EMAIL_BACKEND"].endswith("dummy.EmailBackend")


def test_production_mail_goes_through_smtp_from_the_environment():
    smtp = _settings_in(
        {
            **PRODUCTION,
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "2525",
            "DEFAULT_FROM_EMAIL": "Triggerlab <noreply@example.org>",
        }
    )
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == ("smtp.example.org", "2525", "True")
    assert smtp["DEFAULT_FROM_EMAIL"] == "Triggerlab <noreply@example.org>"


def test_the_console_backend_only_with_debug():
    assert _settings_in({"DJANGO_DEBUG": "1"})["EMAIL_BACKEND"].endswith("console.EmailBackend")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    refused = subprocess.run(
        [sys.executable, "-c", "import learn.settings"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "console" in refused.stderr


# -- W6: problem reports ---------------------------------------------------------------------------------------


def test_problem_reports_are_limited_per_address(client, settings):
    from learn.quiz import questions

    settings.PROBLEM_REPORTS_PER_ADDRESS_PER_HOUR = 2
    item = next(iter(questions.load().items))
    statuses = [
        client.post(f"/quiz/item/{item}/report/", {"message": f"typo number {n}"}, REMOTE_ADDR="192.0.2.8").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


# -- F2: bad form encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/quiz/start/", "/accounts/login/", "/accounts/signup/", "/admin/login/"])
def test_a_utf16_form_gets_our_400_page_not_a_500(path):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = "a" * 32
    client.cookies["csrftoken"] = token
    response = client.post(
        path,
        data="mode=practice",  # the test client encodes it in the declared charset
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_the_500_handler_does_not_read_the_body(rf):
    from django.urls import get_resolver

    request = rf.post("/", data="a=1", content_type="application/x-www-form-urlencoded; charset=utf-16")
    handler = get_resolver().resolve_error_handler(500)
    response = handler(request)
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


# -- F4 (and F3 generically): NUL bytes ------------------------------------------------------------------------


def test_nul_in_an_admin_filter_is_a_400(client):
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    client.force_login(User.objects.get(username="boss"))
    for query in ["mode__exact=%00", "mode__exact=a%00b", "q=%00", "o=%00", "%00=1"]:
        response = client.get(f"/admin/quiz/attempt/?{query}")
        assert response.status_code == 400, query
    assert client.get("/admin/quiz/attempt/?mode__exact=exam").status_code == 200


def test_nul_in_a_posted_field_is_a_400(client):
    from learn.quiz import questions

    item = next(iter(questions.load().items))
    response = client.post(f"/quiz/item/{item}/report/", {"message": "hello\x00world"})
    assert response.status_code == 400
    assert client.post("/accounts/login/", {"username": "a\x00", "password": "x"}).status_code == 400


# -- F6: no static files from runserver's own handler ----------------------------------------------------------


def test_runserver_leaves_static_files_to_whitenoise():
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "whitenoise.runserver_nostatic"


def test_static_traversal_is_a_404(client):
    for path in ["/static/%2e%2e/%2e%2e/learn/settings.py", "/static/..%2f..%2flearn%2fsettings.py"]:
        assert client.get(path).status_code == 404


def test_new_anonymous_learners_are_limited_per_address(settings, client):
    """Each new learner is a stored session: one address cannot create them without end (W14)."""
    settings.NEW_LEARNERS_PER_ADDRESS_PER_HOUR = 3
    statuses = [Client().post("/sources/sqs/read/", REMOTE_ADDR="198.51.100.4").status_code for _ in range(5)]
    assert statuses[:3] != [429] * 3 and statuses[3:] == [429, 429]
    assert Client().post("/sources/sqs/read/", REMOTE_ADDR="198.51.100.5").status_code != 429  # another address
