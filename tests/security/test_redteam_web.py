"""Second web red team (R1-R26): attacks the first security test (webapp-security-2026-12.md) did not run.

Each test asserts the SAFE behaviour. Contained attacks pass; findings are strict xfails naming the finding
(W8-W14, numbered after the first report's W1-W7) so that a fix turns them into failures to un-mark.
The same attacks were run by hand against runserver (make run's settings), gunicorn on SQLite and gunicorn on
PostgreSQL + Redis; docs/security.md lists every attack class with its defence and its test.
"""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client

from learn.quiz import questions
from learn.quiz.models import Answer, Attempt
from learn.ratelimit.models import Counter

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def account(name: str, **extra) -> User:
    return User.objects.create_user(name, email=f"{name}@example.com", password=PASSWORD, **extra)


def logged_in(name: str, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    client.force_login(User.objects.get(username=name))
    return client


def start(client: Client, **data) -> Attempt:
    response = client.post("/quiz/start/", {"mode": "practice", "size": "3", **data})
    assert response.status_code == 302, response.content[:300]
    return Attempt.objects.get(id=response["Location"].split("/")[3])


def csrf_token(client: Client, path: str) -> str:
    """The token a browser would send from `path`: in the page, or (a public page, one cached rendering for all)
    from the cookie that the page's personal fragment sets (static/site/csrf.js)."""
    found = TOKEN.search(client.get(path).content.decode())
    if found:
        return found.group(1)
    client.get("/me/fragment/", {"path": path}, headers={"HX-Request": "true"})
    assert "csrftoken" in client.cookies, f"no CSRF token on {path}, nor from its fragment"
    return client.cookies["csrftoken"].value


def browser_target(base: str, location: str) -> tuple[str, str]:
    """Where a browser goes for a Location header: WHATWG parsers treat \\ as / and drop tabs/newlines."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").lstrip("\x00 \x0b\x0c")
    target = urlsplit(urljoin(base, cleaned))
    return target.scheme, target.netloc


# -- IDOR on attempts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["head", "options", "trace", "put", "patch", "delete"])
def test_r1_other_verbs_on_someone_elses_attempt_reveal_and_change_nothing(method):
    account("alice"), account("bob")
    alice = logged_in("alice")
    attempt = start(alice, mode="exam", size="15")
    item = questions.load().items[attempt.item_ids[0]]
    bob = logged_in("bob")
    for suffix in ("1/", "review/", "results/", "submit/"):
        response = getattr(bob, method)(f"/quiz/a/{attempt.id}/{suffix}")
        assert response.status_code in (403, 405), (suffix, response.status_code)
        assert item.stem[:40] not in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not Answer.objects.filter(attempt=attempt, flagged=True).exists()


def test_r2_guessed_and_forged_attempt_ids_are_refused():
    attempt = start(Client())
    assert attempt.id.version == 4  # random ids: nothing sequential to enumerate
    prowler = Client()
    start(prowler)  # the prowler is a learner with a token of their own
    for guess in [uuid.uuid4() for _ in range(20)] + [attempt.id]:
        assert prowler.get(f"/quiz/a/{guess}/review/").status_code == 403
    # a token-less attempt (should one ever exist) belongs to nobody, not to every token-less visitor
    orphan = Attempt.objects.create(mode="practice", title="x", item_ids=attempt.item_ids, session_key="")
    Answer.objects.bulk_create([Answer(attempt=orphan, item_id=i) for i in orphan.item_ids])
    assert Client().get(f"/quiz/a/{orphan.id}/1/").status_code == 403
    assert Client().post(f"/quiz/a/{orphan.id}/submit/").status_code == 403


def test_r3_after_logout_the_next_person_on_the_browser_cannot_open_the_attempt():
    account("carol")
    browser = logged_in("carol")
    attempt = start(browser)
    assert browser.post("/accounts/logout/").status_code == 302
    for suffix in ("1/", "review/", "results/"):
        assert browser.get(f"/quiz/a/{attempt.id}/{suffix}").status_code == 403
    assert browser.post(f"/quiz/a/{attempt.id}/submit/").status_code == 403


# -- exam integrity: timer, deadline and answers during the exam --------------------------------------------


def test_r4_practice_started_before_an_exam_does_not_reveal_its_answers():
    learner = Client()
    practice = start(learner, size="65")  # every family of the bank, one variant each
    exam = start(learner, mode="exam", size="65")
    shared = set(practice.item_ids) & set(exam.item_ids)
    assert shared, "the bank is too small for this attack to find an overlap"
    html = learner.get(f"/quiz/a/{practice.id}/results/").content.decode()
    bank = questions.load()
    # an exam question must not appear at all (its stem, ticks and rationales); matching ticked option text alone
    # would also catch other questions whose right option reads the same (predict variants: "3")
    leaked = [i for i in shared if bank.items[i].stem_html in html]
    assert leaked == []
    assert "also in your running exam" in html


def test_r5_the_exam_clock_comes_from_the_server_only():
    learner = Client()
    exam = start(learner, mode="exam", size="15", minutes="9999", deadline="2099-01-01T00:00:00Z", seconds_left="1")
    assert (exam.deadline - exam.started_at).total_seconds() == pytest.approx(30 * 60, abs=5)
    item = questions.load().items[exam.item_ids[0]]
    learner.post(
        f"/quiz/a/{exam.id}/1/",
        {"dont_know": "1", "deadline": "2099-01-01T00:00:00Z", "minutes": "9999", "submitted_at": "", "score": "1"},
    )
    before = exam.deadline
    exam.refresh_from_db()
    assert exam.deadline == before and exam.submitted_at is None and exam.score is None
    assert item.id in exam.item_ids
    # a second start while one runs is refused until the learner confirms; then it is another attempt with its own
    # clock, never an extension of the first
    second = start(learner, mode="exam", size="65", confirm="submit-running")
    assert second.id != exam.id and Attempt.objects.get(id=exam.id).deadline == before


# -- CSRF -----------------------------------------------------------------------------------------------------


def test_r6_csrf_on_the_posts_the_first_test_did_not_cover():
    account("staffer", is_staff=True, is_superuser=True)
    guarded = Client(enforce_csrf_checks=True)
    token = csrf_token(guarded, "/sources/sqs/")
    attempts = {
        "beacon, text/plain (navigator.sendBeacon)": guarded.post(
            "/sources/sqs/read/", "beacon=1", content_type="text/plain"
        ),
        "beacon, multipart without a token": guarded.post("/sources/sqs/read/", {"beacon": "1"}),
        "beacon, token from another origin": guarded.post(
            "/sources/sqs/read/", {"beacon": "1", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://evil.example"
        ),
        "htmx header, Origin null": guarded.post(
            "/sources/sqs/read/", {"beacon": "1"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="null"
        ),
        "token without its cookie": Client(enforce_csrf_checks=True).post(
            "/sources/sqs/read/", {"beacon": "1", "csrfmiddlewaretoken": token}
        ),
        "sandbox run": guarded.post("/sandbox/", {"action": "run", "code": "x"}),
        "exercise hint": guarded.post("/exercises/alb-responses/", {"action": "hint"}),
    }
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(User.objects.get(username="staffer"))
    attempts["admin delete"] = staff.post(f"/admin/auth/user/{User.objects.get().pk}/delete/", {"post": "yes"})
    attempts["password change"] = staff.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Another-pass-991", "new_password2": "Another-pass-991"},
        HTTP_HX_REQUEST="true",
    )
    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 403)
    assert User.objects.filter(username="staffer").exists() and Session.objects.count() == 1  # staff's own


def test_r7_the_csrf_secret_changes_at_login():
    account("alice")
    browser = Client(enforce_csrf_checks=True)
    token = csrf_token(browser, "/accounts/login/")
    before = browser.cookies["csrftoken"].value
    response = browser.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert browser.cookies["csrftoken"].value != before  # a planted or observed pre-login token is worthless


# -- open redirects ---------------------------------------------------------------------------------------------

REDIRECTS = [
    "/%09/evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "//evil.example%2F@testserver",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "／／evil.example",
    "///evil.example",
    "http:\\\\evil.example",
    "%68ttps://evil.example",
    " //evil.example",
    "\x0b//evil.example",
    "javascript://testserver/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_r8_login_next_never_leaves_the_site(path):
    account("staffer", is_staff=True)
    for target in REDIRECTS:
        client = Client()
        response = client.post(f"{path}?next=/", {"username": "staffer", "password": PASSWORD, "next": target})
        assert response.status_code == 302, target
        scheme, host = browser_target(f"http://testserver{path}", response["Location"])
        assert (scheme, host) == ("http", "testserver"), (target, response["Location"])


def test_r8_logout_sign_up_and_slash_redirects_never_leave_the_site():
    account("bob")
    for target in REDIRECTS:
        client = logged_in("bob")
        response = client.post(f"/accounts/logout/?next={target}", {"next": target})
        scheme, host = browser_target("http://testserver/accounts/logout/", response.get("Location", "/"))
        assert (scheme, host) == ("http", "testserver"), (target, response.get("Location"))
    signup = Client().post(
        "/accounts/signup/?next=//evil.example",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD, "next": "//evil.example"},
    )
    assert signup["Location"] == "/progress/"
    for path in ("//evil.example", "//evil.example/sources", "/\\evil.example/sources"):
        response = Client().get(path)
        if "Location" in response:
            assert browser_target("http://testserver/", response["Location"])[1] == "testserver", path
    item = next(iter(questions.load().items))
    report = Client().post(f"/quiz/item/{item}/report/", {"message": "hello there", "next": "/quiz/\\\\evil.example"})
    assert browser_target("http://testserver/quiz/", report["Location"])[1] == "testserver"


# -- sessions ---------------------------------------------------------------------------------------------------


def test_r9_session_fixation_through_the_admin_login_and_a_planted_id():
    account("staffer", is_staff=True)
    browser = Client()
    browser.cookies["sessionid"] = "attackerchosen0000000000000000000"
    start(browser)  # anonymous work: a real session exists now
    anonymous = browser.cookies["sessionid"].value
    assert anonymous != "attackerchosen0000000000000000000"
    assert browser.post("/admin/login/", {"username": "staffer", "password": PASSWORD}).status_code == 302
    assert browser.cookies["sessionid"].value != anonymous
    thief = Client()
    thief.cookies["sessionid"] = anonymous  # the id an attacker saw before the login
    assert thief.get("/admin/").status_code == 302
    assert not Session.objects.filter(session_key=anonymous).exists()


def test_r10_a_password_reset_logs_out_every_other_session():
    account("alice")
    stolen = logged_in("alice")  # a session somebody else holds
    owner = Client()
    assert owner.post("/accounts/password_reset/", {"email": "alice@example.com"}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = owner.get(link, follow=True)
    assert form.status_code == 200
    done = owner.post(
        form.redirect_chain[-1][0], {"new_password1": "Fresh-pass-4412", "new_password2": "Fresh-pass-4412"}
    )
    assert done.status_code == 302
    assert stolen.get("/accounts/password_change/").status_code == 302  # sent to the login page
    assert owner.get(link, follow=True).context["validlink"] is False  # the link is spent


# -- clickjacking --------------------------------------------------------------------------------------------------


def framing_headers(response) -> tuple[str | None, bool]:
    return response.get("X-Frame-Options"), "frame-ancestors 'none'" in response.get("Content-Security-Policy", "")


def test_r11_every_page_type_refuses_to_be_framed():
    account("alice")
    other = start(Client())
    learner = Client()
    attempt = start(learner, mode="exam", size="15")
    visitor = Client()
    token = csrf_token(visitor, "/sources/sqs/")
    responses = {
        "home": learner.get("/"),
        "grid partial": learner.get("/sources/?model=poll", HTTP_HX_REQUEST="true"),
        "lesson": learner.get("/sources/sqs/"),
        "exam question": learner.get(f"/quiz/a/{attempt.id}/1/"),
        "exam question partial": learner.get(f"/quiz/a/{attempt.id}/1/", HTTP_HX_REQUEST="true"),
        "review": learner.get(f"/quiz/a/{attempt.id}/review/"),
        "someone else's attempt (403)": learner.get(f"/quiz/a/{other.id}/1/"),
        "404": learner.get("/nowhere/"),
        "405": learner.get("/accounts/logout/"),
        "csrf 403": Client(enforce_csrf_checks=True).post("/quiz/start/"),
        "beacon 204": visitor.post("/sources/sqs/read/", {"beacon": "1", "csrfmiddlewaretoken": token}),
        "json": learner.get("/api/catalog.json"),
        "login": learner.get("/accounts/login/"),
        "admin login": learner.get("/admin/login/"),
        "sandbox": learner.get("/sandbox/"),
        "sandbox threat model": learner.get("/sandbox/security/"),
        "exercise": learner.get("/exercises/alb-responses/"),
        "dashboard": learner.get("/progress/"),
    }
    missing = {name: framing_headers(r) for name, r in responses.items() if framing_headers(r) != ("DENY", True)}
    assert missing == {}


def test_r11_early_400_pages_refuse_to_be_framed_too():
    responses = {
        "NUL": Client().get("/search/?q=%00"),
        "bad host": Client().get("/", HTTP_HOST="evil.example"),
        "utf-16 form": Client().generic(
            "POST", "/quiz/start/", b"m=x", content_type="application/x-www-form-urlencoded; charset=utf-16"
        ),
    }
    assert {n: r.status_code for n, r in responses.items()} == dict.fromkeys(responses, 400)
    assert {n: framing_headers(r) for n, r in responses.items()} == dict.fromkeys(responses, ("DENY", True))


# -- the shared fragment cache ------------------------------------------------------------------------------------

POISON = "EVILQ7"


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"HTTP_HX_REQUEST": "true"}, ""),
        ({"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, ""),
        (
            {
                "HTTP_HX_CURRENT_URL": f"http://evil.example/{POISON}",
                "HTTP_HX_TARGET": POISON,
                "HTTP_HX_TRIGGER_NAME": POISON,
                "HTTP_REFERER": f"http://evil.example/{POISON}",
            },
            f"?preset={POISON}&uid={POISON}&model={POISON}&source={POISON}",
        ),
        ({"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": "de"}, ""),
        ({"HTTP_COOKIE": f"csrftoken={POISON * 5}"}, ""),
    ],
)
@pytest.mark.parametrize("page", ["/sources/sqs/", "/models/poll/", "/sources/?model=poll"])
def test_r12_a_cold_fragment_filled_by_an_odd_request_is_clean_for_the_next_learner(page, headers, query):
    cache.clear()
    account("staffer", is_staff=True)
    odd = logged_in("staffer")  # the first renderer is also a logged-in member of staff
    assert odd.get(page + (("&" if "?" in page else "?") + query[1:] if query else ""), **headers).status_code == 200
    html = Client().get(page).content.decode()
    assert POISON not in html and "staffer" not in html and "localhost" not in html
    assert "<nav" in html and "<title>" in html  # a whole page, not a partial


def test_r13_cached_lessons_hold_no_csrf_token_of_another_learner():
    cache.clear()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/sources/kinesis/")  # fills the cache
    token = csrf_token(second, "/sources/kinesis/")
    assert second.post("/sources/kinesis/read/", {"csrfmiddlewaretoken": token}).status_code == 302


# -- rate limits --------------------------------------------------------------------------------------------------

SPOOFS = [
    {"HTTP_X_FORWARDED_FOR": "203.0.113.{n}"},
    {"HTTP_X_REAL_IP": "203.0.113.{n}"},
    {"HTTP_FORWARDED": "for=203.0.113.{n}"},
    {"HTTP_X_CLIENT_IP": "203.0.113.{n}", "HTTP_TRUE_CLIENT_IP": "203.0.113.{n}"},
    {"HTTP_CF_CONNECTING_IP": "203.0.113.{n}", "HTTP_X_FORWARDED_FOR": "203.0.113.{n}, 198.51.100.{n}"},
]


def test_r14_forwarding_headers_do_not_split_the_limits_without_our_proxy(settings):
    settings.EXAM_STARTS_PER_ADDRESS_PER_HOUR = 2
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    settings.PROBLEM_REPORTS_PER_ADDRESS_PER_HOUR = 2
    item = next(iter(questions.load().items))
    starts, signups, reports = [], [], []
    for n, spoof in enumerate(SPOOFS):
        headers = {k: v.format(n=n) for k, v in spoof.items()}
        starts.append(Client().post("/quiz/start/", {"mode": "exam", "size": "15"}, **headers).status_code)
        signups.append(Client().post("/accounts/signup/", {"username": f"s{n}"}, **headers).status_code)
        reports.append(Client().post(f"/quiz/item/{item}/report/", {"message": "a problem"}, **headers).status_code)
    assert starts[2:] == signups[2:] == reports[2:] == [429] * (len(SPOOFS) - 2)


def test_r15_behind_our_proxy_only_the_entry_it_appended_counts(settings):
    settings.BEHIND_PROXY = True
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    statuses = [
        Client()
        .post(
            "/accounts/signup/",
            {"username": f"p{n}"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 1.2.3.{n}, 192.0.2.44",  # the client forged the first two
        )
        .status_code
        for n in range(4)
    ]
    assert statuses[2:] == [429, 429]


def test_r15_forwarded_addresses_are_trusted_only_from_the_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    statuses = [
        Client()
        .post("/accounts/signup/", {"username": "d"}, REMOTE_ADDR="198.51.100.77", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .status_code
        for n in range(4)
    ]
    assert statuses[2:] == [429, 429]


def test_r16_ipv6_clients_are_counted_per_64_and_mapped_v4_is_v4(settings):
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2

    def signup(address: str) -> int:
        return Client().post("/accounts/signup/", {"username": "x"}, REMOTE_ADDR=address).status_code

    assert [signup(a) for a in ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::abcd")] == [
        400,
        400,
        429,
    ]
    assert [signup(a) for a in ("198.51.100.9", "::ffff:198.51.100.9", "::ffff:c633:6409")] == [400, 400, 429]


def test_r16_one_ipv6_site_does_not_get_a_fresh_allowance_per_64(settings):
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    statuses = [
        Client().post("/accounts/signup/", {"username": "x"}, REMOTE_ADDR=f"2001:db8:77:{n:x}::1").status_code
        for n in range(60)  # sixty /64s of one /48: 120 tries at a limit of 2 per address
    ]
    assert 429 in statuses


def test_r17_unicode_spellings_of_an_email_get_no_extra_reset_mails():
    account("victim")
    spellings = [
        "victim@example.com",
        "VICTIM@EXAMPLE.COM",
        " victim@example.com ",
        "ｖｉｃｔｉｍ@example.com",
        "𝐯𝐢𝐜𝐭𝐢𝐦@example.com",
        "vıctim@example.com",  # dotless i: PostgreSQL's UPPER() maps it to I
        "victim@example.com\u200b",
        "victim@exampl\u0435.com",  # Cyrillic e
        "victim@example.com.",
        "VİCTİM@example.com",  # dotted capital I
    ]
    for n, email in enumerate(spellings):
        Client().post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=f"203.0.113.{n}")
    assert len(mail.outbox) <= 3
    assert all(m.to == ["victim@example.com"] for m in mail.outbox)


# -- password reset: Host, timing ---------------------------------------------------------------------------------


def test_r18_reset_links_ignore_forwarded_host_headers():
    account("alice")
    Client().post(
        "/accounts/password_reset/",
        {"email": "alice@example.com"},
        HTTP_X_FORWARDED_HOST="evil.example",
        HTTP_X_FORWARDED_SERVER="evil.example",
        HTTP_FORWARDED="host=evil.example",
    )
    assert "evil.example" not in mail.outbox[0].body
    assert (
        Client().post("/accounts/password_reset/", {"email": "alice@example.com"}, HTTP_HOST="evil.example").status_code
        == 400
    )


def test_r18_reset_links_point_at_the_site_whatever_port_the_request_named(settings):
    account("alice")
    settings.SITE_DOMAIN = "learn.example"  # DJANGO_SITE_DOMAIN; without it, the first of ALLOWED_HOSTS
    Client().post("/accounts/password_reset/", {"email": "alice@example.com"}, HTTP_HOST="testserver:6666")
    link = re.search(r"https?://(\S+?)/accounts/reset/", mail.outbox[0].body).group(1)
    assert link == "learn.example"


def test_r19_reset_answers_as_fast_for_a_known_address_as_for_an_unknown_one(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    sent = EmailBackend.send_messages

    def slow_smtp(self, messages):  # an SMTP round trip
        time.sleep(0.4)
        return sent(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_smtp)
    from learn.progress import resetmail

    monkeypatch.setattr(resetmail, "BACKGROUND", True)  # as in production (tests send inline by default)
    account("alice")

    def timed(email: str, n: int) -> float:
        began = time.perf_counter()
        assert (
            Client().post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=f"203.0.113.{n}").status_code
            == 302
        )
        return time.perf_counter() - began

    timed("someone@example.com", 3)  # the first request of a process pays for loading the view and its templates
    assert abs(timed("alice@example.com", 1) - timed("nobody@example.com", 2)) < 0.2
    resetmail.wait()
    assert len(mail.outbox) == 1  # and the mail still goes out


# -- error pages, verbs, headers ----------------------------------------------------------------------------------


def test_r20_error_pages_disclose_nothing(monkeypatch):
    from learn.lessons import views

    def boom(request):
        raise RuntimeError("secret-internal-detail DATABASE_URL=postgres://u:p@db/x")

    monkeypatch.setattr(views, "catalog_json", boom)
    import learn.lessons.urls as lesson_urls

    monkeypatch.setattr(lesson_urls.urlpatterns[-1], "callback", boom)
    server = Client(raise_request_exception=False)
    pages = {
        "500": server.get("/api/catalog.json"),
        "404": server.get("/<script>x</script>/"),
        "403 csrf": Client(enforce_csrf_checks=True).post("/quiz/start/"),
        "405": server.put("/quiz/start/"),
        "400": server.get("/?q=%00"),
    }
    assert pages["500"].status_code == 500
    for name, response in pages.items():
        body = response.content.decode()
        for leak in ("secret-internal-detail", "Traceback", "DATABASE_URL", "/work/", "site-packages", "Reason given"):
            assert leak not in body, (name, leak)
        assert "<script>x" not in body


def test_r21_views_answer_unexpected_verbs_with_405():
    learner = Client()
    attempt = start(learner)
    for path in (f"/quiz/a/{attempt.id}/1/", "/sandbox/", "/exercises/alb-responses/"):
        for method in ("trace", "options", "put", "patch", "delete"):
            assert getattr(learner, method)(path).status_code == 405, (method, path)


def test_r22_oversized_and_malformed_cookies_and_headers_are_not_5xx():
    learner = Client()
    attempt = start(learner)
    cases = [
        {"HTTP_COOKIE": "sessionid=" + "z" * 7000},
        {"HTTP_COOKIE": "; ".join(f"c{i}=v" for i in range(1000))},
        {"HTTP_COOKIE": "csrftoken=" + "\u00ff" * 64 + "; sessionid=../../etc/passwd"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "x" * 60_000, "HTTP_HX_TARGET": "\x7f" * 100},
        {"HTTP_X_FORWARDED_FOR": ",".join(["1.1.1.1"] * 5000)},
        {"HTTP_ACCEPT": "*/*;q=" + "9" * 5000},
    ]
    for headers in cases:
        for path in ("/", "/sources/sqs/", f"/quiz/a/{attempt.id}/1/", "/progress/"):
            assert Client().get(path, **headers).status_code < 500, (path, list(headers))


def test_r23_cookieless_beacons_cannot_store_sessions_without_limit():
    harvest = Client()
    token = csrf_token(harvest, "/sources/sqs/")
    pair = harvest.cookies["csrftoken"].value
    statuses = []
    for _ in range(400):
        bot = Client(enforce_csrf_checks=True)
        bot.cookies["csrftoken"] = pair  # the same harvested pair, replayed
        statuses.append(bot.post("/sources/sqs/read/", {"csrfmiddlewaretoken": token, "beacon": "1"}).status_code)
    assert 429 in statuses or Session.objects.count() < 400


def test_r24_refused_logins_with_random_names_store_no_rows(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS_FREE = 1
    for _ in range(3):
        Client().post("/accounts/login/", {"username": uuid.uuid4().hex, "password": "x"}, REMOTE_ADDR="192.0.2.9")
    before = Counter.objects.count()
    statuses = [
        Client()
        .post("/accounts/login/", {"username": uuid.uuid4().hex, "password": "x"}, REMOTE_ADDR="192.0.2.9")
        .status_code
        for _ in range(50)
    ]
    assert statuses.count(429) >= 45
    assert Counter.objects.count() - before <= 5


def test_r25_no_login_path_skips_the_throttle(monkeypatch):
    account("staffer", is_staff=True, is_superuser=True)
    from django.contrib.auth.backends import ModelBackend

    checks = []
    real = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checks.append(request.path if request else "")
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    form = {"username": "staffer", "password": PASSWORD, "this_is_the_login_form": "1", "next": "/admin/"}
    for path in (
        "/admin/",
        "/admin/auth/user/",
        "/admin/login",
        "/accounts/login",
        "/accounts//login/",
        "/ACCOUNTS/LOGIN/",
    ):
        client = Client()
        client.post(path, form)
        assert "_auth_user_id" not in client.session, path
    assert checks == []  # no password was checked outside the throttled views


def test_r26_the_mark_as_read_beacon_only_marks_the_lesson_it_names():
    learner = Client()
    for slug in ("../quiz", "sqs%2F..%2Fkinesis", "SQS", "sqs/../kinesis"):
        response = learner.post(f"/sources/{slug}/read/", {"beacon": "1"})
        assert response.status_code in (404, 301, 302, 405), slug
    from learn.progress.models import LessonRead

    assert LessonRead.objects.count() == 0
