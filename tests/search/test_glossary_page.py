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


def test_every_taught_in_link_lands_on_an_anchor_of_its_lesson(client):
    """The glossary points into lessons by section: those anchors must exist on the lesson page as rendered."""
    wanted: dict[str, set[str]] = {}
    for term in glossary().terms:
        for place in term.taught:
            if place.kind == "lesson" and place.section:
                wanted.setdefault(place.target, set()).add(place.section)
    for slug, sections in wanted.items():
        html = client.get(reverse("lessons:lesson", args=[slug])).content.decode()
        missing = {s for s in sections if f'id="{s}"' not in html}
        assert not missing, f"/sources/{slug}/ has no #{', #'.join(sorted(missing))}"


def test_each_term_links_to_a_search_for_it(client):
    html = client.get(reverse("search:glossary")).content.decode()
    assert 'href="/search/?q=Dead-letter%20queue"' in html
