"""Predict-the-outcome items: every computed key is checked against a fresh engine run."""

from __future__ import annotations

import tomllib

import pytest

from learn import engine
from learn.quiz import predict

from ..conftest import CONTENT

PATH = CONTENT / "quiz" / "predict.toml"
ITEMS = predict.load(PATH)
TEMPLATES = {t["id"]: t for t in tomllib.loads(PATH.read_text())["templates"]}


def _scenario(item):
    template_id, _, suffix = item.id.partition("--")
    template = TEMPLATES[template_id]
    cases = template.get("cases") or [{"outcomes": template.get("outcomes", ["ok"])}]
    case = cases[int(suffix.rsplit("case-", 1)[1]) - 1] if "case-" in suffix else cases[0]
    settings = {**template.get("settings", {}), **case.get("settings", {})}
    for name, values in template.get("vary", {}).items():
        token = f"{name.replace('_', '-')}-"
        value = next(v for v in values if f"{token}{str(v).lower()}" in suffix)
        settings[name] = value
    return template, settings, case.get("outcomes", template.get("outcomes", ["ok"]))


def test_there_are_engine_computed_items_with_variants():
    assert len(ITEMS) >= 20
    assert len({i.id.partition("--")[0] for i in ITEMS}) < len(ITEMS)  # some templates have several variants


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_computed_key_matches_a_fresh_engine_run(item):
    template, settings, outcomes = _scenario(item)
    trace = engine.simulate(template["source"], settings, template.get("records", 1), outcomes)
    expected = predict.answer(trace, template.get("ask", "invocations"), template.get("record", "1"))
    assert [o.text for o in item.options if o.correct] == [expected]
    assert len(item.options) == 4 and all(o.rationale for o in item.options)


def test_variants_of_one_template_can_have_different_keys():
    keys = {o.text for i in ITEMS if i.id.startswith("predict-async-attempts--") for o in i.options if o.correct}
    assert keys == {"1", "2", "3"}


def test_a_template_whose_scenario_does_not_run_is_rejected(tmp_path):
    bad = tmp_path / "predict.toml"
    bad.write_text(
        PATH.read_text().replace(
            "settings = { redrive_policy = true }", "settings = { redrive_policy = true, batch_size = 0 }"
        )
    )
    with pytest.raises(Exception) as raised:
        predict.load(bad)
    assert "does not run" in str(raised.value)
