"""The bank's quality rules: each cue is caught on a small item built here, the blueprint draws exams in
proportion, and the shipped bank passes every rule and meets every goal."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from learn.catalog import content_dir
from learn.quiz import audit, blueprint, cues, questions
from learn.quiz.bank import Bank, Item, Option

PLAN = blueprint.load(content_dir() / "quiz" / "blueprint.toml")
RATIONALE = "This explains the option in enough words to be useful."


def option(key: str, text: str, correct: bool = False, rationale: str = "") -> Option:
    why = rationale or f"{RATIONALE} ({key})"
    return Option(key, text, text, correct, why, why)


def item(item_id: str = "t-one", options=None, stem: str = "A team runs a queue worker. What should it do?", **extra):
    options = options or [
        option("a", "Set a redrive policy with maxReceiveCount on the source queue", True),
        option("b", "Set a dead-letter queue on the function's asynchronous configuration"),
        option("c", "Raise the function timeout to fifteen minutes for every message"),
        option("d", "Add reserved concurrency to the function so messages wait"),
    ]
    fields = {
        "id": item_id,
        "type": "single",
        "stem": stem,
        "stem_html": stem,
        "choose": 1,
        "difficulty": 2,
        "sources": ("sqs",),
        "model": "poll",
        "exam": ("DVA-C02 1.2",),
        "misconceptions": (),
        "docs": ("https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html",),
        "last_verified": dt.date(2026, 12, 4),
        "options": tuple(options),
        "file": "content/quiz/items/t.toml",
    }
    return Item(**{**fields, **extra})


def problems(*items: Item) -> list[str]:
    return [e.message for e in audit.problems(Bank({i.id: i for i in items}, {}), PLAN)]


def test_a_clean_item_has_no_problem():
    assert problems(item()) == []


def test_length_cue_is_caught_unless_explained():
    lopsided = [
        option("a", "Configure a redrive policy with maxReceiveCount on the source queue and alarm on it", True),
        option("b", "Use a dead-letter queue"),
        option("c", "Raise the timeout"),
        option("d", "Add concurrency"),
    ]
    assert any("more than twice the shortest" in p for p in problems(item(options=lopsided)))
    assert problems(item(options=lopsided, length_reason="The key has to name two settings.")) == []


def test_stem_word_that_only_the_key_repeats_is_caught():
    stem = "A payroll team runs a queue worker for payslips. What should it do?"
    leaky = [
        option("a", "Send payslips through a redrive policy", True),
        option("b", "Set a dead-letter queue on the function"),
        option("c", "Raise the function timeout to fifteen minutes"),
        option("d", "Add reserved concurrency to the function"),
    ]
    assert any("'payslip'" in p for p in problems(item(stem=stem, options=leaky)))
    fixed = [leaky[0], option("b", "Send payslips to a dead-letter queue on the function"), *leaky[2:]]
    assert problems(item(stem=stem, options=fixed)) == []


def test_ordering_steps_that_print_their_quantity_are_caught():
    steps = [
        option("a", "The first retry, after about 1 minute", True),
        option("b", "The second retry", True),
        option("c", "The event expires after 6 hours", True),
    ]
    found = problems(item(type="ordering", options=steps))
    assert any("print the quantity" in p for p in found)


def test_templated_or_shared_rationales_are_caught():
    templated = [
        option("a", "Set a redrive policy on the queue", True),
        option("b", "Set a dead-letter queue on the function", rationale="The simulation does not give 3. One try."),
        option("c", "Raise the function timeout to fifteen minutes", rationale=RATIONALE),
        option("d", "Add reserved concurrency to the function", rationale=RATIONALE),
    ]
    found = problems(item(options=templated))
    assert any("templated" in p for p in found) and any("share one rationale" in p for p in found)


def test_scenario_stem_length_and_unknown_task_are_caught():
    assert any("45-120 words" in p for p in problems(item(scenario="cost")))
    assert any("not a task statement" in p for p in problems(item(exam=("DVA-C02 1.9",))))


def test_near_duplicate_keys_are_caught():
    first = item("t-one")
    second = item("t-two", stem="Another team with a different story asks something unrelated about workers here?")
    assert any("key nearly repeats" in p for p in problems(first, second))


def test_longest_correct_share_is_enforced_per_file():
    def longest_key(n: int) -> Item:
        return item(
            f"t-{n}",
            stem=f"Story number {n} about a queue worker and its settings today?",
            options=[
                option("a", f"Set a redrive policy on the queue number {n} now", True),
                option("b", f"Use a function DLQ {n}"),
                option("c", f"Raise the timeout {n}"),
                option("d", f"Add concurrency {n}"),
            ],
        )

    found = problems(*[longest_key(n) for n in range(10)])
    assert any("longest in 10 of 10" in p for p in found)


def test_blueprint_gap_is_a_goal_not_met():
    thin = Bank({i.id: i for i in [item(f"t-{n}", exam=("DVA-C02 1.2",)) for n in range(5)]}, {})
    goals = audit.goals(thin, PLAN)
    assert any("DVA-C02 domain 2 (Security)" in g for g in goals)
    assert any("SAA-C03 domain 4" in g for g in goals)


def test_quotas_follow_the_weights():
    assert PLAN.quotas("DVA-C02", 65) == {1: 21, 2: 17, 3: 15, 4: 12}
    assert PLAN.quotas("SAA-C03", 65) == {1: 19, 2: 17, 3: 16, 4: 13}
    assert sum(PLAN.quotas("DVA-C02", 15).values()) == 15


def test_draw_takes_each_domain_in_proportion_and_one_variant_per_template():
    pool = []
    for domain, task in ((1, "1.2"), (2, "2.1"), (3, "3.1"), (4, "4.1")):
        pool += [item(f"d{domain}-{n}", exam=(f"DVA-C02 {task}",)) for n in range(30)]
    pool += [item(f"predict-x--case-{n}", exam=("DVA-C02 1.2",)) for n in range(5)]
    drawn = PLAN.draw("DVA-C02", pool, 65, "seed")
    assert len(drawn) == len(set(drawn)) == 65
    by_domain = {d: sum(i.startswith(f"d{d}-") for i in drawn) for d in (2, 3, 4)}
    assert by_domain == {2: 17, 3: 15, 4: 12}
    assert sum(i.startswith("predict-x") for i in drawn) <= 1
    assert PLAN.draw("DVA-C02", pool, 65, "seed") == drawn  # the seed fixes the form
    assert PLAN.draw("SAA-C03", pool, 65, "seed") == []  # no item is tagged for that exam


def test_draw_fills_a_short_domain_from_the_others():
    pool = [item(f"d1-{n}", exam=("DVA-C02 1.2",)) for n in range(40)]
    pool += [item(f"d2-{n}", exam=("DVA-C02 2.1",)) for n in range(3)]
    drawn = PLAN.draw("DVA-C02", pool, 30, "s")
    assert len(drawn) == 30 and sum(i.startswith("d2-") for i in drawn) == 3


@pytest.fixture(scope="module")
def shipped():
    return questions.load()


def test_the_shipped_bank_has_no_cue_problem(shipped):
    found = audit.problems(shipped, questions.blueprint())
    assert [str(p) for p in found] == []


def test_the_shipped_bank_meets_every_goal(shipped):
    assert audit.goals(shipped, questions.blueprint()) == []


def test_the_shipped_bank_figures(shipped):
    figures = audit.stats(shipped, questions.blueprint())
    assert figures["longest_correct_share"] <= cues.LONGEST_CORRECT_MAX
    assert figures["scenario_share"] >= cues.SCENARIO_SHARE_MIN
    assert 45 <= figures["median_stem_words_scenarios"] <= 120


def test_a_65_question_form_of_each_exam_is_full(shipped):
    for code in ("DVA-C02", "SAA-C03"):
        drawn = questions.blueprint().draw(code, list(shipped.items.values()), 65, "x")
        assert len(drawn) == 65
        counts = {}
        for item_id in drawn:
            number = questions.blueprint().primary_domain(code, shipped.items[item_id]).number
            counts[number] = counts.get(number, 0) + 1
        assert counts == questions.blueprint().quotas(code, 65)


def test_scenario_flag_needs_the_constraint(shipped):
    sample = next(i for i in shipped.items.values() if i.type == "single")
    assert not cues.is_scenario(replace(sample, scenario=""))
