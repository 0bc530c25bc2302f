from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import User

from learn.classes import codes, report, services
from learn.classes.models import Classroom, Membership
from learn.quiz import questions
from learn.quiz.models import Attempt
from tests.quiz.answers import wrong_multiple_choice

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-77"


# force_login needs no password: users without one skip the slow password hashing
@pytest.fixture
def teacher():
    return User.objects.create_user("teacher")


@pytest.fixture
def ada():
    return User.objects.create_user("ada")


@pytest.fixture
def classroom(teacher):
    return services.create(teacher, "Serverless 101")


def signed_in(client, user):
    client.force_login(user)
    return client


def answer_one(client, source: str = "sqs", correct: bool = True) -> Attempt:
    client.post("/quiz/start/", {"mode": "practice", "size": "5", "source": source})
    attempt = Attempt.objects.latest("started_at")
    item = questions.load().items[attempt.item_ids[0]]
    if item.type == "ordering":
        keys = [o.key for o in item.options] if correct else [o.key for o in reversed(item.options)]
        data = {f"position-{k}": str(n) for n, k in enumerate(keys, start=1)}
    elif item.type == "multiple":
        data = {"choice": list(item.correct_keys)} if correct else {"choice": wrong_multiple_choice(item)}
    else:
        data = {"choice": item.correct_keys[0] if correct else next(o.key for o in item.options if not o.correct)}
    client.post(f"/quiz/a/{attempt.id}/1/", data)
    return attempt


# -- codes ----------------------------------------------------------------------------------------------------


def test_a_join_code_is_eight_unambiguous_characters(classroom):
    assert len(classroom.join_code) == 8
    assert set(classroom.join_code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)


def test_codes_are_shown_with_a_hyphen_and_accepted_as_typed():
    assert codes.display("ABCD2345") == "ABCD-2345"
    assert codes.normalise(" abcd-2345 ") == "ABCD2345"


def test_a_code_clash_draws_another_code(teacher, monkeypatch):
    first = services.create(teacher, "One")
    drawn = iter([first.join_code, "QRST6789"])
    monkeypatch.setattr(codes, "new", lambda: next(drawn))
    second = services.create(teacher, "Two")
    assert second.join_code == "QRST6789"


def test_codes_differ_between_classes(teacher):
    made = {services.create(teacher, f"Class {n}").join_code for n in range(20)}
    assert len(made) == 20


def test_a_new_code_replaces_the_old_one(client, classroom, ada):
    old = classroom.join_code
    signed_in(client, classroom.instructor).post(f"/classes/{classroom.pk}/code/")
    classroom.refresh_from_db()
    assert classroom.join_code != old and codes.well_formed(classroom.join_code)
    signed_in(client, ada)
    response = client.post("/classes/join/", {"code": old})
    assert response.status_code == 422
    assert "No class has the code" in response.content.decode()


# -- joining, leaving, removing -----------------------------------------------------------------------------


def test_a_learner_joins_with_the_code_typed_loosely(client, classroom, ada):
    typed = codes.display(classroom.join_code).lower()
    response = signed_in(client, ada).post("/classes/join/", {"code": typed}, follow=True)
    assert Membership.objects.filter(classroom=classroom, learner=ada).exists()
    assert "You joined “Serverless 101”" in response.content.decode()


def test_joining_twice_is_harmless(client, classroom, ada):
    signed_in(client, ada)
    client.post("/classes/join/", {"code": classroom.join_code})
    response = client.post("/classes/join/", {"code": classroom.join_code}, follow=True)
    assert Membership.objects.filter(classroom=classroom, learner=ada).count() == 1
    assert "already in" in response.content.decode()


def test_a_wrong_code_says_so_and_keeps_what_was_typed(client, ada):
    response = signed_in(client, ada).post("/classes/join/", {"code": "zzzz-9999"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "No class has the code ZZZZ-9999" in html and 'value="zzzz-9999"' in html


def test_a_code_of_the_wrong_length_is_explained(client, ada):
    response = signed_in(client, ada).post("/classes/join/", {"code": "ABC"})
    assert response.status_code == 422
    assert "has 8 letters and digits; this one has 3" in response.content.decode()


def test_an_instructor_cannot_join_their_own_class(client, classroom):
    response = signed_in(client, classroom.instructor).post("/classes/join/", {"code": classroom.join_code})
    assert response.status_code == 422
    assert not Membership.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in_with_the_code_kept(client, classroom):
    code = codes.display(classroom.join_code)
    html = client.get(f"/classes/join/?code={code}").content.decode()
    assert code in html
    assert f"/accounts/login/?next=%2Fclasses%2Fjoin%2F%3Fcode%3D{code}" in html
    assert f"/classes/join/signup/?code={code}" in html
    assert client.post("/classes/join/", {"code": code}).status_code == 200  # asked again, nothing joined
    assert not Membership.objects.exists()


def test_signing_up_from_the_join_page_comes_back_with_the_code(client, classroom):
    code = codes.display(classroom.join_code)
    response = client.post(
        f"/classes/join/signup/?code={code}", {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == f"/classes/join/?code={code}"
    assert f'value="{code}"' in client.get(response["Location"]).content.decode()


def test_logging_in_from_the_join_page_comes_back_with_the_code(client, classroom, ada):
    ada.set_password(PASSWORD)
    ada.save()
    code = codes.display(classroom.join_code)
    response = client.post(
        f"/accounts/login/?next=/classes/join/%3Fcode%3D{code}", {"username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == f"/classes/join/?code={code}"


def test_a_full_class_says_so(client, classroom, ada, settings):
    settings.CLASS_MAX_LEARNERS = 1
    services.join(User.objects.create_user("first"), classroom.join_code)
    response = signed_in(client, ada).post("/classes/join/", {"code": classroom.join_code})
    assert response.status_code == 422 and "This class is full: it has 1 learner." in response.content.decode()
    assert not Membership.objects.filter(learner=ada).exists()


def test_a_learner_can_leave(client, classroom, ada):
    services.join(ada, classroom.join_code)
    response = signed_in(client, ada).post(f"/classes/{classroom.pk}/leave/", follow=True)
    assert not Membership.objects.exists()
    assert "You left" in response.content.decode()


def test_the_instructor_removes_a_member(client, classroom, ada):
    services.join(ada, classroom.join_code)
    signed_in(client, classroom.instructor).post(f"/classes/{classroom.pk}/learners/{ada.pk}/remove/")
    assert not Membership.objects.exists()


def test_my_classes_lists_both_roles(client, classroom, ada, teacher):
    other = services.create(ada, "Ada's own class")
    services.join(teacher, other.join_code)
    html = signed_in(client, teacher).get("/classes/").content.decode()
    assert "Serverless 101" in html and "Ada&#x27;s own class" in html and "Instructor: ada" in html


# -- who may see what ------------------------------------------------------------------------------------------


def _class_urls(classroom, learner):
    return [
        f"/classes/{classroom.pk}/",
        f"/classes/{classroom.pk}/export.csv",
        f"/classes/{classroom.pk}/learners/{learner.pk}/",
    ]


@pytest.mark.parametrize("who", ["stranger", "member"])
def test_only_the_instructor_sees_a_class(client, classroom, ada, who):
    services.join(ada, classroom.join_code)
    visitor = User.objects.create_user("mallory") if who == "stranger" else ada
    signed_in(client, visitor)
    for url in _class_urls(classroom, ada):
        response = client.get(url)
        assert response.status_code == 404, url
        assert classroom.join_code not in response.content.decode()
    assert client.post(f"/classes/{classroom.pk}/learners/{ada.pk}/remove/").status_code == 404
    assert client.post(f"/classes/{classroom.pk}/code/").status_code == 404
    assert client.post(f"/classes/{classroom.pk}/delete/", {"confirm": "yes"}).status_code == 404
    assert Membership.objects.filter(learner=ada).exists()
    assert Classroom.objects.get(pk=classroom.pk).join_code == classroom.join_code


def test_an_anonymous_visitor_is_sent_to_log_in(client, classroom, ada):
    services.join(ada, classroom.join_code)
    for url in _class_urls(classroom, ada):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_a_learner_page_needs_the_learner_in_this_class(client, classroom, teacher):
    outsider = User.objects.create_user("outsider")
    assert signed_in(client, teacher).get(f"/classes/{classroom.pk}/learners/{outsider.pk}/").status_code == 404


# -- the instructor's view and the CSV -------------------------------------------------------------------------


def test_an_empty_class_shows_its_code_and_how_to_share_it(client, classroom):
    html = signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/").content.decode()
    assert codes.display(classroom.join_code) in html
    assert "No learners yet" in html and f"/classes/join/?code={codes.display(classroom.join_code)}" in html


def test_the_class_page_shows_a_learners_progress(client, classroom, ada):
    services.join(ada, classroom.join_code)
    attempt = answer_one(signed_in(client, ada), "sqs", correct=True)
    sources = questions.load().items[attempt.item_ids[0]].sources  # an item may be about more than one source
    html = signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/").content.decode()
    assert ">ada</a>" in html and f"0 mastered · {len(sources)} started" in html and "not yet" not in html
    assert "Mastery by source" in html and "/sources/sqs/" in html
    assert '<span class="mastery-cell tone-started">100%<span class="visually-hidden"> started</span>' in html
    learner_html = client.get(f"/classes/{classroom.pk}/learners/{ada.pk}/").content.decode()
    assert "Mastery by source" in learner_html and "100%" in learner_html
    assert "Next: " in learner_html  # each path's next step


def test_deleting_a_class_needs_the_box_ticked(client, classroom, ada):
    services.join(ada, classroom.join_code)
    signed_in(client, classroom.instructor)
    response = client.post(f"/classes/{classroom.pk}/delete/")
    assert response.status_code == 422 and "Tick the box" in response.content.decode()
    assert Classroom.objects.exists()
    response = client.post(f"/classes/{classroom.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    assert not Classroom.objects.exists() and not Membership.objects.exists()
    assert User.objects.filter(pk=ada.pk).exists()


def test_learners_sort_by_a_path_or_by_last_active(client, classroom, ada):
    zoe = User.objects.create_user("zoe")
    services.join(ada, classroom.join_code)
    services.join(zoe, classroom.join_code)
    signed_in(client, zoe).post("/sources/api-gateway-http/read/")  # Foundations' first lesson
    signed_in(client, classroom.instructor)

    def order(sort: str) -> list[str]:
        html = client.get(f"/classes/{classroom.pk}/?sort={sort}").content.decode()
        table = html.split('id="learners-h"')[1].split("</table>")[0]
        return re.findall(r'<th scope="row"><a href="[^"]+">(\w+)</a>', table)

    assert order("name") == ["ada", "zoe"]
    assert order("path:foundations") == ["zoe", "ada"]
    assert order("active") == ["zoe", "ada"]
    assert order("nonsense") == ["ada", "zoe"]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_a_header_and_one_row_per_learner(client, classroom, ada):
    grace = User.objects.create_user("grace")
    services.join(ada, classroom.join_code)
    services.join(grace, classroom.join_code)
    answer_one(signed_in(client, ada), "sqs", correct=False)
    rows = read_csv(signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/export.csv"))
    header, *learners = rows
    assert header[:3] == ["learner", "joined", "last active"]
    assert "SQS mastery %" in header
    assert [r[0] for r in learners] == ["ada", "grace"]
    sqs = header.index("SQS mastery %")
    assert learners[0][sqs] == "0" and learners[1][sqs] == ""  # answered wrong, versus no evidence
    assert all(len(r) == len(header) for r in learners)


def test_the_csv_has_done_and_total_columns_per_path(client, classroom, ada, monkeypatch):
    services.join(ada, classroom.join_code)
    paths = (report.PathRow("foundations", "Foundations", 3, 12),)
    monkeypatch.setattr(report, "learner_progress", lambda user_id: report.Progress(paths=paths))
    header, row = read_csv(signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/export.csv"))
    assert row[header.index("Foundations (steps done)")] == "3"
    assert row[header.index("Foundations (steps in path)")] == "12"


def test_a_lesson_marked_read_moves_the_learner_along_the_path(client, classroom, ada):
    from learn.course import paths

    foundations = paths.all_paths()["foundations"]
    services.join(ada, classroom.join_code)
    signed_in(client, ada).post("/sources/api-gateway-http/read/")  # the path's first lesson
    header, row = read_csv(signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/export.csv"))
    assert row[header.index(f"{foundations.title} (steps done)")] == "1"
    assert row[header.index(f"{foundations.title} (steps in path)")] == str(len(foundations.steps))
    html = client.get(f"/classes/{classroom.pk}/").content.decode()
    assert f"1 of {len(foundations.steps)}" in html


@pytest.mark.parametrize("name", ["+SUM(1)", "-2+3", "@cmd", "=HYPERLINK"])
def test_csv_cells_that_look_like_formulas_are_neutralised(client, classroom, name):
    learner = User.objects.create_user("x")
    User.objects.filter(pk=learner.pk).update(username=name)  # '=' is not allowed in usernames, but be safe
    services.join(learner, classroom.join_code)
    header, row = read_csv(signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/export.csv"))
    assert row[0] == "'" + name


def test_names_outside_ascii_survive_the_csv(client, classroom):
    services.join(User.objects.create_user("zoë"), classroom.join_code)
    header, row = read_csv(signed_in(client, classroom.instructor).get(f"/classes/{classroom.pk}/export.csv"))
    assert row[0] == "zoë"


def test_plain_cells_are_left_alone():
    assert report.cell("ada") == "ada" and report.cell(42) == "42" and report.cell(None) == ""


# -- rate limits ----------------------------------------------------------------------------------------------


def test_joining_is_rate_limited_per_account(client, classroom, ada, settings):
    settings.CLASS_JOINS_PER_USER_PER_HOUR = 2
    signed_in(client, ada)
    for _ in range(2):
        assert client.post("/classes/join/", {"code": "WRNG-2345"}).status_code == 422
    refused = client.post("/classes/join/", {"code": classroom.join_code})
    assert refused.status_code == 429 and "Retry-After" in refused
    html = refused.content.decode()
    assert "tried to join classes too often" in html and f'value="{classroom.join_code}"' in html  # code kept
    assert not Membership.objects.exists()


def test_joining_is_rate_limited_per_address(client, classroom, settings):
    settings.CLASS_JOINS_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        signed_in(client, User.objects.create_user(f"l{n}"))
        assert client.post("/classes/join/", {"code": "WRNG-2345"}).status_code == 422
    signed_in(client, User.objects.create_user("l3"))
    assert client.post("/classes/join/", {"code": classroom.join_code}).status_code == 429


def test_creating_classes_is_rate_limited(client, teacher, settings):
    settings.CLASSES_CREATED_PER_USER_PER_HOUR = 1
    signed_in(client, teacher)
    assert client.post("/classes/new/", {"name": "One"}).status_code == 302
    refused = client.post("/classes/new/", {"name": "Two"})
    assert refused.status_code == 429 and 'value="Two"' in refused.content.decode()
    assert Classroom.objects.count() == 1


def test_a_class_needs_a_name(client, teacher):
    response = signed_in(client, teacher).post("/classes/new/", {"name": "   "})
    assert response.status_code == 422
    assert not Classroom.objects.exists()
