"""Freshness as a habit: `facts --stale`, the year-old warning, and the "What changed" log's validation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learn.catalog.freshness import future_dates, stale_sources

CHANGE = """
[[changes]]
date = {date}
title = "{title}"
summary = "Now says **what** changed."
lessons = [{lessons}]
"""


def test_stale_sources_are_those_older_than_the_limit_oldest_first(tree):
    tree.add_source("older")
    tree.add_source("newer")
    tree.edit("older", "last_verified = 2026-11-22", "last_verified = 2025-01-10")
    cat = tree.load()
    today = dt.date(2026, 12, 3)
    assert [(s.source.slug, s.age_days) for s in stale_sources(cat, 300, today)] == [("older", 692)]
    assert [s.source.slug for s in stale_sources(cat, 5, today)] == ["older", "newer"]
    assert stale_sources(cat, 700, today) == []
    assert stale_sources(cat, 5, today)[0].facts == cat.sources["older"].all_facts()


def test_a_future_date_is_reported(tree):
    tree.add_source("typo")
    tree.edit("typo", "last_verified = 2026-11-22", "last_verified = 2062-11-22")
    assert [s.slug for s in future_dates(tree.load(), dt.date(2026, 12, 3))] == ["typo"]


def test_facts_command_lists_the_facts_of_stale_sources(real_catalog):
    out = io.StringIO()
    call_command("facts", "--stale", "0", stdout=out)
    text = out.getvalue()
    sqs = real_catalog.sources["sqs"]
    assert f"sqs: last verified {sqs.last_verified.isoformat()}" in text
    assert sqs.all_facts()[0].doc in text
    assert f"{len(real_catalog.sources)} source(s)" in text


def test_facts_command_says_when_nothing_is_stale():
    out = io.StringIO()
    call_command("facts", "--stale", "100000", stdout=out)
    assert "No source was last verified more than 100000 days ago" in out.getvalue()


def test_facts_command_rejects_a_negative_age():
    with pytest.raises(CommandError):
        call_command("facts", "--stale", "-1")


def test_check_warns_but_does_not_fail_past_a_year(real_catalog):
    from learn.catalog.checks import freshness_warnings

    newest = max(s.last_verified for s in real_catalog.sources.values())
    assert freshness_warnings(today=newest) == []
    warnings = freshness_warnings(today=newest + dt.timedelta(days=800))
    assert {w.id for w in warnings} == {"catalog.W001"}
    assert len(warnings) == len(real_catalog.sources)
    assert all(w.level < 40 for w in warnings)  # WARNING, not ERROR: the site keeps working
    past = freshness_warnings(today=min(s.last_verified for s in real_catalog.sources.values()) - dt.timedelta(days=1))
    assert {w.id for w in past} == {"catalog.W002"}


def test_changes_load_newest_first_and_link_lessons_and_models(tree):
    tree.add_source("example")
    (tree.root / "changes.toml").write_text(
        CHANGE.format(date="2026-11-01", title="Older", lessons='"example"')
        + CHANGE.format(date="2026-12-03", title="Newer", lessons='"example", "model:async"')
    )
    cat = tree.load()
    assert [c.title for c in cat.changes] == ["Newer", "Older"]
    assert cat.changes[0].models == ("async",) and cat.changes[0].lessons == ("example",)
    assert "<strong>what</strong>" in cat.changes[0].summary_html
    assert [c.title for c in cat.changes_for("example")] == ["Newer", "Older"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (CHANGE.format(date="2026-12-03", title="X", lessons='"nope"'), "neither a source slug"),
        (CHANGE.format(date="2026-12-03", title="X", lessons=""), "must name at least one lesson"),
        (CHANGE.format(date='"yesterday"', title="X", lessons='"example"'), "must be a TOML date"),
        (CHANGE.format(date="2026-12-03", title="X", lessons='"example"') + 'colour = "red"\n', "not a known field"),
    ],
)
def test_a_bad_change_entry_fails_the_check_by_name(tree, entry, problem):
    tree.add_source("example")
    (tree.root / "changes.toml").write_text(entry)
    errors = tree.errors()
    assert any("changes.toml" in e and problem in e for e in errors), errors
