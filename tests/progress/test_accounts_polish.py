"""Sign-up with an optional e-mail address, feedback after it, and password reset that says what it can do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail

from tests.personal import personal

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_up(client, username="grace", email="", password=PASSWORD, confirm=None):
    data = {"username": username, "email": email, "password1": password, "password2": confirm or password}
    return client.post("/accounts/signup/", data, follow=True)


def test_sign_up_without_an_email_works_and_says_reset_is_not_possible(client):
    response = _sign_up(client)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/progress/")
    assert User.objects.get(username="grace").email == ""
    assert "Welcome, grace: your account is ready" in html
    assert "You gave no e-mail address" in html


def test_sign_up_with_an_email_stores_it_and_reset_mails_that_address(client):
    response = _sign_up(client, email="grace@example.com")
    assert "You gave no e-mail address" not in response.content.decode()
    assert User.objects.get(username="grace").email == "grace@example.com"
    client.post("/accounts/logout/")
    assert client.post("/accounts/password_reset/", {"email": "Grace@example.com"}).status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@example.com"]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_an_email_already_in_use_is_rejected_whatever_its_case(client):
    User.objects.create_user("ada", email="ada@example.com", password=PASSWORD)
    response = client.post(
        "/accounts/signup/",
        {"username": "other", "email": "ADA@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Another account already uses this e-mail address" in html
    assert not User.objects.filter(username="other").exists()
    assert 'value="other"' in html  # the learner's input is kept


def test_an_invalid_email_is_rejected_under_its_field(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "other", "email": "not-an-address", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


def test_password_rule_errors_are_shown_under_the_password_not_its_confirmation(client):
    response = client.post(
        "/accounts/signup/", {"username": "weak", "email": "", "password1": "12345", "password2": "12345"}
    )
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "password1" in errors and "password2" not in errors
    assert any("too short" in e for e in errors["password1"])
    html = response.content.decode()
    assert html.index('id="error_1_id_password1"') < html.index('id="id_password2"')


def test_reset_page_tells_a_signed_in_learner_without_email_plainly(client):
    User.objects.create_user("noemail", password=PASSWORD)
    client.post("/accounts/login/", {"username": "noemail", "password": PASSWORD})
    html = client.get("/accounts/password_reset/").content.decode()
    assert 'data-testid="no-email"' in html and "has no e-mail address" in html


def test_login_hides_the_reset_link_when_no_mail_can_be_sent(client, settings):
    assert "/accounts/password_reset/" in client.get("/accounts/login/").content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert "/accounts/password_reset/" not in client.get("/accounts/login/").content.decode()


def test_the_navbar_names_the_signed_in_learner(client):
    User.objects.create_user("ada-lovelace", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ada-lovelace", "password": PASSWORD})
    assert "ada-lovelace" not in client.get("/sources/").content.decode()  # a public page: one for all
    html = personal(client, "/sources/")
    assert "Signed in as <strong>ada-lovelace</strong>" in html
    assert '<span class="visually-hidden">Signed in as </span><span class="account-name">ada-lovelace</span>' in html


def test_sign_up_says_when_no_reset_mail_can_be_sent(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert "no mail server set up yet" in client.get("/accounts/signup/").content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    page = client.get("/accounts/signup/").content.decode()
    assert "no mail server" not in page and "Only used to send you a password reset link" in page
