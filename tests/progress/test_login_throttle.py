"""Login throttling (security test V1-V3, W1, W2): every login form, every spelling of a name, concurrent guesses.

Policy under test (learn/progress/throttle.py):
- per (client address, normalised name): 5 failures in 15 minutes, then that pair is refused;
- per normalised name, from any address: 10 failures in 15 minutes, then the name is refused everywhere;
- per client address, all names: 30 failures are free, then one evaluation per 2, 4, ... up to 60 seconds (a delay,
  never a 15-minute lock-out of every learner behind one NAT or proxy).
Attempts are counted *before* the password is checked, so concurrent guesses cannot pass the limit.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"
WRONG = "wrong-guess-1234"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password, address="10.0.0.1", path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


# -- V1: every spelling of a name is the same account, and the same counter ---------------------------------


def test_unicode_spellings_of_a_name_share_one_counter(client):
    User.objects.create_user("victim", password=PASSWORD)
    spellings = ["victim", "ｖｉｃｔｉｍ", "𝐯𝐢𝐜𝐭𝐢𝐦", "VICTIM", " victim ", "ⓥⓘⓒⓣⓘⓜ"]
    # 10 failures for the name, spread over spellings and two addresses (5 each: under the per-pair limit)
    for n in range(10):
        assert login(client, spellings[n % len(spellings)], WRONG, address=f"10.0.0.{1 + n // 5}").status_code == 200
    for spelling in spellings:
        refused = login(client, spelling, PASSWORD, address="10.9.9.9")
        assert refused.status_code == 429, spelling
        assert "Too many failed attempts" in refused.content.decode()


def test_a_spelling_cannot_restart_the_count_for_one_address(client):
    User.objects.create_user("victim", password=PASSWORD)
    for _ in range(5):
        assert login(client, "victim", WRONG).status_code == 200
    assert login(client, "𝐯𝐢𝐜𝐭𝐢𝐦", PASSWORD).status_code == 429
    assert login(client, "ｖｉｃｔｉｍ", WRONG).status_code == 429


# -- V2: counted before the password is checked ----------------------------------------------------------------


def test_the_attempt_is_counted_before_the_password_is_checked(client, monkeypatch):
    """The check and the count are one step: while a password is being hashed, the attempt already counts."""
    import django.contrib.auth.forms as auth_forms

    User.objects.create_user("ada", password=PASSWORD)
    seen, inside = [], []

    def slow_authenticate(request=None, **credentials):
        # A concurrent request arriving while this password is checked must see this attempt: ask the login
        # view again from inside (one level deep).
        if not inside:
            inside.append(1)
            try:
                seen.append(login(Client(), "ada", WRONG).status_code)
            finally:
                inside.clear()
        return None

    monkeypatch.setattr(auth_forms, "authenticate", slow_authenticate)
    for _ in range(4):
        login(client, "ada", WRONG)
    # each attempt nests one more; counted first, the 6th attempt overall (the 3rd nested one) is refused
    assert seen[:2] == [200, 200] and seen[2] == 429
    assert login(client, "ada", WRONG).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_guesses_are_evaluated_at_most_five_times(monkeypatch):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database cannot take concurrent writers; PostgreSQL runs it in CI")
    import time

    import django.contrib.auth.forms as auth_forms

    User.objects.create_user("grace", password=PASSWORD)
    evaluated, lock = [], threading.Lock()
    real = auth_forms.authenticate

    def slow_authenticate(request=None, **credentials):
        with lock:
            evaluated.append(1)
        time.sleep(0.3)
        return real(request, **credentials)

    monkeypatch.setattr(auth_forms, "authenticate", slow_authenticate)
    barrier, statuses = threading.Barrier(20), []

    def guess():
        barrier.wait()
        statuses.append(login(Client(), "grace", WRONG).status_code)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(evaluated) <= 5 and statuses.count(200) <= 5 and statuses.count(429) >= 15, statuses


# -- V3: the admin login -----------------------------------------------------------------------------------


def test_the_admin_login_is_throttled_too(client):
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    for _ in range(5):
        assert login(client, "boss", WRONG, path="/admin/login/").status_code == 200
    refused = login(client, "boss", PASSWORD, path="/admin/login/")
    assert refused.status_code == 429 and "Too many failed attempts" in refused.content.decode()
    assert client.get("/admin/", REMOTE_ADDR="10.0.0.1").status_code == 302  # still logged out


def test_admin_and_learner_logins_share_the_counters(client):
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    for _ in range(3):
        login(client, "boss", WRONG, path="/admin/login/")
    for _ in range(2):
        login(client, "ｂｏｓｓ", WRONG)
    assert login(client, "boss", PASSWORD, path="/admin/login/").status_code == 429


def test_the_admin_login_still_works(client):
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    assert login(client, "boss", PASSWORD, path="/admin/login/?next=/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200


# -- W1: no lock-out of a right password for everyone behind one address ---------------------------------------


def test_failures_on_other_names_do_not_lock_out_a_learner_behind_the_same_address(client):
    User.objects.create_user("learner", password=PASSWORD)
    for n in range(10):
        login(client, f"made-up-{n}", WRONG, address="192.0.2.1")
    assert login(client, "learner", PASSWORD, address="192.0.2.1").status_code == 302


def test_many_failures_from_one_address_only_slow_it_down(client, monkeypatch):
    from learn import ratelimit

    User.objects.create_user("learner", password=PASSWORD)
    for n in range(40):
        login(client, f"made-up-{n}", WRONG, address="192.0.2.1")
    response = login(client, "learner", PASSWORD, address="192.0.2.1")
    if response.status_code == 429:  # a short delay, never the 15-minute lock-out
        assert 0 < int(response["Retry-After"]) <= 60
        clock = ratelimit.now()
        monkeypatch.setattr(ratelimit, "now", lambda: clock + __import__("datetime").timedelta(seconds=61))
        response = login(client, "learner", PASSWORD, address="192.0.2.1")
    assert response.status_code == 302


def test_one_attacker_address_cannot_lock_a_learner_out(client):
    User.objects.create_user("target", password=PASSWORD)
    for _ in range(8):
        login(client, "target", WRONG, address="203.0.113.66")
    assert login(client, "target", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_success_clears_the_pair_and_forgives_its_typos(client):
    User.objects.create_user("typo", password=PASSWORD)
    for _ in range(4):
        login(client, "typo", WRONG)
    assert login(client, "typo", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert login(client, "typo", WRONG).status_code == 200
    assert login(client, "typo", PASSWORD).status_code == 302


def test_behind_our_proxy_the_forwarded_address_is_the_client(client, settings):
    settings.BEHIND_PROXY = True
    User.objects.create_user("alice", password=PASSWORD)
    for _ in range(5):
        login(client, "alice", WRONG, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    # the same proxy, another client: its own pair
    assert login(client, "alice", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    client.post("/accounts/logout/")
    # a forged left-most entry does not help: our proxy appends the real one on the right
    forged = login(client, "alice", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert forged.status_code == 429


# -- W2: one shared store, whatever the cache --------------------------------------------------------------------


def test_counters_live_in_the_database_shared_by_every_worker(client):
    from django.db import connection

    login(client, "nobody", WRONG)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ratelimit_counter")
        assert cursor.fetchone()[0] >= 2


def test_a_refused_attempt_never_checks_the_password(client, monkeypatch):
    import django.contrib.auth.forms as auth_forms

    User.objects.create_user("ada", password=PASSWORD)
    for _ in range(5):
        login(client, "ada", WRONG)
    checked = []
    monkeypatch.setattr(auth_forms, "authenticate", lambda request=None, **kw: checked.append(kw))
    refused = login(client, "ada", PASSWORD)
    assert refused.status_code == 429 and checked == []
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
