"""/glossary/: every term with an anchor, its definition, AWS link and where it is taught; an A–Z jump list."""

from __future__ import annotations

from django.urls import reverse

from learn.search.glossary import glossary


def test_every_term_has_an_anchor_and_its_links(client):
    response = client.get(reverse("search:glossary"))
    assert response.status_code == 200
    html = response.content.decode()
    for term in glossary().terms:
        assert f'id="{term.id}"' in html
        assert term.doc in html
    assert 'href="/sources/sqs/#retries"' in html  # where the DLQ is taught
    assert 'href="/exercises/kinesis-poison/"' in html


def test_the_az_list_links_the_letters_in_use_only(client):
    html = client.get(reverse("search:glossary")).content.decode()
    assert 'href="#letter-D"' in html
    assert 'href="#letter-Q"' not in html and ">Q</span>" in html
