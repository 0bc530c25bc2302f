"""Odd form bodies to the checkpoint and path views (raw bytes a browser never sends): never a 5xx."""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest

from tests.course.helpers import items

pytestmark = pytest.mark.django_db

ODD = [b"", b"\x00", b"\xed\xa0\x80", b"\xff\xfe", b"9" * 5000, b"z", b"a", b"A", b"retake", b"1", b"-1"]


def post(client, url: str, pairs: list[tuple[bytes, bytes]], htmx: bool):
    body = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.generic("POST", url, body, "application/x-www-form-urlencoded", **headers)


@pytest.mark.parametrize("htmx", [False, True])
def test_odd_checkpoint_answers_never_get_a_5xx(client, htmx):
    item = items("sqs")[0].id.encode()
    for odd in ODD:
        for pairs in (
            [(b"item", odd), (b"choice", b"a")],
            [(b"item", item), (b"choice", odd)],
            [(b"item", item), (b"choice", b"a"), (b"choice", odd)],
            [(b"item", item), (b"dont_know", odd)],
            [(b"action", odd)],
            [(b"item", item), (b"choice", b"a"), (b"item", odd)],
        ):
            response = post(client, "/course/checkpoint/sqs/", pairs, htmx)
            assert response.status_code < 500, (pairs, response.status_code)


def test_odd_path_urls_never_get_a_5xx(client):
    for url in ("/paths/%00/", "/paths/foundations/steps/0/done/", "/paths/foundations/steps/99999999999/done/"):
        assert client.post(url).status_code < 500
        assert client.get(url).status_code < 500
