"""The blind key check: a form without keys, and scoring a reviewer's answers against the keys."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from learn.quiz import questions


def test_form_hides_keys_and_scoring_counts_agreement(tmp_path):
    form, keys = tmp_path / "exam.md", tmp_path / "keys.json"
    call_command("blind_form", "DVA-C02", "--size", "15", "--seed", "t", "--questions", str(form), "--keys", str(keys))
    answer_key = json.loads(keys.read_text())
    text = form.read_text()
    assert len(answer_key) == 15 and text.count("## Question ") == 15
    bank = questions.load()
    for row in answer_key.values():
        item = bank.items[row["id"]]
        assert len(row["key"]) == len(item.correct_keys)
        assert not any(o.rationale in text for o in item.options)  # no explanation leaks into the form
    answers = {n: row["key"] for n, row in answer_key.items()}
    answers["1"] = "F" if answer_key["1"]["key"] != "F" else "A"  # one dispute
    answers["2"] = "?"  # one skipped
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    out = io.StringIO()
    call_command("blind_form", "--score", str(tmp_path / "answers.json"), "--keys", str(keys), stdout=out)
    report = out.getvalue()
    assert "Answered 14 of 15; agreed with the key on 13" in report
    assert f"Q1 {answer_key['1']['id']}" in report


def test_ordering_steps_are_never_shown_already_in_order():
    from learn.quiz import questions
    from learn.quiz.grading import presented_options

    ordering = [item for item in questions.load().items.values() if item.type == "ordering"]
    assert ordering
    for item in ordering:
        for seed in range(40):
            shown = [o.key for o in presented_options(item, f"s{seed}")]
            assert shown != list(item.correct_keys), (item.id, seed)
