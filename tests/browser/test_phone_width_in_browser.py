"""Nothing sticks out sideways on a 390-px phone: every exercise (B11: the EventBridge statement's routing table
was 457 px wide) and the course's own pages."""

from __future__ import annotations

import pytest

from learn.exercises import service as exercises

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/paths/", "/paths/foundations/", "/glossary/", "/search/?q=dlq", "/exercises/", "/sources/"]


def test_no_page_is_wider_than_a_phone(phone):
    wide = []
    for url in PAGES + [f"/exercises/{slug}/" for slug in exercises.exercises()]:
        phone.goto(url)
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide.append((url, overflow))
    assert wide == []
