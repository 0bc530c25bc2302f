"""The wiring lab's pages: the lab, a source's shipped template, the exercises; input errors never cost the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils.html import escape

from learn.wiring import exercises

pytestmark = pytest.mark.django_db

EXERCISES = Path(__file__).resolve().parents[2] / "content" / "wiring-exercises"
# A property Lambda's event source mapping does not have: cfn-lint reports it on its line.
FAULTY = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: "def handler(event, context): pass"
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
      BatchSise: 10
"""


def html(response) -> str:
    return response.content.decode()


def editor_text(page: str) -> str:
    """What the page's editor holds (the textarea named template)."""
    return page.split('name="template"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]


def test_lab_page_offers_an_editor_and_a_check_button(client):
    page = html(client.get("/wiring/"))
    assert 'name="template"' in page and 'data-editor="yaml"' in page
    assert "Check</button>" in page
    assert 'hx-post="/wiring/"' in page and "Checking…" in page


def test_lab_opens_a_sources_shipped_template(client):
    page = html(client.get("/wiring/?from=kinesis"))
    assert "AWS::Kinesis::Stream" in page or "Kinesis" in page
    assert 'href="/wiring/kinesis/"' in page


def test_check_shows_a_cfn_lint_finding_with_its_line(client):
    response = client.post("/wiring/", {"template": FAULTY})
    page = html(response)
    assert response.status_code == 200
    assert "BatchSise" in page
    assert 'data-goto-line="18"' in page
    assert "<nav" in page  # without htmx, the whole page comes back, with the text in the editor
    assert "BatchSise: 10" in editor_text(page)


def test_htmx_check_returns_only_the_results(client):
    response = client.post("/wiring/", {"template": FAULTY}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert response.status_code == 200
    assert 'id="feedback"' in page and "BatchSise" in page
    assert "<nav" not in page and "<textarea" not in page
    assert "HX-Request" in response["Vary"]


def test_check_lists_the_wirings_with_a_scenario_menu(client):
    starter = exercises.get("kinesis-poison-record").starter
    page = html(client.post("/wiring/", {"template": starter}, HTTP_HX_REQUEST="true"))
    assert "Wirings found" in page
    assert 'name="scenario-0"' in page and "Simulate this configuration" in page


def test_simulate_shows_the_engines_diagram_with_the_templates_settings(client):
    solution = exercises.get("kinesis-poison-record").solution
    data = {"template": solution, "simulate": "0", "scenario-0": "poison"}
    page = html(client.post("/wiring/", data, HTTP_HX_REQUEST="true"))
    assert 'data-testid="wiring-simulation"' in page
    assert "data-flow" in page  # the diagrams' flow partial
    assert "Sent to the on-failure destination" in page
    assert "BisectBatchOnFunctionError" in page  # the settings the template gave


def test_invalid_yaml_is_a_4xx_in_plain_words_and_keeps_the_text(client):
    text = "Resources:\n  Queue:\n    Type: [unclosed\n"
    response = client.post("/wiring/", {"template": text})
    page = html(response)
    assert 400 <= response.status_code < 500
    assert "could not be read" in page and "line" in page
    assert "Type: [unclosed" in editor_text(page)


def test_oversize_template_is_refused_with_a_clear_message(client):
    text = "Resources: {}\n" + "# padding\n" * 30_000
    response = client.post("/wiring/", {"template": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "256 KB" in html(response)


def test_oversize_without_htmx_keeps_the_text(client):
    text = "Resources: {}\n" + "# padding\n" * 30_000
    response = client.post("/wiring/", {"template": text})
    assert response.status_code == 400
    assert editor_text(html(response)).count("# padding") == 30_000


def test_empty_template_is_a_4xx_not_a_crash(client):
    response = client.post("/wiring/", {"template": "   "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "empty" in html(response)


def test_check_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/wiring/", {"template": FAULTY}).status_code == 403


def test_checks_are_rate_limited_per_client(client, settings):
    settings.WIRING_CHECKS_PER_MINUTE = 2
    for _ in range(2):
        assert client.post("/wiring/", {"template": FAULTY}, HTTP_HX_REQUEST="true").status_code == 200
    refused = client.post("/wiring/", {"template": FAULTY}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert "Try again" in html(refused) and refused["Retry-After"]


def test_a_busy_lab_says_so(client, monkeypatch):
    from learn.wiring import views

    monkeypatch.setattr(views, "BUSY_WAIT_S", 0)
    taken = [views._checking.acquire(timeout=1) for _ in range(views.CHECKS_AT_ONCE)]
    try:
        response = client.post("/wiring/", {"template": FAULTY}, HTTP_HX_REQUEST="true")
    finally:
        for got in taken:
            if got:
                views._checking.release()
    assert response.status_code == 503
    assert "busy" in html(response)


def test_source_page_puts_each_note_beside_its_line(client):
    from learn.wiring import shipped

    wiring = shipped.load("kinesis")
    page = html(client.get("/wiring/kinesis/"))
    assert "Open in the lab" in page and 'href="/wiring/?from=kinesis"' in page
    placed = [note for note in wiring.notes if note.line]
    assert placed
    for note in placed:
        assert f"Note on line {note.line}" in page
    assert "The same with the AWS CLI" in page


def test_source_without_a_template_is_not_found(client):
    assert client.get("/wiring/no-such-source/").status_code == 404


def test_lesson_links_to_its_wiring(client):
    page = html(client.get("/sources/kinesis/"))
    assert 'href="/wiring/kinesis/"' in page


def test_navigation_names_the_wiring_lab(client):
    assert 'href="/wiring/"' in html(client.get("/"))


def test_exercise_index_lists_every_exercise(client):
    page = html(client.get("/wiring/exercises/"))
    for exercise in exercises.load().values():
        assert escape(exercise.title) in page


def test_exercise_page_starts_from_the_starter(client):
    page = html(client.get("/wiring/exercises/sqs-dlq-after-five/"))
    assert "JobsQueue:" in editor_text(page) and "RedrivePolicy" not in editor_text(page)


def test_exercise_check_gives_a_verdict_per_check(client):
    exercise = exercises.get("sqs-dlq-after-five")
    starter = client.post(
        "/wiring/exercises/sqs-dlq-after-five/",
        {"template": exercise.starter, "action": "check"},
        HTTP_HX_REQUEST="true",
    )
    assert "Not yet" in html(starter) and "Failed:" in html(starter)
    solved = client.post(
        "/wiring/exercises/sqs-dlq-after-five/",
        {"template": exercise.solution, "action": "check"},
        HTTP_HX_REQUEST="true",
    )
    assert "Passed: every check" in html(solved)
    assert "data-flow" in html(solved)


def test_exercise_start_over_brings_the_starter_back(client):
    response = client.post("/wiring/exercises/sqs-dlq-after-five/", {"template": "junk", "action": "reset"})
    assert "JobsQueue:" in editor_text(html(response))


def test_unknown_exercise_is_not_found(client):
    assert client.get("/wiring/exercises/nope/").status_code == 404


def test_simulate_works_without_javascript(client):
    solution = exercises.get("sqs-dlq-after-five").solution
    data = {"template": solution, "simulate": "0", "scenario-0": "poison"}
    page = html(client.post("/wiring/", data))
    assert "<nav" in page and 'data-testid="wiring-simulation"' in page
    assert "Moved to the queue" in page
    assert "RedrivePolicy" in editor_text(page)


def test_simulating_a_wiring_that_is_gone_says_so(client):
    data = {"template": FAULTY, "simulate": "7"}
    page = html(client.post("/wiring/", data, HTTP_HX_REQUEST="true"))
    assert "BatchSise" in page  # the findings still show
    assert "data-flow" not in page
    assert "no longer in the template" in page


def test_lesson_lists_its_wiring_exercises(client):
    page = html(client.get("/sources/sqs/"))
    assert 'href="/wiring/exercises/sqs-dlq-after-five/"' in page


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("[" * 5000, {}),
        ('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}', {"simulate": "-1"}),
        ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", {"simulate": "abc", "scenario-0": "<script>"}),
        ("just a sentence", {}),
        ("Resources: !Ref Nothing\n", {"simulate": "0"}),
    ],
)
def test_odd_input_never_fails_the_server(client, text, extra):
    response = client.post("/wiring/", {"template": text, **extra}, HTTP_HX_REQUEST="true")
    assert response.status_code < 500
    assert 'id="feedback"' in html(response)


def test_nul_bytes_are_refused_by_the_site_not_a_crash(client):
    response = client.post("/wiring/", {"template": "Resources:\x00"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400


def test_a_passed_exercise_is_marked_in_the_index(client):
    exercise = exercises.get("sqs-dlq-after-five")
    assert "Passed</span>" not in html(client.get("/wiring/exercises/"))
    client.post("/wiring/exercises/sqs-dlq-after-five/", {"template": exercise.solution, "action": "check"})
    index = html(client.get("/wiring/exercises/"))
    assert index.count("Passed</span>") == 1


def test_simulating_a_wiring_with_an_error_says_what_it_assumes(client):
    text = (Path(__file__).parent / "faulty" / "push-without-permission.yaml").read_text()
    page = html(client.post("/wiring/", {"template": text, "simulate": "0", "scenario-0": "function-error"}))
    assert 'data-testid="simulation-caveat"' in page
    assert page.index("simulation-caveat") < page.index("data-flow")  # above the diagram
    assert "assumes the missing invoke permission" in page
    assert "invocation is refused" in page


def test_simulating_a_clean_wiring_has_no_caveat(client):
    solution = (EXERCISES / "sqs-dlq-after-five" / "solution.yaml").read_text()
    page = html(client.post("/wiring/", {"template": solution, "simulate": "0", "scenario-0": "poison"}))
    assert 'data-testid="wiring-simulation"' in page
    assert "simulation-caveat" not in page


def test_the_home_page_has_cards_for_the_wiring_lab_and_its_exercises(client):
    page = html(client.get("/"))
    hands_on = page[page.index('id="hands-on-heading"') : page.index('id="models-heading"')]
    assert 'href="/wiring/"' in hands_on
    assert 'href="/wiring/exercises/"' in hands_on
    assert f"{len(exercises.load())} wiring exercises" in hands_on


def test_the_lab_keeps_a_draft_and_open_asks_first(client):
    page = html(client.get("/wiring/"))
    assert 'data-draft-key="wiring-lab"' in page
    assert "data-draft-restore" not in page  # the plain lab restores the learner's draft
    assert "data-confirm-replace" in page and "wiring/lab.js" in page
    chosen = html(client.get("/wiring/?from=kinesis"))
    assert 'data-draft-key="wiring-lab" data-draft-restore="offer"' in chosen  # a chosen template wins; draft offered


def test_source_page_is_one_numbered_listing_with_copy_and_download(client):
    from learn.wiring import shipped

    wiring = shipped.load("sqs")
    page = html(client.get("/wiring/sqs/"))
    assert page.count("data-wiring-listing") == 1 and '<pre class="wiring-code"' not in page
    lines = wiring.template.splitlines()
    assert page.count('class="wiring-line') == len(lines)
    assert f'id="L{len(lines)}"' in page
    assert 'data-copy="template-raw"' in page and 'data-copy="cli-raw"' in page
    assert 'href="/wiring/sqs/template.yaml" download' in page and 'href="/wiring/sqs/cli.sh" download' in page
    assert "wiring/source.js" in page and "<script>" not in page and " style=" not in page


def test_shipped_files_download_as_plain_text(client):
    from learn.wiring import shipped

    response = client.get("/wiring/sqs/template.yaml")
    assert response.status_code == 200
    assert response.content.decode() == shipped.load("sqs").template
    assert "attachment" in response["Content-Disposition"] and "sqs-template.yaml" in response["Content-Disposition"]
    cli = client.get("/wiring/sqs/cli.sh")
    assert cli.status_code == 200 and cli.content.decode() == shipped.load("sqs").cli
    assert client.get("/wiring/no-such-source/template.yaml").status_code == 404


def test_a_parse_error_marks_and_links_its_line(client):
    text = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n\tProperties: {}\n"
    page = html(client.post("/wiring/", {"template": text}))
    assert 'data-error-line="4"' in page
    assert 'data-goto-line="4">Line 4</a>' in page


def test_a_pass_links_to_the_next_exercise(client):
    ids = list(exercises.load())
    first = exercises.get(ids[0])
    page = html(client.post(f"/wiring/exercises/{first.id}/", {"template": first.solution}))
    assert 'data-testid="wiring-next"' in page
    assert f'href="/wiring/exercises/{ids[1]}/"' in page[page.index("wiring-next") :]


def test_the_settings_table_shows_defaults_the_template_leaves_out(client):
    page = html(client.post("/wiring/", {"template": FAULTY}))  # the mapping misspells BatchSize
    table = page[page.index("wiring-settings") :]
    assert "(default)" in table
    row = table[table.index('<code class="small">BatchSize</code>') :]
    assert "10" in row[: row.index("</tr>")] and "(default)" in row[: row.index("</tr>")]
