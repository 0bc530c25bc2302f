from __future__ import annotations


def test_the_sandbox_page_links_the_threat_model_which_lists_attacks_and_tests(client):
    page = client.get("/sources/sqs/sandbox/")
    assert b'href="/sandbox/security/"' in page.content
    doc = client.get("/sandbox/security/")
    assert doc.status_code == 200
    text = doc.content.decode()
    assert "<table>" in text and "A1" in text and "test_a1_" in text and "Known limits" in text
